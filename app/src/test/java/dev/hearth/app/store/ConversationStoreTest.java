package dev.hearth.app.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConversationStoreTest {
    @TempDir Path dir;

    private ConversationStore open() {
        return ConversationStore.open(DataDir.prepare(dir.resolve("data")));
    }

    @Test
    void regeneratingAndEditingCreateSiblingBranchesTheUserCanSwitchBetween() {
        try (ConversationStore store = open()) {
            Conversation chat = store.createConversation(NewConversation.titled("Trip"));
            Message question = store.addUserMessage(chat.id(), null, "Where should I stay in Kyoto?");
            ReplyWriter first = store.beginReply(chat.id(), question.id(), "llama-3.1-8b");
            first.append("Near the station.");
            first.finish(new ReplyStats(4, 21.5, "eos"));
            ReplyWriter second = store.beginReply(chat.id(), question.id(), "llama-3.1-8b");
            second.append("In Gion.");
            second.finish(new ReplyStats(3, 20.0, "eos"));
            Message edited = store.addUserMessage(chat.id(), null, "Where should I stay in Osaka?");

            assertEquals(List.of(question.id(), edited.id()), store.siblings(edited.id()).stream().map(Message::id).toList());
            assertEquals(List.of(first.messageId(), second.messageId()), store.siblings(first.messageId()).stream().map(Message::id).toList());
            assertEquals(List.of(edited.id()), store.currentBranch(chat.id()).stream().map(Message::id).toList());

            List<Message> branch = store.selectBranch(question.id());
            assertEquals(List.of("Where should I stay in Kyoto?", "In Gion."), branch.stream().map(Message::content).toList());
            branch = store.selectBranch(first.messageId());
            assertEquals(List.of("Where should I stay in Kyoto?", "Near the station."), branch.stream().map(Message::content).toList());
            assertEquals(4, store.messages(chat.id()).size());

            Message reply = store.message(first.messageId());
            assertEquals(MessageStatus.COMPLETE, reply.status());
            assertEquals(4, reply.tokens());
            assertEquals(21.5, reply.tokensPerSecond());
            assertEquals("eos", reply.stopReason());
            assertEquals("llama-3.1-8b", reply.model());
            assertEquals(4, store.listConversations().getFirst().messages());
        }
    }

    @Test
    void conversationSettingsPinsAndDeletionPersistAcrossReopen() {
        long id;
        try (ConversationStore store = open()) {
            Conversation chat = store.createConversation(new NewConversation("Code", "m.gguf", "Be brief.", "{\"temperature\":0.7}"));
            store.createConversation(NewConversation.titled("Other"));
            Conversation doomed = store.createConversation(NewConversation.titled("Doomed"));
            store.addUserMessage(doomed.id(), null, "bye");
            store.renameConversation(chat.id(), "Java code");
            store.setPinned(chat.id(), true);
            store.deleteConversation(doomed.id());
            id = chat.id();
        }
        try (ConversationStore store = open()) {
            Conversation chat = store.conversation(id);
            assertEquals("Java code", chat.title());
            assertEquals("Be brief.", chat.systemPrompt());
            assertEquals("{\"temperature\":0.7}", chat.samplingJson());
            assertEquals(List.of("Java code", "Other"), store.listConversations().stream().map(ConversationSummary::title).toList());
            assertTrue(store.findConversation(chat.uuid().substring(0, 8)).isPresent());
            StoreException missing = assertThrows(StoreException.class, () -> store.deleteConversation(9999));
            assertEquals("Cannot delete the conversation: there is no conversation with id 9999.", missing.getMessage());
            assertThrows(StoreException.class, () -> store.configureConversation(id, null, null, "{not json"));
        }
    }

    @Test
    void rejectsAParentFromAnotherConversation() {
        try (ConversationStore store = open()) {
            Conversation a = store.createConversation(NewConversation.titled("a"));
            Conversation b = store.createConversation(NewConversation.titled("b"));
            Message inA = store.addUserMessage(a.id(), null, "hi");
            StoreException e = assertThrows(StoreException.class, () -> store.addUserMessage(b.id(), inA.id(), "hello"));
            assertEquals("Message " + inA.id() + " is not part of conversation " + b.id() + ".", e.getMessage());
            assertEquals(0, store.messages(b.id()).size());
        }
    }

    @Test
    void settingsAndKnownModelsRoundTrip() throws Exception {
        try (ConversationStore store = open()) {
            store.putSetting("theme", new ObjectMapper().readTree("{\"name\":\"dark\",\"scale\":1.25}"));
            store.putSetting("theme", new ObjectMapper().readTree("{\"name\":\"light\"}"));
            assertEquals("light", store.setting("theme").orElseThrow().get("name").asText());
            assertEquals(Optional.empty(), store.setting("absent"));
            store.rememberModel(new KnownModel("/m/a.gguf", "Llama A", 4_900_000_000L, "Q4_K_M", Instant.ofEpochMilli(1000)));
            store.rememberModel(new KnownModel("/m/b.gguf", "Llama B", 8_500_000_000L, "Q8_0", Instant.ofEpochMilli(2000)));
            store.rememberModel(new KnownModel("/m/c.gguf", "Never used", 1L, null, null));
            assertEquals(List.of("/m/b.gguf", "/m/a.gguf", "/m/c.gguf"), store.knownModels().stream().map(KnownModel::path).toList());
            store.forgetModel("/m/a.gguf");
            assertEquals(2, store.knownModels().size());
            assertNull(store.knownModels().getLast().quant());
        }
    }

    @Test
    void dataFolderAndDatabaseAreOwnerOnly() throws Exception {
        try (ConversationStore store = open()) {
            store.createConversation(NewConversation.titled("private"));
        }
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("data"))));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("data/models"))));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("data/hearth.db"))));
    }

    @Test
    void twoStoresOnOneFileWriteConcurrentlyAndBothSucceed() throws Exception {
        Path database = DataDir.prepare(dir.resolve("data"));
        try (ConversationStore gui = ConversationStore.open(database); ConversationStore cli = ConversationStore.open(database)) {
            Conversation a = gui.createConversation(NewConversation.titled("gui"));
            Conversation b = cli.createConversation(NewConversation.titled("cli"));
            Thread other = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 200; i++) cli.addUserMessage(b.id(), null, "cli " + i);
            });
            for (int i = 0; i < 200; i++) gui.addUserMessage(a.id(), null, "gui " + i);
            other.join();
            assertEquals(200, gui.messages(b.id()).size());
            assertEquals(200, cli.messages(a.id()).size());
        }
        try (Connection raw = DriverManager.getConnection("jdbc:sqlite:" + database);
             ResultSet mode = raw.createStatement().executeQuery("PRAGMA journal_mode")) {
            mode.next();
            assertEquals("wal", mode.getString(1));
        }
    }

    @Test
    void backupIsAConsistentCopyTakenWhileOpen() {
        Path copy = dir.resolve("copy.db");
        try (ConversationStore store = open()) {
            Conversation chat = store.createConversation(NewConversation.titled("keep me"));
            store.addUserMessage(chat.id(), null, "important");
            store.backupTo(copy);
            StoreException again = assertThrows(StoreException.class, () -> store.backupTo(copy));
            assertTrue(again.getMessage().endsWith("already exists."), again.getMessage());
        }
        try (ConversationStore restored = ConversationStore.open(copy)) {
            assertEquals("keep me", restored.listConversations().getFirst().title());
            assertEquals(List.of("ok"), restored.integrityCheck());
        }
    }
}
