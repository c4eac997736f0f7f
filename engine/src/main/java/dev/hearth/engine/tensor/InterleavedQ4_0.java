package dev.hearth.engine.tensor;

import static dev.hearth.engine.tensor.BlockLayout.LE_LONG;
import static dev.hearth.engine.tensor.BlockLayout.LE_SHORT;
import static dev.hearth.engine.tensor.VectorKernels.F;
import static dev.hearth.engine.tensor.VectorKernels.I;
import static dev.hearth.engine.tensor.VectorKernels.L;
import static jdk.incubator.vector.VectorOperators.GE;
import static jdk.incubator.vector.VectorOperators.I2F;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LSHR;
import static jdk.incubator.vector.VectorOperators.S2I;
import static jdk.incubator.vector.VectorOperators.ZERO_EXTEND_B2I;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

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
final class InterleavedQ4_0 {

    /** Rows per group: the float lane count (16 with AVX-512, 8 with AVX2). */
    static final int G = L;
    private static final int BLOCK = 32;
    private static final int BLOCK_BYTES = 18;
    private static final VectorSpecies<Byte> GB = VectorSpecies.of(byte.class, VectorShape.forBitSize(Math.max(64, G * 8)));
    private static final VectorSpecies<Short> GS = VectorSpecies.of(short.class, VectorShape.forBitSize(Math.max(64, G * 16)));
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private final MemorySegment data;
    private final int rows;
    private final int cols;
    private final int blocks;
    private final long groupBytes;

    private InterleavedQ4_0(MemorySegment data, int rows, int cols) {
        this.data = data;
        this.rows = rows;
        this.cols = cols;
        this.blocks = cols / BLOCK;
        this.groupBytes = (long) G * BLOCK_BYTES * blocks;
    }

    /** Whether a matrix of this type and shape can be regrouped here: Q4_0, whole groups, 8 or 16 float lanes. */
    static boolean fits(GgmlType type, int rows, int cols) {
        return type == GgmlType.Q4_0 && G >= 8 && G <= 16 && rows % G == 0 && cols % BLOCK == 0;
    }

    /** Bytes the regrouped matrix takes: exactly the GGUF tensor's. */
    static long bytesFor(int rows, int cols) {
        return GgmlType.Q4_0.bytesFor((long) rows * cols);
    }

    /** A matrix whose groups will be written into {@code into} by {@link #pack}. */
    static InterleavedQ4_0 in(MemorySegment into, int rows, int cols) {
        if (into.byteSize() < bytesFor(rows, cols)) {
            throw new IllegalArgumentException("a regrouped " + rows + " × " + cols + " Q4_0 matrix needs " + bytesFor(rows, cols)
                    + " bytes, the segment holds " + into.byteSize());
        }
        return new InterleavedQ4_0(into, rows, cols);
    }

    int groups() {
        return rows / G;
    }

