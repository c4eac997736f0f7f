package dev.hearth.app.store;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Reads ChatGPT's {@code conversations.json}: each conversation's {@code mapping} is a tree of nodes
 * ({@code id, parent, children, message}); every branch is kept, not only the path to
 * {@code current_node}. Nodes Hearth cannot show (a null message, system and tool messages, content that
 * is not text) are left out and their children attached to the nearest kept ancestor.
 */
final class ChatGptImport implements ChatTransfer.Importer {
    static final String CHATGPT = "ChatGPT";

    private final Connection c;
    private int conversations, messages, nonText, systemOrTool, existing;

    ChatGptImport(Connection c) {
        this.c = c;
    }

    @Override
    public void add(JsonNode node) throws SQLException {
        Instant created = seconds(node.get("create_time"), Instant.EPOCH);
        Instant updated = seconds(node.get("update_time"), created);
        String title = node.path("title").isTextual() && !node.path("title").asText().isBlank() ? node.path("title").asText() : "Untitled";
        String uuid = conversationUuid(node, title, created);
        if (Database.queryLong(c, "SELECT count(*) FROM conversations WHERE uuid = ?", uuid) > 0) {
            existing++;
            return;
        }
        JsonNode mapping = node.get("mapping");
        if (mapping == null || !mapping.isObject()) throw new StoreException("\"mapping\" should be an object of message nodes.");
        long conversationId = ChatTransfer.insertConversation(c, uuid, title, created, updated, false, null, null, null);

        // Depth-first from the roots, so every parent is inserted before its children, branches in the export's order.
        Map<String, Long> keptAs = new HashMap<>();
        Map<String, Long> nearestKept = new HashMap<>();
        Set<String> visited = new HashSet<>();
        Deque<String> pending = new ArrayDeque<>();
        List<String> roots = new ArrayList<>();
        mapping.properties().forEach(entry -> {
            String parent = textOrNull(entry.getValue().get("parent"));
            if (parent == null || !mapping.has(parent)) roots.add(entry.getKey());
        });
        for (int i = roots.size() - 1; i >= 0; i--) pending.push(roots.get(i));
        long lastInserted = 0;
        while (!pending.isEmpty()) {
            String nodeId = pending.pop();
            if (!visited.add(nodeId)) continue;
            JsonNode entry = mapping.get(nodeId);
            String parent = textOrNull(entry.get("parent"));
            Long keptParent = parent == null ? null : nearestKept.get(parent);
            Long self = keep(conversationId, uuid, nodeId, entry.get("message"), keptParent, created);
            if (self != null) {
                keptAs.put(nodeId, self);
                lastInserted = self;
            }
            nearestKept.put(nodeId, self != null ? self : keptParent);
            List<String> children = new ArrayList<>();
            entry.path("children").forEach(child -> {
                if (child.isTextual() && mapping.has(child.asText())) children.add(child.asText());
            });
            for (int i = children.size() - 1; i >= 0; i--) pending.push(children.get(i));
        }
        String currentNode = textOrNull(node.get("current_node"));
        Long leaf = currentNode != null && nearestKept.get(currentNode) != null ? nearestKept.get(currentNode) : lastInserted == 0 ? null : lastInserted;
        if (leaf != null) Database.update(c, "UPDATE conversations SET current_leaf_id = ? WHERE id = ?", leaf, conversationId);
        conversations++;
    }

    /** Inserts the node's message when Hearth can show it; returns its row id, or null when skipped. */
    private Long keep(long conversationId, String conversationUuid, String nodeId, JsonNode message, Long parentId, Instant fallbackTime)
            throws SQLException {
        if (message == null || message.isNull()) return null;
        String role = message.path("author").path("role").asText("");
        if (!role.equals("user") && !role.equals("assistant")) {
            systemOrTool++;
            return null;
        }
        String text = text(message.path("content"));
        if (text == null || text.isBlank()) {
            nonText++;
            return null;
        }
        String model = textOrNull(message.path("metadata").get("model_slug"));
        String uuid = messageUuid(conversationUuid, textOrNull(message.get("id")) != null ? message.get("id").asText() : nodeId);
        long id = ChatTransfer.insertMessage(c, conversationId, uuid, parentId, Role.of(role), text,
                seconds(message.get("create_time"), fallbackTime), MessageStatus.COMPLETE, role.equals("assistant") ? model : null,
                null, null, null, null);
        messages++;
        return id;
    }

    /** The text of a "text" content, or the text parts of a "multimodal_text" one (images dropped); null when there is none. */
    private static String text(JsonNode content) {
        String type = content.path("content_type").asText("");
        if (!type.equals("text") && !type.equals("multimodal_text")) return null;
        List<String> parts = new ArrayList<>();
        content.path("parts").forEach(part -> {
            if (part.isTextual() && !part.asText().isEmpty()) parts.add(part.asText());
        });
        return parts.isEmpty() ? null : String.join("\n", parts);
    }

    private static String conversationUuid(JsonNode node, String title, Instant created) {
        for (String field : List.of("conversation_id", "id")) {
            String value = textOrNull(node.get(field));
            if (value != null) return value;
        }
        // Stable across imports of the same file, so importing it twice skips instead of duplicating.
        return UUID.nameUUIDFromBytes(("chatgpt:" + title + ":" + created.toEpochMilli()).getBytes(StandardCharsets.UTF_8)).toString();
    }

    private static String messageUuid(String conversationUuid, String messageId) {
        try {
            return UUID.fromString(messageId).toString();
        } catch (IllegalArgumentException e) {
            return UUID.nameUUIDFromBytes((conversationUuid + "/" + messageId).getBytes(StandardCharsets.UTF_8)).toString();
        }
    }

    private static Instant seconds(JsonNode value, Instant fallback) {
        if (value == null || !value.isNumber()) return fallback;
        return Instant.ofEpochMilli(Math.round(value.asDouble() * 1000));
    }

    private static String textOrNull(JsonNode value) {
        return value != null && value.isTextual() ? value.asText() : null;
    }

    @Override
    public ImportSummary summary() {
        return new ImportSummary(CHATGPT, conversations, messages, nonText, systemOrTool, existing);
    }
}
