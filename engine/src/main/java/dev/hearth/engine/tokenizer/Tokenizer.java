package dev.hearth.engine.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Byte-level BPE tokenization exactly as llama.cpp does it for {@code tokenizer.ggml.model=gpt2},
 * {@code tokenizer.ggml.pre=llama-bpe}: control tokens are cut out first (only when asked to),
 * the rest is split by the Llama 3 {@link PreTokenizer}, a pre-token that is itself a token is
 * emitted whole ({@code ignore_merges}), and any other pre-token is merged from its bytes, lowest
 * merge rank first and leftmost first among equal ranks. Immutable and safe to share between threads.
 */
public final class Tokenizer {
    private final Vocabulary vocabulary;
    private final Map<String, Integer> idsBySpelling;
    private final Map<String, Integer> controlIdsByText;
    private final byte[][] tokenBytes;
    private final int[] byteTokens = new int[256];
    private final MergeRanks merges;
    /** Control tokens in llama.cpp's matching priority: longest (in UTF-8 bytes) first. */
    private final int[] controlsByPriority;
    private final boolean[] controlFirstChars = new boolean[Character.MAX_VALUE + 1];

    public Tokenizer(Vocabulary vocabulary) {
        this.vocabulary = vocabulary;
        String[] tokens = vocabulary.tokens();
        int[] types = vocabulary.tokenTypes();
        idsBySpelling = HashMap.newHashMap(tokens.length);
        controlIdsByText = new HashMap<>();
        tokenBytes = new byte[tokens.length][];
        List<Integer> controls = new ArrayList<>();
        for (int id = 0; id < tokens.length; id++) {
            String token = tokens[id];
            if (token == null || token.isEmpty()) {
                throw new IllegalArgumentException("token " + id + " is " + (token == null ? "missing" : "empty"));
            }
            if (types[id] == Vocabulary.CONTROL) {
                controlIdsByText.put(token, id);
                tokenBytes[id] = token.getBytes(StandardCharsets.UTF_8);
                controls.add(id);
                controlFirstChars[token.charAt(0)] = true;
            } else {
                byte[] bytes = ByteLevel.unspell(token);
                if (bytes == null) {
                    throw new IllegalArgumentException("token " + id + " '" + token
                            + "' is not in the byte-level spelling of a GPT-2 style vocabulary");
                }
                idsBySpelling.put(token, id);
                tokenBytes[id] = bytes;
            }
        }
        for (int b = 0; b < 256; b++) {
            Integer id = idsBySpelling.get(String.valueOf(ByteLevel.charOf(b)));
            if (id == null) {
                throw new IllegalArgumentException(String.format(
                        "vocabulary has no token for byte 0x%02X (spelled '%c'); a byte-level BPE needs all 256", b, ByteLevel.charOf(b)));
            }
            byteTokens[b] = id;
        }
        merges = mergeRanks(vocabulary.merges());
        controlsByPriority = controls.stream()
                .sorted(Comparator.comparingInt((Integer id) -> -tokenBytes[id].length).thenComparingInt(id -> id))
                .mapToInt(Integer::intValue).toArray();
    }

    private MergeRanks mergeRanks(String[] rules) {
        MergeRanks table = new MergeRanks(rules.length);
        for (int rank = 0; rank < rules.length; rank++) {
            String rule = rules[rank];
            int space = rule == null ? -1 : rule.indexOf(' ', 1);
            if (space < 0) {
                throw new IllegalArgumentException("merge " + rank + " '" + rule + "' is not 'left right'");
            }
            String left = rule.substring(0, space);
            String right = rule.substring(space + 1);
            table.addIfAbsent(tokenId(left, rank, rule), tokenId(right, rank, rule), rank, tokenId(left + right, rank, rule));
        }
        return table;
    }

    private int tokenId(String spelling, int rank, String rule) {
        Integer id = idsBySpelling.get(spelling);
        if (id == null) {
            throw new IllegalArgumentException("merge " + rank + " '" + rule + "': '" + spelling + "' is not a token of the vocabulary");
        }
        return id;
    }

    public Vocabulary vocabulary() {
        return vocabulary;
    }

    /**
     * Token ids of {@code text}, without BOS. With {@code parseSpecial} the text of a control token
     * such as {@code <|eot_id|>} becomes that token; without it, it is ordinary text, which is what
     * anything a user typed must get. A lone surrogate in {@code text} is read as U+FFFD.
     */
    public int[] encode(String text, boolean parseSpecial) {
        var out = new IdList(text.length() / 3 + 8);
        if (!parseSpecial || controlsByPriority.length == 0) {
            encodeOrdinary(text, out);
            return out.toArray();
        }
        long[] matches = controlMatches(text);
        int pos = 0;
        for (long match : matches) {
            int start = (int) (match >>> 32);
            int id = (int) match;
            if (start > pos) {
                encodeOrdinary(text.substring(pos, start), out);
            }
            out.add(id);
            pos = start + vocabulary.tokens()[id].length();
        }
        if (pos < text.length()) {
            encodeOrdinary(pos == 0 ? text : text.substring(pos), out);
        }
        return out.toArray();
    }

