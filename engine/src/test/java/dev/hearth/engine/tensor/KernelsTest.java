package dev.hearth.engine.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class KernelsTest {

    /**
     * The vector dot sums in a different order (per-lane partial sums, scales folded per block, fused multiply-adds)
     * than the reference's element-by-element double accumulation. Float summation of k terms errs by at most about
     * k·2^-24 of Σ|terms|; with at most a few hundred terms per lane here that is under 2e-5, so 1e-4 of Σ|w·x| bounds
     * rounding while any layout mistake (a wrong nibble, scale or sign) shows up as errors of order 1e-2 and above.
     */
    private static final double DOT_TOLERANCE = 1e-4;

    static Stream<Arguments> shapes() {
        List<Arguments> shapes = new ArrayList<>();
        for (GgmlType type : GgmlType.values()) {
            int[] elementCounts = type.blockSize() == 1
                    ? new int[] {1, 3, 7, 31, 257, 4096 + 5}
                    : new int[] {type.blockSize(), 3 * type.blockSize(), 7 * type.blockSize(), 4096};
            for (int n : elementCounts) {
                shapes.add(Arguments.of(type, n));
            }
        }
        return shapes.stream();
    }

    @ParameterizedTest(name = "{0} × {1}")
    @MethodSource("shapes")
    void vectorDotMatchesReferenceOnRandomBlocks(GgmlType type, int n) {
        Random random = new Random(31L * type.ordinal() + n);
        for (int lead : new int[] {0, 13}) {
            MemorySegment w = RandomBlocks.segment(type, n, lead, random);
            int xOffset = 5;
            float[] x = RandomBlocks.gaussian(n + xOffset + 3, random);
            float[] decoded = new float[n];
            Kernels.reference(type).dequantize(w, lead, decoded, 0, n);
            double magnitude = 0;
            for (int i = 0; i < n; i++) {
                magnitude += Math.abs(decoded[i] * x[xOffset + i]);
            }
            float expected = Kernels.reference(type).dot(w, lead, x, xOffset, n);
            float actual = Kernels.vector(type).dot(w, lead, x, xOffset, n);
            assertEquals(expected, actual, DOT_TOLERANCE * magnitude + 1e-30,
                    type + " dot of " + n + " at byte offset " + lead);
        }
    }

    @ParameterizedTest(name = "{0} × {1}")
    @MethodSource("shapes")
    void vectorDequantizeEqualsReferenceExactly(GgmlType type, int n) {
        Random random = new Random(17L * type.ordinal() + n);
        MemorySegment w = RandomBlocks.segment(type, n, 7, random);
        float[] expected = new float[n + 4];
        float[] actual = new float[n + 4];
        Kernels.reference(type).dequantize(w, 7, expected, 2, n);
        Kernels.vector(type).dequantize(w, 7, actual, 2, n);
        assertArrayEquals(expected, actual, type + " dequantize of " + n);
    }

    @ParameterizedTest
    @EnumSource(GgmlType.class)
    void referenceDotIsDequantizeThenMultiply(GgmlType type) {
        Random random = new Random(type.ordinal());
        int n = 2 * Math.max(type.blockSize(), 32);
        MemorySegment w = RandomBlocks.segment(type, n, 0, random);
        float[] x = RandomBlocks.gaussian(n, random);
        float[] decoded = new float[n];
        Kernels.reference(type).dequantize(w, 0, decoded, 0, n);
        double expected = 0;
        for (int i = 0; i < n; i++) {
            expected += decoded[i] * x[i];
        }
        assertEquals((float) expected, Kernels.reference(type).dot(w, 0, x, 0, n));
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"Q4_0", "Q8_0", "Q4_K", "Q5_K", "Q6_K"})
    void rejectsElementCountThatIsNotWholeBlocks(GgmlType type) {
        MemorySegment w = RandomBlocks.segment(type, 2L * type.blockSize(), 0, new Random(1));
        float[] x = new float[2 * type.blockSize()];
        for (RowKernel kernel : List.of(Kernels.reference(type), Kernels.vector(type))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> kernel.dot(w, 0, x, 0, type.blockSize() + 1));
            assertTrue(e.getMessage().contains("multiple of " + type.blockSize()), e.getMessage());
        }
    }

    @ParameterizedTest
    @EnumSource(GgmlType.class)
    void readingPastTheSegmentFailsWithAnExceptionNotACrash(GgmlType type) {
        int n = 2 * type.blockSize();
        MemorySegment w = RandomBlocks.segment(type, n, 0, new Random(2));
        float[] x = new float[2 * n];
        for (RowKernel kernel : List.of(Kernels.reference(type), Kernels.vector(type))) {
            assertThrows(IndexOutOfBoundsException.class, () -> kernel.dot(w, type.blockBytes(), x, 0, n));
            assertThrows(IndexOutOfBoundsException.class, () -> kernel.dot(w, 0, x, n + 1, n));
        }
    }
}
