package dev.hearth.engine.model;

import dev.hearth.engine.tensor.FloatOps;
import dev.hearth.engine.tensor.HalfOps;
import dev.hearth.engine.tensor.WeightMatrix;

import java.util.function.BooleanSupplier;

/**
 * The Llama forward pass over a batch of tokens, written to be read beside the model card.
 * All activation buffers are allocated once here, sized for {@code maxBatch} tokens, so evaluating a
 * token allocates nothing. Not thread-safe: one Forward per sequence, driven by one thread.
 */
public final class Forward {

    /**
     * Prompt tokens evaluated together; activations are sized for this many. Every batch decodes all the weights
     * once: at 64 tokens that was a quarter of an 8B prefill's time, at 128 an eighth (docs/performance.md).
     */
    public static final int BATCH = 128;

    /**
     * Floats (one cache line) kept free on each side of a worker's cached row: the rows of different workers
     * are small adjacent arrays and are written for every cached position, so they must not share a line.
     */
    private static final int ROW_PAD = 16;

    /** Tokens of a batch whose attention shares each cached row read (see {@link #attention}). */
    static final int QUERY_BLOCK = 16;

    private final LlamaModel model;
    private final LlamaConfig c;
    private final KvCache cache;
    private final WorkerPool pool;
    private final int maxBatch;

    // Activations for up to maxBatch tokens, token-major ([token][width]).
    private final float[] x;      // residual stream          [n × dim]
    private final float[] xb;     // normalised input         [n × dim]
    private final float[] q;      // queries                  [n × heads·headDim]
    private final float[] k;      // keys of the batch        [n × kvDim]
    private final float[] v;      // values of the batch      [n × kvDim]
    private final float[] att;    // attention output         [n × heads·headDim]
    private final float[] o;      // output projection        [n × dim]
    private final float[] gate;   // SwiGLU gate              [n × ffnDim]
    private final float[] up;     // SwiGLU up                [n × ffnDim]
    private final float[] logits; // last token's logits      [vocab]
    private final float[][] scores; // per worker: attention weights over the context, one row per query head of a block
    private final float[][] decoded; // per worker: weight rows decoded for the batched matmul
    private final float[][] cachedRow; // per worker: one key or value row of the cache, in F32, at ROW_PAD
    private final float[] ropeCos;  // [n × ropeDim/2]
    private final float[] ropeSin;
    private final double[] ropeInvFreq;

    /**
     * How positions are encoded. Only {@link #LLAMA} is right for Llama GGUF files; the others exist so
     * tests can show that the reference comparison catches the classic RoPE mistakes.
     */
    enum Rope {
        /** Adjacent pairs (2i, 2i+1), frequencies divided by rope_freqs (Llama 3.1 scaling). */
        LLAMA,
        /** GPT-NeoX order: pairs (i, i + d/2). Wrong for GGUF llama files. */
        NEOX,
        /** Adjacent pairs, but rope_freqs ignored. Wrong for Llama 3.1. */
        UNSCALED
    }

    private final Rope ropeStyle;

    public Forward(LlamaModel model, KvCache cache, WorkerPool pool, int maxBatch) {
        this(model, cache, pool, maxBatch, Rope.LLAMA);
    }

