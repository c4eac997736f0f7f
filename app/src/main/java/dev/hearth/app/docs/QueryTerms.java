package dev.hearth.app.docs;

import dev.hearth.app.store.CjkBigrams;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A question turned into full-text queries. Words of scripts written with spaces go to the word index as
 * alternatives ({@code OR}: a question shares some words with its answer, rarely all), without English
 * function words. Japanese and Chinese text has no spaces, so each run of it becomes its overlapping
 * two- and three-character pieces for the bigram and trigram indexes; pieces made only of hiragana
 * (particles and endings such as のは or ですか) are left out as they match almost everything.
 */
record QueryTerms(List<String> words, List<String> bigrams, List<String> trigrams) {

    private static final Set<String> STOP_WORDS = Set.of(
            "a", "an", "and", "are", "as", "at", "be", "by", "can", "did", "do", "does", "for", "from", "has", "have", "how", "i",
            "in", "is", "it", "its", "many", "much", "of", "on", "or", "should", "that", "the", "their", "there", "this", "to", "was",
            "were", "what", "when", "where", "which", "who", "whom", "why", "will", "with", "would", "you", "your", "me", "my", "we",
            "our", "they", "them", "about", "into", "than", "then", "so", "if", "not", "no", "yes", "tell", "long", "any", "all");

    static QueryTerms of(String query) {
        Set<String> words = new LinkedHashSet<>();
        Set<String> bigrams = new LinkedHashSet<>();
        Set<String> trigrams = new LinkedHashSet<>();
        StringBuilder word = new StringBuilder();
        StringBuilder cjk = new StringBuilder();
        query.codePoints().forEach(cp -> {
            if (CjkBigrams.isCjkLetter(cp)) {
                addWord(words, word);
                cjk.appendCodePoint(cp);
            } else if (Character.isLetterOrDigit(cp)) {
                addPieces(bigrams, trigrams, cjk);
                word.appendCodePoint(cp);
            } else {
                addWord(words, word);
                addPieces(bigrams, trigrams, cjk);
            }
        });
        addWord(words, word);
        addPieces(bigrams, trigrams, cjk);
        return new QueryTerms(List.copyOf(words), List.copyOf(bigrams), List.copyOf(trigrams));
    }

    private static void addWord(Set<String> words, StringBuilder word) {
        String lower = word.toString().toLowerCase(Locale.ROOT);
        word.setLength(0);
        if (lower.length() >= 2 && !STOP_WORDS.contains(lower)) words.add(lower);
    }

    private static void addPieces(Set<String> bigrams, Set<String> trigrams, StringBuilder run) {
        int[] cps = run.codePoints().toArray();
        run.setLength(0);
        if (cps.length == 1) bigrams.add(new String(cps, 0, 1));
        for (int size = 2; size <= 3; size++) {
            for (int i = 0; i + size <= cps.length; i++) {
                if (!allHiragana(cps, i, size)) (size == 2 ? bigrams : trigrams).add(new String(cps, i, size));
            }
        }
    }

    private static boolean allHiragana(int[] cps, int from, int size) {
        for (int j = from; j < from + size; j++) if (Character.UnicodeScript.of(cps[j]) != Character.UnicodeScript.HIRAGANA) return false;
        return true;
    }

    /** True when most letters of the query are Japanese/Chinese, where the English embedding model cannot help. */
    static boolean mostlyCjk(String query) {
        long cjk = query.codePoints().filter(cp -> Character.isLetter(cp) && CjkBigrams.isCjk(cp)).count();
        long letters = query.codePoints().filter(Character::isLetter).count();
        return letters > 0 && cjk * 2 > letters;
    }

    String wordMatch() {
        return orOf(words);
    }

    String bigramMatch() {
        return orOf(bigrams);
    }

    String trigramMatch() {
        return orOf(trigrams);
    }

    /** FTS5 strings joined by OR; inside double quotes nothing is syntax. */
    private static String orOf(List<String> terms) {
        List<String> quoted = new ArrayList<>();
        for (String term : terms) quoted.add('"' + term.replace("\"", "\"\"") + '"');
        return String.join(" OR ", quoted);
    }

    /** Every term, for marking the snippet. */
    List<String> all() {
        List<String> all = new ArrayList<>(words);
        all.addAll(trigrams);
        all.addAll(bigrams);
        return all;
    }
}
