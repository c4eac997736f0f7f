package dev.hearth.app.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FaultsTest {
    @TempDir Path dir;

    private static byte[] sha256(Path file) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
    }

    @Test
    void aFileThatIsNotSqliteIsReportedAndLeftByteForByteUntouched() throws Exception {
        Path database = dir.resolve("hearth.db");
        byte[] junk = new byte[8192];
        new Random(7).nextBytes(junk);
        Files.write(database, junk);
        byte[] before = sha256(database);
        StoreException e = assertThrows(StoreException.class, () -> ConversationStore.open(database));
        assertEquals("The file " + database + " is not a Hearth database (it is not an SQLite file); it was left untouched:"
                + " move it aside or choose another data folder.", e.getMessage());
        assertArrayEquals(before, sha256(database));
        assertEquals(List.of("hearth.db"), Files.list(dir).map(p -> p.getFileName().toString()).toList());
    }

    @Test
    void aDamagedDatabaseIsReportedUntouchedAndCanBeMovedAsideOnRequest() throws Exception {
        Path database = dir.resolve("hearth.db");
        try (ConversationStore store = ConversationStore.open(database)) {
            Conversation chat = store.createConversation(NewConversation.titled("soon damaged"));
            for (int i = 0; i < 300; i++) store.addUserMessage(chat.id(), null, ("message " + i + " ").repeat(40));
        }
        try (RandomAccessFile file = new RandomAccessFile(database.toFile(), "rw")) {
            byte[] garbage = new byte[4096 * 4];
            new Random(3).nextBytes(garbage);
            file.seek(4096 * 3);
            file.write(garbage);
        }
        byte[] before = sha256(database);
        StoreException e = assertThrows(StoreException.class, () -> ConversationStore.open(database));
        assertTrue(e.getMessage().startsWith("The database " + database + " is damaged ("), e.getMessage());
        assertTrue(e.getMessage().endsWith("it was left untouched: restore a backup, or move it aside to start a new one."), e.getMessage());
        assertArrayEquals(before, sha256(database));

        Path aside = ConversationStore.moveAside(database);
        assertTrue(aside.getFileName().toString().startsWith("hearth.db.corrupt-"));
        assertArrayEquals(before, sha256(aside));
        try (ConversationStore fresh = ConversationStore.open(database)) {
            assertEquals(0, fresh.listConversations().size());
        }
    }

    @Test
    void aFullDiskRollsTheWholeImportBackWithASentence() throws Exception {
        Path export = dir.resolve("big.json");
        try (ConversationStore source = ConversationStore.open(dir.resolve("source.db"))) {
            for (int c = 0; c < 20; c++) {
                Conversation chat = source.createConversation(NewConversation.titled("chat " + c));
                Long parent = null;
                for (int i = 0; i < 20; i++) parent = source.addUserMessage(chat.id(), parent, ("text " + c + " " + i + " ").repeat(50)).id();
            }
            source.exportJson(export, java.util.Optional.empty());
        }
        try (ConversationStore store = ConversationStore.open(dir.resolve("hearth.db"))) {
            Conversation kept = store.createConversation(NewConversation.titled("already here"));
            store.addUserMessage(kept.id(), null, "safe");
            store.limitPages(store.pageCount() + 20);
            StoreException e = assertThrows(StoreException.class, () -> store.importFile(export));
            assertEquals("Cannot import " + export + ": the disk is full (or the database reached its size limit); nothing was changed.", e.getMessage());
            assertEquals(List.of("already here"), store.listConversations().stream().map(ConversationSummary::title).toList());
            assertEquals(1, store.messages(kept.id()).size());
            assertEquals(0, store.search("text", 10).size());
            assertEquals(List.of("ok"), store.integrityCheck());

            ReplyWriter reply = store.beginReply(kept.id(), store.messages(kept.id()).getFirst().id(), "m");
            reply.append("x".repeat(2_000_000));
            StoreException full = assertThrows(StoreException.class, () -> reply.finish(new ReplyStats(1, 1, "eos")));
            assertTrue(full.getMessage().startsWith("Cannot finish the reply: the disk is full"), full.getMessage());
            assertEquals(MessageStatus.STREAMING, store.message(reply.messageId()).status());
            store.limitPages(1_000_000);
            reply.finish(new ReplyStats(1, 1, "eos"));
            assertEquals(2_000_000, store.message(reply.messageId()).content().length(), "the text that did not fit was kept in memory and saved later");
        }
    }

    @Test
    void aReadOnlyDataFolderGivesASentenceAndChangesNothing() throws Exception {
        Path data = DataDir.prepare(dir.resolve("data")).getParent();
        Path database = data.resolve(DataDir.DATABASE_FILE);
        try (ConversationStore store = ConversationStore.open(database)) {
            store.createConversation(NewConversation.titled("existing"));
        }
        Files.setPosixFilePermissions(database, PosixFilePermissions.fromString("r--------"));
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("r-x------"));
        try {
            assumeFalse(Files.isWritable(data), "permissions do not bind this user (root): a read-only folder cannot be simulated");
            byte[] before = sha256(database);
            StoreException e = assertThrows(StoreException.class, () -> ConversationStore.open(database));
            assertTrue(e.getMessage().contains("read-only") || e.getMessage().contains("cannot be opened"), e.getMessage());
            assertArrayEquals(before, sha256(database));
            StoreException create = assertThrows(StoreException.class, () -> ConversationStore.open(data.resolve("other.db")));
            assertEquals("Cannot create the database " + data.resolve("other.db") + ": the folder " + data + " is read-only.", create.getMessage());
            assertFalse(Files.exists(data.resolve("other.db")));
        } finally {
            Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwx------"));
            Files.setPosixFilePermissions(database, PosixFilePermissions.fromString("rw-------"));
        }
    }

    @Test
    void aDataFolderThatCannotBeCreatedIsASentence() throws Exception {
        Path file = Files.writeString(dir.resolve("plain-file"), "x");
        StoreException e = assertThrows(StoreException.class, () -> DataDir.prepare(file));
        assertEquals("Cannot use " + file + " as the data folder: it exists and is not a folder.", e.getMessage());
        StoreException nested = assertThrows(StoreException.class, () -> DataDir.prepare(file.resolve("hearth")));
        assertTrue(nested.getMessage().startsWith("Cannot create the data folder " + file.resolve("hearth") + ": "), nested.getMessage());
    }
}
