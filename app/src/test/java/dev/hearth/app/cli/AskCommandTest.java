package dev.hearth.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hearth.app.api.TinyModel;
import dev.hearth.app.store.Conversation;
import dev.hearth.app.store.ConversationStore;
import dev.hearth.app.store.ConversationSummary;
import dev.hearth.app.store.DataDir;
import dev.hearth.app.store.Message;
import dev.hearth.app.store.MessageStatus;
import dev.hearth.app.store.Role;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hearth ask} run in-process with the tiny model, and fed broken model files. */
class AskCommandTest {
    @TempDir Path dir;

    static CliRun hearth(String... args) {
        return CliRun.of(args);
    }

    private CliRun ask(String... rest) {
        String[] head = {"--data-dir", dir.resolve("data").toString(), "ask", "--threads", "1", "--context", "512", "--seed", "3", "--temperature", "0"};
        String[] args = Arrays.copyOf(head, head.length + rest.length);
        System.arraycopy(rest, 0, args, head.length, rest.length);
        return hearth(args);
    }

    private ConversationStore store() {
        return ConversationStore.open(DataDir.prepare(dir.resolve("data")));
    }

    @Test
    void streamsTheAnswerAndStoresTheTurnWithStats() {
        CliRun result = ask("--model", TinyModel.file().toString(), "--max-tokens", "20", "What is a hearth?");
        assertEquals(0, result.exit(), result.err());
        try (ConversationStore store = store()) {
            List<ConversationSummary> conversations = store.listConversations();
            assertEquals(1, conversations.size());
            assertEquals("What is a hearth?", conversations.getFirst().title());
            List<Message> branch = store.currentBranch(store.findConversation(conversations.getFirst().uuid()).orElseThrow().id());
            assertEquals(2, branch.size());
            assertEquals(Role.USER, branch.get(0).role());
            assertEquals("What is a hearth?", branch.get(0).content());
            Message reply = branch.get(1);
            assertEquals(Role.ASSISTANT, reply.role());
            assertEquals(MessageStatus.COMPLETE, reply.status());
            assertEquals(reply.content() + "\n", result.out());
            assertTrue(reply.tokens() >= 1 && reply.tokens() <= 20, "tokens " + reply.tokens());
            assertTrue(List.of("eos", "length").contains(reply.stopReason()), reply.stopReason());
            assertEquals(TinyModel.file().getFileName().toString().replace(".gguf", ""), reply.model());
            assertTrue(result.err().contains("--conversation " + conversations.getFirst().uuid().substring(0, 8)), result.err());
        }
    }

    @Test
    void continuesAConversationGivenItsId() {
        ask("--model", TinyModel.file().toString(), "--max-tokens", "5", "First question");
        String id;
        try (ConversationStore store = store()) {
            id = store.listConversations().getFirst().uuid().substring(0, 8);
        }
        CliRun second = ask("--model", TinyModel.file().toString(), "--max-tokens", "5", "--conversation", id, "Second question");
        assertEquals(0, second.exit(), second.err());
        try (ConversationStore store = store()) {
            assertEquals(1, store.listConversations().size());
            Conversation conversation = store.findConversation(id).orElseThrow();
            List<Message> branch = store.currentBranch(conversation.id());
            assertEquals(4, branch.size());
            assertEquals("Second question", branch.get(2).content());
            assertEquals(branch.get(1).id(), branch.get(2).parentId());
        }
        CliRun missing = ask("--model", TinyModel.file().toString(), "--conversation", "ffffffff", "Hello");
        assertEquals(1, missing.exit());
        assertEquals("There is no conversation with id ffffffff.\n", missing.err());
    }

    @Test
    void aConversationLongerThanTheContextKeepsItsNewestTurnsAndSaysSo() {
        String paragraph = "the quick brown fox jumps over a lazy dog ".repeat(4);
        CliRun first = ask("--model", TinyModel.file().toString(), "--max-tokens", "4", paragraph);
        String id = first.err().substring(first.err().indexOf("--conversation ") + 15, first.err().indexOf("--conversation ") + 23);
        for (int i = 0; i < 5; i++) {
            CliRun next = ask("--model", TinyModel.file().toString(), "--max-tokens", "4", "--conversation", id, paragraph + i);
            assertEquals(0, next.exit(), next.err());
            if (next.err().contains("left out")) {
                assertTrue(next.err().contains("context of 512 tokens"), next.err());
                assertTrue(next.err().matches("(?s).*the oldest \\d+ messages? (was|were) left out.*"), next.err());
                return;
            }
        }
        throw new AssertionError("six long turns never exceeded a 512-token context");
    }

