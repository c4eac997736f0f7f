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
}