    /**
     * Regroups rows [fromGroup·G, toGroup·G) of the GGUF-layout {@code source}; groups are independent and may be packed
     * in parallel. The code bytes of 8 rows × 8 columns move as one 8 × 8 byte transpose of eight longs, so packing
     * runs at a few GB/s instead of one byte at a time.
     */
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
                    transpose8(source, from + r * rowBytes + 2, rowBytes, to + 2L * G + r);
                    transpose8(source, from + r * rowBytes + 10, rowBytes, to + 2L * G + 8L * G + r);
                }
            }
        }
    }

    /**
     * Reads 8 bytes from each of 8 rows ({@code from + i·stride}) and writes byte column j — byte j of the 8 rows — as
     * the 8 bytes at {@code to + j·G}: three rounds of swapping 4×4, 2×2 and 1×1 byte blocks between pairs of longs.
     */
    private void transpose8(MemorySegment source, long from, long stride, long to) {
        long a0 = source.get(LE_LONG, from);
        long a1 = source.get(LE_LONG, from + stride);
        long a2 = source.get(LE_LONG, from + 2 * stride);
        long a3 = source.get(LE_LONG, from + 3 * stride);
        long a4 = source.get(LE_LONG, from + 4 * stride);
        long a5 = source.get(LE_LONG, from + 5 * stride);
        long a6 = source.get(LE_LONG, from + 6 * stride);
        long a7 = source.get(LE_LONG, from + 7 * stride);
        long t;
        t = ((a0 >>> 32) ^ a4) & 0xFFFFFFFFL; a0 ^= t << 32; a4 ^= t;
        t = ((a1 >>> 32) ^ a5) & 0xFFFFFFFFL; a1 ^= t << 32; a5 ^= t;
        t = ((a2 >>> 32) ^ a6) & 0xFFFFFFFFL; a2 ^= t << 32; a6 ^= t;
        t = ((a3 >>> 32) ^ a7) & 0xFFFFFFFFL; a3 ^= t << 32; a7 ^= t;
        t = ((a0 >>> 16) ^ a2) & 0x0000FFFF0000FFFFL; a0 ^= t << 16; a2 ^= t;
        t = ((a1 >>> 16) ^ a3) & 0x0000FFFF0000FFFFL; a1 ^= t << 16; a3 ^= t;
        t = ((a4 >>> 16) ^ a6) & 0x0000FFFF0000FFFFL; a4 ^= t << 16; a6 ^= t;
        t = ((a5 >>> 16) ^ a7) & 0x0000FFFF0000FFFFL; a5 ^= t << 16; a7 ^= t;
        t = ((a0 >>> 8) ^ a1) & 0x00FF00FF00FF00FFL; a0 ^= t << 8; a1 ^= t;
        t = ((a2 >>> 8) ^ a3) & 0x00FF00FF00FF00FFL; a2 ^= t << 8; a3 ^= t;
        t = ((a4 >>> 8) ^ a5) & 0x00FF00FF00FF00FFL; a4 ^= t << 8; a5 ^= t;
        t = ((a6 >>> 8) ^ a7) & 0x00FF00FF00FF00FFL; a6 ^= t << 8; a7 ^= t;
        data.set(LE_LONG, to, a0);
        data.set(LE_LONG, to + G, a1);
        data.set(LE_LONG, to + 2 * G, a2);
        data.set(LE_LONG, to + 3 * G, a3);
        data.set(LE_LONG, to + 4 * G, a4);
        data.set(LE_LONG, to + 5 * G, a5);
        data.set(LE_LONG, to + 6 * G, a6);
        data.set(LE_LONG, to + 7 * G, a7);
    }

    /** {@code out[r] = row r · x} for r in [fromRow, toRow), both multiples of {@link #G}. */
    void matvec(float[] x, float[] out, int fromRow, int toRow) {
        checkGroups(fromRow, toRow);
        if (x.length < cols || out.length < toRow) {
            throw new IndexOutOfBoundsException("x of " + x.length + " floats for " + cols + " columns, out of " + out.length + " for rows up to " + toRow);
        }
        float[] sums = VectorKernels.groupSums(x, cols, BLOCK);
        int g = fromRow / G;
        int end = toRow / G;
        for (; g + 1 < end; g += 2) {
            twoGroups(g, x, sums, out);
        }
        if (g < end) {
            oneGroup(g, x, sums, out);
        }
    }

    /**
     * Two groups per pass, sharing each broadcast activation: d·Σ(q−8)·x = d·Σq·x − 8·d·Σx per block, the second term
     * from the block sums of x. Measured against one group per pass (10.7 vs 12.8 GB/s from L2, one thread) and four
     * (8.3: the accumulators spill).
     */
    private void twoGroups(int g, float[] x, float[] sums, float[] out) {
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

    private void oneGroup(int g, float[] x, float[] sums, float[] out) {
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

    /**
     * Decodes group {@code g} column by column: {@code panel[panelOffset + k·G + i]} = weight k of row g·G + i, for k in
     * [0, cols).
     * The values are the reference's, bit for bit: (q − 8)·d in float.
     */
    void decodeColumns(int g, float[] panel, int panelOffset) {
        if (panelOffset < 0 || panel.length - panelOffset < G * cols) {
            throw new IllegalArgumentException("a column panel of " + G + " rows × " + cols + " needs " + G * cols + " floats, has " + (panel.length - panelOffset));
        }
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

    /** Decodes row {@code row} into {@code out[offset..offset+cols)}, as the reference decodes the original row. */
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
        return (IntVector) ByteVector.fromMemorySegment(GB, data, at, LE).convertShape(ZERO_EXTEND_B2I, I, 0);
    }

    /**
     * The G block scales at {@code at}, F16 → F32 with integer operations (the Vector API has no half-precision lanes):
     * the 15 magnitude bits shifted into place and scaled by 2¹¹² give every finite value exactly, subnormals included;
     * infinities and NaNs get the all-ones exponent.
     */
    private FloatVector scales(long at) {
        IntVector half = (IntVector) ShortVector.fromMemorySegment(GS, data, at, LE).convertShape(S2I, I, 0);
        IntVector magnitude = half.and(0x7FFF);
        IntVector shifted = magnitude.lanewise(LSHL, 13);
        IntVector finite = shifted.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts();
        IntVector bits = finite.blend(shifted.or(0x7F800000), magnitude.compare(GE, 0x7C00));
        return bits.or(half.and(0x8000).lanewise(LSHL, 16)).reinterpretAsFloats();
    }

    private static FloatVector toFloat(IntVector v) {
        return (FloatVector) v.convert(I2F, 0);
    }

    private void checkGroups(int fromRow, int toRow) {
        if (fromRow < 0 || fromRow > toRow || toRow > rows || fromRow % G != 0 || toRow % G != 0) {
            throw new IndexOutOfBoundsException("rows [" + fromRow + ", " + toRow + ") are not whole groups of " + G + " within [0, " + rows + ")");
        }
    }
}
