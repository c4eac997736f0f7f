package dev.hearth.engine.tensor;

import static dev.hearth.engine.tensor.BlockLayout.K_SCALES;
import static dev.hearth.engine.tensor.BlockLayout.LE_SHORT;
import static dev.hearth.engine.tensor.BlockLayout.Q4K_NIBBLES;
import static dev.hearth.engine.tensor.BlockLayout.kMin;
import static dev.hearth.engine.tensor.BlockLayout.kScale;
import static dev.hearth.engine.tensor.RowGroups.bytes;
import static dev.hearth.engine.tensor.RowGroups.toFloat;
import static dev.hearth.engine.tensor.VectorKernels.F;
import static jdk.incubator.vector.VectorOperators.LSHR;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;

/**
 * Q4_K weights regrouped for decoding ({@link RowGroups}). For each 256-weight block column of a group of G rows: the G
 * scales d, the G mins dmin (F16), the 6-bit sub-block scales and mins unpacked to one byte each (8 × G bytes each,
 * sub-block s's G bytes side by side), then the 128 code bytes as byte columns — column 32c + j holds byte 32c + j of
 * every row, whose low nibble is weight 64c + j and high nibble weight 64c + 32 + j. Unpacking the 12 packed scale bytes
 * at load costs 4 bytes per block (148 instead of 144) and saves the decoder the bit-picking per block and row.
 */
final class InterleavedQ4_K extends RowGroups {

    private static final int BLOCK = 256;
    private static final int BLOCK_BYTES = 144;
    private static final int CHUNK = 148;
    private static final int SCALES = 4 * G;
    private static final int MINS = 12 * G;
    private static final int CODES = 20 * G;

    InterleavedQ4_K(MemorySegment data, int rows, int cols) {
        super(data, rows, cols, BLOCK, CHUNK, 32);
    }

    static long bytesFor(int rows, int cols) {
        return (long) rows * (cols / BLOCK) * CHUNK;
    }

    @Override
    void pack(MemorySegment source, int fromGroup, int toGroup) {
        long rowBytes = (long) BLOCK_BYTES * blocks;
        for (int g = fromGroup; g < toGroup; g++) {
            long firstRow = g * (long) G * rowBytes;
            long to = g * groupBytes;
            for (int b = 0; b < blocks; b++, to += (long) G * CHUNK) {
                long from = firstRow + (long) BLOCK_BYTES * b;
                for (int r = 0; r < G; r++) {
                    long at = from + r * rowBytes;
                    data.set(LE_SHORT, to + 2L * r, source.get(LE_SHORT, at));
                    data.set(LE_SHORT, to + 2L * G + 2L * r, source.get(LE_SHORT, at + 2));
                    for (int s = 0; s < 8; s++) {
                        data.set(ValueLayout.JAVA_BYTE, to + SCALES + (long) G * s + r, (byte) kScale(source, at + K_SCALES, s));
                        data.set(ValueLayout.JAVA_BYTE, to + MINS + (long) G * s + r, (byte) kMin(source, at + K_SCALES, s));
                    }
                }
                for (int r = 0; r < G; r += 8) {
                    for (int c = 0; c < 128; c += 8) {
                        RowGroups.transpose8(source, from + r * rowBytes + Q4K_NIBBLES + c, rowBytes, data, to + CODES + (long) G * c + r);
                    }
                }
            }
        }
    }

