package dev.hearth.engine.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class WeightMatrixTest {

    private static final int ROWS = 7;

    private static int cols(GgmlType type) {
        return 3 * Math.max(type.blockSize(), 32);
    }

    private static WeightMatrix matrix(GgmlType type, long seed) {
        return new WeightMatrix(type, RandomBlocks.segment(type, (long) ROWS * cols(type), 0, new Random(seed)), ROWS, cols(type));
    }

    /** Row r · x computed by the reference kernel on the row's own bytes. */
    private static float referenceRow(WeightMatrix m, int row, float[] x, int xOffset) {
        float[] decoded = new float[m.cols()];
        m.dequantizeRow(row, decoded, 0);
        return (float) dot(decoded, x, xOffset);
    }

    private static double dot(float[] a, float[] x, int xOffset) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * x[xOffset + i];
        }
        return sum;
    }

    private static double magnitude(WeightMatrix m, int row, float[] x, int xOffset) {
        float[] decoded = new float[m.cols()];
        m.dequantizeRow(row, decoded, 0);
        double sum = 0;
        for (int i = 0; i < decoded.length; i++) {
            sum += Math.abs(decoded[i] * x[xOffset + i]);
        }
        return sum;
    }

    @ParameterizedTest
    @EnumSource(GgmlType.class)
    void dequantizeRowReadsTheRowsOwnBytes(GgmlType type) {
        long seed = 11;
        WeightMatrix m = matrix(type, seed);
        MemorySegment data = RandomBlocks.segment(type, (long) ROWS * cols(type), 0, new Random(seed));
        long rowBytes = type.bytesFor(cols(type));
        for (int r = 0; r < ROWS; r++) {
            float[] expected = new float[cols(type)];
            Kernels.reference(type).dequantize(data, r * rowBytes, expected, 0, cols(type));
            float[] actual = new float[cols(type) + 3];
            m.dequantizeRow(r, actual, 3);
            assertArrayEquals(expected, Arrays.copyOfRange(actual, 3, actual.length), "row " + r);
        }
    }

    @ParameterizedTest
    @EnumSource(GgmlType.class)
    void matvecComputesEveryRowInRangeAndLeavesTheRestAlone(GgmlType type) {
        WeightMatrix m = matrix(type, 12);
        float[] x = RandomBlocks.gaussian(m.cols(), new Random(13));
        // An even and an odd number of rows: kernels that take rows in pairs must finish a lone last row.
        for (int[] range : new int[][] {{2, 6}, {1, 6}}) {
            float[] out = new float[ROWS];
            Arrays.fill(out, 42f);
            m.matvec(x, out, range[0], range[1]);
            for (int r = 0; r < ROWS; r++) {
                if (r < range[0] || r >= range[1]) {
                    assertEquals(42f, out[r], "row " + r + " is outside the range");
                } else {
                    assertEquals(referenceRow(m, r, x, 0), out[r], 1e-4 * magnitude(m, r, x, 0), "row " + r);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(GgmlType.class)
    void matmulMultipliesEveryTokenWithEveryRow(GgmlType type) {
        WeightMatrix m = matrix(type, 14);
        int tokens = 5;
        float[] xs = RandomBlocks.gaussian(tokens * m.cols(), new Random(15));
        float[] out = new float[tokens * ROWS];
        m.matmul(xs, tokens, out, 0, ROWS);
        for (int t = 0; t < tokens; t++) {
            for (int r = 0; r < ROWS; r++) {
                double tolerance = 1e-4 * magnitude(m, r, xs, t * m.cols());
                assertEquals(referenceRow(m, r, xs, t * m.cols()), out[t * ROWS + r], tolerance, "token " + t + " row " + r);
            }
        }
    }

    @Test
    void matmulOfOneTokenIsMatvec() {
        WeightMatrix m = matrix(GgmlType.Q4_0, 16);
        float[] x = RandomBlocks.gaussian(m.cols(), new Random(17));
        float[] viaMatmul = new float[ROWS];
        float[] viaMatvec = new float[ROWS];
        m.matmul(x, 1, viaMatmul, 1, ROWS);
        m.matvec(x, viaMatvec, 1, ROWS);
        assertArrayEquals(viaMatvec, viaMatmul);
    }

    @Test
    void aMatrixWithTheReferenceKernelAgreesWithTheDefault() {
        MemorySegment data = RandomBlocks.segment(GgmlType.Q6_K, 3L * 512, 0, new Random(18));
        WeightMatrix fast = new WeightMatrix(GgmlType.Q6_K, data, 3, 512);
        WeightMatrix spec = new WeightMatrix(GgmlType.Q6_K, data, 3, 512, Kernels.reference(GgmlType.Q6_K));
        float[] x = RandomBlocks.gaussian(512, new Random(19));
        for (int r = 0; r < 3; r++) {
            assertEquals(spec.dotRow(r, x, 0), fast.dotRow(r, x, 0), 1e-4 * magnitude(spec, r, x, 0));
        }
        assertEquals(GgmlType.Q6_K, fast.type());
        assertEquals(3, fast.rows());
        assertEquals(512, fast.cols());
    }

    @Test
    void rejectsDataTooSmallForTheShape() {
        MemorySegment data = MemorySegment.ofArray(new byte[18 * 4 * 3 - 1]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new WeightMatrix(GgmlType.Q4_0, data, 3, 128));
        assertTrue(e.getMessage().contains("216 bytes") && e.getMessage().contains("215"), e.getMessage());
    }

    @Test
    void rejectsColumnsThatAreNotWholeBlocks() {
        MemorySegment data = MemorySegment.ofArray(new byte[10_000]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new WeightMatrix(GgmlType.Q4_K, data, 2, 300));
        assertTrue(e.getMessage().contains("multiple of 256") && e.getMessage().contains("300"), e.getMessage());
    }

    @Test
    void rejectsNonPositiveShapes() {
        MemorySegment data = MemorySegment.ofArray(new byte[1000]);
        assertThrows(IllegalArgumentException.class, () -> new WeightMatrix(GgmlType.F32, data, 0, 4));
        assertThrows(IllegalArgumentException.class, () -> new WeightMatrix(GgmlType.F32, data, 4, -1));
    }

    @Test
    void rejectsRowRangesOutsideTheMatrixAndShortVectors() {
        WeightMatrix m = matrix(GgmlType.Q8_0, 20);
        float[] x = new float[m.cols()];
        assertThrows(IndexOutOfBoundsException.class, () -> m.matvec(x, new float[ROWS + 1], 0, ROWS + 1));
        assertThrows(IndexOutOfBoundsException.class, () -> m.matvec(x, new float[ROWS], 5, 4));
        assertThrows(IllegalArgumentException.class, () -> m.matvec(new float[m.cols() - 1], new float[ROWS], 0, ROWS));
        assertThrows(IllegalArgumentException.class, () -> m.matmul(new float[2 * m.cols()], 3, new float[3 * ROWS], 0, ROWS));
        assertThrows(IndexOutOfBoundsException.class, () -> m.dotRow(ROWS, x, 0));
    }
}
