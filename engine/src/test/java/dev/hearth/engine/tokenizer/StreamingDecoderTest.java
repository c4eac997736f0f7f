package dev.hearth.engine.tokenizer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StreamingDecoderTest {
    private static final Tokenizer LLAMA3 = new Tokenizer(Vocabulary.llama3());

    @ParameterizedTest
    @ValueSource(strings = {"japanese", "japanese_ideographic_space", "emoji", "emoji_zwj", "mixed_scripts", "unicode_numbers"})
    void streamsMultiByteTextWithoutReplacementCharacters(String id) {
        String text = ReferenceFixture.get().text(id).text();
        StreamingDecoder decoder = LLAMA3.streamingDecoder(false);
        var streamed = new StringBuilder();
        for (int token : LLAMA3.encode(text, false)) {
            String piece = decoder.accept(token);
            assertFalse(piece.contains("\uFFFD"), () -> "U+FFFD after token " + token);
            streamed.append(piece);
        }
        assertEquals("", decoder.flush());
        assertEquals(text, streamed.toString());
    }

    @Test
    void holdsBackACharacterUntilItsLastByteArrives() {
        // 🦙 is 4 bytes; Llama 3 spells it with 3 tokens
        int[] tokens = LLAMA3.encode("🦙", false);
        assertTrue(tokens.length > 1);
        StreamingDecoder decoder = LLAMA3.streamingDecoder(false);
        for (int i = 0; i < tokens.length - 1; i++) {
            assertEquals("", decoder.accept(tokens[i]));
        }
        assertEquals("🦙", decoder.accept(tokens[tokens.length - 1]));
    }

    @Test
    void flushTurnsAnUnfinishedCharacterIntoReplacementCharacter() {
        int[] tokens = LLAMA3.encode("a🦙", false);
        StreamingDecoder decoder = LLAMA3.streamingDecoder(false);
        var streamed = new StringBuilder();
        for (int i = 0; i < tokens.length - 1; i++) {
            streamed.append(decoder.accept(tokens[i]));
        }
        assertEquals("a", streamed.toString());
        assertEquals("\uFFFD", decoder.flush());
    }

    @Test
    void rendersControlTokensOnlyWhenAsked() {
        int[] tokens = LLAMA3.encode("Hi<|eot_id|>", true);
        StreamingDecoder hidden = LLAMA3.streamingDecoder(false);
        StreamingDecoder shown = LLAMA3.streamingDecoder(true);
        var a = new StringBuilder();
        var b = new StringBuilder();
        for (int t : tokens) {
            a.append(hidden.accept(t));
            b.append(shown.accept(t));
        }
        assertEquals("Hi", a.toString());
        assertEquals("Hi<|eot_id|>", b.toString());
    }

    @Test
    void streamedTextOfAnyTokenSequenceEqualsDecode() {
        // Random tokens make invalid UTF-8 too (stray continuation bytes, cut sequences): the
        // streamed text must still be exactly what decode gives for the whole sequence.
        var random = new Random(42);
        for (int round = 0; round < 300; round++) {
            int[] tokens = random.ints(1 + random.nextInt(12), 0, 128_256).toArray();
            StreamingDecoder decoder = LLAMA3.streamingDecoder(true);
            var streamed = new StringBuilder();
            for (int t : tokens) {
                streamed.append(decoder.accept(t));
            }
            streamed.append(decoder.flush());
            assertEquals(LLAMA3.decode(tokens), streamed.toString(), () -> java.util.Arrays.toString(tokens));
        }
    }

    @Test
    void findsIncompleteSequencesOnlyWhereMoreBytesCanComplete() {
        assertEquals(1, tail(0x61, 0xE3));             // a, then the lead of a 3-byte character
        assertEquals(2, tail(0xE3, 0x81));             // lead + 1 of 2 continuation bytes
        assertEquals(0, tail(0xE3, 0x81, 0x82));       // complete
        assertEquals(3, tail(0xF0, 0x9F, 0xA6));       // 3 of 4 bytes of an emoji
        assertEquals(0, tail(0x80));                   // a stray continuation byte never completes
        assertEquals(0, tail(0xC0));                   // overlong lead
        assertEquals(0, tail(0xED, 0xA0));             // would be a surrogate
        assertEquals(0, tail(0xF4, 0x90));             // would be above U+10FFFF
        assertEquals(0, tail(0xE0, 0x80));             // overlong 3-byte form
    }

    private static int tail(int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) bytes[i];
        }
        return StreamingDecoder.incompleteTail(b, b.length);
    }
}
