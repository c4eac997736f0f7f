package dev.hearth.app.store;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Hearth's JSON export format and the import side that reads it (or hands ChatGPT exports to
 * {@link ChatGptImport}). The file is an array of conversations; each holds its whole message tree as a
 * flat list whose {@code parent} fields refer to message ids. Ids are the store's uuids and times are
 * ISO-8601 instants, so export → import → export reproduces the file exactly.
 */
final class ChatTransfer {
    private ChatTransfer() {}

    static final String HEARTH = "Hearth";

    static void writeJson(Connection c, Path file, Optional<Long> only) throws SQLException, IOException {
        List<Long> ids = conversationIds(c, only);
        Path absolute = file.toAbsolutePath();
        Path temporary = Files.createTempFile(absolute.getParent(), "." + absolute.getFileName(), ".partial");
        try {
            try (OutputStream out = Files.newOutputStream(temporary);
                 JsonGenerator json = ConversationStore.JSON.getFactory().createGenerator(out)) {
                json.useDefaultPrettyPrinter();
                json.writeStartArray();
                for (long id : ids) ConversationStore.JSON.writeTree(json, conversationNode(c, id));
                json.writeEndArray();
            }
            // A reader of the target sees the old file or the whole new one, never a half-written export.
            Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    static List<Long> conversationIds(Connection c, Optional<Long> only) throws SQLException {
        if (only.isPresent()) {
            if (Rows.conversation(c, only.get()).isEmpty()) throw new StoreException("There is no conversation with id " + only.get() + ".");
            return List.of(only.get());
        }
        List<Long> ids = new ArrayList<>();
        try (ResultSet rows = c.createStatement().executeQuery("SELECT id FROM conversations ORDER BY created_at, id")) {
            while (rows.next()) ids.add(rows.getLong(1));
        }
        return ids;
    }

    private static ObjectNode conversationNode(Connection c, long id) throws SQLException, IOException {
        Conversation conversation = Rows.conversation(c, id).orElseThrow();
        List<Message> messages = Rows.messages(c, "WHERE conversation_id = ? ORDER BY created_at, id", id);
        Map<Long, String> uuids = new HashMap<>();
        for (Message message : messages) uuids.put(message.id(), message.uuid());
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("id", conversation.uuid());
        node.put("title", conversation.title());
        node.put("created", conversation.created().toString());
        node.put("updated", conversation.updated().toString());
        node.put("pinned", conversation.pinned());
        node.put("model", conversation.model());
        node.put("system_prompt", conversation.systemPrompt());
        node.set("sampling", conversation.samplingJson() == null ? null : ConversationStore.JSON.readTree(conversation.samplingJson()));
        node.put("current_leaf", conversation.currentLeafId() == null ? null : uuids.get(conversation.currentLeafId()));
        var array = node.putArray("messages");
        for (Message message : messages) {
            ObjectNode m = array.addObject();
            m.put("id", message.uuid());
            m.put("parent", message.parentId() == null ? null : uuids.get(message.parentId()));
            m.put("role", message.role().id());
            m.put("content", message.content());
            m.put("created", message.created().toString());
            m.put("status", message.status().id());
            m.put("model", message.model());
            m.put("tokens", message.tokens());
            m.put("tokens_per_second", message.tokensPerSecond());
            m.put("stop_reason", message.stopReason());
            m.put("error", message.error());
        }
        return node;
    }

    /** Reads the file one conversation at a time; the caller's transaction makes the import all or nothing. */
    static ImportSummary importFile(Connection c, Path file) throws SQLException, IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] start = in.readNBytes(4);
            if (start.length == 4 && start[0] == 'P' && start[1] == 'K' && start[2] == 3 && start[3] == 4) {
                throw new StoreException("Cannot import " + file + ": it is a zip archive; unzip it and import the conversations.json inside.");
            }
        } catch (NoSuchFileException e) {
            throw new StoreException("Cannot import " + file + ": the file does not exist.", e);
        }
        try (JsonParser parser = ConversationStore.JSON.getFactory().createParser(file.toFile())) {
            JsonToken first = parser.nextToken();
            if (first != JsonToken.START_ARRAY) {
                throw new StoreException("Cannot import " + file + ": expected a JSON array of conversations (a Hearth export or ChatGPT's conversations.json), found "
                        + (first == null ? "an empty file" : describe(first)) + ".");
            }
            Importer importer = null;
            int index = 0;
            while (parser.nextToken() != JsonToken.END_ARRAY) {
                index++;
                JsonNode element = parser.readValueAsTree();
                if (element == null || !element.isObject()) {
                    throw new StoreException("Cannot import " + file + ": conversation " + index + " is not a JSON object.");
                }
                if (importer == null) importer = element.has("mapping") ? new ChatGptImport(c) : element.has("messages") ? new HearthImport(c) : null;
                if (importer == null) {
                    throw new StoreException("Cannot import " + file + ": conversation 1 is neither a Hearth conversation (no \"messages\") nor a ChatGPT one (no \"mapping\").");
                }
                try {
                    importer.add(element);
                } catch (StoreException e) {
                    throw new StoreException("Cannot import " + file + ", conversation " + index + ": " + e.getMessage(), e);
                }
            }
            return importer == null ? new ImportSummary(HEARTH, 0, 0, 0, 0, 0) : importer.summary();
        } catch (JsonProcessingException e) {
            throw new StoreException("Cannot import " + file + ": it is not valid JSON (" + e.getOriginalMessage() + " at line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ").", e);
        }
    }

    private static String describe(JsonToken token) {
        return switch (token) {
            case START_OBJECT -> "an object";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            default -> "\"" + token.asString() + "\"";
        };
    }

    /** Turns the elements of one export file into rows. */
    interface Importer {
        void add(JsonNode conversation) throws SQLException;

        ImportSummary summary();
    }

    private static final class HearthImport implements Importer {
        private final Connection c;
        private int conversations, messages, existing;

        HearthImport(Connection c) {
            this.c = c;
        }

        @Override
        public void add(JsonNode node) throws SQLException {
            String uuid = text(node, "id", true);
            if (Database.queryLong(c, "SELECT count(*) FROM conversations WHERE uuid = ?", uuid) > 0) {
                existing++;
                return;
            }
            JsonNode sampling = node.get("sampling");
            long id = insertConversation(c, uuid, text(node, "title", true), time(node, "created"), time(node, "updated"),
                    node.path("pinned").asBoolean(false), text(node, "model", false), text(node, "system_prompt", false),
                    sampling == null || sampling.isNull() ? null : sampling.toString());
            Map<String, Long> ids = new HashMap<>();
            List<JsonNode> waiting = new ArrayList<>();
            node.path("messages").forEach(waiting::add);
            // Parents normally precede children; passes over the rest make any order work.
            while (!waiting.isEmpty()) {
                List<JsonNode> next = new ArrayList<>();
                for (JsonNode m : waiting) {
                    String parent = text(m, "parent", false);
                    if (parent != null && !ids.containsKey(parent)) {
                        next.add(m);
                        continue;
                    }
                    String status = text(m, "status", false);
                    MessageStatus parsed = status == null ? MessageStatus.COMPLETE : MessageStatus.of(status);
                    if (parsed == MessageStatus.STREAMING) parsed = MessageStatus.INTERRUPTED;
                    JsonNode tokens = m.get("tokens"), speed = m.get("tokens_per_second");
                    ids.put(text(m, "id", true), insertMessage(c, id, text(m, "id", true), parent == null ? null : ids.get(parent),
                            Role.of(text(m, "role", true)), text(m, "content", true), time(m, "created"), parsed,
                            text(m, "model", false), tokens == null || tokens.isNull() ? null : tokens.asInt(),
                            speed == null || speed.isNull() ? null : speed.asDouble(), text(m, "stop_reason", false), text(m, "error", false)));
                    messages++;
                }
                if (next.size() == waiting.size()) {
                    throw new StoreException("message " + text(next.getFirst(), "id", true) + " refers to parent "
                            + text(next.getFirst(), "parent", false) + ", which is not in the conversation.");
                }
                waiting = next;
            }
            String leaf = text(node, "current_leaf", false);
            if (leaf != null) {
                if (!ids.containsKey(leaf)) throw new StoreException("current_leaf " + leaf + " is not one of the conversation's messages.");
                Database.update(c, "UPDATE conversations SET current_leaf_id = ? WHERE id = ?", ids.get(leaf), id);
            }
            conversations++;
        }

        @Override
        public ImportSummary summary() {
            return new ImportSummary(HEARTH, conversations, messages, 0, 0, existing);
        }
    }

    static long insertConversation(Connection c, String uuid, String title, Instant created, Instant updated, boolean pinned,
                                   String model, String systemPrompt, String samplingJson) throws SQLException {
        Database.update(c, "INSERT INTO conversations(uuid, title, created_at, updated_at, pinned, model, system_prompt, sampling_json)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", uuid, title, created.toEpochMilli(), updated.toEpochMilli(), pinned ? 1 : 0,
                model, systemPrompt, samplingJson);
        return Database.queryLong(c, "SELECT last_insert_rowid()");
    }

    static long insertMessage(Connection c, long conversationId, String uuid, Long parentId, Role role, String content, Instant created,
                              MessageStatus status, String model, Integer tokens, Double tokensPerSecond, String stopReason, String error)
            throws SQLException {
        if (Database.queryLong(c, "SELECT count(*) FROM messages WHERE uuid = ?", uuid) > 0) {
            throw new StoreException("message id " + uuid + " is already used by another conversation in this store.");
        }
        Database.update(c, "INSERT INTO messages(uuid, conversation_id, parent_id, role, content, created_at, status, model, tokens,"
                        + " tokens_per_second, stop_reason, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                uuid, conversationId, parentId, role.id(), content, created.toEpochMilli(), status.id(), model, tokens, tokensPerSecond,
                stopReason, error);
        return Database.queryLong(c, "SELECT last_insert_rowid()");
    }

    private static String text(JsonNode node, String field, boolean required) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            if (required) throw new StoreException("the field \"" + field + "\" is missing.");
            return null;
        }
        if (!value.isTextual()) throw new StoreException("the field \"" + field + "\" should be a string, found " + value.getNodeType().name().toLowerCase() + ".");
        return value.asText();
    }

    private static Instant time(JsonNode node, String field) {
        String value = text(node, field, true);
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new StoreException("the field \"" + field + "\" should be an ISO-8601 instant like 2026-01-31T12:00:00Z, found \"" + value + "\".");
        }
    }
}
