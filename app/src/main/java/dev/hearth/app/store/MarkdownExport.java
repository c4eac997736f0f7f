package dev.hearth.app.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** One Markdown file per conversation, showing the branch the user last looked at. */
final class MarkdownExport {
    private MarkdownExport() {}

    private static final int MAX_NAME_CODE_POINTS = 60;

    static List<Path> write(Connection c, Path directory, Optional<Long> only) throws SQLException, IOException {
        Files.createDirectories(directory);
        List<Path> written = new ArrayList<>();
        for (long id : ChatTransfer.conversationIds(c, only)) {
            Conversation conversation = Rows.conversation(c, id).orElseThrow();
            Path file = directory.resolve(fileName(conversation.title(), conversation.uuid()));
            Path temporary = Files.createTempFile(directory, ".export", ".partial");
            try {
                Files.writeString(temporary, render(c, conversation), StandardCharsets.UTF_8);
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(temporary);
            }
            written.add(file);
        }
        return written;
    }

    /**
     * The title reduced to letters, digits, {@code -} and {@code _} (any script), at most 60 characters,
     * plus the start of the uuid so that equal titles never collide: never a path separator, a leading dot
     * or a reserved name.
     */
    static String fileName(String title, String uuid) {
        String normalized = Normalizer.normalize(title, Normalizer.Form.NFC);
        StringBuilder name = new StringBuilder();
        normalized.codePoints().forEach(cp -> {
            boolean keep = Character.isLetterOrDigit(cp) || cp == '_' || cp == '-';
            if (keep) name.appendCodePoint(cp);
            else if (!name.isEmpty() && name.charAt(name.length() - 1) != '-') name.append('-');
        });
        String base = name.toString().replaceAll("^-+|-+$", "");
        if (base.codePointCount(0, base.length()) > MAX_NAME_CODE_POINTS) {
            base = base.substring(0, base.offsetByCodePoints(0, MAX_NAME_CODE_POINTS)).replaceAll("-+$", "");
        }
        if (base.isEmpty()) base = "conversation";
        return base + "-" + uuid.substring(0, Math.min(8, uuid.length())) + ".md";
    }

    private static String render(Connection c, Conversation conversation) throws SQLException {
        StringBuilder md = new StringBuilder();
        md.append("# ").append(conversation.title().replace('\n', ' ')).append("\n\n");
        md.append("- Created: ").append(conversation.created()).append('\n');
        md.append("- Updated: ").append(conversation.updated()).append('\n');
        if (conversation.model() != null) md.append("- Model: ").append(conversation.model()).append('\n');
        long total = Database.queryLong(c, "SELECT count(*) FROM messages WHERE conversation_id = ?", conversation.id());
        List<Message> branch = conversation.currentLeafId() == null ? List.of() : Rows.messages(c, """
                WHERE id IN (
                  WITH RECURSIVE path(id, parent_id) AS (
                    SELECT id, parent_id FROM messages WHERE id = ?
                    UNION ALL SELECT m.id, m.parent_id FROM messages m JOIN path ON m.id = path.parent_id)
                  SELECT id FROM path)
                ORDER BY created_at, id""", conversation.currentLeafId());
        if (total > branch.size()) {
            md.append("- Branches: this file shows the current branch (").append(branch.size()).append(" of ").append(total)
                    .append(" messages); the JSON export holds them all\n");
        }
        if (conversation.systemPrompt() != null) md.append("\n## System prompt\n\n").append(conversation.systemPrompt()).append('\n');
        for (Message message : branch) {
            md.append("\n## ").append(switch (message.role()) {
                case USER -> "User";
                case ASSISTANT -> "Assistant";
                case SYSTEM -> "System";
                case TOOL -> "Tool";
            }).append("\n\n").append(message.content()).append('\n');
            if (message.status() != MessageStatus.COMPLETE) md.append("\n*(").append(message.status().id()).append(")*\n");
        }
        return md.toString();
    }
}
