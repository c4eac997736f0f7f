package dev.hearth.engine.tensor;

import static dev.hearth.engine.tensor.BlockLayout.LE_LONG;
import static dev.hearth.engine.tensor.VectorKernels.F;
import static dev.hearth.engine.tensor.VectorKernels.I;
import static dev.hearth.engine.tensor.VectorKernels.L;
import static jdk.incubator.vector.VectorOperators.GE;
import static jdk.incubator.vector.VectorOperators.I2F;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.S2I;
import static jdk.incubator.vector.VectorOperators.ZERO_EXTEND_B2I;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * A weight matrix regrouped for decoding: rows in groups of {@link #G} — one float lane per row — with each block's
 * bytes of a group stored as byte columns (byte j of every row's block side by side), so one load and one widening give
 * the same code of G rows, which multiplies one broadcast activation. Per-block scales apply to G rows as one vector and
 * nothing is reduced across lanes. One subclass per format: {@link InterleavedQ4_0}, {@link InterleavedQ4_K}. What
 * they share lives here: the shape, the matvec over pairs of groups, and the byte-column helpers.
 */
abstract sealed class RowGroups permits InterleavedQ4_0, InterleavedQ4_K {

    /** Rows per group: the float lane count (16 with AVX-512, 8 with AVX2). */
    static final int G = L;
    static final VectorSpecies<Byte> GB = VectorSpecies.of(byte.class, VectorShape.forBitSize(Math.max(64, G * 8)));
    static final VectorSpecies<Short> GS = VectorSpecies.of(short.class, VectorShape.forBitSize(Math.max(64, G * 16)));

    /** Whether matrices of this type and shape have a regrouped form here: Q4_0 or Q4_K, whole groups, 8 or 16 lanes. */
    static boolean fits(GgmlType type, int rows, int cols) {
        boolean format = type == GgmlType.Q4_0 || type == GgmlType.Q4_K;
        return format && G >= 8 && G <= 16 && rows % G == 0 && cols % type.blockSize() == 0;
    }

    /** Bytes the regrouped form of a matrix takes. */
    static long bytesFor(GgmlType type, int rows, int cols) {
        return type == GgmlType.Q4_K ? InterleavedQ4_K.bytesFor(rows, cols) : GgmlType.Q4_0.bytesFor((long) rows * cols);
    }

    /** A regrouped matrix of {@code type} whose groups {@link #pack} writes into {@code into}. */
    static RowGroups in(GgmlType type, MemorySegment into, int rows, int cols) {
        if (!fits(type, rows, cols)) {
            throw new IllegalArgumentException("a " + type + " matrix of " + rows + " × " + cols + " has no regrouped form");
        }
        if (into.byteSize() < bytesFor(type, rows, cols)) {
            throw new IllegalArgumentException("a regrouped " + rows + " × " + cols + " " + type + " matrix needs "
                    + bytesFor(type, rows, cols) + " bytes, the segment holds " + into.byteSize());
        }
        return type == GgmlType.Q4_K ? new InterleavedQ4_K(into, rows, cols) : new InterleavedQ4_0(into, rows, cols);
    }

    protected final MemorySegment data;
    protected final int rows;
    protected final int cols;
    /** Blocks per row. */
    protected final int blocks;
    /** Bytes of one group: G rows of {@code blocks} chunks of {@code chunkBytes} per row. */
    protected final long groupBytes;
    private final int sumWidth;

    /**
     * @param blockSize  weights per block
     * @param chunkBytes bytes per row and block in the regrouped form
     * @param sumWidth   elements per block sum of x the format's offsets need (32)
     */
    RowGroups(MemorySegment data, int rows, int cols, int blockSize, int chunkBytes, int sumWidth) {
        this.data = data;
        this.rows = rows;
        this.cols = cols;
        this.blocks = cols / blockSize;
        this.groupBytes = (long) G * chunkBytes * blocks;
        this.sumWidth = sumWidth;
    }

    final int groups() {
        return rows / G;
    }

    /** Regroups rows [fromGroup·G, toGroup·G) of the GGUF-layout {@code source}. */
    abstract void pack(MemorySegment source, int fromGroup, int toGroup);

    /** {@code out[r] = row r · x} for r in [fromRow, toRow), both multiples of {@link #G}: two groups per pass, then a lone last one. */
    final void matvec(float[] x, float[] out, int fromRow, int toRow) {
        if (fromRow < 0 || fromRow > toRow || toRow > rows || fromRow % G != 0 || toRow % G != 0) {
            throw new IndexOutOfBoundsException("rows [" + fromRow + ", " + toRow + ") are not whole groups of " + G + " within [0, " + rows + ")");
        }
        if (x.length < cols || out.length < toRow) {
            throw new IndexOutOfBoundsException("x of " + x.length + " floats for " + cols + " columns, out of " + out.length + " for rows up to " + toRow);
        }
        float[] sums = VectorKernels.groupSums(x, cols, sumWidth);
        int g = fromRow / G;
        int end = toRow / G;
        for (; g + 1 < end; g += 2) {
            twoGroups(g, x, sums, out);
        }
        if (g < end) {
            oneGroup(g, x, sums, out);
        }
    }

    /** Rows of groups g and g+1 · x into {@code out}, each broadcast activation shared by both; {@code sums} from {@link VectorKernels#groupSums}. */
    abstract void twoGroups(int g, float[] x, float[] sums, float[] out);

    /** Rows of group g · x into {@code out}. */
    abstract void oneGroup(int g, float[] x, float[] sums, float[] out);

    /**
     * Decodes group {@code g} column by column: {@code panel[panelOffset + k·G + i]} = weight k of row g·G + i, for k
     * in [0, cols), exactly as the reference decodes the original rows.
     */
    abstract void decodeColumns(int g, float[] panel, int panelOffset);

    /** Decodes row {@code row} into {@code out[offset..offset+cols)}, exactly as the reference decodes it. */
    abstract void dequantizeRow(int row, float[] out, int offset);

    void checkPanel(float[] panel, int panelOffset) {
        if (panelOffset < 0 || panel.length - panelOffset < G * cols) {
            throw new IllegalArgumentException("a column panel of " + G + " rows × " + cols + " needs " + G * cols
                    + " floats, has " + (panel.length - panelOffset));
        }
    }

    /** The G bytes at {@code at}, zero-extended to ints. */
    static IntVector bytes(MemorySegment data, long at) {
        return (IntVector) ByteVector.fromMemorySegment(GB, data, at, ByteOrder.LITTLE_ENDIAN).convertShape(ZERO_EXTEND_B2I, I, 0);
    }

    static FloatVector toFloat(IntVector v) {
        return (FloatVector) v.convert(I2F, 0);
    }

    /**
     * The G F16 values at {@code at} as floats, with integer operations (the Vector API has no half-precision lanes):
     * the 15 magnitude bits shifted into place and scaled by 2¹¹² give every finite value exactly, subnormals included;
     * infinities and NaNs get the all-ones exponent.
     */
    static FloatVector halves(MemorySegment data, long at) {
        IntVector half = (IntVector) ShortVector.fromMemorySegment(GS, data, at, ByteOrder.LITTLE_ENDIAN).convertShape(S2I, I, 0);
        IntVector magnitude = half.and(0x7FFF);
        IntVector shifted = magnitude.lanewise(LSHL, 13);
        IntVector finite = shifted.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts();
        IntVector bits = finite.blend(shifted.or(0x7F800000), magnitude.compare(GE, 0x7C00));
        return bits.or(half.and(0x8000).lanewise(LSHL, 16)).reinterpretAsFloats();
    }

    /**
     * Reads 8 bytes from each of 8 rows ({@code from + i·stride} in {@code source}) and writes byte column j — byte j of
     * the 8 rows — as the 8 bytes at {@code to + j·G} in {@code data}: three rounds of swapping 4×4, 2×2 and 1×1 byte
     * blocks between pairs of longs, so packing moves eight bytes per operation instead of one.
     */
    static void transpose8(MemorySegment source, long from, long stride, MemorySegment data, long to) {
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
}
