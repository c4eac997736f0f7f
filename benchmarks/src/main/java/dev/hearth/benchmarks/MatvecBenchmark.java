package dev.hearth.benchmarks;

import dev.hearth.engine.tensor.GgmlType;
import dev.hearth.engine.tensor.RowKernel;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Decode-shaped: one token's activations times every row of a weight matrix, {@link RowKernel#matvec} on one thread.
 * The score is matvecs per second; the {@code gigabytes} counter is weight bytes read per second (GB/s), the figure to
 * hold against memory bandwidth. At 4096 × 4096 every quantized format fits in a 32 MB L3, so this measures the
 * kernel's compute speed; {@code -p rows=14336} streams from DRAM like a model's FFN matrices.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class MatvecBenchmark {

    private static final int PRIMING_CALLS = 2_000;
    private static final int PRIMING_ROWS = 16;

    @Param({"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_K", "Q5_K", "Q6_K"})
    public GgmlType type;

    @Param({"reference", "vector"})
    public Kernel kernel;

    @Param({"4096"})
    public int rows;

    @Param({"4096"})
    public int cols;

    private Arena arena;
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
        Random random = new Random(42);
        arena = Arena.ofShared();
        weights = GaussianWeights.matrix(type, rows, cols, arena, random);
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

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public float[] matvec(Bandwidth bandwidth) {
        rowKernel.matvec(weights, rowBytes, x, out, 0, rows, cols);
        bandwidth.gigabytes += rowBytes * rows / 1e9;
        return out;
    }
}
