package dev.hearth.engine.tensor;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * A weight matrix: rows × cols, read from the GGUF layout (each row's cols elements contiguous; GGUF dims
 * ne=[cols, rows]) or, once {@link #regroup} has finished, from a copy regrouped for decoding ({@link RowGroups}).
 * The switch may happen while other threads use the matrix: every call reads the layout once and stays with it.
 */
public final class WeightMatrix {

    private final GgmlType type;
    private final MemorySegment data;
    private final int rows;
    private final int cols;
    private final long rowBytes;
    private final RowKernel kernel;
    private volatile RowGroups grouped;

    /** A matrix read with {@link Kernels#vector}. */
    public WeightMatrix(GgmlType type, MemorySegment data, int rows, int cols) {
        this(type, data, rows, cols, Kernels.vector(Objects.requireNonNull(type, "type")));
    }

    /**
     * A matrix read with the given kernel.
     *
     * @throws IllegalArgumentException when the shape is not positive, {@code cols} is not a whole number of blocks, or
     *                                  {@code data} holds fewer bytes than rows × cols elements of {@code type} take
     */
    public WeightMatrix(GgmlType type, MemorySegment data, int rows, int cols, RowKernel kernel) {
        this.type = Objects.requireNonNull(type, "type");
        this.data = Objects.requireNonNull(data, "data");
        this.kernel = Objects.requireNonNull(kernel, "kernel");
        if (rows <= 0 || cols <= 0) {
            throw new IllegalArgumentException("a " + type + " weight matrix needs positive dimensions, got " + rows + " rows × " + cols + " cols");
        }
        if (cols % type.blockSize() != 0) {
            throw new IllegalArgumentException(type + " rows must hold a multiple of " + type.blockSize()
                    + " elements (one block), got cols = " + cols);
        }
        this.rows = rows;
        this.cols = cols;
        this.rowBytes = type.bytesFor(cols);
        long needed = rowBytes * rows;
        if (data.byteSize() < needed) {
            throw new IllegalArgumentException("a " + type + " matrix of " + rows + " × " + cols + " takes " + needed
                    + " bytes, but the data segment holds only " + data.byteSize());
        }
    }

    /**
     * Bytes {@link #regroup} needs for this matrix, or 0 when it does not apply (only Q4_0 and Q4_K are regrouped, in whole groups
     * of the platform's float lanes, and only with the Vector API kernel).
     */
    public long regroupedBytes() {
        return grouped == null && regroupable() ? RowGroups.bytesFor(type, rows, cols) : 0;
    }

    private boolean regroupable() {
        return kernel == Kernels.vector(type) && RowGroups.fits(type, rows, cols);
    }

    /**
     * Regroups this matrix for decoding into {@code into} (at least {@link #regroupedBytes()}, from a shared arena: the
     * forward pass reads it from its workers) on the calling thread, then switches to it: from then on the matrix reads
     * only {@code into}. Products equal the GGUF layout's within the kernels' rounding; decoded rows equal them exactly.
     *
     * @throws IllegalStateException when {@link #regroupedBytes()} is 0
     */
    public void regroup(MemorySegment into) {
        if (regroupedBytes() == 0) {
            throw new IllegalStateException(this + " cannot be regrouped");
        }
        RowGroups packed = RowGroups.in(type, into, rows, cols);
        packed.pack(data, 0, packed.groups());
        grouped = packed;
    }

    /** Row ranges split on multiples of this run fastest (whole groups once regrouped); other ranges work too. */
    public int rowAlignment() {
        return grouped == null ? 1 : RowGroups.G;
    }

    public GgmlType type() {
        return type;
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    /** Row {@code row} · {@code x[xOffset..xOffset+cols)}. */
    public float dotRow(int row, float[] x, int xOffset) {
        Objects.checkIndex(row, rows);
        RowGroups grouped = this.grouped;
        if (grouped != null) {
            float[] decoded = new float[cols];
            grouped.dequantizeRow(row, decoded, 0);
            return FloatOps.dot(decoded, 0, x, xOffset, cols);
        }
        return kernel.dot(data, row * rowBytes, x, xOffset, cols);
    }

    /** {@code out[r] = row r · x} for r in [fromRow, toRow), on the calling thread. */
    public void matvec(float[] x, float[] out, int fromRow, int toRow) {
        checkRows(fromRow, toRow);
        checkLength("x", x, cols);
        checkLength("out", out, toRow);
        RowGroups grouped = this.grouped;
        if (grouped == null) {
            kernel.matvec(data, rowBytes, x, out, fromRow, toRow, cols);
            return;
        }
        int g = RowGroups.G;
        int first = Math.min(toRow, (fromRow + g - 1) / g * g);
        int last = Math.max(first, toRow / g * g);
        float[] decoded = first > fromRow || last < toRow ? new float[cols] : null;
        for (int r = fromRow; r < first; r++) {
            grouped.dequantizeRow(r, decoded, 0);
            out[r] = FloatOps.dot(decoded, 0, x, 0, cols);
        }
        if (first < last) {
            grouped.matvec(x, out, first, last);
        }
        for (int r = last; r < toRow; r++) {
            grouped.dequantizeRow(r, decoded, 0);
            out[r] = FloatOps.dot(decoded, 0, x, 0, cols);
        }
    }

    /**
     * Batched: {@code xs} holds {@code nTokens} vectors of {@code cols} floats back to back;
     * {@code out[t*rows + r] = row r · xs[t]} for rows [fromRow, toRow). Allocates its scratch; the forward pass uses
     * {@link #matmul(float[], int, float[], int, int, float[])} with a scratch array per worker.
     */
    public void matmul(float[] xs, int nTokens, float[] out, int fromRow, int toRow) {
        matmul(xs, nTokens, out, fromRow, toRow, new float[scratchFloats()]);
    }

    /**
     * Floats of scratch {@link #matmul(float[], int, float[], int, int, float[])} needs: one panel of decoded rows, in
     * either layout (the matrix may switch to its regrouped copy between calls).
     */
    public int scratchFloats() {
        int panel = MatmulTiles.panelRows(cols) * cols;
        return regroupable() ? Math.max(panel, 2 * RowGroups.G * cols) : panel;
    }

    /**
     * As {@link #matmul(float[], int, float[], int, int)}, decoding into {@code scratch} (at least {@link #scratchFloats()}).
     * Rows are decoded a panel at a time ({@link MatmulTiles#panelRows}) and multiplied in register tiles of {@link MatmulTiles#ROWS}
     * rows × {@link MatmulTiles#TOKENS} tokens, so each weight byte is decoded once per call and each loaded activation
     * feeds several rows.
     */
    public void matmul(float[] xs, int nTokens, float[] out, int fromRow, int toRow, float[] scratch) {
        checkRows(fromRow, toRow);
        if (nTokens <= 0) {
            throw new IllegalArgumentException("matmul needs at least one token, got " + nTokens);
        }
        checkLength("xs", xs, (long) nTokens * cols);
        checkLength("out", out, (long) (nTokens - 1) * rows + toRow);
        if (nTokens == 1) {
            matvec(xs, out, fromRow, toRow);
            return;
        }
        checkLength("scratch", scratch, scratchFloats());
        RowGroups grouped = this.grouped;
        if (grouped != null) {
            matmulGroups(grouped, xs, nTokens, out, fromRow, toRow, scratch);
            return;
        }
        int panel = MatmulTiles.panelRows(cols);
        for (int r = fromRow; r < toRow; r += panel) {
            int tileRows = Math.min(panel, toRow - r);
            for (int i = 0; i < tileRows; i++) {
                kernel.dequantize(data, (r + i) * rowBytes, scratch, i * cols, cols);
            }
            MatmulTiles.multiply(scratch, tileRows, xs, nTokens, cols, out, rows, r);
        }
    }

    /** Whole groups decoded column by column, two at a time, and multiplied in register tiles of two groups × 8 tokens; rows outside whole groups one by one. */
    private void matmulGroups(RowGroups grouped, float[] xs, int nTokens, float[] out, int fromRow, int toRow, float[] scratch) {
        int g = RowGroups.G;
        int first = Math.min(toRow, (fromRow + g - 1) / g * g);
        int last = Math.max(first, toRow / g * g);
        for (int r = first; r < last; r += 2 * g) {
            int groups = Math.min(2, (last - r) / g);
            for (int i = 0; i < groups; i++) {
                grouped.decodeColumns(r / g + i, scratch, i * g * cols);
            }
            MatmulTiles.multiplyColumns(scratch, groups, xs, nTokens, cols, out, rows, r);
        }
        rowByRow(grouped, xs, nTokens, out, fromRow, first, scratch);
        rowByRow(grouped, xs, nTokens, out, last, toRow, scratch);
    }

    private void rowByRow(RowGroups grouped, float[] xs, int nTokens, float[] out, int fromRow, int toRow, float[] scratch) {
        for (int r = fromRow; r < toRow; r++) {
            grouped.dequantizeRow(r, scratch, 0);
            for (int t = 0; t < nTokens; t++) {
                out[t * rows + r] = FloatOps.dot(scratch, 0, xs, t * cols, cols);
            }
        }
    }

    /** Decodes row {@code row} into {@code out[outOffset..outOffset+cols)}. */
    public void dequantizeRow(int row, float[] out, int outOffset) {
        Objects.checkIndex(row, rows);
        RowGroups grouped = this.grouped;
        if (grouped != null) {
            if (out.length - outOffset < cols || outOffset < 0) {
                throw new IndexOutOfBoundsException("out needs " + cols + " floats from " + outOffset + ", has " + out.length);
            }
            grouped.dequantizeRow(row, out, outOffset);
            return;
        }
        kernel.dequantize(data, row * rowBytes, out, outOffset, cols);
    }

    private void checkRows(int fromRow, int toRow) {
        if (fromRow < 0 || fromRow > toRow || toRow > rows) {
            throw new IndexOutOfBoundsException("row range [" + fromRow + ", " + toRow + ") is not within [0, " + rows + ")");
        }
    }

    private static void checkLength(String name, float[] array, long needed) {
        if (array.length < needed) {
            throw new IllegalArgumentException(name + " needs at least " + needed + " floats, has " + array.length);
        }
    }

    @Override
    public String toString() {
        return type + " " + rows + "×" + cols + (grouped == null ? "" : " (regrouped)");
    }
}
