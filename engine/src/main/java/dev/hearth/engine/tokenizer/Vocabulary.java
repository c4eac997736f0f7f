package dev.hearth.engine.tokenizer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;

/**
 * A byte-level BPE vocabulary as GGUF stores it: {@code tokenizer.ggml.tokens} (tokens in the
 * byte-level spelling, control tokens as plain text), {@code tokenizer.ggml.token_type}
 * ({@link #NORMAL} or {@link #CONTROL}), {@code tokenizer.ggml.merges} ("left right", lowest rank
 * first) and the BOS/EOS ids. The arrays are shared, not copied: do not modify them.
 */
public record Vocabulary(String[] tokens, int[] tokenTypes, String[] merges, int bosId, int eosId) {
    /** GGUF token type of ordinary tokens. */
    public static final int NORMAL = 1;
    /** GGUF token type of control tokens such as {@code <|eot_id|>}. */
    public static final int CONTROL = 3;

    static final String RESOURCE = "llama3-vocab.gz";
    static final String RESOURCE_FORMAT = "hearth-vocabulary/1";

    public Vocabulary {
        if (tokens == null || tokenTypes == null || merges == null) {
            throw new IllegalArgumentException("vocabulary needs tokens, token types and merges");
        }
        if (tokenTypes.length != tokens.length) {
            throw new IllegalArgumentException("vocabulary has " + tokens.length + " tokens but "
                    + tokenTypes.length + " token types");
        }
        if (bosId < 0 || bosId >= tokens.length || eosId < 0 || eosId >= tokens.length) {
            throw new IllegalArgumentException("BOS id " + bosId + " or EOS id " + eosId
                    + " outside the vocabulary of " + tokens.length + " tokens");
        }
    }

    public int size() {
        return tokens.length;
    }

    /**
     * The Llama 3 vocabulary with the Llama 3.1 control-token names, bundled with the engine
     * (BOS {@code <|begin_of_text|>} 128000, EOS {@code <|eot_id|>} 128009 as in Llama 3.1 Instruct
     * GGUFs). Loaded once.
     */
    public static Vocabulary llama3() {
        return Llama3.VOCABULARY;
    }

    private static final class Llama3 {
        static final Vocabulary VOCABULARY = load();

        private static Vocabulary load() {
            try (InputStream in = Vocabulary.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("resource " + RESOURCE + " is missing from the engine");
                }
                return read(in, RESOURCE);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read resource " + RESOURCE, e);
            }
        }
    }

    /**
     * Reads the gzip'd text format of the bundled resource: a line {@code hearth-vocabulary/1}, a
     * line {@code tokens N merges M bos B eos E}, N lines {@code TYPE TOKEN}, then M merge lines.
     */
    static Vocabulary read(InputStream gzipped, String name) throws IOException {
        var reader = new BufferedReader(new InputStreamReader(new GZIPInputStream(gzipped, 1 << 16), StandardCharsets.UTF_8), 1 << 16);
        int[] lineNumber = {0};
        String format = nextLine(reader, name, lineNumber);
        if (!format.equals(RESOURCE_FORMAT)) {
            throw new IOException(name + ": expected format line '" + RESOURCE_FORMAT + "', found '" + format + "'");
        }
        String header = nextLine(reader, name, lineNumber);
        String[] fields = header.split(" ");
        if (fields.length != 8 || !fields[0].equals("tokens") || !fields[2].equals("merges")
                || !fields[4].equals("bos") || !fields[6].equals("eos")) {
            throw new IOException(name + ": expected 'tokens N merges M bos B eos E' on line 2, found '" + header + "'");
        }
        int tokenCount, mergeCount, bos, eos;
        try {
            tokenCount = Integer.parseInt(fields[1]);
            mergeCount = Integer.parseInt(fields[3]);
            bos = Integer.parseInt(fields[5]);
            eos = Integer.parseInt(fields[7]);
        } catch (NumberFormatException e) {
            throw new IOException(name + ": non-numeric count on line 2: '" + header + "'", e);
        }
        String[] tokens = new String[tokenCount];
        int[] types = new int[tokenCount];
        for (int i = 0; i < tokenCount; i++) {
            String line = nextLine(reader, name, lineNumber);
            int space = line.indexOf(' ');
            if (space < 1) {
                throw new IOException(name + ": expected 'TYPE TOKEN' for token " + i + " on line " + lineNumber[0] + ", found '" + line + "'");
            }
            try {
                types[i] = Integer.parseInt(line, 0, space, 10);
            } catch (NumberFormatException e) {
                throw new IOException(name + ": bad token type for token " + i + " on line " + lineNumber[0], e);
            }
            tokens[i] = line.substring(space + 1);
        }
        String[] merges = new String[mergeCount];
        for (int i = 0; i < mergeCount; i++) {
            merges[i] = nextLine(reader, name, lineNumber);
        }
        if (reader.readLine() != null) {
            throw new IOException(name + ": data after the " + mergeCount + " merges announced on line 2");
        }
        try {
            return new Vocabulary(tokens, types, merges, bos, eos);
        } catch (IllegalArgumentException e) {
            throw new IOException(name + ": " + e.getMessage(), e);
        }
    }

    private static String nextLine(BufferedReader reader, String name, int[] lineNumber) throws IOException {
        String line = reader.readLine();
        lineNumber[0]++;
        if (line == null) {
            throw new IOException(name + ": ends early, at line " + lineNumber[0]);
        }
        return line;
    }
}
