package dev.hearth.engine.tokenizer;

/**
 * Splits text into pre-tokens exactly as llama.cpp does for {@code tokenizer.ggml.pre=llama-bpe},
 * whose definition is the Llama 3 regex
 * <pre>(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+</pre>
 * Written out by hand rather than with java.util.regex: it is several times faster, and {@code \s}
 * here has to be llama.cpp's whitespace set (the Unicode White_Space code points, which includes
 * U+0085, U+00A0, U+2028, U+3000 but not U+FEFF), not Java's nor JavaScript's.
 */
final class PreTokenizer {
    /**
     * Code points (first, last pairs) that Unicode 16 assigned and Java therefore knows as letters
     * or numbers, but that llama.cpp's Unicode 15.1 tables leave unassigned, which makes them
     * neither. Found by comparing llama.cpp's src/unicode-data.cpp with Character.getType on
     * JDK 25; the two agree on every other code point.
     */
    private static final int[] UNASSIGNED_IN_LLAMA_CPP = {
            0x897, 0x897, 0x1B4E, 0x1B4F, 0x1B7F, 0x1B7F, 0x1C89, 0x1C8A,
            0x2427, 0x2429, 0x31E4, 0x31E5, 0xA7CB, 0xA7CD, 0xA7DA, 0xA7DC,
            0x105C0, 0x105F3, 0x10D40, 0x10D65, 0x10D69, 0x10D85, 0x10D8E, 0x10D8F,
            0x10EC2, 0x10EC4, 0x10EFC, 0x10EFC, 0x11380, 0x11389, 0x1138B, 0x1138B,
            0x1138E, 0x1138E, 0x11390, 0x113B5, 0x113B7, 0x113C0, 0x113C2, 0x113C2,
            0x113C5, 0x113C5, 0x113C7, 0x113CA, 0x113CC, 0x113D5, 0x113D7, 0x113D8,
            0x113E1, 0x113E2, 0x116D0, 0x116E3, 0x11BC0, 0x11BE1, 0x11BF0, 0x11BF9,
            0x11F5A, 0x11F5A, 0x13460, 0x143FA, 0x16100, 0x16139, 0x16D40, 0x16D79,
            0x18CFF, 0x18CFF, 0x1CC00, 0x1CCF9, 0x1CD00, 0x1CEB3, 0x1E5D0, 0x1E5FA,
            0x1E5FF, 0x1E5FF, 0x1F8B2, 0x1F8BB, 0x1F8C0, 0x1F8C1, 0x1FA89, 0x1FA89,
            0x1FA8F, 0x1FA8F, 0x1FABE, 0x1FABE, 0x1FAC6, 0x1FAC6, 0x1FADC, 0x1FADC,
            0x1FADF, 0x1FADF, 0x1FAE9, 0x1FAE9, 0x1FBCB, 0x1FBEF
    };

    private PreTokenizer() {
    }

    /**
     * Writes the end offset (exclusive, in code points) of each pre-token of {@code cps[0, n)} into
     * {@code ends} and returns how many there are. {@code ends} must hold at least {@code n} entries.
     */
    static int split(int[] cps, int n, int[] ends) {
        int count = 0;
        int pos = 0;
        while (pos < n) {
            int cp = cps[pos];
            int end = contractionEnd(cps, n, pos);
            if (end < 0) {
                end = wordEnd(cps, n, pos);
            }
            if (end < 0 && isNumber(cp)) {
                end = Math.min(pos + 3, runEnd(cps, n, pos, Kind.NUMBER));
            }
            if (end < 0) {
                end = symbolsEnd(cps, n, pos);
            }
            if (end < 0) {
                end = whitespaceEnd(cps, n, pos);
            }
            ends[count++] = end;
            pos = end;
        }
        return count;
    }

    /** {@code (?i:'s|'t|'re|'ve|'m|'ll|'d)}; only ASCII letters lower-case to these. */
    private static int contractionEnd(int[] cps, int n, int pos) {
        if (cps[pos] != '\'' || pos + 1 >= n) {
            return -1;
        }
        int a = asciiLower(cps[pos + 1]);
        if (a == 's' || a == 't' || a == 'm' || a == 'd') {
            return pos + 2;
        }
        if (pos + 2 < n) {
            int b = asciiLower(cps[pos + 2]);
            if ((a == 'r' || a == 'v') && b == 'e' || a == 'l' && b == 'l') {
                return pos + 3;
            }
        }
        return -1;
    }

