package dev.hearth.app.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CrashSafetyTest {
    private static final int KILLS = 20;

    @TempDir Path dir;

    @Test
    void everyCommittedMessageSurvivesSigkillAndTheCutReplyIsMarkedInterrupted() throws Exception {
        Path database = dir.resolve("hearth.db");
        Random random = new Random(20261123);
        Map<Long, Integer> committed = new HashMap<>();
        Set<Long> replies = new HashSet<>();
        int interruptedRounds = 0;
        for (int round = 0; round < KILLS; round++) {
            Process child = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(),
                    "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                    StreamingChild.class.getName(), database.toString(), String.valueOf(random.nextLong()))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            List<String> lines = new ArrayList<>();
            Thread reader = Thread.ofPlatform().start(() -> {
                try (var in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = in.readLine()) != null; ) {
                        synchronized (lines) {
                            lines.add(line);
                            lines.notifyAll();
                        }
                    }
                } catch (java.io.IOException e) {
                    // The child was killed mid-line; what was read before is what counts.
                }
            });
            synchronized (lines) {
                long deadline = System.currentTimeMillis() + 20_000;
                while (!lines.contains("ready") && child.isAlive() && System.currentTimeMillis() < deadline) lines.wait(100);
            }
            assertTrue(lines.contains("ready"), "round " + round + ": the child did not open the store");
            Thread.sleep(50 + random.nextInt(700));
            child.destroyForcibly();
            assertTrue(child.waitFor(10, TimeUnit.SECONDS));
            reader.join();

            Long begun = null;
            for (String line : lines) {
                String[] words = line.split(" ");
                switch (words[0]) {
                    case "committed" -> committed.merge(Long.parseLong(words[1]), Integer.parseInt(words[2]), Math::max);
                    case "begun" -> {
                        begun = Long.parseLong(words[1]);
                        replies.add(begun);
                    }
                    case "finished" -> begun = null;
                    default -> { }
                }
            }
            try (ConversationStore store = ConversationStore.open(database)) {
                assertEquals(List.of("ok"), store.integrityCheck(), "round " + round);
                for (var entry : committed.entrySet()) {
                    Message message = store.message(entry.getKey());
                    assertTrue(message.content().length() >= entry.getValue(),
                            "round " + round + ": message " + entry.getKey() + " lost committed text");
                    if (replies.contains(message.id())) {
                        assertTrue(expectedReply(message.content().length()).startsWith(message.content()), "reply text out of order");
                    } else {
                        assertTrue(message.content().startsWith("question "), "user message changed");
                    }
                    assertNotEquals(MessageStatus.STREAMING, message.status(), "a reply of the dead child is still streaming");
                }
                if (begun != null) {
                    Message cut = store.message(begun);
                    assertTrue(cut.status() == MessageStatus.INTERRUPTED || cut.status() == MessageStatus.COMPLETE);
                    if (cut.status() == MessageStatus.INTERRUPTED) {
                        assertEquals("crash", cut.stopReason());
                        interruptedRounds++;
                    }
                }
            }
        }
        assertTrue(interruptedRounds >= KILLS / 2, "only " + interruptedRounds + " kills hit a reply mid-stream");
        assertTrue(committed.size() > KILLS, "the children committed too little to test anything");
    }

    private static String expectedReply(int atLeast) {
        StringBuilder text = new StringBuilder();
        for (int k = 0; text.length() < atLeast; k++) text.append(StreamingChild.piece(k));
        return text.toString();
    }
}
