package dev.hearth.engine.tokenizer;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * The reference tokens and renderings written by engine/src/test/tools/tokenizer-reference.mjs:
 * llama.cpp's tokens (vocabulary-only GGUF of the Llama 3.1 tokenizer), the Hugging Face port's,
 * and the chat template rendered by llama.cpp's and Hugging Face's jinja engines.
 */
public record ReferenceFixture(List<Text> texts, List<Chat> chats) {
    public record Text(String id, String text, int[] plain, int[] special, int[] hf_plain, int[] hf_special) {
        @Override
        public String toString() {
            return id;
        }
    }

    public record Chat(String id, List<Map<String, String>> messages, String date_string, boolean add_generation_prompt,
                       String rendered, String rendered_hf, int[] tokens) {
        @Override
        public String toString() {
            return id;
        }
    }

    private static final ReferenceFixture FIXTURE = load();

    public static ReferenceFixture get() {
        return FIXTURE;
    }

    public Text text(String id) {
        return texts.stream().filter(t -> t.id().equals(id)).findFirst().orElseThrow(() -> new IllegalArgumentException("no text " + id));
    }

    public Chat chat(String id) {
        return chats.stream().filter(c -> c.id().equals(id)).findFirst().orElseThrow(() -> new IllegalArgumentException("no chat " + id));
    }

    private static ReferenceFixture load() {
        try (InputStream in = ReferenceFixture.class.getResourceAsStream("hf-reference.json")) {
            return new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).readValue(in, ReferenceFixture.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
