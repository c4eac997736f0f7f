package dev.hearth.engine.tensor;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/** A weight matrix in GGUF layout: rows × cols, each row cols elements contiguous (GGUF dims ne=[cols, rows]). */
public final class WeightMatrix {

    private final GgmlType type;
    private final MemorySegment data;
    private final int rows;
    private final int cols;
    private final long rowBytes;
    private final RowKernel kernel;

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
        return kernel.dot(data, row * rowBytes, x, xOffset, cols);
    }

    /** {@code out[r] = row r · x} for r in [fromRow, toRow), on the calling thread. */
    public void matvec(float[] x, float[] out, int fromRow, int toRow) {
        checkRows(fromRow, toRow);
        checkLength("x", x, cols);
        checkLength("out", out, toRow);
        kernel.matvec(data, rowBytes, x, out, fromRow, toRow, cols);
    }

    /**
     * Batched: {@code xs} holds {@code nTokens} vectors of {@code cols} floats back to back;
     * {@code out[t*rows + r] = row r · xs[t]} for rows [fromRow, toRow). Allocates its scratch; the forward pass uses
     * {@link #matmul(float[], int, float[], int, int, float[])} with a scratch array per worker.
     */
    public void matmul(float[] xs, int nTokens, float[] out, int fromRow, int toRow) {
        matmul(xs, nTokens, out, fromRow, toRow, new float[scratchFloats()]);
    }

    /** Floats of scratch {@link #matmul(float[], int, float[], int, int, float[])} needs: one panel of decoded rows. */
    public int scratchFloats() {
        return MatmulTiles.panelRows(cols) * cols;
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
        int panel = MatmulTiles.panelRows(cols);
        for (int r = fromRow; r < toRow; r += panel) {
            int tileRows = Math.min(panel, toRow - r);
            for (int i = 0; i < tileRows; i++) {
                kernel.dequantize(data, (r + i) * rowBytes, scratch, i * cols, cols);
            }
            MatmulTiles.multiply(scratch, tileRows, xs, nTokens, cols, out, rows, r);
        }
    }

    /** Decodes row {@code row} into {@code out[outOffset..outOffset+cols)}. */
    public void dequantizeRow(int row, float[] out, int outOffset) {
        Objects.checkIndex(row, rows);
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
        return type + " " + rows + "×" + cols;
    }
}
