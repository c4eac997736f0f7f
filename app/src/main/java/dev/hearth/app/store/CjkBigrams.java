package dev.hearth.app.store;

import java.sql.Connection;
import java.sql.SQLException;
import org.sqlite.Function;

/**
 * Japanese and Chinese text as terms for a two-character index. These scripts are written without
 * spaces and most of their words are two characters, below the trigram size, so each run of CJK letters
 * becomes its overlapping two-character pieces; the run's last character is a term of its own as well, so
 * that every character starts some term and a one-character query is a prefix query ({@code "鯨"*}).
 * The message and the document chunk indexes both store this text.
 */
public final class CjkBigrams {
    private CjkBigrams() {}

    /** The SQL name under which {@link #terms} is registered on every connection, for the triggers that index messages. */
    static final String SQL_FUNCTION = "hearth_cjk_bigrams";

    /** Han, kana, CJK symbols and punctuation, and full-width forms. */
    public static boolean isCjk(int codePoint) {
        Character.UnicodeScript script = Character.UnicodeScript.of(codePoint);
        return script == Character.UnicodeScript.HAN || script == Character.UnicodeScript.HIRAGANA
                || script == Character.UnicodeScript.KATAKANA || (codePoint >= 0x3000 && codePoint <= 0x303F)
                || (codePoint >= 0xFF00 && codePoint <= 0xFFEF);
    }

    /** A CJK letter or digit: what the terms are made of (punctuation such as 。 separates runs). */
    public static boolean isCjkLetter(int codePoint) {
        return isCjk(codePoint) && Character.isLetterOrDigit(codePoint);
    }

    /**
     * The CJK runs of {@code text} as space-separated terms: {@code 東京の天気} gives {@code 東京 京の の天 天気 気};
     * other scripts are left out, and text without CJK letters gives the empty string.
     */
    public static String terms(String text) {
        StringBuilder terms = new StringBuilder();
        int[] cps = text.codePoints().toArray();
        int i = 0;
        while (i < cps.length) {
            if (!isCjkLetter(cps[i])) {
                i++;
                continue;
            }
            int end = i;
            while (end < cps.length && isCjkLetter(cps[end])) end++;
            for (int j = i; j + 2 <= end; j++) terms.appendCodePoint(cps[j]).appendCodePoint(cps[j + 1]).append(' ');
            terms.appendCodePoint(cps[end - 1]).append(' ');
            i = end;
        }
        return terms.toString().strip();
    }

    /** Makes {@link #terms} callable from SQL on {@code connection} (the message triggers of schema step 4 call it). */
    static void register(Connection connection) throws SQLException {
        Function.create(connection, SQL_FUNCTION, new Function() {
            @Override
            protected void xFunc() throws SQLException {
                String text = value_text(0);
                result(text == null ? "" : terms(text));
            }
        }, 1, Function.FLAG_DETERMINISTIC);
    }
}
