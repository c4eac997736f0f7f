package dev.hearth.app.assistant;

import dev.hearth.app.api.TinyModel;
import dev.hearth.engine.chat.ChatMessage;
import dev.hearth.engine.chat.Role;
import dev.hearth.engine.sampling.SamplerSettings;
import dev.hearth.engine.session.Cancellation;
import dev.hearth.engine.session.GenerationSession;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The model's thread as the window uses it: the warm-up after a load. */
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
}