    /**
     * Where control tokens occur, as (start &lt;&lt; 32 | id) in text order. llama.cpp takes the
     * control tokens one by one, longest first, and cuts each one's leftmost non-overlapping
     * occurrences out of the text that earlier tokens left over; this gives the same cuts.
     */
    private long[] controlMatches(String text) {
        String[] tokens = vocabulary.tokens();
        List<long[]> candidates = new ArrayList<>(); // {priority, start, id}
        for (int i = 0; i < text.length(); i++) {
            if (controlFirstChars[text.charAt(i)]) {
                for (int priority = 0; priority < controlsByPriority.length; priority++) {
                    int id = controlsByPriority[priority];
                    if (text.startsWith(tokens[id], i)) {
                        candidates.add(new long[] {priority, i, id});
                    }
                }
            }
        }
        if (candidates.isEmpty()) {
            return new long[0];
        }
        candidates.sort(Comparator.<long[]>comparingLong(c -> c[0]).thenComparingLong(c -> c[1]));
        boolean[] taken = new boolean[text.length()];
        long[] accepted = new long[candidates.size()];
        int count = 0;
        for (long[] c : candidates) {
            int start = (int) c[1];
            int end = start + tokens[(int) c[2]].length();
            boolean free = true;
            for (int i = start; i < end && free; i++) {
                free = !taken[i];
            }
            if (free) {
                Arrays.fill(taken, start, end, true);
                accepted[count++] = ((long) start << 32) | c[2];
            }
        }
        long[] result = Arrays.copyOf(accepted, count);
        Arrays.sort(result);
        return result;
    }

    private void encodeOrdinary(String text, IdList out) {
        int[] cps = codePoints(text);
        int n = cps.length;
        // UTF-8 of the text, and where each code point starts in it
        byte[] utf8 = new byte[n * 4];
        int[] byteStart = new int[n + 1];
        int length = 0;
        for (int i = 0; i < n; i++) {
            byteStart[i] = length;
            length = putUtf8(cps[i], utf8, length);
        }
        byteStart[n] = length;

        int[] ends = new int[n];
        int count = PreTokenizer.split(cps, n, ends);
        var merger = new Merger(merges);
        int start = 0;
        for (int t = 0; t < count; t++) {
            int from = byteStart[start];
            int to = byteStart[ends[t]];
            start = ends[t];
            Integer whole = idsBySpelling.get(ByteLevel.spell(utf8, from, to));
            if (whole != null) {
                out.add(whole);
            } else {
                merger.merge(utf8, from, to, byteTokens, out);
            }
        }
    }

    private static int[] codePoints(String text) {
        int[] cps = new int[text.length()];
        int n = 0;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            cps[n++] = cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE ? 0xFFFD : cp;
        }
        return n == cps.length ? cps : Arrays.copyOf(cps, n);
    }

    private static int putUtf8(int cp, byte[] out, int at) {
        if (cp < 0x80) {
            out[at++] = (byte) cp;
        } else if (cp < 0x800) {
            out[at++] = (byte) (0xC0 | cp >> 6);
            out[at++] = (byte) (0x80 | cp & 0x3F);
        } else if (cp < 0x10000) {
            out[at++] = (byte) (0xE0 | cp >> 12);
            out[at++] = (byte) (0x80 | cp >> 6 & 0x3F);
            out[at++] = (byte) (0x80 | cp & 0x3F);
        } else {
            out[at++] = (byte) (0xF0 | cp >> 18);
            out[at++] = (byte) (0x80 | cp >> 12 & 0x3F);
            out[at++] = (byte) (0x80 | cp >> 6 & 0x3F);
            out[at++] = (byte) (0x80 | cp & 0x3F);
        }
        return at;
    }

    /** The text of {@code ids}; control tokens appear as their text, invalid UTF-8 as U+FFFD. */
    public String decode(int[] ids) {
        var bytes = new ByteArrayOutputStream(ids.length * 4);
        for (int id : ids) {
            bytes.writeBytes(tokenBytes(id));
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /**
     * The bytes a token stands for: a regular token's bytes (which may be part of a UTF-8
     * sequence), a control token's text in UTF-8. The array is shared: do not modify it.
     */
    public byte[] tokenBytes(int id) {
        checkId(id);
        return tokenBytes[id];
    }

    public boolean isControl(int id) {
        checkId(id);
        return vocabulary.tokenTypes()[id] == Vocabulary.CONTROL;
    }

    /** The id of the control token with this text, e.g. {@code <|eot_id|>}. */
    public OptionalInt controlToken(String text) {
        Integer id = controlIdsByText.get(text);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    /** A decoder for one stream of generated tokens; {@code renderControl} false drops control tokens. */
    public StreamingDecoder streamingDecoder(boolean renderControl) {
        return new StreamingDecoder(this, renderControl);
    }

    private void checkId(int id) {
        if (id < 0 || id >= tokenBytes.length) {
            throw new IllegalArgumentException("token id " + id + " outside the vocabulary of " + tokenBytes.length + " tokens");
        }
    }

    /** A growable int array, to avoid boxing every token id. */
    static final class IdList {
        private int[] ids;
        private int size;

        IdList(int capacity) {
            ids = new int[Math.max(4, capacity)];
        }

        void add(int id) {
            if (size == ids.length) {
                ids = Arrays.copyOf(ids, size * 2);
            }
            ids[size++] = id;
        }

        int[] toArray() {
            return Arrays.copyOf(ids, size);
        }
    }
}
