package dev.hearth.engine.tensor;

import static dev.hearth.engine.tensor.BlockLayout.LE_SHORT;
import static dev.hearth.engine.tensor.RowGroups.bytes;
import static dev.hearth.engine.tensor.RowGroups.halves;
import static dev.hearth.engine.tensor.RowGroups.toFloat;
import static dev.hearth.engine.tensor.VectorKernels.F;
import static jdk.incubator.vector.VectorOperators.LSHR;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;

/**
 * Q4_0 weights regrouped for decoding: rows in groups of {@link #G} — one float lane per row — and, for each 32-weight
 * block column of a group, the G block scales (F16) followed by 16 byte columns of G bytes: byte j of every row's block
 * side by side. One load and one widening then give code j (low nibble) and code j+16 (high nibble) of G rows, which
 * multiply one broadcast activation each; the block scales of G rows apply as one vector, and nothing is reduced across
 * lanes. In the GGUF layout each 32 weights of one row cost a scale conversion, a broadcast and a multiply-add of their
 * own plus a horizontal sum per row; here those are spread over G rows, and two groups share each broadcast.
 * Measured in docs/performance.md.
 *
 * <p>The bytes are the GGUF blocks' bytes, moved: the same size as the tensor, and every value decodes exactly as the
 * reference decodes the original block.
 */
final class InterleavedQ4_0 extends RowGroups {

    private static final int BLOCK = 32;
    private static final int BLOCK_BYTES = 18;

    InterleavedQ4_0(MemorySegment data, int rows, int cols) {
        super(data, rows, cols, BLOCK, BLOCK_BYTES, BLOCK);
    }

    /**
     * Regroups rows [fromGroup·G, toGroup·G) of the GGUF-layout {@code source}; groups are independent and may be packed
     * in parallel. The code bytes of 8 rows × 8 columns move as one 8 × 8 byte transpose of eight longs, so packing
     * runs at a few GB/s instead of one byte at a time.
     */
    @Override
    void pack(MemorySegment source, int fromGroup, int toGroup) {
        long rowBytes = (long) BLOCK_BYTES * blocks;
        for (int g = fromGroup; g < toGroup; g++) {
            long firstRow = g * (long) G * rowBytes;
            long to = g * groupBytes;
            for (int b = 0; b < blocks; b++, to += G * BLOCK_BYTES) {
                long from = firstRow + (long) BLOCK_BYTES * b;
                for (int r = 0; r < G; r++) {
                    data.set(LE_SHORT, to + 2L * r, source.get(LE_SHORT, from + r * rowBytes));
                }
                for (int r = 0; r < G; r += 8) {
                    RowGroups.transpose8(source, from + r * rowBytes + 2, rowBytes, data, to + 2L * G + r);
                    RowGroups.transpose8(source, from + r * rowBytes + 10, rowBytes, data, to + 2L * G + 8L * G + r);
                }
            }
        }
    }

