package dev.hearth.engine.tokenizer;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VocabularyTest {
    @Test
    void bundledLlama3VocabularyHasTheLlama31Tokens() {
        Vocabulary v = Vocabulary.llama3();
        assertEquals(128256, v.size());
        assertEquals(280147, v.merges().length);
        assertEquals("Ġ Ġ", v.merges()[0]);
        assertEquals(128000, v.bosId());
        assertEquals(128009, v.eosId());
        assertEquals("<|begin_of_text|>", v.tokens()[128000]);
        assertEquals("<|end_of_text|>", v.tokens()[128001]);
        assertEquals("<|reserved_special_token_0|>", v.tokens()[128002]);
        assertEquals("<|finetune_right_pad_id|>", v.tokens()[128004]);
        assertEquals("<|start_header_id|>", v.tokens()[128006]);
        assertEquals("<|end_header_id|>", v.tokens()[128007]);
        assertEquals("<|eom_id|>", v.tokens()[128008]);
        assertEquals("<|eot_id|>", v.tokens()[128009]);
        assertEquals("<|python_tag|>", v.tokens()[128010]);
        assertEquals("<|reserved_special_token_247|>", v.tokens()[128255]);
        assertEquals("Hello", v.tokens()[9906]);
        for (int id = 0; id < v.size(); id++) {
            assertEquals(id >= 128000 ? Vocabulary.CONTROL : Vocabulary.NORMAL, v.tokenTypes()[id], "type of token " + id);
        }
    }

    @Test
    void bundledVocabularyIsLoadedOnce() {
        assertSame(Vocabulary.llama3(), Vocabulary.llama3());
    }

    @Test
    void rejectsTruncatedResource() throws IOException {
        byte[] data = gzip("hearth-vocabulary/1\ntokens 3 merges 0 bos 0 eos 1\n1 a\n1 b\n");
        var e = assertThrows(IOException.class, () -> Vocabulary.read(new ByteArrayInputStream(data), "test.gz"));
        assertTrue(e.getMessage().contains("ends early"), e.getMessage());
    }

    @Test
    void rejectsResourceOfAnotherFormat() throws IOException {
        byte[] data = gzip("something else\n");
        var e = assertThrows(IOException.class, () -> Vocabulary.read(new ByteArrayInputStream(data), "test.gz"));
        assertTrue(e.getMessage().contains("hearth-vocabulary/1"), e.getMessage());
    }

    @Test
    void rejectsBosOutsideTheVocabulary() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new Vocabulary(new String[] {"a"}, new int[] {1}, new String[0], 5, 0));
        assertTrue(e.getMessage().contains("BOS id 5"), e.getMessage());
    }

    @Test
    void rejectsTokenTypesOfAnotherLength() {
        assertThrows(IllegalArgumentException.class, () -> new Vocabulary(new String[] {"a", "b"}, new int[] {1}, new String[0], 0, 0));
    }

    private static byte[] gzip(String text) throws IOException {
        var bytes = new ByteArrayOutputStream();
        try (var out = new GZIPOutputStream(bytes)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }
}
