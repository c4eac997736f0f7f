package dev.hearth.engine.tokenizer;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PreTokenizerTest {
    private static List<String> split(String text) {
        int[] cps = text.codePoints().toArray();
        int[] ends = new int[cps.length];
        int count = PreTokenizer.split(cps, cps.length, ends);
        List<String> pieces = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < count; i++) {
            pieces.add(new String(cps, start, ends[i] - start));
            start = ends[i];
        }
        return pieces;
    }

    @Test
    void keepsOneSpaceOfAWhitespaceRunForTheNextWord() {
        assertEquals(List.of("a", "  ", " b"), split("a   b"));
        assertEquals(List.of("a", "\u3000", "\u3000b"), split("a\u3000\u3000b"));
        assertEquals(List.of("a", "\u00a0", "\u00a0b"), split("a\u00a0\u00a0b"));
    }

    @Test
    void endsWhitespaceRunsWithLineBreaksAtTheLastLineBreak() {
        assertEquals(List.of("a", " \r\n\r\n", " b"), split("a \r\n\r\n b"));
        // U+2028 is whitespace but no line break here: only \r and \n are
        assertEquals(List.of("x", "\u2028\u2028", " y"), split("x\u2028\u2028 y"));
    }

    @Test
    void splitsContractionsCaseInsensitively() {
        assertEquals(List.of("IT", "'S", " HE", "'LL", " we", "'Re"), split("IT'S HE'LL we'Re"));
    }

    @Test
    void groupsDigitsByThree() {
        assertEquals(List.of("123", "456", "7", " ", "89"), split("1234567 89"));
    }

    @Test
    void usesLlamaCppsWhitespaceNotJavaScripts() {
        // U+0085 is whitespace for llama.cpp, U+FEFF is not (JavaScript's \s has it the other way round)
        assertEquals(List.of("a", "\u0085b", " \ufeff", "c"), split("a\u0085b \ufeffc"));
    }

    @Test
    void treatsLettersNewInUnicode16AsLlamaCppDoes() {
        // U+1C89 is a letter since Unicode 16; llama.cpp's tables predate it
        assertEquals(List.of("a", "\u1c89b"), split("a\u1c89b"));
    }
}
