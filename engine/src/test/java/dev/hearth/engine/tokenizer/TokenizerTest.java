package dev.hearth.engine.tokenizer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenizerTest {
    private static final Tokenizer LLAMA3 = new Tokenizer(Vocabulary.llama3());

    static List<ReferenceFixture.Text> texts() {
        return ReferenceFixture.get().texts();
    }

    @ParameterizedTest
    @MethodSource("texts")
    void encodesOrdinaryTextLikeLlamaCpp(ReferenceFixture.Text t) {
        assertArrayEquals(t.plain(), LLAMA3.encode(t.text(), false), () -> t.id() + ": " + t.text());
    }

    @ParameterizedTest
    @MethodSource("texts")
    void encodesTextWithControlTokensLikeLlamaCpp(ReferenceFixture.Text t) {
        assertArrayEquals(t.special(), LLAMA3.encode(t.text(), true), () -> t.id() + ": " + t.text());
    }

    @ParameterizedTest
    @MethodSource("texts")
    void decodesEncodedTextBackToTheSameText(ReferenceFixture.Text t) {
        assertEquals(t.text(), LLAMA3.decode(LLAMA3.encode(t.text(), false)));
        assertEquals(t.text(), LLAMA3.decode(LLAMA3.encode(t.text(), true)));
    }

    @Test
    void agreesWithHuggingFaceExceptWhereJavaScriptWhitespaceDiffersFromLlamaCpp() {
        // HF's JavaScript regex counts U+FEFF as whitespace and U+0085 not; llama.cpp the reverse.
        for (ReferenceFixture.Text t : texts()) {
            boolean sameAsHf = Arrays.equals(t.hf_plain(), LLAMA3.encode(t.text(), false))
                    && Arrays.equals(t.hf_special(), LLAMA3.encode(t.text(), true));
            assertEquals(!t.id().equals("nel_and_bom"), sameAsHf, t.id());
        }
    }

    @Test
    void userTypedControlTokenTextStaysOrdinaryText() {
        int[] plain = LLAMA3.encode("<|eot_id|>", false);
        assertTrue(IntStream.of(plain).noneMatch(LLAMA3::isControl), Arrays.toString(plain));
        assertEquals("<|eot_id|>", LLAMA3.decode(plain));
        assertArrayEquals(new int[] {128009}, LLAMA3.encode("<|eot_id|>", true));
    }

    @Test
    void textThatIsOneTokenBecomesThatToken() {
        assertArrayEquals(new int[] {9906}, LLAMA3.encode("Hello", false));
        assertArrayEquals(new int[] {22691}, LLAMA3.encode(" Hello", false));
    }

    @Test
    void emptyTextHasNoTokens() {
        assertArrayEquals(new int[0], LLAMA3.encode("", true));
        assertEquals("", LLAMA3.decode(new int[0]));
    }

    @Test
    void loneSurrogateIsReadAsReplacementCharacter() {
        assertArrayEquals(LLAMA3.encode("a\uFFFDb", false), LLAMA3.encode("a\uD800b", false));
    }

    @Test
    void looksUpControlTokensByText() {
        assertEquals(OptionalInt.of(128009), LLAMA3.controlToken("<|eot_id|>"));
        assertEquals(OptionalInt.of(128000), LLAMA3.controlToken("<|begin_of_text|>"));
        assertEquals(OptionalInt.empty(), LLAMA3.controlToken("Hello"));
        assertTrue(LLAMA3.isControl(128255));
        assertFalse(LLAMA3.isControl(9906));
    }

    @Test
    void tokenBytesUndoTheByteLevelSpelling() {
        assertArrayEquals(new byte[] {' '}, LLAMA3.tokenBytes(220)); // spelled "Ġ"
        assertArrayEquals(new byte[] {'\n', '\n'}, LLAMA3.tokenBytes(271)); // spelled "ĊĊ"
        assertArrayEquals("<|eot_id|>".getBytes(), LLAMA3.tokenBytes(128009));
    }

    @Test
    void decodeRendersControlTokensAsTheirText() {
        assertEquals("<|begin_of_text|>Hello<|eot_id|>", LLAMA3.decode(new int[] {128000, 9906, 128009}));
    }

    @Test
    void rejectsTokenIdsOutsideTheVocabulary() {
        var e = assertThrows(IllegalArgumentException.class, () -> LLAMA3.decode(new int[] {128256}));
        assertTrue(e.getMessage().contains("128256"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LLAMA3.tokenBytes(-1));
    }

    @Test
    void encodesLongTextLikeItsParts() {
        // A pre-token never spans "? Llamas", so a long text is the concatenation of its sentences' tokens.
        String sentence = " Llamas carry about 25 to 30% of their body weight, don't they?";
        int[] one = LLAMA3.encode(sentence, false);
        int[] many = LLAMA3.encode(sentence.repeat(500), false);
        assertEquals(one.length * 500, many.length);
        for (int i = 0; i < many.length; i++) {
            assertEquals(one[i % one.length], many[i], "token " + i);
        }
    }
}
