package dev.hearth.engine.tensor;

import static dev.hearth.engine.tensor.VectorKernels.F;
import static dev.hearth.engine.tensor.VectorKernels.L;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Decoded weight rows × a batch of token vectors, in register tiles of {@link #ROWS} rows × {@link #TOKENS} tokens:
 * each step loads 4 weight vectors and 4 activation vectors and issues 16 independent FMAs, so the loop is bound by
 * the FMA units rather than by loads. The 16 accumulators are written out by hand: C2 keeps them in registers only
 * when no vector crosses a method boundary or an array.
 */
final class MatmulTiles {

    /** Rows of one register tile. */
    static final int ROWS = 4;
    /** Tokens of one register tile. */
    static final int TOKENS = 4;
    /** Most rows decoded together (see {@link #panelRows}). */
    static final int PANEL = 16;
    /** Bytes of decoded rows a panel may take, so that the panel and a 4-token slice of the batch share L2. */
    private static final int PANEL_BYTES = 512 * 1024;

    private MatmulTiles() {
    }

    /**
     * Rows decoded together for rows of {@code n} floats: every 4-token slice of the batch is read once per panel and
     * then serves all the panel's register tiles from L2. With a single 4-row tile per decode the whole batch (a
     * megabyte of activations for 64 tokens of an 8B model) streamed from L3 once per 4 rows. 16 rows of 4,096,
     * 8 of 14,336.
     */
    static int panelRows(int n) {
        int rows = PANEL_BYTES / (Float.BYTES * n) / ROWS * ROWS;
        return Math.max(ROWS, Math.min(PANEL, rows));
    }

    /**
     * {@code out[t*outStride + firstRow + i] = w[i] · xs[t]} for i in [0, rowCount) and every token t, where
     * {@code w[i]} is {@code w[i*n .. (i+1)*n)} and {@code rowCount ≤ PANEL}.
     */
    static void multiply(float[] w, int rowCount, float[] xs, int tokens, int n, float[] out, int outStride, int firstRow) {
        int tiledRows = rowCount - rowCount % ROWS;
        int t = 0;
        for (; t + TOKENS <= tokens; t += TOKENS) {
            for (int i = 0; i < tiledRows; i += ROWS) {
                tile4x4(w, i * n, xs, t, n, out, outStride, firstRow + i);
            }
        }
        for (int token = 0; token < tokens; token++) {
            for (int i = token < t ? tiledRows : 0; i < rowCount; i++) {
                out[token * outStride + firstRow + i] = FloatOps.dot(w, i * n, xs, token * n, n);
            }
        }
    }

    private static void tile4x4(float[] w, int wOffset, float[] xs, int t, int n, float[] out, int outStride, int firstRow) {
        int w0 = wOffset;
        int w1 = w0 + n;
        int w2 = w1 + n;
        int w3 = w2 + n;
        int x0 = t * n;
        int x1 = x0 + n;
        int x2 = x1 + n;
        int x3 = x2 + n;
        FloatVector a00 = FloatVector.zero(F), a01 = FloatVector.zero(F), a02 = FloatVector.zero(F), a03 = FloatVector.zero(F);
        FloatVector a10 = FloatVector.zero(F), a11 = FloatVector.zero(F), a12 = FloatVector.zero(F), a13 = FloatVector.zero(F);
        FloatVector a20 = FloatVector.zero(F), a21 = FloatVector.zero(F), a22 = FloatVector.zero(F), a23 = FloatVector.zero(F);
        FloatVector a30 = FloatVector.zero(F), a31 = FloatVector.zero(F), a32 = FloatVector.zero(F), a33 = FloatVector.zero(F);
        int k = 0;
        int bound = n - n % L;
        for (; k < bound; k += L) {
            FloatVector v0 = FloatVector.fromArray(F, xs, x0 + k);
            FloatVector v1 = FloatVector.fromArray(F, xs, x1 + k);
            FloatVector v2 = FloatVector.fromArray(F, xs, x2 + k);
            FloatVector v3 = FloatVector.fromArray(F, xs, x3 + k);
            FloatVector r = FloatVector.fromArray(F, w, w0 + k);
            a00 = r.fma(v0, a00);
            a01 = r.fma(v1, a01);
            a02 = r.fma(v2, a02);
            a03 = r.fma(v3, a03);
            r = FloatVector.fromArray(F, w, w1 + k);
            a10 = r.fma(v0, a10);
            a11 = r.fma(v1, a11);
            a12 = r.fma(v2, a12);
            a13 = r.fma(v3, a13);
            r = FloatVector.fromArray(F, w, w2 + k);
            a20 = r.fma(v0, a20);
            a21 = r.fma(v1, a21);
            a22 = r.fma(v2, a22);
            a23 = r.fma(v3, a23);
            r = FloatVector.fromArray(F, w, w3 + k);
            a30 = r.fma(v0, a30);
            a31 = r.fma(v1, a31);
            a32 = r.fma(v2, a32);
            a33 = r.fma(v3, a33);
        }
        int o0 = t * outStride + firstRow;
        int o1 = o0 + outStride;
        int o2 = o1 + outStride;
        int o3 = o2 + outStride;
        out[o0] = a00.reduceLanes(VectorOperators.ADD) + tail(w, w0, xs, x0, k, n);
        out[o1] = a01.reduceLanes(VectorOperators.ADD) + tail(w, w0, xs, x1, k, n);
        out[o2] = a02.reduceLanes(VectorOperators.ADD) + tail(w, w0, xs, x2, k, n);
        out[o3] = a03.reduceLanes(VectorOperators.ADD) + tail(w, w0, xs, x3, k, n);
        out[o0 + 1] = a10.reduceLanes(VectorOperators.ADD) + tail(w, w1, xs, x0, k, n);
        out[o1 + 1] = a11.reduceLanes(VectorOperators.ADD) + tail(w, w1, xs, x1, k, n);
        out[o2 + 1] = a12.reduceLanes(VectorOperators.ADD) + tail(w, w1, xs, x2, k, n);
        out[o3 + 1] = a13.reduceLanes(VectorOperators.ADD) + tail(w, w1, xs, x3, k, n);
        out[o0 + 2] = a20.reduceLanes(VectorOperators.ADD) + tail(w, w2, xs, x0, k, n);
        out[o1 + 2] = a21.reduceLanes(VectorOperators.ADD) + tail(w, w2, xs, x1, k, n);
        out[o2 + 2] = a22.reduceLanes(VectorOperators.ADD) + tail(w, w2, xs, x2, k, n);
        out[o3 + 2] = a23.reduceLanes(VectorOperators.ADD) + tail(w, w2, xs, x3, k, n);
        out[o0 + 3] = a30.reduceLanes(VectorOperators.ADD) + tail(w, w3, xs, x0, k, n);
        out[o1 + 3] = a31.reduceLanes(VectorOperators.ADD) + tail(w, w3, xs, x1, k, n);
        out[o2 + 3] = a32.reduceLanes(VectorOperators.ADD) + tail(w, w3, xs, x2, k, n);
        out[o3 + 3] = a33.reduceLanes(VectorOperators.ADD) + tail(w, w3, xs, x3, k, n);
    }

    /** Tokens of one column tile (see {@link #multiplyColumns}). */
    static final int COLUMN_TOKENS = 8;

    /**
     * {@code out[t*outStride + firstRow + g*L + i] = Σ_k panel[g*L*n + k*L + i] · xs[t*n + k]} for the {@code groups}
     * (1 or 2) groups of {@link VectorKernels#L} rows in {@code panel}, each decoded column by column
     * ({@link RowGroups#decodeColumns}), and every token t. Tiles of two groups × {@link #COLUMN_TOKENS} tokens:
     * each step loads one column of each group and broadcasts one activation per token into 16 independent FMAs (10
     * loads per 16 FMAs); each accumulator already holds L rows' results, so nothing is reduced across lanes.
     */
    static void multiplyColumns(float[] panel, int groups, float[] xs, int tokens, int n, float[] out, int outStride, int firstRow) {
        int t = 0;
        if (groups == 2) {
            for (; t + COLUMN_TOKENS <= tokens; t += COLUMN_TOKENS) {
                columns2x8(panel, xs, t, n, out, outStride, firstRow);
            }
        }
        for (int g = 0; g < groups; g++) {
            int w = g * L * n;
            for (int token = t; token < tokens; token++) {
                int x = token * n;
                FloatVector a = FloatVector.zero(F);
                for (int k = 0; k < n; k++) {
                    a = FloatVector.fromArray(F, panel, w + k * L).fma(FloatVector.broadcast(F, xs[x + k]), a);
                }
                a.intoArray(out, token * outStride + firstRow + g * L);
            }
        }
    }

    private static void columns2x8(float[] panel, float[] xs, int t, int n, float[] out, int outStride, int firstRow) {
        int x0 = t * n;
        int x1 = x0 + n;
        int x2 = x1 + n;
        int x3 = x2 + n;
        int x4 = x3 + n;
        int x5 = x4 + n;
        int x6 = x5 + n;
        int x7 = x6 + n;
        int second = L * n;
        FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F), a2 = FloatVector.zero(F), a3 = FloatVector.zero(F);
        FloatVector a4 = FloatVector.zero(F), a5 = FloatVector.zero(F), a6 = FloatVector.zero(F), a7 = FloatVector.zero(F);
        FloatVector b0 = FloatVector.zero(F), b1 = FloatVector.zero(F), b2 = FloatVector.zero(F), b3 = FloatVector.zero(F);
        FloatVector b4 = FloatVector.zero(F), b5 = FloatVector.zero(F), b6 = FloatVector.zero(F), b7 = FloatVector.zero(F);
        for (int k = 0; k < n; k++) {
            FloatVector w = FloatVector.fromArray(F, panel, k * L);
            FloatVector v = FloatVector.fromArray(F, panel, second + k * L);
            FloatVector x = FloatVector.broadcast(F, xs[x0 + k]);
            a0 = w.fma(x, a0);
            b0 = v.fma(x, b0);
            x = FloatVector.broadcast(F, xs[x1 + k]);
            a1 = w.fma(x, a1);
            b1 = v.fma(x, b1);
            x = FloatVector.broadcast(F, xs[x2 + k]);
            a2 = w.fma(x, a2);
            b2 = v.fma(x, b2);
            x = FloatVector.broadcast(F, xs[x3 + k]);
            a3 = w.fma(x, a3);
            b3 = v.fma(x, b3);
            x = FloatVector.broadcast(F, xs[x4 + k]);
            a4 = w.fma(x, a4);
            b4 = v.fma(x, b4);
            x = FloatVector.broadcast(F, xs[x5 + k]);
            a5 = w.fma(x, a5);
            b5 = v.fma(x, b5);
            x = FloatVector.broadcast(F, xs[x6 + k]);
            a6 = w.fma(x, a6);
            b6 = v.fma(x, b6);
            x = FloatVector.broadcast(F, xs[x7 + k]);
            a7 = w.fma(x, a7);
            b7 = v.fma(x, b7);
        }
        int o = t * outStride + firstRow;
        a0.intoArray(out, o);
        b0.intoArray(out, o + L);
        o += outStride;
        a1.intoArray(out, o);
        b1.intoArray(out, o + L);
        o += outStride;
        a2.intoArray(out, o);
        b2.intoArray(out, o + L);
        o += outStride;
        a3.intoArray(out, o);
        b3.intoArray(out, o + L);
        o += outStride;
        a4.intoArray(out, o);
        b4.intoArray(out, o + L);
        o += outStride;
        a5.intoArray(out, o);
        b5.intoArray(out, o + L);
        o += outStride;
        a6.intoArray(out, o);
        b6.intoArray(out, o + L);
        o += outStride;
        a7.intoArray(out, o);
        b7.intoArray(out, o + L);
    }

    /** The scalar remainder [from, n) of a dot product whose length is not a multiple of the lane count. */
    private static float tail(float[] w, int wOff, float[] xs, int xOff, int from, int n) {
        float sum = 0;
        for (int k = from; k < n; k++) {
            sum += w[wOff + k] * xs[xOff + k];
        }
        return sum;
    }
}
