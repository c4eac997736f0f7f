package dev.hearth.app.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MigrationsTest {
    @TempDir Path dir;

    /** A database as a Hearth with schema {@code version} left it, with a conversation in it. */
    private Path databaseAtVersion(int version) throws Exception {
        Path database = dir.resolve("hearth.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + database); Statement s = c.createStatement()) {
            CjkBigrams.register(c);
            for (int step = 1; step <= version; step++) Migrations.apply(c, step);
            s.execute("INSERT INTO conversations(uuid, title, created_at, updated_at) VALUES ('c-1', 'Old chat', 1000, 2000)");
            s.execute("INSERT INTO messages(uuid, conversation_id, parent_id, role, content, created_at) VALUES ('m-1', 1, NULL, 'user', '東京の天気を教えて', 1000)");
            s.execute("INSERT INTO messages(uuid, conversation_id, parent_id, role, content, created_at, status) VALUES ('m-2', 1, 1, 'assistant', 'It is sunny in Tokyo', 1500, 'streaming')");
            s.execute("UPDATE conversations SET current_leaf_id = 2");
        }
        return database;
    }

    @Test
    void upgradesEveryEarlierVersionWithItsDataAfterBackingItUp() throws Exception {
        for (int version = 1; version < Migrations.latest(); version++) {
            Path database = databaseAtVersion(version);
            try (ConversationStore store = ConversationStore.open(database)) {
                assertEquals(List.of("Old chat"), store.listConversations().stream().map(ConversationSummary::title).toList());
                assertEquals(2, store.currentBranch(1).size());
                assertEquals("m-1", store.search("東京", 5).getFirst().messageUuid());
                assertEquals("m-1", store.search("て", 5).getFirst().messageUuid(), "one character, last of its run, through the bigram index");
                assertEquals("m-2", store.search("sunny", 5).getFirst().messageUuid());
                assertEquals(MessageStatus.INTERRUPTED, store.message(2).status(), "a reply streaming before the upgrade is kept as interrupted");
                assertEquals(List.of("ok"), store.integrityCheck());
                assertDocumentsWork(store);
                assertNewMessagesAreIndexed(store);
            }
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + database)) {
                assertEquals(Migrations.latest(), Migrations.version(c));
            }
            try (Stream<Path> files = Files.list(dir)) {
                Path backup = files.filter(p -> p.getFileName().toString().startsWith("hearth.db.before-v" + Migrations.latest())).findFirst().orElseThrow();
                try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + backup);
                     ResultSet rows = c.createStatement().executeQuery("SELECT content FROM messages WHERE uuid = 'm-1'")) {
                    assertEquals(version, Migrations.version(c));
                    assertTrue(rows.next());
                    assertEquals("東京の天気を教えて", rows.getString(1));
                }
                Files.delete(backup);
            }
            Files.delete(database);
        }
    }

    /** Step 4's triggers index what is written after the upgrade, including streamed text, and forget deleted messages. */
    private static void assertNewMessagesAreIndexed(ConversationStore store) {
        long chat = store.createConversation(NewConversation.titled("new")).id();
        Message question = store.addUserMessage(chat, null, "鯨を見た");
        ReplyWriter reply = store.beginReply(chat, question.id(), "m");
        reply.append("白い鯨");
        reply.finish(new ReplyStats(2, 1, "eos"));
        assertEquals(2, store.search("鯨", 5).size());
        store.deleteConversation(chat);
        assertEquals(List.of(), store.search("鯨", 5));
    }

    /** The document tables of step 3 take a library, a file with chunks, search, and a chat's library choice. */
    private static void assertDocumentsWork(ConversationStore store) {
        DocumentStore documents = store.documents();
        DocumentStore.Library library = documents.library("papers");
        Path file = Path.of("/papers/report.pdf");
        documents.saveDocument(library.id(), file, 10, 20, "ab", 2, List.of(
                new DocumentStore.NewChunk(2, "Results", "東京の会議で決まった", "東京 京の 会議 議で 決ま", new float[] {0.6f, 0.8f})));
        long chunk = documents.rankWords("\"results\"", List.of(library.id()), 5).getFirst().chunkId();
        assertEquals(List.of(chunk), documents.rankBigrams("\"会議\"", List.of(library.id()), 5).stream().map(DocumentStore.RankedChunk::chunkId).toList());
        assertEquals(List.of(chunk), documents.rankTrigrams("\"東京の\"", List.of(library.id()), 5).stream().map(DocumentStore.RankedChunk::chunkId).toList());
        assertEquals(new DocumentStore.StoredChunk(chunk, file, 2, "Results", "東京の会議で決まった"), documents.chunks(List.of(chunk)).getFirst());
        assertTrue(java.util.Arrays.equals(new float[] {0.6f, 0.8f}, documents.vectors(List.of(library.id())).vectors()[0]));
        var source = new DocumentStore.MessageSource(1, file, 2, "Results", "東京の会議で決まった");
        documents.saveSources(2, List.of(source));
        assertEquals(java.util.Map.of(2L, List.of(source)), documents.sourcesOf(1), "an answer's sources come back with its conversation");
        documents.useLibraries(1, List.of(library.id()));
        assertEquals(List.of("papers"), documents.librariesOf(1).stream().map(DocumentStore.Library::name).toList());
        assertTrue(documents.removeDocument(library.id(), file));
        assertTrue(documents.rankBigrams("\"会議\"", List.of(library.id()), 5).isEmpty(), "removing a file empties every index of its chunks");
        assertTrue(documents.rankWords("\"results\"", List.of(library.id()), 5).isEmpty());
    }

    @Test
    void aNewDatabaseStartsAtTheLatestVersionWithoutABackup() throws Exception {
        Path database = dir.resolve("hearth.db");
        ConversationStore.open(database).close();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + database)) {
            assertEquals(Migrations.latest(), Migrations.version(c));
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().contains("before")));
        }
    }

    @Test
    void refusesADatabaseFromANewerHearthAndLeavesItAlone() throws Exception {
        Path database = databaseAtVersion(Migrations.latest());
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + database); Statement s = c.createStatement()) {
            s.execute("PRAGMA user_version = " + (Migrations.latest() + 1));
        }
        byte[] before = Files.readAllBytes(database);
        StoreException e = assertThrows(StoreException.class, () -> ConversationStore.open(database));
        assertTrue(e.getMessage().contains("was written by a newer Hearth (schema version " + (Migrations.latest() + 1)), e.getMessage());
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(database)));
    }

    @Test
    void refusesAnSQLiteDatabaseThatIsNotHearths() throws Exception {
        Path database = dir.resolve("hearth.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + database); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE invoices(id INTEGER PRIMARY KEY, amount REAL)");
        }
        StoreException e = assertThrows(StoreException.class, () -> ConversationStore.open(database));
        assertTrue(e.getMessage().contains("is an SQLite database but not a Hearth one"), e.getMessage());
    }
}
