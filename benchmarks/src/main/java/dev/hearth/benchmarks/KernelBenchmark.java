package dev.hearth.benchmarks;

import dev.hearth.engine.tensor.GgmlType;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * What every kernel benchmark shares: the run settings, the format and kernel parameters, and a seeded weight
 * matrix in off-heap memory that lives for one trial.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public abstract class KernelBenchmark {

    @Param({"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_K", "Q5_K", "Q6_K"})
    public GgmlType type;

    @Param({"reference", "vector"})
    public Kernel kernel;

    @Param({"4096"})
    public int rows;

    @Param({"4096"})
    public int cols;

    private Arena arena;

    /** The seeded random source of this trial's inputs, and its {@code rows × cols} weights of {@link #type}. */
    protected final Random random = new Random(42);

    protected MemorySegment weights() {
        arena = Arena.ofShared();
        return GaussianWeights.matrix(type, rows, cols, arena, random);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }
}
