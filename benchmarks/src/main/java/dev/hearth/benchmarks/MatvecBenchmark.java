package dev.hearth.benchmarks;

import dev.hearth.engine.tensor.RowKernel;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.lang.foreign.MemorySegment;

/**
 * Decode-shaped: one token's activations times every row of a weight matrix, {@link RowKernel#matvec} on one thread.
 * The score is matvecs per second; the {@code gigabytes} counter is weight bytes read per second (GB/s), the figure to
 * hold against memory bandwidth. At 4096 × 4096 every quantized format fits in a 32 MB L3, so this measures the
 * kernel's compute speed; {@code -p rows=14336} streams from DRAM like a model's FFN matrices.
 */
public class MatvecBenchmark extends KernelBenchmark {

    private static final int PRIMING_CALLS = 2_000;
    private static final int PRIMING_ROWS = 16;

    private MemorySegment weights;
    private RowKernel rowKernel;
    private long rowBytes;
    private float[] x;
    private float[] out;

    /** Weight bytes streamed, reported per second of measurement. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Bandwidth {
        public double gigabytes;

        @Setup(Level.Iteration)
        public void reset() {
            gigabytes = 0;
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        weights = weights();
        rowKernel = kernel.of(type);
        rowBytes = type.bytesFor(cols);
        x = GaussianWeights.gaussian(cols, random);
        out = new float[rows];
        // A first call over the whole matrix would run interpreted, every vector operation allocating, for seconds of
        // the first warm-up iteration; calls over a few rows get the kernel compiled first.
        for (int i = 0; i < PRIMING_CALLS; i++) {
            rowKernel.matvec(weights, rowBytes, x, out, 0, Math.min(rows, PRIMING_ROWS), cols);
        }
    }

    @Benchmark
    public float[] matvec(Bandwidth bandwidth) {
        rowKernel.matvec(weights, rowBytes, x, out, 0, rows, cols);
        bandwidth.gigabytes += rowBytes * rows / 1e9;
        return out;
    }
}
