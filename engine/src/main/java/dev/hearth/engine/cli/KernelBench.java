package dev.hearth.engine.cli;

import dev.hearth.engine.model.WorkerPool;
import dev.hearth.engine.tensor.GgmlType;
import dev.hearth.engine.tensor.Quantizer;
import dev.hearth.engine.tensor.WeightMatrix;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * {@code bench-kernels}: the speed of one weight matrix × activations, without a model file. The matrix is
 * {@code --rows × --cols} of each type, filled with 64 distinct quantized random rows repeated (a matrix larger than
 * the last-level cache streams from DRAM like a model's weights). With {@code --tokens 1} it times the decode matvec
 * and reports GB/s of weights; with more tokens the batched prefill matmul in GFLOP/s. The figure is the best of
 * repeated calls over {@code --seconds}, which on a shared machine is the one least disturbed by other processes.
 */
final class KernelBench {

    private static final int DISTINCT_ROWS = 64;

    private KernelBench() {}

    static int run(List<String> argList, PrintStream out) throws IOException {
        Args args = new Args(argList, Set.of("types", "rows", "cols", "tokens", "threads", "seconds"), Set.of());
        int rows = args.intValue("rows", 4096);
        int cols = args.intValue("cols", 4096);
        int tokens = args.intValue("tokens", 1);
        int threads = args.intValue("threads", 1);
        int seconds = args.intValue("seconds", 3);
        if (rows < 1 || cols < 256 || cols % 256 != 0 || tokens < 1 || threads < 1 || seconds < 1) {
            throw new UsageException("need --rows ≥ 1, --cols a positive multiple of 256, --tokens ≥ 1, --threads ≥ 1, --seconds ≥ 1");
        }
        List<GgmlType> types = new ArrayList<>();
        for (String name : args.get("types", "Q4_0,Q8_0,Q4_K,Q5_K,Q6_K").split(",")) {
            try {
                types.add(GgmlType.valueOf(name.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new UsageException("unknown type '" + name + "'");
            }
        }
        Random random = new Random(1);
        float[] xs = gaussian(tokens * cols, random);
        float[] result = new float[tokens * rows];
        try (WorkerPool pool = new WorkerPool(threads); Arena arena = Arena.ofShared()) {
            for (GgmlType type : types) {
                long rowBytes = type.bytesFor(cols);
                MemorySegment data = arena.allocate(rowBytes * rows, 64);
                for (int r = 0; r < Math.min(rows, DISTINCT_ROWS); r++) {
                    MemorySegment.copy(MemorySegment.ofArray(Quantizer.quantize(type, gaussian(cols, random), 0, cols)), 0,
                            data, r * rowBytes, rowBytes);
                }
                for (int r = DISTINCT_ROWS; r < rows; r++) {
                    MemorySegment.copy(data, (r % DISTINCT_ROWS) * rowBytes, data, r * rowBytes, rowBytes);
                }
                WeightMatrix m = new WeightMatrix(type, data, rows, cols);
                float[][] scratch = new float[threads][m.scratchFloats()];
                // Warm up on a few rows first: the first whole-matrix call would otherwise run interpreted, where
                // every vector operation allocates, until the JIT replaces it.
                int warmRows = Math.min(rows, 2 * DISTINCT_ROWS);
                for (int i = 0; i < 2_000; i++) {
                    if (tokens == 1) {
                        m.matvec(xs, result, 0, warmRows);
                    } else if (i % 20 == 0) {
                        m.matmul(xs, tokens, result, 0, Math.min(rows, 8), scratch[0]);
                    }
                }
                double best = Double.MAX_VALUE;
                long end = System.nanoTime() + seconds * 1_000_000_000L;
                int calls = 0;
                while (System.nanoTime() < end || calls < 3) {
                    long start = System.nanoTime();
                    if (tokens == 1) {
                        pool.forRange(rows, 4, (from, to, w) -> m.matvec(xs, result, from, to));
                    } else {
                        pool.forRange(rows, 4, (from, to, w) -> m.matmul(xs, tokens, result, from, to, scratch[w]));
                    }
                    best = Math.min(best, (System.nanoTime() - start) / 1e9);
                    calls++;
                }
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("type", type.name());
                line.put("rows", rows);
                line.put("cols", cols);
                line.put("tokens", tokens);
                line.put("threads", threads);
                line.put("best_ms", Math.round(best * 1e6) / 1e3);
                if (tokens == 1) {
                    line.put("gb_s", Math.round(rowBytes * rows / best / 1e7) / 100.0);
                } else {
                    line.put("gflop_s", Math.round(2.0 * rows * cols * tokens / best / 1e8) / 10.0);
                }
                line.put("calls", calls);
                out.println(ModelCommands.JSON.writeValueAsString(line));
            }
        }
        return 0;
    }

    private static float[] gaussian(int n, Random random) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }
}