    Forward(LlamaModel model, KvCache cache, WorkerPool pool, int maxBatch, Rope ropeStyle) {
        this.ropeStyle = ropeStyle;
        this.model = model;
        this.c = model.config();
        this.cache = cache;
        this.pool = pool;
        this.maxBatch = maxBatch;
        int qDim = c.heads() * c.headDim();
        x = new float[maxBatch * c.dim()];
        xb = new float[maxBatch * c.dim()];
        q = new float[maxBatch * qDim];
        k = new float[maxBatch * c.kvDim()];
        v = new float[maxBatch * c.kvDim()];
        att = new float[maxBatch * qDim];
        o = new float[maxBatch * c.dim()];
        gate = new float[maxBatch * c.ffnDim()];
        up = new float[maxBatch * c.ffnDim()];
        logits = new float[c.vocabSize()];
        scores = new float[pool.threads()][Math.min(maxBatch, QUERY_BLOCK) * c.groupSize() * cache.contextLength()];
        int scratch = 0;
        for (int layer = 0; layer < c.layers(); layer++) {
            LlamaModel.Block b = model.block(layer);
            for (WeightMatrix m : new WeightMatrix[] {b.wq(), b.wk(), b.wv(), b.wo(), b.gate(), b.up(), b.down()}) {
                scratch = Math.max(scratch, m.scratchFloats());
            }
        }
        decoded = new float[pool.threads()][maxBatch > 1 ? scratch : 0];
        cachedRow = new float[pool.threads()][c.headDim() + 2 * ROW_PAD];
        ropeCos = new float[maxBatch * c.ropeDim() / 2];
        ropeSin = new float[maxBatch * c.ropeDim() / 2];
        ropeInvFreq = ropeInverseFrequencies(c, ropeStyle == Rope.UNSCALED ? null : model.ropeFreqFactors());
    }

    public KvCache cache() {
        return cache;
    }

    /**
     * Runs {@code tokens[offset, offset+count)} at positions {@code startPos...}, stores their keys and
     * values in the cache, and returns the logits after the last of them (a buffer reused by the next call).
     */
    public float[] evaluate(int[] tokens, int offset, int count, int startPos) {
        return evaluate(tokens, offset, count, startPos, () -> false);
    }

    /**
     * {@link #evaluate(int[], int, int, int)}, giving up when {@code stop} says so: it is asked before every layer, so a
     * request stops within one layer rather than after a whole batch (on an 8B model a 128-token batch takes seconds,
     * a cold one far longer). Returns null when it gave up; the cache then holds garbage from {@code startPos} on, which
     * the caller must not count as evaluated.
     */
    public float[] evaluate(int[] tokens, int offset, int count, int startPos, BooleanSupplier stop) {
        if (count < 1 || startPos < 0 || startPos + count > cache.contextLength()) {
            throw new IllegalArgumentException("positions " + startPos + ".." + (startPos + count)
                    + " do not fit the context of " + cache.contextLength() + " tokens");
        }
        for (int i = offset; i < offset + count; i++) {
            if (tokens[i] < 0 || tokens[i] >= c.vocabSize()) {
                throw new IllegalArgumentException("token id " + tokens[i] + " is outside the vocabulary of " + c.vocabSize());
            }
        }
        for (int done = 0; done < count; done += maxBatch) {
            int n = Math.min(maxBatch, count - done);
            if (!layers(tokens, offset + done, n, startPos + done, stop)) {
                return null;
            }
        }
        return logits;
    }

    /**
     * One batch of n tokens through every block; leaves the last token's logits in {@link #logits}. Returns false,
     * with the logits not computed, if {@code stop} said so before a layer or before the logits.
     */
    private boolean layers(int[] tokens, int offset, int n, int startPos, BooleanSupplier stop) {
        int dim = c.dim();
        WeightMatrix embedding = model.tokenEmbedding();
        for (int t = 0; t < n; t++) {
            embedding.dequantizeRow(tokens[offset + t], x, t * dim);
        }
        ropeTables(n, startPos);

        for (int layer = 0; layer < c.layers(); layer++) {
            if (stop.getAsBoolean()) {
                return false;
            }
            LlamaModel.Block b = model.block(layer);

            // attention: x += Wo · attention(RoPE(Wq·norm(x)), RoPE(Wk·norm(x)), Wv·norm(x))
            rmsnorm(xb, x, b.attnNorm(), n);
            matmul(xb, n, b.wq(), q, b.wk(), k, b.wv(), v);
            rope(q, c.heads(), n);
            rope(k, c.kvHeads(), n);
            int kvDim = c.kvDim();
            HalfOps.store(k, 0, cache.keys(layer), startPos * kvDim, n * kvDim);
            HalfOps.store(v, 0, cache.values(layer), startPos * kvDim, n * kvDim);
            attention(layer, n, startPos);
            matmul(b.wo(), att, n, o);
            FloatOps.add(x, 0, o, 0, n * dim);

            // feed-forward: x += W_down · (silu(W_gate·norm(x)) ⊙ W_up·norm(x))
            rmsnorm(xb, x, b.ffnNorm(), n);
            matmul(xb, n, b.gate(), gate, b.up(), up, null, null);
            FloatOps.siluMul(gate, 0, up, 0, n * c.ffnDim());
            matmul(b.down(), gate, n, o);
            FloatOps.add(x, 0, o, 0, n * dim);
        }

        if (stop.getAsBoolean()) {
            return false;
        }
        // logits of the last token only: W_out · norm(x)
        int last = (n - 1) * dim;
        FloatOps.rmsnorm(xb, 0, x, last, model.outputNorm(), dim, c.rmsEps());
        WeightMatrix output = model.output();
        pool.forRange(output.rows(), 8, output.rowAlignment(), (from, to, w) -> output.matvec(xb, logits, from, to));
        return true;
    }

