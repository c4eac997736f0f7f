package dev.hearth.engine.model;

import dev.hearth.engine.gguf.GgufFile;
import dev.hearth.engine.gguf.GgufTensor;
import dev.hearth.engine.gguf.ModelFormatException;
import dev.hearth.engine.tensor.GgmlType;
import dev.hearth.engine.tensor.Kernels;
import dev.hearth.engine.tensor.WeightMatrix;
import dev.hearth.engine.tokenizer.Tokenizer;
import dev.hearth.engine.tokenizer.Vocabulary;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A loaded Llama model: its shape, its weights (views into the memory-mapped GGUF file, never copied
 * onto the heap except the small norm vectors) and its vocabulary. Immutable and shareable between
 * threads; per-conversation state lives in {@link KvCache}.
 */
public final class LlamaModel implements AutoCloseable {

    /** The weights of one transformer block. Matrices are [out rows × in cols]. */
    public record Block(float[] attnNorm, WeightMatrix wq, WeightMatrix wk, WeightMatrix wv, WeightMatrix wo,
                        float[] ffnNorm, WeightMatrix gate, WeightMatrix up, WeightMatrix down) {}

    private final GgufFile gguf;
    private final LlamaConfig config;
    private final Vocabulary vocabulary;
    private final WeightMatrix tokenEmbedding;
    private final Block[] blocks;
    private final float[] outputNorm;
    private final WeightMatrix output;
    private final float[] ropeFreqFactors;
    private final String chatTemplate;
    /** Where regrouped copies of weight matrices live ({@link WeightMatrix#regroup}); closed with the model. */
    private final Arena regrouped;
    private final java.util.Map<WeightMatrix, GgufTensor> tensors = new java.util.IdentityHashMap<>();
    private volatile boolean closing;
    /** What the matrices regrouped so far added to their file bytes. */
    private volatile long regroupedExtra;
    private Thread regrouping;
    private Tokenizer tokenizer;

    private LlamaModel(GgufFile gguf, Arena regrouped) throws ModelFormatException {
        this.gguf = gguf;
        this.regrouped = regrouped;
        this.config = LlamaConfig.from(gguf);
        this.vocabulary = readVocabulary(gguf, config);
        LlamaConfig c = config;
        this.tokenEmbedding = matrix("token_embd.weight", c.vocabSize(), c.dim());
        this.blocks = new Block[c.layers()];
        for (int i = 0; i < c.layers(); i++) {
            String p = "blk." + i + ".";
            blocks[i] = new Block(
                    vector(p + "attn_norm.weight", c.dim()),
                    matrix(p + "attn_q.weight", c.heads() * c.headDim(), c.dim()),
                    matrix(p + "attn_k.weight", c.kvDim(), c.dim()),
                    matrix(p + "attn_v.weight", c.kvDim(), c.dim()),
                    matrix(p + "attn_output.weight", c.dim(), c.heads() * c.headDim()),
                    vector(p + "ffn_norm.weight", c.dim()),
                    matrix(p + "ffn_gate.weight", c.ffnDim(), c.dim()),
                    matrix(p + "ffn_up.weight", c.ffnDim(), c.dim()),
                    matrix(p + "ffn_down.weight", c.dim(), c.ffnDim()));
        }
        this.outputNorm = vector("output_norm.weight", c.dim());
        this.output = gguf.tensor("output.weight").isPresent() ? matrix("output.weight", c.vocabSize(), c.dim()) : tokenEmbedding;
        this.ropeFreqFactors = gguf.tensor("rope_freqs.weight").isPresent() ? vector("rope_freqs.weight", c.ropeDim() / 2) : null;
        this.chatTemplate = gguf.has("tokenizer.chat_template") ? gguf.getString("tokenizer.chat_template") : null;
    }

    /** When the weights that have a faster layout for decoding are regrouped into it ({@link WeightMatrix#regroup}). */
    public enum Regrouping {
        /** Before {@link #load} returns: every product is computed the same way from the start. */
        NOW,
        /**
         * On a background thread after {@link #load} returns, one matrix at a time; until a matrix is done it is read
         * from the file. The model is usable at once and reaches full decoding speed a few seconds later.
         */
        IN_BACKGROUND,
        /** Never: for reading the model's metadata and tokenizer, where the weights are not multiplied. */
        NONE
    }