    /** {@code [^\r\n\p{L}\p{N}]?\p{L}+} */
    private static int wordEnd(int[] cps, int n, int pos) {
        int cp = cps[pos];
        if (cp == '\r' || cp == '\n' || isNumber(cp)) {
            return -1;
        }
        if (!isLetter(cp) && !(pos + 1 < n && isLetter(cps[pos + 1]))) {
            return -1;
        }
        return runEnd(cps, n, pos + 1, Kind.LETTER);
    }

    /** {@code  ?[^\s\p{L}\p{N}]+[\r\n]*} */
    private static int symbolsEnd(int[] cps, int n, int pos) {
        int start = cps[pos] == ' ' ? pos + 1 : pos;
        if (start < n && !isSymbol(cps[start])) {
            return -1;
        }
        int end = start;
        while (end < n && isSymbol(cps[end])) {
            end++;
        }
        while (end < n && (cps[end] == '\r' || cps[end] == '\n')) {
            end++;
        }
        return end;
    }

    /** {@code \s*[\r\n]+|\s+(?!\S)|\s+}, and a lone code point if none matches. */
    private static int whitespaceEnd(int[] cps, int n, int pos) {
        int end = pos;
        int afterLastLineBreak = -1;
        while (end < n && isWhitespace(cps[end])) {
            if (cps[end] == '\r' || cps[end] == '\n') {
                afterLastLineBreak = end + 1;
            }
            end++;
        }
        if (afterLastLineBreak > 0) {
            return afterLastLineBreak;
        }
        int run = end - pos;
        if (run > 1 && end < n) {
            return end - 1; // leave the last space to start the next word
        }
        return run > 0 ? end : pos + 1;
    }

    private enum Kind { LETTER, NUMBER }

    private static int runEnd(int[] cps, int n, int pos, Kind kind) {
        while (pos < n && (kind == Kind.LETTER ? isLetter(cps[pos]) : isNumber(cps[pos]))) {
            pos++;
        }
        return pos;
    }

    private static int asciiLower(int cp) {
        return cp >= 'A' && cp <= 'Z' ? cp + ('a' - 'A') : cp;
    }

    /** {@code \p{L}}: general categories Lu, Ll, Lt, Lm, Lo. */
    static boolean isLetter(int cp) {
        if (cp < 128) {
            return (cp | 0x20) >= 'a' && (cp | 0x20) <= 'z';
        }
        return Character.isLetter(cp) && !unassignedInLlamaCpp(cp);
    }

    /** {@code \p{N}}: general categories Nd, Nl, No. */
    static boolean isNumber(int cp) {
        if (cp < 128) {
            return cp >= '0' && cp <= '9';
        }
        int type = Character.getType(cp);
        return (type == Character.DECIMAL_DIGIT_NUMBER || type == Character.LETTER_NUMBER || type == Character.OTHER_NUMBER)
                && !unassignedInLlamaCpp(cp);
    }

    private static boolean unassignedInLlamaCpp(int cp) {
        int low = 0;
        int high = UNASSIGNED_IN_LLAMA_CPP.length / 2 - 1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            if (cp < UNASSIGNED_IN_LLAMA_CPP[2 * mid]) {
                high = mid - 1;
            } else if (cp > UNASSIGNED_IN_LLAMA_CPP[2 * mid + 1]) {
                low = mid + 1;
            } else {
                return true;
            }
        }
        return false;
    }

    /** {@code \s} as llama.cpp defines it: the Unicode White_Space property. */
    static boolean isWhitespace(int cp) {
        if (cp < 128) {
            return cp == ' ' || (cp >= '\t' && cp <= '\r');
        }
        return cp == 0x85 || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A)
                || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
    }

    /** {@code [^\s\p{L}\p{N}]} */
    private static boolean isSymbol(int cp) {
        return !isWhitespace(cp) && !isLetter(cp) && !isNumber(cp);
    }
}
