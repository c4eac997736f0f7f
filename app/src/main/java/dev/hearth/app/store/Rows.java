package dev.hearth.app.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads the store's rows into its records. */
final class Rows {
    private Rows() {}

    static final String MESSAGE_COLUMNS = "id, uuid, conversation_id, parent_id, role, content, created_at, status,"
            + " model, tokens, tokens_per_second, stop_reason, error";

    static Optional<Conversation> conversation(Connection c, long id) throws SQLException {
        try (PreparedStatement statement = c.prepareStatement("SELECT id, uuid, title, created_at, updated_at, pinned, model,"
                + " system_prompt, sampling_json, current_leaf_id FROM conversations WHERE id = ?")) {
            statement.setLong(1, id);
            try (ResultSet rows = statement.executeQuery()) {
                if (!rows.next()) return Optional.empty();
                return Optional.of(new Conversation(rows.getLong(1), rows.getString(2), rows.getString(3),
                        Instant.ofEpochMilli(rows.getLong(4)), Instant.ofEpochMilli(rows.getLong(5)), rows.getInt(6) != 0,
                        rows.getString(7), rows.getString(8), rows.getString(9), nullableLong(rows, 10)));
            }
        }
    }

    static List<ConversationSummary> summaries(Connection c) throws SQLException {
        List<ConversationSummary> list = new ArrayList<>();
        try (PreparedStatement statement = c.prepareStatement("""
                SELECT k.id, k.uuid, k.title, k.created_at, k.updated_at, k.pinned,
                       (SELECT count(*) FROM messages m WHERE m.conversation_id = k.id)
                FROM conversations k ORDER BY k.pinned DESC, k.updated_at DESC, k.id DESC""");
             ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                list.add(new ConversationSummary(rows.getLong(1), rows.getString(2), rows.getString(3),
                        Instant.ofEpochMilli(rows.getLong(4)), Instant.ofEpochMilli(rows.getLong(5)), rows.getInt(6) != 0, rows.getInt(7)));
            }
        }
        return list;
    }

    /** Messages selected by {@code clause} (a WHERE and ORDER BY over the messages table). */
    static List<Message> messages(Connection c, String clause, Object... parameters) throws SQLException {
        List<Message> list = new ArrayList<>();
        try (PreparedStatement statement = c.prepareStatement("SELECT " + MESSAGE_COLUMNS + " FROM messages " + clause)) {
            Database.bind(statement, parameters);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) list.add(message(rows));
            }
        }
        return list;
    }

    static Message message(ResultSet rows) throws SQLException {
        return new Message(rows.getLong(1), rows.getString(2), rows.getLong(3), nullableLong(rows, 4),
                Role.of(rows.getString(5)), rows.getString(6), Instant.ofEpochMilli(rows.getLong(7)),
                MessageStatus.of(rows.getString(8)), rows.getString(9), nullableInt(rows, 10), nullableDouble(rows, 11),
                rows.getString(12), rows.getString(13));
    }

    static Long nullableLong(ResultSet rows, int column) throws SQLException {
        long value = rows.getLong(column);
        return rows.wasNull() ? null : value;
    }

    static Integer nullableInt(ResultSet rows, int column) throws SQLException {
        int value = rows.getInt(column);
        return rows.wasNull() ? null : value;
    }

    static Double nullableDouble(ResultSet rows, int column) throws SQLException {
        double value = rows.getDouble(column);
        return rows.wasNull() ? null : value;
    }
}
