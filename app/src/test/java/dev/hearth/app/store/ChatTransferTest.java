package dev.hearth.app.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChatTransferTest {
    @TempDir Path dir;

    private Path chatGptSample() throws Exception {
        Path file = dir.resolve("conversations.json");
        try (InputStream in = getClass().getResourceAsStream("chatgpt-conversations.json")) {
            Files.copy(in, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        return file;
    }

    private static void fill(ConversationStore store) {
        Conversation chat = store.createConversation(new NewConversation("Trip \"plans\" / 旅行", "llama", "Be kind.", "{\"temperature\":0.6,\"top_p\":0.9}"));
        Message q = store.addUserMessage(chat.id(), null, "Where in 東京?\nLine two.");
        ReplyWriter a = store.beginReply(chat.id(), q.id(), "llama");
        a.append("Shinjuku.");
        a.finish(new ReplyStats(3, 17.25, "eos"));
        ReplyWriter b = store.beginReply(chat.id(), q.id(), "llama");
        b.append("Asakusa");
        b.cancel();
        store.selectBranch(a.messageId());
        store.setPinned(chat.id(), true);
        store.createConversation(NewConversation.titled("empty"));
    }

    @Test
    void jsonExportImportExportIsByteForByteIdentical() throws Exception {
        Path first = dir.resolve("first.json"), second = dir.resolve("second.json");
        try (ConversationStore store = ConversationStore.open(dir.resolve("a.db"))) {
            fill(store);
            store.exportJson(first, Optional.empty());
        }
        try (ConversationStore store = ConversationStore.open(dir.resolve("b.db"))) {
            ImportSummary summary = store.importFile(first);
            assertEquals(new ImportSummary("Hearth", 2, 3, 0, 0, 0), summary);
            store.exportJson(second, Optional.empty());
            assertEquals(Files.readString(first), Files.readString(second));
            assertEquals(new ImportSummary("Hearth", 0, 0, 0, 0, 2), store.importFile(first), "importing twice adds nothing");
            Conversation trip = store.listConversations().stream().filter(ConversationSummary::pinned).findFirst()
                    .map(s -> store.conversation(s.id())).orElseThrow();
            assertEquals(List.of("Where in 東京?\nLine two.", "Shinjuku."), store.currentBranch(trip.id()).stream().map(Message::content).toList());
        }
    }

    @Test
    void importsEveryBranchOfAChatGptExportAndCountsWhatItSkipped() throws Exception {
        try (ConversationStore store = ConversationStore.open(dir.resolve("hearth.db"))) {
            ImportSummary summary = store.importFile(chatGptSample());
            assertEquals(new ImportSummary("ChatGPT", 2, 7, 1, 2, 0), summary);
            assertEquals("Imported 2 conversations and 7 messages from a ChatGPT export; skipped 3 (1 without text,"
                    + " 2 system or tool messages, 0 conversations already present).", summary.describe());

            Conversation weather = store.findConversation("6a1f0c2e-0000-4000-8000-000000000001").orElseThrow();
            assertEquals("Weather in Tokyo", weather.title());
            assertEquals(1718000000250L, weather.created().toEpochMilli());
            Map<String, Message> byText = store.messages(weather.id()).stream().collect(Collectors.toMap(Message::content, Function.identity()));
            Message question = byText.get("東京の天気は？");
            assertNull(question.parentId(), "the null root and the empty system message are gone; the question is the first message");
            assertEquals(List.of("東京は晴れです。", "Tokyo is sunny today."),
                    store.siblings(byText.get("東京は晴れです。").id()).stream().map(Message::content).toList());
            Message afterImage = byText.get("That photo shows Mount Fuji.");
            assertEquals(byText.get("東京は晴れです。").id(), afterImage.parentId(), "children of a skipped image-only message hang on its parent");
            assertEquals(afterImage.id(), weather.currentLeafId());
            assertEquals("gpt-4o", byText.get("東京は晴れです。").model());

            Conversation files = store.listConversations().stream().filter(s -> s.title().equals("Reading files"))
                    .map(s -> store.conversation(s.id())).findFirst().orElseThrow();
            assertEquals(List.of("How do I read a file in Java?", "Use Files.readString(path).", "What is in this picture?"),
                    store.currentBranch(files.id()).stream().map(Message::content).toList());
            assertEquals(new ImportSummary("ChatGPT", 0, 0, 0, 0, 2), store.importFile(chatGptSample()));
        }
    }

    @Test
    void badImportFilesAreSentencesAndImportNothing() throws Exception {
        try (ConversationStore store = ConversationStore.open(dir.resolve("hearth.db"))) {
            Path object = Files.writeString(dir.resolve("object.json"), "{\"title\": 1}");
            assertEquals("Cannot import " + object + ": expected a JSON array of conversations (a Hearth export or ChatGPT's conversations.json), found an object.",
                    assertThrows(StoreException.class, () -> store.importFile(object)).getMessage());
            Path broken = Files.writeString(dir.resolve("broken.json"), "[{\"id\": \"x\", \"messages\": [}");
            assertTrue(assertThrows(StoreException.class, () -> store.importFile(broken)).getMessage()
                    .startsWith("Cannot import " + broken + ": it is not valid JSON ("));
            Path zip = Files.write(dir.resolve("export.zip"), new byte[] {'P', 'K', 3, 4, 0, 0});
            assertEquals("Cannot import " + zip + ": it is a zip archive; unzip it and import the conversations.json inside.",
                    assertThrows(StoreException.class, () -> store.importFile(zip)).getMessage());
            Path orphan = Files.writeString(dir.resolve("orphan.json"), """
                    [{"id":"c1","title":"ok","created":"2026-01-01T00:00:00Z","updated":"2026-01-01T00:00:00Z","messages":[]},
                     {"id":"c2","title":"bad","created":"2026-01-01T00:00:00Z","updated":"2026-01-01T00:00:00Z",
                      "messages":[{"id":"m1","parent":"nowhere","role":"user","content":"hi","created":"2026-01-01T00:00:00Z"}]}]""");
            assertEquals("Cannot import " + orphan + ", conversation 2: message m1 refers to parent nowhere, which is not in the conversation.",
                    assertThrows(StoreException.class, () -> store.importFile(orphan)).getMessage());
            assertEquals(0, store.listConversations().size(), "a failed import leaves nothing behind, not even the valid first conversation");
        }
    }

    @Test
    void markdownExportWritesOneSafelyNamedFilePerConversation() throws Exception {
        Path out = dir.resolve("md");
        try (ConversationStore store = ConversationStore.open(dir.resolve("hearth.db"))) {
            fill(store);
            store.createConversation(NewConversation.titled("../../etc/passwd"));
            List<Path> files = store.exportMarkdown(out, Optional.empty());
            assertEquals(3, files.size());
            for (Path file : files) assertEquals(out, file.getParent());
            Path trip = files.stream().filter(f -> f.getFileName().toString().startsWith("Trip-plans-旅行-")).findFirst().orElseThrow();
            String text = Files.readString(trip);
            assertTrue(text.startsWith("# Trip \"plans\" / 旅行\n"), text);
            assertTrue(text.contains("## User\n\nWhere in 東京?\nLine two.\n\n## Assistant\n\nShinjuku.\n"), text);
            assertTrue(text.contains("this file shows the current branch (2 of 3 messages)"), text);
            assertTrue(files.stream().anyMatch(f -> f.getFileName().toString().startsWith("etc-passwd-")));
        }
        assertEquals("conversation-abcdef12.md", MarkdownExport.fileName("...", "abcdef12-3456"));
        assertEquals("a".repeat(60) + "-abcdef12.md", MarkdownExport.fileName("a".repeat(100), "abcdef12-3456"));
    }
}