    /** Maps and validates a GGUF file and regroups its weights before returning ({@link Regrouping#NOW}). */
    public static LlamaModel load(Path path) throws IOException {
        return load(path, Regrouping.NOW);
    }

    /** Maps and validates a GGUF file. Any problem is an IOException whose message is a sentence for the user. */
    public static LlamaModel load(Path path, Regrouping regrouping) throws IOException {
        GgufFile gguf = GgufFile.open(path);
        Arena regrouped = Arena.ofShared();
        LlamaModel model;
        try {
            model = new LlamaModel(gguf, regrouped);
        } catch (ModelFormatException | RuntimeException | Error e) {
            regrouped.close();
            gguf.close();
            throw e;
        }
        if (regrouping == Regrouping.NOW) {
            model.regroupAll();
        } else if (regrouping == Regrouping.IN_BACKGROUND) {
            model.regrouping = Thread.ofPlatform().daemon().name("hearth-regroup").start(model::regroupAll);
        }
        return model;
    }

    /**
     * Regroups, one at a time, the matrices a decode step streams through (not the token embedding, of which a step
     * reads one row), each into anonymous memory of its own, and releases the file's pages of each as it is done, so the
     * process never holds both copies of more than one matrix. Stops early when the model is closed; if memory runs
     * out, the remaining matrices stay in the file's layout, which works the same, only slower.
     */
    private void regroupAll() {
        try {
            for (WeightMatrix m : streamedMatrices()) {
                long bytes = m.regroupedBytes();
                if (closing) {
                    return;
                }
                if (bytes > 0) {
                    m.regroup(AnonymousMemory.allocate(bytes, regrouped));
                    regroupedExtra += bytes - tensors.get(m).byteSize();
                    gguf.release(tensors.get(m));
                }
            }
        } catch (OutOfMemoryError | RuntimeException e) {
            // the matrices not yet regrouped keep working from the file's layout
        }
    }

    public LlamaConfig config() {
        return config;
    }

    public Vocabulary vocabulary() {
        return vocabulary;
    }

    /**
     * The tokenizer of this model's vocabulary, built on first use (it takes about half a second for
     * Llama 3's 128,256 tokens) and shared by every session and command: it is immutable.
     */
    public synchronized Tokenizer tokenizer() {
        if (tokenizer == null) {
            tokenizer = new Tokenizer(vocabulary);
        }
        return tokenizer;
    }

    public GgufFile gguf() {
        return gguf;
    }

    public WeightMatrix tokenEmbedding() {
        return tokenEmbedding;
    }

    public Block block(int layer) {
        return blocks[layer];
    }

    public float[] outputNorm() {
        return outputNorm;
    }

    public WeightMatrix output() {
        return output;
    }

    /** Llama 3.1 RoPE frequency divisors per rotated pair, or null when the model has none. */
    public float[] ropeFreqFactors() {
        return ropeFreqFactors;
    }

    /** The Jinja chat template stored in the file, or null. */
    public String chatTemplate() {
        return chatTemplate;
    }

    /**
     * Bytes the weights take in memory: the file's tensors, plus what regrouping adds (Q4_K's unpacked sub-block
     * scales, 4 bytes per 144). Roughly what decoding reads per token.
     */
    public long weightBytes() {
        long bytes = gguf.tensors().stream().mapToLong(GgufTensor::byteSize).sum();
        for (WeightMatrix m : streamedMatrices()) {
            long regrouped = m.regroupedBytes();
            if (regrouped > 0) {
                bytes += regrouped - tensors.get(m).byteSize();
            }
        }
        return bytes + regroupedExtra;
    }

    /** The dominant weight type, as a user would name the file's quantization (e.g. Q4_0). */
    public GgmlType mainWeightType() {
        return blocks[0].gate().type();
    }

