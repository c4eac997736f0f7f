package dev.hearth.app.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplyWriterTest {
    @TempDir Path dir;

    private Path database() {
        return DataDir.prepare(dir.resolve("data"));
    }

    /** What another process would see on disk right now. */
    private static String committedText(Path database, long messageId) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + database);
             PreparedStatement statement = c.prepareStatement("SELECT content FROM messages WHERE id = ?")) {
            statement.setLong(1, messageId);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getString(1);
            }
        }
    }

    @Test
    void streamedTextReachesTheDiskWithoutWaitingForTheEnd() throws Exception {
        Path database = database();
        try (ConversationStore store = ConversationStore.open(database)) {
            Conversation chat = store.createConversation(NewConversation.titled("t"));
            Message question = store.addUserMessage(chat.id(), null, "天気は？");
            assertEquals("天気は？", committedText(database, question.id()));
            ReplyWriter reply = store.beginReply(chat.id(), question.id(), "m");
            reply.append("明日は");
            reply.append("晴れです。");
            long deadline = System.currentTimeMillis() + 10_000;
            while (reply.committedLength() < 8 && System.currentTimeMillis() < deadline) Thread.sleep(20);
            assertEquals("明日は晴れです。", committedText(database, reply.messageId()));
            assertEquals(MessageStatus.STREAMING, store.message(reply.messageId()).status());
            reply.append(" Bye.");
            reply.finish(new ReplyStats(6, 12.5, "eos"));
            assertEquals("明日は晴れです。 Bye.", committedText(database, reply.messageId()));
            assertEquals(MessageStatus.COMPLETE, store.message(reply.messageId()).status());
            assertThrows(IllegalStateException.class, () -> reply.append("more"));
        }
    }

    @Test
    void cancelFailAndCloseKeepTheTextMarkedInterrupted() {
        try (ConversationStore store = ConversationStore.open(database())) {
            Conversation chat = store.createConversation(NewConversation.titled("t"));
            Message question = store.addUserMessage(chat.id(), null, "q");
            ReplyWriter cancelled = store.beginReply(chat.id(), question.id(), "m");
            cancelled.append("partial");
            cancelled.cancel();
            ReplyWriter failed = store.beginReply(chat.id(), question.id(), "m");
            failed.append("half");
            failed.fail("out of memory");
            ReplyWriter abandoned = store.beginReply(chat.id(), question.id(), "m");
            abandoned.append("left");
            abandoned.close();

            Message c = store.message(cancelled.messageId());
            assertEquals("partial", c.content());
            assertEquals(MessageStatus.INTERRUPTED, c.status());
            assertEquals("cancelled", c.stopReason());
            Message f = store.message(failed.messageId());
            assertEquals("half", f.content());
            assertEquals("error", f.stopReason());
            assertEquals("out of memory", f.error());
            assertEquals(MessageStatus.INTERRUPTED, store.message(abandoned.messageId()).status());
        }
    }

    @Test
    void anotherProcessOpeningTheStoreLeavesALiveStreamAlone() {
        Path database = database();
        try (ConversationStore gui = ConversationStore.open(database)) {
            Conversation chat = gui.createConversation(NewConversation.titled("t"));
            Message question = gui.addUserMessage(chat.id(), null, "q");
            ReplyWriter reply = gui.beginReply(chat.id(), question.id(), "m");
            reply.append("still going");
            try (ConversationStore cli = ConversationStore.open(database)) {
                assertEquals(MessageStatus.STREAMING, cli.message(reply.messageId()).status());
            }
            reply.finish(new ReplyStats(2, 1, "eos"));
            assertEquals("still going", gui.message(reply.messageId()).content());
            assertEquals(MessageStatus.COMPLETE, gui.message(reply.messageId()).status());
        }
    }

    @Test
    void closingTheStoreMarksItsOwnUnfinishedRepliesInterrupted() {
        Path database = database();
        long id;
        try (ConversationStore store = ConversationStore.open(database)) {
            Conversation chat = store.createConversation(NewConversation.titled("t"));
            Message question = store.addUserMessage(chat.id(), null, "q");
            ReplyWriter reply = store.beginReply(chat.id(), question.id(), "m");
            reply.append("unfinished");
            id = reply.messageId();
        }
        try (ConversationStore store = ConversationStore.open(database)) {
            Message message = store.message(id);
            assertEquals("unfinished", message.content());
            assertEquals(MessageStatus.INTERRUPTED, message.status());
        }
    }
}
