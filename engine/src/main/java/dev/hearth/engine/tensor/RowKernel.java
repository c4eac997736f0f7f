package dev.hearth.engine.tensor;

import java.lang.foreign.MemorySegment;

/**
 * One quant format's row operations over GGUF-layout bytes. Implementations: a scalar reference (the spec) and a
 * Vector API twin, both obtained from {@link Kernels}.
 *
 * <p>{@code n} must be a multiple of the format's block size; {@code offset} is the byte offset of the first block.
 * Reads outside {@code w} or {@code x} throw {@link IndexOutOfBoundsException}; they never crash the JVM.
 */
public interface RowKernel {

    /** The dot product of the {@code n} weights starting at byte {@code offset} with {@code x[xOffset..xOffset+n)}. */
    float dot(MemorySegment w, long offset, float[] x, int xOffset, int n);

    /** Decodes the {@code n} weights starting at byte {@code offset} into {@code out[outOffset..outOffset+n)}. */
    void dequantize(MemorySegment w, long offset, float[] out, int outOffset, int n);

    /**
     * {@code out[r] = row r · x[0..n)} for r in [fromRow, toRow), row r starting at byte {@code r × rowBytes}. Kernels
     * override this to share activation loads and per-block corrections between rows; the result may round
     * differently from {@link #dot} by the same bound.
     */
    default void matvec(MemorySegment w, long rowBytes, float[] x, float[] out, int fromRow, int toRow, int n) {
        for (int r = fromRow; r < toRow; r++) {
            out[r] = dot(w, r * rowBytes, x, 0, n);
        }
    }
}
