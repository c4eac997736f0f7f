package dev.hearth.engine.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * Writes the bundled Llama 3 vocabulary resource ({@code llama3-vocab.gz}) from a Hugging Face
 * {@code tokenizer.json} with the Llama 3.1 control-token names. Run by hand, not by the build:
 *
 * <pre>
 * ./mvnw -q -pl engine test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp engine/target/test-classes:engine/target/classes:$(cat engine/target/cp.txt) \
 *     dev.hearth.engine.tokenizer.VocabularyResourceGenerator path/to/tokenizer.json \
 *     engine/src/main/resources/dev/hearth/engine/tokenizer/llama3-vocab.gz
 * </pre>
 *
 * The output is byte-for-byte reproducible (the gzip header carries no timestamp).
 */
public final class VocabularyResourceGenerator {
    private static final String BOS = "<|begin_of_text|>";
    /** Llama 3.1 Instruct GGUFs end a turn, and generation, with {@code <|eot_id|>}. */
    private static final String EOS = "<|eot_id|>";

    private VocabularyResourceGenerator() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: VocabularyResourceGenerator tokenizer.json out.gz");
            System.exit(2);
        }
        Vocabulary vocabulary = fromTokenizerJson(Path.of(args[0]));
        write(vocabulary, Path.of(args[1]));
        System.out.printf("wrote %s: %d tokens, %d merges, %d bytes%n",
                args[1], vocabulary.size(), vocabulary.merges().length, Files.size(Path.of(args[1])));
    }

    static Vocabulary fromTokenizerJson(Path file) throws IOException {
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        JsonNode model = root.path("model");
        if (!"BPE".equals(model.path("type").asText())) {
            throw new IOException(file + ": model.type is not BPE");
        }
        JsonNode vocab = model.path("vocab");
        JsonNode added = root.path("added_tokens");
        int size = vocab.size() + added.size();
        String[] tokens = new String[size];
        int[] types = new int[size];
        for (Map.Entry<String, JsonNode> e : vocab.properties()) {
            place(tokens, types, e.getValue().asInt(), e.getKey(), Vocabulary.NORMAL, file);
        }
        for (JsonNode t : added) {
            if (!t.path("special").asBoolean()) {
                throw new IOException(file + ": added token " + t + " is not special");
            }
            place(tokens, types, t.path("id").asInt(), t.path("content").asText(), Vocabulary.CONTROL, file);
        }
        for (int i = 0; i < size; i++) {
            if (tokens[i] == null) {
                throw new IOException(file + ": no token has id " + i);
            }
            if (tokens[i].indexOf('\n') >= 0 || tokens[i].indexOf('\r') >= 0) {
                throw new IOException(file + ": token " + i + " contains a line break");
            }
        }
        JsonNode mergeNodes = model.path("merges");
        String[] merges = new String[mergeNodes.size()];
        for (int i = 0; i < merges.length; i++) {
            JsonNode m = mergeNodes.get(i);
            merges[i] = m.isArray() ? m.get(0).asText() + " " + m.get(1).asText() : m.asText();
        }
        return new Vocabulary(tokens, types, merges, idOf(tokens, BOS, file), idOf(tokens, EOS, file));
    }

    private static void place(String[] tokens, int[] types, int id, String text, int type, Path file) throws IOException {
        if (id < 0 || id >= tokens.length || tokens[id] != null) {
            throw new IOException(file + ": token id " + id + " of '" + text + "' is out of range or taken twice");
        }
        tokens[id] = text;
        types[id] = type;
    }

    private static int idOf(String[] tokens, String text, Path file) throws IOException {
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i].equals(text)) {
                return i;
            }
        }
        throw new IOException(file + ": no token " + text);
    }

    static void write(Vocabulary vocabulary, Path out) throws IOException {
        try (var writer = new BufferedWriter(new OutputStreamWriter(
                new GZIPOutputStream(Files.newOutputStream(out), 1 << 16), StandardCharsets.UTF_8))) {
            writer.write(Vocabulary.RESOURCE_FORMAT + "\n");
            writer.write("tokens " + vocabulary.size() + " merges " + vocabulary.merges().length
                    + " bos " + vocabulary.bosId() + " eos " + vocabulary.eosId() + "\n");
            for (int i = 0; i < vocabulary.size(); i++) {
                writer.write(vocabulary.tokenTypes()[i] + " " + vocabulary.tokens()[i] + "\n");
            }
            for (String merge : vocabulary.merges()) {
                writer.write(merge + "\n");
            }
        }
    }
}