    /** The matrices a decode step streams through: every block's, then the output's (unless it is the embedding). */
    private java.util.List<WeightMatrix> streamedMatrices() {
        java.util.List<WeightMatrix> matrices = new java.util.ArrayList<>();
        for (Block b : blocks) {
            matrices.addAll(java.util.List.of(b.wq(), b.wk(), b.wv(), b.wo(), b.gate(), b.up(), b.down()));
        }
        if (output != tokenEmbedding) {
            matrices.add(output);
        }
        return matrices;
    }

    /** Stops regrouping (waiting for the matrix in progress), then unmaps the file and frees the regrouped weights. */
    @Override
    public void close() {
        closing = true;
        Thread thread = regrouping;
        if (thread != null) {
            boolean interrupted = false;
            while (thread.isAlive()) {
                try {
                    thread.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        gguf.close();
        regrouped.close();
    }

    private WeightMatrix matrix(String name, int rows, int cols) throws ModelFormatException {
        GgufTensor t = tensor(name);
        if (t.dims().length != 2 || t.dims()[0] != cols || t.dims()[1] != rows) {
            throw new ModelFormatException("tensor " + name + " has shape " + Arrays.toString(t.dims())
                    + ", expected [" + cols + ", " + rows + "]");
        }
        WeightMatrix m = new WeightMatrix(t.type(), gguf.data(t), rows, cols);
        tensors.put(m, t);
        return m;
    }

    private float[] vector(String name, int n) throws ModelFormatException {
        GgufTensor t = tensor(name);
        if (t.elementCount() != n) {
            throw new ModelFormatException("tensor " + name + " has " + t.elementCount() + " elements, expected " + n);
        }
        if (n % t.type().blockSize() != 0) {
            throw new ModelFormatException("tensor " + name + " of type " + t.type() + " cannot hold " + n + " elements");
        }
        float[] out = new float[n];
        Kernels.reference(t.type()).dequantize(gguf.data(t), 0, out, 0, n);
        for (float v : out) {
            if (!Float.isFinite(v)) {
                throw new ModelFormatException("tensor " + name + " contains a value that is not a finite number");
            }
        }
        return out;
    }

    private GgufTensor tensor(String name) throws ModelFormatException {
        return gguf.tensor(name).orElseThrow(() -> new ModelFormatException("tensor " + name + " is missing"));
    }

    private static Vocabulary readVocabulary(GgufFile gguf, LlamaConfig config) throws ModelFormatException {
        String model = gguf.getString("tokenizer.ggml.model");
        String pre = gguf.has("tokenizer.ggml.pre") ? gguf.getString("tokenizer.ggml.pre") : "default";
        if (!model.equals("gpt2") || !(pre.equals("llama-bpe") || pre.equals("llama3"))) {
            throw new ModelFormatException("tokenizer '" + model + "/" + pre
                    + "' is not supported; Hearth reads Llama 3 tokenizers (tokenizer.ggml.model = gpt2, tokenizer.ggml.pre = llama-bpe)");
        }
        String[] tokens = gguf.getStringArray("tokenizer.ggml.tokens");
        int[] types = gguf.has("tokenizer.ggml.token_type") ? gguf.getIntArray("tokenizer.ggml.token_type") : null;
        if (types == null) {
            types = new int[tokens.length];
            Arrays.fill(types, 1);
        }
        String[] merges = gguf.getStringArray("tokenizer.ggml.merges");
        if (tokens.length != config.vocabSize() || types.length != tokens.length) {
            throw new ModelFormatException("the vocabulary has " + tokens.length + " tokens and " + types.length
                    + " token types, but the model expects " + config.vocabSize());
        }
        int bos = gguf.getInt("tokenizer.ggml.bos_token_id");
        int eos = gguf.getInt("tokenizer.ggml.eos_token_id");
        if (bos < 0 || bos >= tokens.length || eos < 0 || eos >= tokens.length) {
            throw new ModelFormatException("tokenizer.ggml.bos_token_id or eos_token_id is outside the vocabulary");
        }
        return new Vocabulary(tokens, types, merges, bos, eos);
    }
}
