package dev.hearth.app.assistant;

import dev.hearth.app.api.TinyModel;
import dev.hearth.engine.chat.ChatMessage;
import dev.hearth.engine.chat.Role;
import dev.hearth.engine.sampling.SamplerSettings;
import dev.hearth.engine.session.Cancellation;
import dev.hearth.engine.session.GenerationEvent;
import dev.hearth.engine.session.GenerationSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The model's thread as the window uses it: loading within free memory, the warm-up after a load, and replies that start when the window lets them. */
class AssistantTest {

    private static final List<ChatMessage> HELLO = List.of(new ChatMessage(Role.USER, "hello"));

    @Test
    void afterALoadTheEngineWarmsUpUntilTheFirstRequest() throws Exception {
        try (Assistant assistant = new Assistant()) {
            assistant.load(TinyModel.file(), 512, 1).get(60, TimeUnit.SECONDS);
            int rounds = assistant.warmedUp().get(60, TimeUnit.SECONDS);
            assertTrue(rounds > 0, "the warm-up ran, " + rounds + " rounds");
            var reply = assistant.reply(HELLO, SamplerSettings.GREEDY, 8, new Cancellation(), e -> {}).get(60, TimeUnit.SECONDS);
            assertTrue(reply.promptTokens() > 0);

            assistant.load(TinyModel.file(), 512, 1).get(60, TimeUnit.SECONDS);
            assistant.reply(HELLO, SamplerSettings.GREEDY, 8, new Cancellation(), e -> {}).get(60, TimeUnit.SECONDS);
            assertTrue(assistant.warmedUp().isDone(), "the reply ran after the warm-up stopped");
            assertTrue(assistant.warmedUp().get() < GenerationSession.WARM_UP_ROUNDS,
                    "a request right after the load cut the warm-up short: " + assistant.warmedUp().get() + " rounds");
        }
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void theModelsThreadsRunBehindTheWindowAtALowerPriority() throws Exception {
        try (Assistant assistant = new Assistant()) {
            assistant.load(TinyModel.file(), 512, 2).get(60, TimeUnit.SECONDS);
            Map<String, Integer> nice = niceByThreadName();
            assertEquals(BackgroundPriority.NICE, nice.get("hearth-generati"), "generation thread; all threads: " + nice);
            assertEquals(BackgroundPriority.NICE, nice.get("hearth-worker-1"), "its worker; all threads: " + nice);
            nice.forEach((thread, value) -> {
                if (!thread.startsWith("hearth-")) assertEquals(0, value, thread + " keeps its priority; all threads: " + nice);
            });
        }
    }

    /** The nice value of this process's threads by name (Linux: the 19th field of /proc/self/task/TID/stat). */
    private static Map<String, Integer> niceByThreadName() throws IOException {
        Map<String, Integer> nice = new HashMap<>();
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : tasks.toList()) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"));
                } catch (IOException gone) {
                    continue;
                }
                String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                String[] after = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                nice.put(name, Integer.parseInt(after[16]));
            }
        }
        return nice;
    }

    @Test
    void aReplyStartsWhenItsCallerLetsItAndWithoutThatAfterAQuarterSecond() throws Exception {
        try (Assistant assistant = new Assistant()) {
            assistant.load(TinyModel.file(), 512, 1).get(60, TimeUnit.SECONDS);
            List<GenerationEvent> events = new CopyOnWriteArrayList<>();
            CompletableFuture<Void> goAhead = new CompletableFuture<>();
            var reply = assistant.reply(HELLO, SamplerSettings.GREEDY, 4, new Cancellation(), events::add, goAhead);
            Thread.sleep(100);
            assertTrue(events.isEmpty(), "nothing is read before the go-ahead: " + events);
            goAhead.complete(null);
            reply.get(60, TimeUnit.SECONDS);
            assertTrue(events.getLast() instanceof GenerationEvent.Done);

            long start = System.nanoTime();
            assistant.reply(HELLO, SamplerSettings.GREEDY, 4, new Cancellation(), e -> {}, new CompletableFuture<>()).get(60, TimeUnit.SECONDS);
            assertTrue(System.nanoTime() - start >= Assistant.START_WAIT_MILLIS * 1_000_000L, "it waited for a go-ahead that never came");
            assertFalse(assistant.withSession(session -> session.cachedTokens() == 0).get(60, TimeUnit.SECONDS), "and then replied");
        }
    }

    /** The window's load path refuses a context whose cache would not fit in free memory, as the API's ModelHost does. */
    @Test
    void aContextThatDoesNotFitInFreeMemoryIsRefusedWithTheEstimateAndASmallerOneLoads() {
        try (Assistant assistant = new Assistant()) {
            CompletionException e = assertThrows(CompletionException.class,
                    () -> assistant.load(TinyModel.file(), 131_072, 1, () -> 64L << 20).join());
            ModelLoadException refused = assertInstanceOf(ModelLoadException.class, e.getCause());
            assertTrue(refused.getMessage().startsWith("At a context of 131072 tokens, this model needs about "), refused.getMessage());
            assertTrue(refused.getMessage().endsWith("but only 64 MiB is available; choose a smaller context or a smaller model."),
                    refused.getMessage());
            assertNull(assistant.loaded());

            Assistant.Loaded loaded = assistant.load(TinyModel.file(), 512, 1, () -> 64L << 20).join();
            assertEquals(512, loaded.context());
        }
    }
}