    private void rmsnorm(float[] out, float[] in, float[] weight, int n) {
        int dim = c.dim();
        for (int t = 0; t < n; t++) {
            FloatOps.rmsnorm(out, t * dim, in, t * dim, weight, dim, c.rmsEps());
        }
    }

    /** out[t] = m · in[t] for the n tokens of the batch, rows split across the workers. */
    private void matmul(WeightMatrix m, float[] in, int n, float[] out) {
        pool.forRange(m.rows(), 4, m.rowAlignment(), (from, to, w) -> rows(m, in, n, out, from, to, w));
    }

    /**
     * Two or three products of the same input ({@code c} may be null) as one job over their stacked rows: one
     * hand-off to the workers and one wait instead of one per matrix, which on a decode step is most of the
     * difference between the slowest worker and the others.
     */
    private void matmul(float[] in, int n, WeightMatrix a, float[] outA, WeightMatrix b, float[] outB, WeightMatrix c, float[] outC) {
        int ab = a.rows() + b.rows();
        int total = ab + (c == null ? 0 : c.rows());
        int alignment = Math.max(a.rowAlignment(), Math.max(b.rowAlignment(), c == null ? 1 : c.rowAlignment()));
        pool.forRange(total, 4, alignment, (from, to, w) -> {
            if (from < a.rows()) {
                rows(a, in, n, outA, from, Math.min(to, a.rows()), w);
            }
            if (to > a.rows() && from < ab) {
                rows(b, in, n, outB, Math.max(from, a.rows()) - a.rows(), Math.min(to, ab) - a.rows(), w);
            }
            if (to > ab) {
                rows(c, in, n, outC, Math.max(from, ab) - ab, to - ab, w);
            }
        });
    }

    private void rows(WeightMatrix m, float[] in, int n, float[] out, int from, int to, int worker) {
        if (n == 1) {
            m.matvec(in, out, from, to);
        } else {
            m.matmul(in, n, out, from, to, decoded[worker]);
        }
    }

