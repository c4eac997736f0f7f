package dev.hearth.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hearth.app.store.Conversation;
import dev.hearth.app.store.ConversationStore;
import dev.hearth.app.store.DataDir;
import dev.hearth.app.store.Message;
import dev.hearth.app.store.NewConversation;
import dev.hearth.app.store.ReplyStats;
import dev.hearth.app.store.ReplyWriter;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HearthCommandTest {
    @TempDir Path dir;

    private CliRun hearth(String... args) {
        return CliRun.of(args);
    }

    private String dataDir() {
        return dir.resolve("data").toString();
    }

    private Conversation seed() {
        try (ConversationStore store = ConversationStore.open(DataDir.prepare(dir.resolve("data")))) {
            Conversation chat = store.createConversation(NewConversation.titled("東京 trip"));
            Message q = store.addUserMessage(chat.id(), null, "東京の天気は？");
            ReplyWriter a = store.beginReply(chat.id(), q.id(), "m");
            a.append("Sunny weather in Tokyo.");
            a.finish(new ReplyStats(5, 10, "eos"));
            return chat;
        }
    }

    @Test
    void noArgumentsPrintsUsageAndExitsTwo() {
        CliRun result = hearth();
        assertEquals(2, result.exit());
        assertEquals("", result.out());
        assertTrue(result.err().contains("usage: hearth [--data-dir D] COMMAND"), result.err());
    }

    @Test
    void badUsageExitsTwoWithTheReason() {
        assertEquals(2, hearth("chats", "frobnicate").exit());
        CliRun limit = hearth("--data-dir", dataDir(), "chats", "search", "x", "--limit", "zero");
        assertEquals(2, limit.exit());
        assertTrue(limit.err().startsWith("hearth: --limit must be a whole number from 1 to 1000, got \"zero\".\n"), limit.err());
        assertEquals(2, hearth("--data-dir", dataDir(), "chats", "export", "--format", "pdf", "--out", "x").exit());
        assertEquals(2, hearth("--data-dir", dataDir(), "chats", "list", "--colour").exit());
    }

    @Test
    void listsAndSearchesAsJson() throws Exception {
        Conversation chat = seed();
        CliRun list = hearth("--data-dir", dataDir(), "chats", "list", "--json");
        assertEquals(0, list.exit(), list.err());
        JsonNode first = list.json().get(0);
        assertEquals(chat.uuid(), first.get("id").asText());
        assertEquals("東京 trip", first.get("title").asText());
        assertEquals(2, first.get("messages").asInt());
        assertEquals(chat.created().toString(), first.get("created").asText());

        CliRun search = hearth("--data-dir", dataDir(), "chats", "search", "東京", "--json");
        assertEquals(0, search.exit(), search.err());
        JsonNode hit = search.json().get(0);
        assertEquals(chat.uuid(), hit.get("conversation_id").asText());
        assertEquals("user", hit.get("role").asText());
        assertTrue(hit.get("snippet").asText().contains("[東京]"));
        assertTrue(hit.has("message_id"));
        CliRun weather = hearth("--data-dir", dataDir(), "chats", "search", "weather", "--limit", "1", "--json");
        assertEquals("assistant", weather.json().get(0).get("role").asText());
    }

    @Test
    void exportsAndImportsThroughTheCommandLine() throws Exception {
        Conversation chat = seed();
        Path json = dir.resolve("all.json");
        CliRun export = hearth("--data-dir", dataDir(), "chats", "export", "--format", "json", "--out", json.toString(), "--id", chat.uuid().substring(0, 6));
        assertEquals(0, export.exit(), export.err());
        assertEquals(json + "\n", export.out());
        CliRun md = hearth("--data-dir", dataDir(), "chats", "export", "--format", "md", "--out", dir.resolve("md").toString());
        assertEquals(0, md.exit(), md.err());
        assertTrue(Files.readString(Path.of(md.out().strip())).contains("Sunny weather in Tokyo."));

        CliRun imported = hearth("--data-dir", dir.resolve("other").toString(), "chats", "import", json.toString());
        assertEquals(0, imported.exit(), imported.err());
        assertEquals("Imported 1 conversation and 2 messages from a Hearth export; skipped 0 (0 without text, 0 system or tool messages,"
                + " 0 conversations already present).\n", imported.out());
        CliRun missing = hearth("--data-dir", dataDir(), "chats", "import", dir.resolve("nope.json").toString());
        assertEquals(1, missing.exit());
        assertEquals("Cannot import " + dir.resolve("nope.json") + ": there is no such file.\n", missing.err());
    }

    @Test
    void dbCheckAndBackupReportInOneSentence() throws Exception {
        seed();
        CliRun check = hearth("--data-dir", dataDir(), "db", "check");
        assertEquals(new CliRun(0, "ok\n", ""), check);
        Path copy = dir.resolve("backup.db");
        assertEquals(0, hearth("--data-dir", dataDir(), "db", "backup", copy.toString()).exit());
        assertTrue(Files.size(copy) > 0);

        Path junk = dir.resolve("junk");
        Files.createDirectories(junk);
        Files.writeString(junk.resolve("hearth.db"), "this is not a database at all, just some text that is long enough to look like a header");
        CliRun damaged = hearth("--data-dir", junk.toString(), "db", "check");
        assertEquals(1, damaged.exit());
        assertEquals(1, damaged.err().lines().count(), damaged.err());
        assertTrue(damaged.err().contains("is not a Hearth database"), damaged.err());
        CliRun absent = hearth("--data-dir", dir.resolve("empty").toString(), "db", "check");
        assertEquals(1, absent.exit());
        assertEquals("There is no database at " + dir.resolve("empty/hearth.db") + " yet.\n", absent.err());
    }

    @Test
    void dataFolderComesFromTheOptionThenHearthHomeThenXdg() {
        Map<String, String> env = Map.of("HEARTH_HOME", "/h", "XDG_DATA_HOME", "/x", "HOME", "/users/u");
        assertEquals(Path.of("/d"), DataDir.resolve("/d", env));
        assertEquals(Path.of("/h"), DataDir.resolve(null, env));
        assertEquals(Path.of("/x/hearth"), DataDir.resolve(null, Map.of("XDG_DATA_HOME", "/x", "HOME", "/users/u")));
        assertEquals(Path.of("/users/u/.local/share/hearth"), DataDir.resolve(null, Map.of("HOME", "/users/u")));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = HearthCommand.run(new String[] {"chats", "list", "--json"}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), Map.of("HEARTH_HOME", dataDir()));
        assertEquals(0, exit);
        assertEquals("[ ]", out.toString(StandardCharsets.UTF_8).strip());
        assertTrue(Files.exists(dir.resolve("data/hearth.db")));
    }
}
