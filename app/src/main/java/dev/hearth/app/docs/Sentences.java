package dev.hearth.app.docs;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Splits text into sentences: after {@code . ! ?} followed by a space (not after a common abbreviation or
 * a single initial), and after the Japanese {@code 。！？} with or without a following space, closing
 * quotes and brackets staying with their sentence.
 */
final class Sentences {
    private Sentences() {}

    private static final Set<String> ABBREVIATIONS = Set.of("e.g", "i.e", "etc", "mr", "mrs", "ms", "dr", "prof", "st", "vs", "no", "fig", "approx", "cf");

    static List<String> split(String text) {
        List<String> sentences = new ArrayList<>();
        int start = 0;
        int length = text.length();
        for (int i = 0; i < length; i++) {
            char ch = text.charAt(i);
            boolean cjkEnd = ch == '。' || ch == '！' || ch == '？';
            boolean latinEnd = (ch == '.' || ch == '!' || ch == '?') && i + 1 < length;
            if (!cjkEnd && !latinEnd) continue;
            int end = i + 1;
            while (end < length && isCloser(text.charAt(end))) end++;
            if (latinEnd) {
                if (end >= length || !Character.isWhitespace(text.charAt(end))) continue;
                if (ch == '.' && isAbbreviation(text, start, i)) continue;
            }
            add(sentences, text.substring(start, end));
            while (end < length && Character.isWhitespace(text.charAt(end))) end++;
            start = end;
            i = end - 1;
        }
        if (start < length) add(sentences, text.substring(start));
        return sentences;
    }

    private static void add(List<String> sentences, String sentence) {
        String stripped = sentence.strip();
        if (!stripped.isEmpty()) sentences.add(stripped);
    }

    private static boolean isCloser(char ch) {
        return ch == '"' || ch == '\'' || ch == ')' || ch == ']' || ch == '」' || ch == '』' || ch == '）' || ch == '”' || ch == '’'
                || ch == '。' || ch == '！' || ch == '？' || ch == '!' || ch == '?';
    }

    private static boolean isAbbreviation(String text, int sentenceStart, int dot) {
        int wordStart = dot;
        while (wordStart > sentenceStart && !Character.isWhitespace(text.charAt(wordStart - 1))) wordStart--;
        String word = text.substring(wordStart, dot).toLowerCase(java.util.Locale.ROOT);
        if (word.length() == 1 && Character.isUpperCase(text.charAt(wordStart))) return true;
        return ABBREVIATIONS.contains(word);
    }
}
