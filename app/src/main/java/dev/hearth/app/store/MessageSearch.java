package dev.hearth.app.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Full-text search over message text. The user's query is a list of literal words (quotes, {@code *},
 * parentheses and FTS operators included), all of which must occur. Whole-word hits from the
 * {@code unicode61} index come first, ranked by bm25; then substring hits from the {@code trigram} index,
 * which is what finds Japanese and Chinese (written without spaces). Words of one or two characters are
 * below the trigram size, so they are checked with {@code LIKE} on the candidate rows (or, when every word
 * is that short, on the messages newest first, which stops early for frequent words).
 */
final class MessageSearch {
    private MessageSearch() {}

    static final String MARK_START = "[";
    static final String MARK_END = "]";
    private static final int SNIPPET_CONTEXT = 40;

    private static final String HIT_COLUMNS = "m.conversation_id, k.uuid, k.title, m.id, m.uuid, m.role";

    static List<SearchHit> search(Connection c, String query, int limit) throws SQLException {
        List<String> words = words(query);
        if (words.isEmpty()) return List.of();
        List<String> longWords = words.stream().filter(w -> w.codePointCount(0, w.length()) >= 3).toList();
        List<String> shortWords = words.stream().filter(w -> w.codePointCount(0, w.length()) < 3).toList();
        Map<Long, SearchHit> hits = new LinkedHashMap<>();
        if (shortWords.isEmpty()) {
            List<String> indexable = words.stream().filter(MessageSearch::hasLetterOrDigit).toList();
            if (indexable.size() == words.size()) ranked(c, "message_words", phrases(indexable), List.of(), limit, hits);
        }
        if (hits.size() < limit) {
            if (!longWords.isEmpty()) ranked(c, "message_trigrams", phrases(longWords), shortWords, limit, hits);
            else scan(c, shortWords, limit, hits);
        }
        return List.copyOf(hits.values());
    }

    static List<String> words(String query) {
        List<String> words = new ArrayList<>();
        for (String word : query.strip().split("\\s+")) if (!word.isEmpty() && !words.contains(word)) words.add(word);
        return words;
    }

    private static boolean hasLetterOrDigit(String word) {
        return word.codePoints().anyMatch(Character::isLetterOrDigit);
    }

    /** Each word as an FTS5 string: inside double quotes nothing is syntax, and a quote is written twice. */
    static String phrases(List<String> words) {
        StringBuilder match = new StringBuilder();
        for (String word : words) {
            if (!match.isEmpty()) match.append(' ');
            match.append('"').append(word.replace("\"", "\"\"")).append('"');
        }
        return match.toString();
    }

    private static void ranked(Connection c, String index, String match, List<String> alsoContains, int limit, Map<Long, SearchHit> hits)
            throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT " + HIT_COLUMNS + ", f.snippet FROM (SELECT rowid, rank, snippet(" + index
                + ", 0, '" + MARK_START + "', '" + MARK_END + "', '…', " + (index.equals("message_words") ? 16 : 48) + ") AS snippet FROM "
                + index + " WHERE " + index + " MATCH ?");
        for (int i = 0; i < alsoContains.size(); i++) sql.append(" AND content LIKE ? ESCAPE '\\'");
        sql.append(" ORDER BY rank LIMIT ?) f JOIN messages m ON m.id = f.rowid JOIN conversations k ON k.id = m.conversation_id ORDER BY f.rank");
        try (PreparedStatement statement = c.prepareStatement(sql.toString())) {
            int p = 1;
            statement.setString(p++, match);
            for (String word : alsoContains) statement.setString(p++, likePattern(word));
            statement.setInt(p, limit + hits.size());
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next() && hits.size() < limit) {
                    long messageId = rows.getLong(4);
                    hits.putIfAbsent(messageId, hit(rows, rows.getString(7)));
                }
            }
        }
    }

    /** Only one- and two-character words: no index holds them, so scan the text, newest first. */
    private static void scan(Connection c, List<String> words, int limit, Map<Long, SearchHit> hits) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT " + HIT_COLUMNS + ", m.content FROM messages m JOIN conversations k ON k.id = m.conversation_id WHERE 1");
        for (int i = 0; i < words.size(); i++) sql.append(" AND m.content LIKE ? ESCAPE '\\'");
        sql.append(" ORDER BY m.created_at DESC, m.id DESC LIMIT ?");
        try (PreparedStatement statement = c.prepareStatement(sql.toString())) {
            int p = 1;
            for (String word : words) statement.setString(p++, likePattern(word));
            statement.setInt(p, limit);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) hits.putIfAbsent(rows.getLong(4), hit(rows, snippet(rows.getString(7), words.getFirst())));
            }
        }
    }

    /** {@code %word%} with LIKE's own wildcards escaped; LIKE ignores ASCII case, as the FTS indexes do. */
    static String likePattern(String word) {
        return "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    }

    private static SearchHit hit(ResultSet rows, String snippet) throws SQLException {
        return new SearchHit(rows.getLong(1), rows.getString(2), rows.getString(3), rows.getLong(4), rows.getString(5),
                Role.of(rows.getString(6)), snippet);
    }

    /** A window of text around the first occurrence of {@code word}, marked like SQLite's snippet(). */
    static String snippet(String content, String word) {
        String lowerContent = content.toLowerCase(Locale.ROOT);
        String lowerWord = word.toLowerCase(Locale.ROOT);
        // Lower-casing can change lengths (e.g. İ); then positions would not line up, so match exactly instead.
        boolean folded = lowerContent.length() == content.length() && lowerWord.length() == word.length();
        int at = folded ? lowerContent.indexOf(lowerWord) : content.indexOf(word);
        if (at < 0) at = 0;
        int from = Math.max(0, at - SNIPPET_CONTEXT);
        int to = Math.min(content.length(), at + word.length() + SNIPPET_CONTEXT);
        if (from > 0 && Character.isLowSurrogate(content.charAt(from))) from--;
        if (to < content.length() && Character.isLowSurrogate(content.charAt(to))) to++;
        return (from > 0 ? "…" : "") + content.substring(from, at) + MARK_START + content.substring(at, at + word.length()) + MARK_END
                + content.substring(at + word.length(), to) + (to < content.length() ? "…" : "");
    }
}
