package dev.hearth.engine.model;

import dev.hearth.engine.gguf.GgufFile;
import dev.hearth.engine.gguf.ModelFormatException;

/**
 * The shape and constants of a Llama model, read from GGUF metadata.
 *
 * @param dim          embedding width (4096 for 8B)
 * @param layers       transformer blocks (32)
 * @param heads        query heads (32)
 * @param kvHeads      key/value heads shared by groups of query heads (8, GQA)
 * @param headDim      width of one head (128)
 * @param ffnDim       SwiGLU hidden width (14336)
 * @param vocabSize    token count (128,256)
 * @param rmsEps       RMSNorm epsilon (1e-5)
 * @param ropeTheta    RoPE frequency base (500,000)
 * @param ropeDim      dimensions of each head that RoPE rotates (usually headDim)
 * @param trainedContext context length the model was trained for (131,072)
 */
public record LlamaConfig(int dim, int layers, int heads, int kvHeads, int headDim, int ffnDim, int vocabSize,
                          float rmsEps, float ropeTheta, int ropeDim, int trainedContext) {

    public LlamaConfig {
        if (dim <= 0 || layers <= 0 || heads <= 0 || kvHeads <= 0 || ffnDim <= 0 || vocabSize <= 0) {
            throw new IllegalArgumentException("model dimensions must be positive");
        }
    }

    /** Width of all key (or value) heads together. */
    public int kvDim() {
        return kvHeads * headDim;
    }

    /** Query heads that share one key/value head. */
    public int groupSize() {
        return heads / kvHeads;
    }

    /** Reads the {@code llama.*} keys; anything missing, inconsistent or not Llama is a ModelFormatException. */
    public static LlamaConfig from(GgufFile gguf) throws ModelFormatException {
        String arch = gguf.getString("general.architecture");
        if (!arch.equals("llama")) {
            throw new ModelFormatException("this is a '" + arch + "' model; Hearth runs Llama models (general.architecture = llama)");
        }
        int dim = positive(gguf, "llama.embedding_length");
        int layers = positive(gguf, "llama.block_count");
        int heads = positive(gguf, "llama.attention.head_count");
        int kvHeads = gguf.has("llama.attention.head_count_kv") ? positive(gguf, "llama.attention.head_count_kv") : heads;
        int ffnDim = positive(gguf, "llama.feed_forward_length");
        if (dim % heads != 0) {
            throw new ModelFormatException("llama.embedding_length " + dim + " is not a multiple of llama.attention.head_count " + heads);
        }
        if (heads % kvHeads != 0) {
            throw new ModelFormatException("llama.attention.head_count " + heads + " is not a multiple of llama.attention.head_count_kv " + kvHeads);
        }
        int headDim = dim / heads;
        int ropeDim = gguf.has("llama.rope.dimension_count") ? positive(gguf, "llama.rope.dimension_count") : headDim;
        if (ropeDim > headDim || ropeDim % 2 != 0) {
            throw new ModelFormatException("llama.rope.dimension_count " + ropeDim + " must be even and at most the head width " + headDim);
        }
        float eps = gguf.getFloat("llama.attention.layer_norm_rms_epsilon");
        float theta = gguf.has("llama.rope.freq_base") ? gguf.getFloat("llama.rope.freq_base") : 10000f;
        int context = positive(gguf, "llama.context_length");
        int vocab = gguf.has("llama.vocab_size") ? positive(gguf, "llama.vocab_size")
                : gguf.getStringArray("tokenizer.ggml.tokens").length;
        if (!(eps > 0 && eps < 1) || !(theta > 0) || Float.isInfinite(theta)) {
            throw new ModelFormatException("llama.attention.layer_norm_rms_epsilon or llama.rope.freq_base is out of range");
        }
        return new LlamaConfig(dim, layers, heads, kvHeads, headDim, ffnDim, vocab, eps, theta, ropeDim, context);
    }

    private static int positive(GgufFile gguf, String key) throws ModelFormatException {
        int v = gguf.getInt(key);
        if (v <= 0 || v > 1 << 24) {
            throw new ModelFormatException(key + " = " + v + " is out of range");
        }
        return v;
    }
}
