package dev.hearth.engine.tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A small byte-level vocabulary built in the tests: the 256 byte tokens, the tokens of a few
 * merges, one token reachable by no merge, and control tokens at the end, so nothing can rely
 * on Llama 3's ids.
 */
public final class SyntheticVocabulary {
    public static final String[] MERGES = {
            "h e", "l l", "he ll", "hell o", "Ġ w", "o r", "Ġw or", "Ġwor l", "Ġworl d", "a a", "Ċ Ċ", "Ġ Ġ",
    };
    /** Reachable only as a whole pre-token (ignore_merges): no merge builds it. */
    public static final String UNMERGEABLE = "xyz";
    public static final String[] CONTROLS = {
            "<|begin_of_text|>", "<|end_of_text|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>", "<|eom_id|>", "<<a", "a>>>",
    };

    private SyntheticVocabulary() {
    }

    public static Vocabulary create() {
        List<String> tokens = new ArrayList<>();
        // byte tokens in reverse byte order, so that no id equals its byte
        for (int b = 255; b >= 0; b--) {
            tokens.add(String.valueOf(ByteLevel.charOf(b)));
        }
        for (String merge : MERGES) {
            tokens.add(merge.replace(" ", ""));
        }
        tokens.add(UNMERGEABLE);
        int firstControl = tokens.size();
        tokens.addAll(Arrays.asList(CONTROLS));
        int[] types = new int[tokens.size()];
        Arrays.fill(types, Vocabulary.NORMAL);
        Arrays.fill(types, firstControl, types.length, Vocabulary.CONTROL);
        String[] array = tokens.toArray(String[]::new);
        return new Vocabulary(array, types, MERGES.clone(), firstControl, tokens.indexOf("<|eot_id|>"));
    }

    public static int id(Vocabulary vocabulary, String token) {
        int id = Arrays.asList(vocabulary.tokens()).indexOf(token);
        if (id < 0) {
            throw new IllegalArgumentException("no token " + token);
        }
        return id;
    }
}