    /**
     * Two groups per pass, sharing each broadcast activation: d·Σ(q−8)·x = d·Σq·x − 8·d·Σx per block, the second term
     * from the block sums of x. Measured against one group per pass (10.7 vs 12.8 GB/s from L2, one thread) and four
     * (8.3: the accumulators spill).
     */
    @Override
    void twoGroups(int g, float[] x, float[] sums, float[] out) {
        long at = g * groupBytes;
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = FloatVector.zero(F);
        FloatVector offset0 = FloatVector.zero(F);
        FloatVector offset1 = FloatVector.zero(F);
        for (int b = 0; b < blocks; b++, at += G * BLOCK_BYTES) {
            int xb = BLOCK * b;
            FloatVector low0 = FloatVector.zero(F);
            FloatVector high0 = FloatVector.zero(F);
            FloatVector low1 = FloatVector.zero(F);
            FloatVector high1 = FloatVector.zero(F);
            for (int j = 0; j < 16; j++) {
                IntVector q0 = codes(at + 2 * G + G * j);
                IntVector q1 = codes(at + groupBytes + 2 * G + G * j);
                FloatVector xl = FloatVector.broadcast(F, x[xb + j]);
                FloatVector xh = FloatVector.broadcast(F, x[xb + 16 + j]);
                low0 = toFloat(q0.and(0xF)).fma(xl, low0);
                high0 = toFloat(q0.lanewise(LSHR, 4)).fma(xh, high0);
                low1 = toFloat(q1.and(0xF)).fma(xl, low1);
                high1 = toFloat(q1.lanewise(LSHR, 4)).fma(xh, high1);
            }
            FloatVector d0 = scales(at);
            FloatVector d1 = scales(at + groupBytes);
            FloatVector sum = FloatVector.broadcast(F, sums[b]);
            acc0 = low0.add(high0).fma(d0, acc0);
            acc1 = low1.add(high1).fma(d1, acc1);
            offset0 = d0.fma(sum, offset0);
            offset1 = d1.fma(sum, offset1);
        }
        acc0.sub(offset0.mul(8f)).intoArray(out, g * G);
        acc1.sub(offset1.mul(8f)).intoArray(out, g * G + G);
    }

    @Override
    void oneGroup(int g, float[] x, float[] sums, float[] out) {
        long at = g * groupBytes;
        FloatVector acc = FloatVector.zero(F);
        FloatVector offset = FloatVector.zero(F);
        for (int b = 0; b < blocks; b++, at += G * BLOCK_BYTES) {
            int xb = BLOCK * b;
            FloatVector low = FloatVector.zero(F);
            FloatVector high = FloatVector.zero(F);
            for (int j = 0; j < 16; j++) {
                IntVector q = codes(at + 2 * G + G * j);
                low = toFloat(q.and(0xF)).fma(FloatVector.broadcast(F, x[xb + j]), low);
                high = toFloat(q.lanewise(LSHR, 4)).fma(FloatVector.broadcast(F, x[xb + 16 + j]), high);
            }
            FloatVector d = scales(at);
            acc = low.add(high).fma(d, acc);
            offset = d.fma(FloatVector.broadcast(F, sums[b]), offset);
        }
        acc.sub(offset.mul(8f)).intoArray(out, g * G);
    }

    /** The reference's values, bit for bit: (q − 8)·d in float. */
    @Override
    void decodeColumns(int g, float[] panel, int panelOffset) {
        checkPanel(panel, panelOffset);
        long at = g * groupBytes;
        for (int b = 0; b < blocks; b++, at += G * BLOCK_BYTES) {
            FloatVector d = scales(at);
            int k = panelOffset + BLOCK * b * G;
            for (int j = 0; j < 16; j++) {
                IntVector q = codes(at + 2 * G + G * j);
                toFloat(q.and(0xF).sub(8)).mul(d).intoArray(panel, k + j * G);
                toFloat(q.lanewise(LSHR, 4).sub(8)).mul(d).intoArray(panel, k + (16 + j) * G);
            }
        }
    }

    @Override
    void dequantizeRow(int row, float[] out, int offset) {
        long at = (row / G) * groupBytes;
        int r = row % G;
        for (int b = 0; b < blocks; b++, at += G * BLOCK_BYTES) {
            float d = Float.float16ToFloat(data.get(LE_SHORT, at + 2L * r));
            int o = offset + BLOCK * b;
            for (int j = 0; j < 16; j++) {
                int packed = data.get(ValueLayout.JAVA_BYTE, at + 2L * G + (long) G * j + r) & 0xFF;
                out[o + j] = ((packed & 0xF) - 8) * d;
                out[o + 16 + j] = ((packed >>> 4) - 8) * d;
            }
        }
    }

    private IntVector codes(long at) {
        return bytes(data, at);
    }

    private FloatVector scales(long at) {
        return halves(data, at);
    }
}