    @Test
    void aMessageLongerThanTheContextIsRefusedButKept() {
        CliRun result = ask("--model", TinyModel.file().toString(), "the quick brown fox jumps over a lazy dog ".repeat(30));
        assertEquals(1, result.exit());
        assertTrue(result.err().contains("more than the model's context of 512 tokens; shorten it or give a larger --context."), result.err());
        try (ConversationStore store = store()) {
            assertEquals(1, store.listConversations().getFirst().messages());
        }
    }

    @Test
    void aMissingModelIsOneSentenceAndTheMessageIsStillStored() {
        CliRun result = ask("--model", dir.resolve("nowhere.gguf").toString(), "Hello?");
        assertEquals(1, result.exit());
        assertEquals("There is no model file at " + dir.resolve("nowhere.gguf") + ".", lastLine(result.err()));
        try (ConversationStore store = store()) {
            assertEquals(1, store.listConversations().getFirst().messages());
        }
    }

    @Test
    void aModelOfAnotherArchitectureIsRefusedByName() throws Exception {
        byte[] bytes = Files.readAllBytes(TinyModel.file());
        byte[] key = "general.architecture".getBytes(StandardCharsets.US_ASCII);
        int at = indexOf(bytes, key) + key.length + 4 + 8;
        assertEquals("llama", new String(bytes, at, 5, StandardCharsets.US_ASCII));
        System.arraycopy("qwen2".getBytes(StandardCharsets.US_ASCII), 0, bytes, at, 5);
        Path qwen = Files.write(dir.resolve("qwen.gguf"), bytes);
        CliRun result = ask("--model", qwen.toString(), "Hello?");
        assertEquals(1, result.exit());
        assertTrue(lastLine(result.err()).contains("this is a 'qwen2' model; Hearth runs Llama models"), result.err());
    }

    @Test
    void brokenModelFilesGiveExitOneWithOneSentenceAndNoStackTrace() throws Exception {
        byte[] good = Files.readAllBytes(TinyModel.file());
        SplittableRandom random = new SplittableRandom(11);
        java.util.Map<String, byte[]> files = new java.util.LinkedHashMap<>();
        files.put("empty.gguf", new byte[0]);
        files.put("text.gguf", "this is not a model\n".getBytes(StandardCharsets.UTF_8));
        files.put("garbage.gguf", random.ints(4096, 0, 256).collect(() -> new ByteArrayOutputStream(), (o, b) -> o.write(b), (a, b) -> {}).toByteArray());
        for (int cut : new int[] {3, 16, 200, good.length / 3, good.length - 1}) files.put("truncated-" + cut + ".gguf", Arrays.copyOf(good, cut));
        for (int i = 0; i < 12; i++) {
            byte[] mutated = good.clone();
            int header = Math.min(mutated.length, 64 * 1024);
            for (int j = 0; j < 4; j++) mutated[random.nextInt(8, header)] = (byte) random.nextInt(256);
            files.put("mutated-" + i + ".gguf", mutated);
        }
        files.put("folder", null);
        int refused = 0;
        for (var file : files.entrySet()) {
            Path path = dir.resolve(file.getKey());
            if (file.getValue() == null) Files.createDirectories(path);
            else Files.write(path, file.getValue());
            CliRun result = ask("--model", path.toString(), "--max-tokens", "3", "Hi");
            String sentence = lastLine(result.err());
            assertFalse(result.err().contains("\tat ") || result.err().contains("Exception"), file.getKey() + ": " + result.err());
            if (result.exit() == 0) {
                // A mutation that hit only a value the model tolerates (e.g. a metadata string) still answers.
                assertTrue(file.getKey().startsWith("mutated-"), file.getKey() + " was accepted");
                continue;
            }
            refused++;
            assertEquals(1, result.exit(), file.getKey() + ": " + result.err());
            assertTrue(sentence.endsWith("."), file.getKey() + ": " + sentence);
            assertTrue(sentence.contains(path.toString()) || sentence.contains(file.getKey()), file.getKey() + ": " + sentence);
        }
        assertTrue(refused >= 10, "refused " + refused + " of " + files.size());
    }

    private static String lastLine(String text) {
        List<String> lines = text.lines().toList();
        return lines.isEmpty() ? "" : lines.getLast();
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) if (haystack[i + j] != needle[j]) continue outer;
            return i;
        }
        throw new AssertionError("not found");
    }
}