    /**
     * Per thread, G floats each: d·sc of 8 sub-blocks × 2 groups, dmin·m likewise, the 2 groups' offsets and
     * accumulators, then one block's d and dmin.
     */
    private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[38 * G]);
    private static final int MIN_AT = 16 * G;
    private static final int OFFSET_AT = 32 * G;
    private static final int ACC_AT = 34 * G;
    private static final int HALVES_AT = 36 * G;

    /**
     * Two groups per pass sharing each broadcast activation. Per sub-block s of a block: d·sc_s·Σq·x − dmin·m_s·Σx,
     * the second term from the 32-element sums of x. The per-block scale work goes through small arrays
     * ({@link #blockScales}) so that the hot loop stays small enough for C2 to keep every vector in a register.
     */
    @Override
    void twoGroups(int g, float[] x, float[] sums, float[] out) {
        float[] scales = SCRATCH.get();
        long at = g * groupBytes;
        java.util.Arrays.fill(scales, OFFSET_AT, OFFSET_AT + 2 * G, 0f);
        java.util.Arrays.fill(scales, ACC_AT, ACC_AT + 2 * G, 0f);
        for (int b = 0; b < blocks; b++, at += (long) G * CHUNK) {
            blockScales(at, scales, 0);
            blockScales(at + groupBytes, scales, 1);
            addOffset(scales, 0, sums, 8 * b);
            addOffset(scales, 1, sums, 8 * b);
            for (int c = 0; c < 4; c++) {
                twoGroupsChunk(at, c, x, BLOCK * b + 64 * c, scales);
            }
        }
        FloatVector.fromArray(F, scales, ACC_AT).sub(FloatVector.fromArray(F, scales, OFFSET_AT)).intoArray(out, g * G);
        FloatVector.fromArray(F, scales, ACC_AT + G).sub(FloatVector.fromArray(F, scales, OFFSET_AT + G)).intoArray(out, g * G + G);
    }

    /**
     * Sub-blocks 2c and 2c+1 of the block at {@code at} and of the next group's, into the two accumulators in
     * {@code scales}. A method of its own: with the block loop around it C2 stops inlining the vector intrinsics
     * (node count) and every vector operation allocates.
     */
    private void twoGroupsChunk(long at, int c, float[] x, int xb, float[] scales) {
        long other = at + groupBytes;
        FloatVector low0 = FloatVector.zero(F);
        FloatVector high0 = FloatVector.zero(F);
        FloatVector low1 = FloatVector.zero(F);
        FloatVector high1 = FloatVector.zero(F);
        long codes = CODES + (long) G * 32 * c;
        for (int j = 0; j < 32; j++) {
            IntVector q0 = bytes(data, at + codes + (long) G * j);
            IntVector q1 = bytes(data, other + codes + (long) G * j);
            FloatVector xl = FloatVector.broadcast(F, x[xb + j]);
            FloatVector xh = FloatVector.broadcast(F, x[xb + 32 + j]);
            low0 = toFloat(q0.and(0xF)).fma(xl, low0);
            high0 = toFloat(q0.lanewise(LSHR, 4)).fma(xh, high0);
            low1 = toFloat(q1.and(0xF)).fma(xl, low1);
            high1 = toFloat(q1.lanewise(LSHR, 4)).fma(xh, high1);
        }
        int s = 2 * c * G;
        FloatVector acc0 = FloatVector.fromArray(F, scales, ACC_AT);
        FloatVector acc1 = FloatVector.fromArray(F, scales, ACC_AT + G);
        acc0 = low0.fma(FloatVector.fromArray(F, scales, s), acc0);
        acc0 = high0.fma(FloatVector.fromArray(F, scales, s + G), acc0);
        acc1 = low1.fma(FloatVector.fromArray(F, scales, 8 * G + s), acc1);
        acc1 = high1.fma(FloatVector.fromArray(F, scales, 8 * G + s + G), acc1);
        acc0.intoArray(scales, ACC_AT);
        acc1.intoArray(scales, ACC_AT + G);
    }

    @Override
    void oneGroup(int g, float[] x, float[] sums, float[] out) {
        float[] scales = SCRATCH.get();
        long at = g * groupBytes;
        java.util.Arrays.fill(scales, OFFSET_AT, OFFSET_AT + G, 0f);
        java.util.Arrays.fill(scales, ACC_AT, ACC_AT + G, 0f);
        for (int b = 0; b < blocks; b++, at += (long) G * CHUNK) {
            blockScales(at, scales, 0);
            addOffset(scales, 0, sums, 8 * b);
            for (int c = 0; c < 4; c++) {
                oneGroupChunk(at, c, x, BLOCK * b + 64 * c, scales);
            }
        }
        FloatVector.fromArray(F, scales, ACC_AT).sub(FloatVector.fromArray(F, scales, OFFSET_AT)).intoArray(out, g * G);
    }

    private void oneGroupChunk(long at, int c, float[] x, int xb, float[] scales) {
        FloatVector low = FloatVector.zero(F);
        FloatVector high = FloatVector.zero(F);
        long codes = CODES + (long) G * 32 * c;
        for (int j = 0; j < 32; j++) {
            IntVector q = bytes(data, at + codes + (long) G * j);
            low = toFloat(q.and(0xF)).fma(FloatVector.broadcast(F, x[xb + j]), low);
            high = toFloat(q.lanewise(LSHR, 4)).fma(FloatVector.broadcast(F, x[xb + 32 + j]), high);
        }
        FloatVector acc = FloatVector.fromArray(F, scales, ACC_AT);
        acc = low.fma(FloatVector.fromArray(F, scales, 2 * c * G), acc);
        acc = high.fma(FloatVector.fromArray(F, scales, (2 * c + 1) * G), acc);
        acc.intoArray(scales, ACC_AT);
    }

    /**
     * For the block at {@code at} (group slot {@code slot}, 0 or 1): writes d·sc and dmin·m of its 8 sub-blocks into
     * {@code scales}. Kept apart from {@link #addOffset} with no vector that may be null: C2 (JDK 25.0.3) crashed in
     * register allocation compiling the earlier form, which made the offset optional.
     */
    private void blockScales(long at, float[] scales, int slot) {
        for (int r = 0; r < G; r++) {
            scales[HALVES_AT + r] = Float.float16ToFloat(data.get(LE_SHORT, at + 2L * r));
            scales[HALVES_AT + G + r] = Float.float16ToFloat(data.get(LE_SHORT, at + 2L * G + 2L * r));
        }
        FloatVector d = FloatVector.fromArray(F, scales, HALVES_AT);
        FloatVector dmin = FloatVector.fromArray(F, scales, HALVES_AT + G);
        int scaleAt = 8 * G * slot;
        for (int s = 0; s < 8; s++) {
            toFloat(bytes(data, at + SCALES + (long) G * s)).mul(d).intoArray(scales, scaleAt + s * G);
            toFloat(bytes(data, at + MINS + (long) G * s)).mul(dmin).intoArray(scales, MIN_AT + scaleAt + s * G);
        }
    }

    /** Adds Σ_s dmin·m_s·Σx_s of the block whose mins {@link #blockScales} wrote for {@code slot} to the slot's offset. */
    private static void addOffset(float[] scales, int slot, float[] sums, int sumAt) {
        int offsetAt = OFFSET_AT + G * slot;
        int minAt = MIN_AT + 8 * G * slot;
        FloatVector offset = FloatVector.fromArray(F, scales, offsetAt);
        for (int s = 0; s < 8; s++) {
            offset = FloatVector.fromArray(F, scales, minAt + s * G).fma(FloatVector.broadcast(F, sums[sumAt + s]), offset);
        }
        offset.intoArray(scales, offsetAt);
    }

    /** The reference's values, bit for bit: (d·sc)·q − dmin·m in float. */
    @Override
    void decodeColumns(int g, float[] panel, int panelOffset) {
        checkPanel(panel, panelOffset);
        float[] scales = SCRATCH.get();
        long at = g * groupBytes;
        for (int b = 0; b < blocks; b++, at += (long) G * CHUNK) {
            blockScales(at, scales, 0);
            for (int c = 0; c < 4; c++) {
                decodeChunk(at, c, scales, panel, panelOffset + (BLOCK * b + 64 * c) * G);
            }
        }
    }

    private void decodeChunk(long at, int c, float[] scales, float[] panel, int k) {
        FloatVector scaleLow = FloatVector.fromArray(F, scales, 2 * c * G);
        FloatVector scaleHigh = FloatVector.fromArray(F, scales, (2 * c + 1) * G);
        FloatVector minLow = FloatVector.fromArray(F, scales, MIN_AT + 2 * c * G);
        FloatVector minHigh = FloatVector.fromArray(F, scales, MIN_AT + (2 * c + 1) * G);
        long codes = CODES + (long) G * 32 * c;
        for (int j = 0; j < 32; j++) {
            IntVector q = bytes(data, at + codes + (long) G * j);
            scaleLow.mul(toFloat(q.and(0xF))).sub(minLow).intoArray(panel, k + j * G);
            scaleHigh.mul(toFloat(q.lanewise(LSHR, 4))).sub(minHigh).intoArray(panel, k + (32 + j) * G);
        }
    }

    @Override
    void dequantizeRow(int row, float[] out, int offset) {
        long at = (row / G) * groupBytes;
        int r = row % G;
        for (int b = 0; b < blocks; b++, at += (long) G * CHUNK) {
            float d = Float.float16ToFloat(data.get(LE_SHORT, at + 2L * r));
            float dmin = Float.float16ToFloat(data.get(LE_SHORT, at + 2L * G + 2L * r));
            for (int s = 0; s < 8; s++) {
                float scale = d * (data.get(ValueLayout.JAVA_BYTE, at + SCALES + (long) G * s + r) & 0xFF);
                float min = dmin * (data.get(ValueLayout.JAVA_BYTE, at + MINS + (long) G * s + r) & 0xFF);
                int shift = 4 * (s % 2);
                long codes = at + CODES + (long) G * 32 * (s / 2) + r;
                int o = offset + BLOCK * b + 32 * s;
                for (int j = 0; j < 32; j++) {
                    int q = ((data.get(ValueLayout.JAVA_BYTE, codes + (long) G * j) & 0xFF) >>> shift) & 0xF;
                    out[o + j] = scale * q - min;
                }
            }
        }
    }
}