    /**
     * Causal attention with grouped query heads: query head h reads key/value head h / groupSize.
     * One piece of work is a key/value head and a block of up to {@link #QUERY_BLOCK} consecutive tokens: each
     * cached F16 key and value row is read and converted once for the block, then used by all its tokens and all
     * the group's query heads while it is in the core's cache, rather than streamed from memory once per token.
     * Every query's arithmetic (its dot products, softmax and its sum over positions in order) is the same as one
     * query at a time.
     */
    private void attention(int layer, int n, int startPos) {
        int headDim = c.headDim();
        int qDim = c.heads() * headDim;
        int kvDim = c.kvDim();
        int kvHeads = c.kvHeads();
        int group = c.groupSize();
        int context = cache.contextLength();
        float scale = (float) (1.0 / Math.sqrt(headDim));
        short[] keys = cache.keys(layer);
        short[] values = cache.values(layer);
        int blocks = (n + QUERY_BLOCK - 1) / QUERY_BLOCK;
        pool.run(blocks * kvHeads, (piece, worker) -> {
            int first = (piece / kvHeads) * QUERY_BLOCK;
            int end = Math.min(n, first + QUERY_BLOCK);
            int kvOff = (piece % kvHeads) * headDim;
            int lastPos = startPos + end - 1;
            float[] s = scores[worker];
            float[] row = cachedRow[worker];
            for (int j = 0; j <= lastPos; j++) {
                HalfOps.load(keys, j * kvDim + kvOff, row, ROW_PAD, headDim);
                for (int t = Math.max(first, j - startPos); t < end; t++) {
                    int qOff = t * qDim + kvOff * group; // the group's query heads are adjacent
                    int sOff = (t - first) * group * context;
                    for (int g = 0; g < group; g++) {
                        s[sOff + g * context + j] = FloatOps.dot(q, qOff + g * headDim, row, ROW_PAD, headDim) * scale;
                    }
                }
            }
            for (int t = first; t < end; t++) {
                int sOff = (t - first) * group * context;
                for (int g = 0; g < group; g++) {
                    FloatOps.softmax(s, sOff + g * context, startPos + t + 1);
                }
                int qOff = t * qDim + kvOff * group;
                java.util.Arrays.fill(att, qOff, qOff + group * headDim, 0f);
            }
            for (int j = 0; j <= lastPos; j++) {
                HalfOps.load(values, j * kvDim + kvOff, row, ROW_PAD, headDim);
                for (int t = Math.max(first, j - startPos); t < end; t++) {
                    int qOff = t * qDim + kvOff * group;
                    int sOff = (t - first) * group * context;
                    for (int g = 0; g < group; g++) {
                        FloatOps.axpy(s[sOff + g * context + j], row, ROW_PAD, att, qOff + g * headDim, headDim);
                    }
                }
            }
        });
    }

    /** cos/sin of position · frequency for every token of the batch and every rotated pair. */
    private void ropeTables(int n, int startPos) {
        int pairs = c.ropeDim() / 2;
        for (int t = 0; t < n; t++) {
            long pos = startPos + t;
            for (int i = 0; i < pairs; i++) {
                double angle = pos * ropeInvFreq[i];
                ropeCos[t * pairs + i] = (float) Math.cos(angle);
                ropeSin[t * pairs + i] = (float) Math.sin(angle);
            }
        }
    }

    /** Rotates the adjacent pairs (2i, 2i+1) of every head (GGUF order for the llama architecture). */
    private void rope(float[] vectors, int headCount, int n) {
        int headDim = c.headDim();
        int pairs = c.ropeDim() / 2;
        for (int t = 0; t < n; t++) {
            for (int h = 0; h < headCount; h++) {
                int base = (t * headCount + h) * headDim;
                for (int i = 0; i < pairs; i++) {
                    float cos = ropeCos[t * pairs + i];
                    float sin = ropeSin[t * pairs + i];
                    int first = ropeStyle == Rope.NEOX ? base + i : base + 2 * i;
                    int second = ropeStyle == Rope.NEOX ? base + i + pairs : base + 2 * i + 1;
                    float a = vectors[first];
                    float b = vectors[second];
                    vectors[first] = a * cos - b * sin;
                    vectors[second] = a * sin + b * cos;
                }
            }
        }
    }

    /**
     * theta_i = base^(−2i/ropeDim), divided by the Llama 3.1 scaling factor of pair i when the model
     * carries {@code rope_freqs.weight}.
     */
    static double[] ropeInverseFrequencies(LlamaConfig c, float[] freqFactors) {
        int pairs = c.ropeDim() / 2;
        double[] inv = new double[pairs];
        for (int i = 0; i < pairs; i++) {
            inv[i] = Math.pow(c.ropeTheta(), -2.0 * i / c.ropeDim());
            if (freqFactors != null) {
                inv[i] /= freqFactors[i];
            }
        }
        return inv;
    }
}
