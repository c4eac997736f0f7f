package dev.hearth.benchmarks;

import dev.hearth.engine.tensor.GgmlType;
import dev.hearth.engine.tensor.Quantizer;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;

/**
 * Benchmark inputs: seeded Gaussian activations, and weight matrices quantized from them into off-heap memory in GGUF
 * layout, the way a model's weights sit in the memory-mapped file.
 */
final class GaussianWeights {

    /**
     * Rows quantized from fresh random values; the rest of a matrix repeats them. Quantizing every row of a
     * 14336-row K-quant matrix would add seconds to each trial's setup, and repeated rows at distinct addresses stream
     * through the caches exactly as distinct ones do.
     */
    private static final int DISTINCT_ROWS = 256;

    private GaussianWeights() {
    }

    static float[] gaussian(int n, Random random) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }

    /** A {@code rows × cols} matrix of {@code type}, 64-byte aligned, allocated in {@code arena}. */
    static MemorySegment matrix(GgmlType type, int rows, int cols, Arena arena, Random random) {
        long rowBytes = type.bytesFor(cols);
        MemorySegment data = arena.allocate(rowBytes * rows, 64);
        int distinct = Math.min(rows, DISTINCT_ROWS);
        for (int r = 0; r < distinct; r++) {
            Quantizer.quantize(type, gaussian(cols, random), 0, cols, data, r * rowBytes);
        }
        for (int r = distinct; r < rows; r++) {
            MemorySegment.copy(data, (r % distinct) * rowBytes, data, r * rowBytes, rowBytes);
        }
        return data;
    }
}
