package dev.hearth.engine.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Q4_0 and Q4_K matrices regrouped for decoding ({@link RowGroups}) against the reference kernel on the original bytes. */
class RegroupedMatrixTest {

    private static final int G = RowGroups.G;
    /** An odd number of groups, so the two-groups-per-pass kernels must finish a lone last group. */
    private static final int ROWS = 5 * G;
    private static final ValueLayout.OfShort LE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Arena arena = Arena.ofShared();

    @AfterEach
    void close() {
        arena.close();
    }

    /** Three blocks of Q4_0, two of Q4_K. */
    private static int cols(GgmlType type) {
        return type == GgmlType.Q4_K ? 512 : 96;
    }

    private static MemorySegment blocks(GgmlType type, long seed) {
        return RandomBlocks.segment(type, (long) ROWS * cols(type), 0, new Random(seed));
    }

    private WeightMatrix regrouped(GgmlType type, MemorySegment data) {
        WeightMatrix plain = new WeightMatrix(type, data, ROWS, cols(type));
        MemorySegment into = arena.allocate(plain.regroupedBytes(), 64);
        plain.regroup(into);
        return plain;
    }

    private static float[] referenceRow(GgmlType type, MemorySegment data, int row) {
        int cols = cols(type);
        float[] out = new float[cols];
        Kernels.reference(type).dequantize(data, row * type.bytesFor(cols), out, 0, cols);
        return out;
    }

    private static double dot(float[] w, float[] x, int xOffset) {
        double sum = 0;
        for (int i = 0; i < w.length; i++) {
            sum += w[i] * x[xOffset + i];
        }
        return sum;
    }

    private static double magnitude(float[] w, float[] x, int xOffset) {
        double sum = 0;
        for (int i = 0; i < w.length; i++) {
            sum += Math.abs(w[i] * x[xOffset + i]);
        }
        return sum;
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"Q4_0", "Q4_K"})
    void everyRowDecodesExactlyAsTheOriginalIncludingZeroSubnormalInfiniteAndNanScales(GgmlType type) {
        MemorySegment data = blocks(type, 1);
        short[] special = {0, (short) 0x8000, 0x0001, 0x03FF, (short) 0x83FF, 0x0400, 0x7BFF, 0x7C00, (short) 0xFC00, 0x7E00, 0x7C01};
        long blocks = (long) ROWS * cols(type) / type.blockSize();
        for (int i = 0; i < special.length; i++) {
            long block = (7L * i + 3) % blocks;
            data.set(LE_SHORT, block * type.blockBytes(), special[i]);
            if (type == GgmlType.Q4_K) {
                data.set(LE_SHORT, ((5L * i + 1) % blocks) * type.blockBytes() + 2, special[i]);
            }
        }
        WeightMatrix m = regrouped(type, data);
        int cols = cols(type);
        for (int r = 0; r < ROWS; r++) {
            float[] actual = new float[cols + 2];
            m.dequantizeRow(r, actual, 2);
            assertArrayEquals(referenceRow(type, data, r), Arrays.copyOfRange(actual, 2, actual.length), "row " + r);
        }
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"Q4_0", "Q4_K"})
    void matvecAgreesWithTheReferenceOnWholeGroupsAndRaggedRangesAndLeavesOtherRowsAlone(GgmlType type) {
        MemorySegment data = blocks(type, 2);
        WeightMatrix m = regrouped(type, data);
        float[] x = RandomBlocks.gaussian(cols(type), new Random(3));
        for (int[] range : new int[][] {{0, ROWS}, {G, 3 * G}, {2 * G, 5 * G}, {3, ROWS - 2}, {G + 1, G + 5}}) {
            float[] out = new float[ROWS];
            Arrays.fill(out, 42f);
            m.matvec(x, out, range[0], range[1]);
            for (int r = 0; r < ROWS; r++) {
                if (r < range[0] || r >= range[1]) {
                    assertEquals(42f, out[r], "row " + r + " is outside " + Arrays.toString(range));
                } else {
                    float[] w = referenceRow(type, data, r);
                    assertEquals(dot(w, x, 0), out[r], 1e-4 * magnitude(w, x, 0), "row " + r + " of " + Arrays.toString(range));
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"Q4_0", "Q4_K"})
    void matmulAgreesWithTheReferenceForFullTilesTheTokenRemainderAndRaggedRows(GgmlType type) {
        MemorySegment data = blocks(type, 4);
        WeightMatrix m = regrouped(type, data);
        int tokens = 11;
        int cols = cols(type);
        float[] xs = RandomBlocks.gaussian(tokens * cols, new Random(5));
        for (int[] range : new int[][] {{0, ROWS}, {3, ROWS - 1}}) {
            float[] out = new float[tokens * ROWS];
            Arrays.fill(out, 42f);
            m.matmul(xs, tokens, out, range[0], range[1], new float[m.scratchFloats()]);
            for (int t = 0; t < tokens; t++) {
                for (int r = 0; r < ROWS; r++) {
                    float actual = out[t * ROWS + r];
                    if (r < range[0] || r >= range[1]) {
                        assertEquals(42f, actual, "token " + t + " row " + r + " is outside the range");
                    } else {
                        float[] w = referenceRow(type, data, r);
                        assertEquals(dot(w, xs, t * cols), actual, 1e-4 * magnitude(w, xs, t * cols), "token " + t + " row " + r);
                    }
                }
            }
        }
    }

    @Test
    void onlyVectorKernelQ4_0AndQ4_KMatricesOfWholeGroupsAreRegroupedAndOnlyOnce() {
        int COLS = cols(GgmlType.Q4_0);
        MemorySegment data = blocks(GgmlType.Q4_0, 6);
        assertEquals(GgmlType.Q4_0.bytesFor((long) ROWS * COLS), new WeightMatrix(GgmlType.Q4_0, data, ROWS, COLS).regroupedBytes());
        assertEquals(0, new WeightMatrix(GgmlType.Q4_0, data, ROWS - 1, COLS).regroupedBytes());
        assertEquals(0, new WeightMatrix(GgmlType.Q4_0, data, ROWS, COLS, Kernels.reference(GgmlType.Q4_0)).regroupedBytes());
        MemorySegment k = blocks(GgmlType.Q4_K, 7);
        assertEquals(148L * ROWS * 2, new WeightMatrix(GgmlType.Q4_K, k, ROWS, 512).regroupedBytes(), "4 bytes per block more: unpacked sub-block scales");
        MemorySegment q6 = RandomBlocks.segment(GgmlType.Q6_K, (long) ROWS * 256, 0, new Random(8));
        assertEquals(0, new WeightMatrix(GgmlType.Q6_K, q6, ROWS, 256).regroupedBytes());
        WeightMatrix once = regrouped(GgmlType.Q4_0, data);
        assertEquals(0, once.regroupedBytes());
        assertEquals(G, once.rowAlignment());
        assertThrows(IllegalStateException.class, () -> once.regroup(arena.allocate(1)));
        assertThrows(IllegalArgumentException.class,
                () -> new WeightMatrix(GgmlType.Q4_0, data, ROWS, COLS).regroup(arena.allocate(100)));
        assertTrue(once.toString().contains("regrouped"), once.toString());
        assertEquals(1, new WeightMatrix(GgmlType.Q4_0, data, ROWS, COLS).rowAlignment(), "not regrouped yet");
    }
}
