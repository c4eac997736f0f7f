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
 * {@code unicode61} index come first; then substring hits from the {@code trigram} index, which is what
 * finds Japanese and Chinese (written without spaces). Words of one or two characters are below the trigram
 * size: Japanese/Chinese ones go to the two-character index ({@link CjkBigrams}), others match the start of a
 * word in the word index, and only words without letters (such as {@code %}) are checked with {@code LIKE}.
 *
 * <p>Ranking is bm25 over at most {@link #CANDIDATES} matches, the newest ones: a word that is in most
 * messages (such as "the") would otherwise have every one of them scored for each search.
 */
final class MessageSearch {
    private MessageSearch() {}

    private static final String MARK_START = String.valueOf(SearchHit.MATCH_START);
    private static final String MARK_END = String.valueOf(SearchHit.MATCH_END);
    private static final int SNIPPET_CONTEXT = 40;
    /** Enough that a query's best hits are among them, few enough that scoring them stays a few milliseconds. */
    static final int CANDIDATES = 2000;

    private static final String HIT_COLUMNS = "m.conversation_id, k.uuid, k.title, m.id, m.uuid, m.role";

    /** A full-text table over messages; {@code snippetTokens} is 0 when it keeps no text (the snippet is then built in Java). */
    private enum Index {
        WORDS("message_words", 16),
        TRIGRAMS("message_trigrams", 48),
        BIGRAMS("message_bigrams", 0);

        final String table;
        final int snippetTokens;

        Index(String table, int snippetTokens) {
            this.table = table;
            this.snippetTokens = snippetTokens;
        }
    }

    /** An FTS5 query on one index. */
    private record Match(Index index, String query) {}

    static List<SearchHit> search(Connection c, String query, int limit) throws SQLException {
        List<String> words = words(query);
        if (words.isEmpty()) return List.of();
        List<String> longWords = new ArrayList<>();
        List<String> cjkShort = new ArrayList<>();
        List<String> letterShort = new ArrayList<>();
        List<String> otherShort = new ArrayList<>();
        for (String word : words) {
            if (word.codePointCount(0, word.length()) >= 3) longWords.add(word);
            else if (word.codePoints().allMatch(CjkBigrams::isCjkLetter)) cjkShort.add(word);
            else if (word.codePoints().allMatch(cp -> Character.isLetterOrDigit(cp) && !CjkBigrams.isCjk(cp))) letterShort.add(word);
            else otherShort.add(word);
        }
        Map<Long, SearchHit> hits = new LinkedHashMap<>();
        boolean wholeWords = cjkShort.isEmpty() && otherShort.isEmpty() && longWords.stream().allMatch(MessageSearch::hasLetterOrDigit);
        if (wholeWords) {
            ranked(c, List.of(new Match(Index.WORDS, (phrases(longWords) + " " + prefixes(letterShort)).strip())), List.of(), null, limit, hits);
        }
        // Substrings add something only when there is a long word or a Japanese/Chinese one, or when the word index could not be used.
        if (hits.size() < limit && (!wholeWords || !longWords.isEmpty())) {
            List<Match> matches = new ArrayList<>();
            if (!longWords.isEmpty()) matches.add(new Match(Index.TRIGRAMS, phrases(longWords)));
            if (!cjkShort.isEmpty()) matches.add(new Match(Index.BIGRAMS, bigramQuery(cjkShort)));
            if (!letterShort.isEmpty()) matches.add(new Match(Index.WORDS, prefixes(letterShort)));
            if (matches.isEmpty()) scan(c, otherShort, limit, hits);
            else ranked(c, matches, otherShort, cjkShort.isEmpty() ? null : cjkShort.getFirst(), limit, hits);
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

    /** Words that match the start of a word: {@code "ai"*} (only letters and digits reach here, so nothing needs quoting). */
    private static String prefixes(List<String> words) {
        StringBuilder match = new StringBuilder();
        for (String word : words) match.append(match.isEmpty() ? "" : " ").append('"').append(word).append("\"*");
        return match.toString();
    }

    /** Two characters are one term of the bigram index; one character is the start of a term ({@link CjkBigrams#terms}). */
    static String bigramQuery(List<String> words) {
        StringBuilder match = new StringBuilder();
        for (String word : words) {
            match.append(match.isEmpty() ? "" : " ").append('"').append(word).append('"');
            if (word.codePointCount(0, word.length()) == 1) match.append('*');
        }
        return match.toString();
    }

    /**
     * Adds up to {@code limit} hits for messages that satisfy every match (the first one ranks them) and contain
     * every word of {@code alsoContains}, best first. Only the newest {@link #CANDIDATES} such messages are ranked:
     * the first query finds the oldest of them by walking the index backwards, without scoring anything.
     */
    private static void ranked(Connection c, List<Match> matches, List<String> alsoContains, String snippetWord, int limit,
            Map<Long, SearchHit> hits) throws SQLException {
        Index primary = matches.getFirst().index();
        String table = primary.table;
        StringBuilder where = new StringBuilder(" FROM " + table + " WHERE " + table + " MATCH ?");
        List<String> parameters = new ArrayList<>(List.of(matches.getFirst().query()));
        // The unary + keeps SQLite from turning the set into one index lookup per message it holds.
        for (Match other : matches.subList(1, matches.size())) {
            where.append(" AND +" + table + ".rowid IN (SELECT rowid FROM " + other.index().table + " WHERE " + other.index().table + " MATCH ?)");
            parameters.add(other.query());
        }
        for (String word : alsoContains) {
            where.append(" AND (SELECT content FROM messages WHERE id = " + table + ".rowid) LIKE ? ESCAPE '\\'");
            parameters.add(likePattern(word));
        }
        Long oldestCandidate = null;
        try (PreparedStatement statement = c.prepareStatement("SELECT rowid" + where + " ORDER BY rowid DESC LIMIT 1 OFFSET ?")) {
            bind(statement, parameters, CANDIDATES - 1);
            try (ResultSet rows = statement.executeQuery()) {
                if (rows.next()) oldestCandidate = rows.getLong(1);
            }
        }
        List<Long> best = new ArrayList<>();
        String candidates = oldestCandidate == null ? "" : " AND " + table + ".rowid >= " + oldestCandidate;
        try (PreparedStatement statement = c.prepareStatement(
                "SELECT rowid, bm25(" + table + ") AS score" + where + candidates + " ORDER BY score, rowid DESC LIMIT ?")) {
            bind(statement, parameters, limit + hits.size());
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) best.add(rows.getLong(1));
            }
        }
        try (PreparedStatement statement = c.prepareStatement(primary.snippetTokens == 0
                ? "SELECT " + HIT_COLUMNS + ", m.content FROM messages m JOIN conversations k ON k.id = m.conversation_id WHERE m.id = ?"
                : "SELECT " + HIT_COLUMNS + ", snippet(" + table + ", 0, '" + MARK_START + "', '" + MARK_END + "', '…', " + primary.snippetTokens
                        + ") FROM " + table + " JOIN messages m ON m.id = " + table + ".rowid JOIN conversations k ON k.id = m.conversation_id WHERE "
                        + table + " MATCH ? AND " + table + ".rowid = ?")) {
            for (long id : best) {
                if (hits.size() >= limit) break;
                if (hits.containsKey(id)) continue;
                int p = 1;
                if (primary.snippetTokens > 0) statement.setString(p++, matches.getFirst().query());
                statement.setLong(p, id);
                try (ResultSet rows = statement.executeQuery()) {
                    if (!rows.next()) continue;
                    hits.put(id, hit(rows, primary.snippetTokens == 0 ? snippet(rows.getString(7), snippetWord) : rows.getString(7)));
                }
            }
        }
    }

    private static void bind(PreparedStatement statement, List<String> parameters, int last) throws SQLException {
        int p = 1;
        for (String parameter : parameters) statement.setString(p++, parameter);
        statement.setInt(p, last);
    }

    /** Only short words without letters (such as {@code %} or {@code ?!}): no index holds them, so scan the text, newest first. */
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
