package dev.hearth.benchmarks;

import dev.hearth.engine.tensor.WeightMatrix;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;


/**
 * Prefill-shaped: a batch of tokens times every row of a weight matrix, {@link WeightMatrix#matmul} with one worker's
 * scratch on one thread, as each prefill worker runs it. The score is matmuls per second; the {@code gigaflops} counter
 * is 2 · rows · cols · tokens per matmul, per second (GFLOP/s). With the {@code reference} kernel the rows are decoded
 * by the scalar spec and multiplied by the same tiles.
 */
public class MatmulBenchmark extends KernelBenchmark {

    private static final int PRIMING_CALLS = 200;
    private static final int PRIMING_ROWS = 8;

    @Param({"64"})
    public int tokens;

    private WeightMatrix matrix;
    private float[] xs;
    private float[] out;
    private float[] scratch;

    /** Floating-point operations done, reported per second of measurement. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Arithmetic {
        public double gigaflops;

        @Setup(Level.Iteration)
        public void reset() {
            gigaflops = 0;
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        matrix = new WeightMatrix(type, weights(), rows, cols, kernel.of(type));
        xs = GaussianWeights.gaussian(tokens * cols, random);
        out = new float[tokens * rows];
        scratch = new float[matrix.scratchFloats()];
        // As in MatvecBenchmark: get the decode and tile loops compiled on a few rows before timing whole matrices.
        for (int i = 0; i < PRIMING_CALLS; i++) {
            matrix.matmul(xs, tokens, out, 0, Math.min(rows, PRIMING_ROWS), scratch);
        }
    }

    @Benchmark
    public float[] matmul(Arithmetic arithmetic) {
        matrix.matmul(xs, tokens, out, 0, rows, scratch);
        arithmetic.gigaflops += 2.0 * rows * cols * tokens / 1e9;
        return out;
    }
}
