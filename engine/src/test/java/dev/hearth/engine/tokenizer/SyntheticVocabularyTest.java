package dev.hearth.engine.tokenizer;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SyntheticVocabularyTest {
    private final Vocabulary vocabulary = SyntheticVocabulary.create();
    private final Tokenizer tokenizer = new Tokenizer(vocabulary);

    private int id(String token) {
        return SyntheticVocabulary.id(vocabulary, token);
    }

    @Test
    void mergesBytesByRank() {
        assertArrayEquals(new int[] {id("hello"), id("Ġworld")}, tokenizer.encode("hello world", false));
        assertArrayEquals(new int[] {id("hell"), id("Ġwor")}, tokenizer.encode("hell wor", false));
    }

    @Test
    void mergesTheLeftmostPairFirstAmongEqualRanks() {
        assertArrayEquals(new int[] {id("aa"), id("a")}, tokenizer.encode("aaa", false));
        assertArrayEquals(new int[] {id("aa"), id("aa")}, tokenizer.encode("aaaa", false));
    }

    @Test
    void emitsAPreTokenThatIsATokenWholeEvenWithoutMerges() {
        assertArrayEquals(new int[] {id(SyntheticVocabulary.UNMERGEABLE)}, tokenizer.encode("xyz", false));
        assertArrayEquals(new int[] {id("x"), id("y"), id("z"), id("x")}, tokenizer.encode("xyzx", false));
    }

    @Test
    void findsControlTokensByTextAtTheirOwnIds() {
        int eot = id("<|eot_id|>");
        assertTrue(eot > 255);
        assertEquals(OptionalInt.of(eot), tokenizer.controlToken("<|eot_id|>"));
        assertArrayEquals(new int[] {id("hello"), eot}, tokenizer.encode("hello<|eot_id|>", true));
        int[] plain = tokenizer.encode("hello<|eot_id|>", false);
        assertTrue(Arrays.stream(plain).noneMatch(tokenizer::isControl), Arrays.toString(plain));
        assertEquals("hello<|eot_id|>", tokenizer.decode(plain));
    }

    @Test
    void controlTokensAreMatchedLongestFirstLikeLlamaCpp() {
        // "<<a" and "a>>>" overlap in "<<a>>>": llama.cpp cuts out the longer one first.
        int[] ids = tokenizer.encode("<<a>>>", true);
        assertEquals(id("a>>>"), ids[ids.length - 1]);
        assertEquals("<<", tokenizer.decode(Arrays.copyOf(ids, ids.length - 1)));
    }

    @Test
    void decodesBackToTheText() {
        String text = "hello world, 日本 🦙\n\n  aaa xyz";
        assertEquals(text, tokenizer.decode(tokenizer.encode(text, false)));
    }

    @Test
    void rejectsVocabularyWithoutAllByteTokens() {
        String[] tokens = vocabulary.tokens().clone();
        tokens[0] = "missing-byte"; // the token of byte 0xFF
        var broken = new Vocabulary(tokens, vocabulary.tokenTypes(), new String[0], vocabulary.bosId(), vocabulary.eosId());
        var e = assertThrows(IllegalArgumentException.class, () -> new Tokenizer(broken));
        assertTrue(e.getMessage().contains("0xFF"), e.getMessage());
    }

    @Test
    void rejectsMergeOfUnknownTokens() {
        var broken = new Vocabulary(vocabulary.tokens(), vocabulary.tokenTypes(), new String[] {"h e", "q z"},
                vocabulary.bosId(), vocabulary.eosId());
        var e = assertThrows(IllegalArgumentException.class, () -> new Tokenizer(broken));
        assertTrue(e.getMessage().contains("merge 1 'q z'"), e.getMessage());
    }
}
