package dev.hearth.engine.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Each vector operation against its scalar twin in {@link FloatOps.Reference}, over lengths that leave vector tails. */
class FloatOpsTest {

    private static float[] data(int n, long seed) {
        return RandomBlocks.gaussian(n, new Random(seed));
    }

    /** Relative tolerance for results whose summation order differs (see KernelsTest), or a few ulps of exp. */
    private static void assertClose(float[] expected, float[] actual, double relative) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], relative * Math.max(1e-6, Math.abs(expected[i])), "element " + i);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 7, 33, 4099})
    void dotMatchesScalar(int n) {
        float[] a = data(n + 3, 1);
        float[] b = data(n + 5, 2);
        double magnitude = 0;
        for (int i = 0; i < n; i++) {
            magnitude += Math.abs(a[3 + i] * b[5 + i]);
        }
        assertEquals(FloatOps.Reference.dot(a, 3, b, 5, n), FloatOps.dot(a, 3, b, 5, n), 1e-5 * magnitude + 1e-30);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 33, 4099})
    void elementwiseOperationsEqualScalarExactly(int n) {
        float[] x = data(n + 2, 3);
        float[] y1 = data(n + 1, 4);
        float[] y2 = y1.clone();
        FloatOps.axpy(0.37f, x, 2, y1, 1, n);
        FloatOps.Reference.axpy(0.37f, x, 2, y2, 1, n);
        assertArrayEquals(y2, y1, "axpy");

        float[] s1 = x.clone();
        float[] s2 = x.clone();
        FloatOps.scale(s1, 1, n, -1.5f);
        FloatOps.Reference.scale(s2, 1, n, -1.5f);
        assertArrayEquals(s2, s1, "scale");

        float[] a1 = y1.clone();
        float[] a2 = y1.clone();
        FloatOps.add(a1, 0, x, 1, n);
        FloatOps.Reference.add(a2, 0, x, 1, n);
        assertArrayEquals(a2, a1, "add");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 33, 4096})
    void rmsnormMatchesScalar(int n) {
        float[] x = data(n + 4, 5);
        float[] weight = data(n, 6);
        float[] out1 = new float[n + 1];
        float[] out2 = new float[n + 1];
        FloatOps.rmsnorm(out1, 1, x, 4, weight, n, 1e-5f);
        FloatOps.Reference.rmsnorm(out2, 1, x, 4, weight, n, 1e-5f);
        assertClose(out2, out1, 1e-5);
    }

    @Test
    void rmsnormOfAConstantVectorIsTheWeight() {
        float[] x = new float[40];
        Arrays.fill(x, -3f);
        float[] weight = data(40, 7);
        float[] out = new float[40];
        FloatOps.rmsnorm(out, 0, x, 0, weight, 40, 0f);
        for (int i = 0; i < 40; i++) {
            assertEquals(-weight[i], out[i], 1e-6f * Math.abs(weight[i]));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 33, 4099})
    void softmaxMatchesScalarAndSumsToOne(int n) {
        float[] x1 = data(n + 2, 8);
        for (int i = 0; i < x1.length; i++) {
            x1[i] *= 20;
        }
        float[] x2 = x1.clone();
        FloatOps.softmax(x1, 2, n);
        FloatOps.Reference.softmax(x2, 2, n);
        assertClose(x2, x1, 1e-5);
        double sum = 0;
        for (int i = 2; i < n + 2; i++) {
            sum += x1[i];
        }
        assertEquals(1.0, sum, 1e-5);
    }

    @Test
    void softmaxStaysFiniteForLargeScores() {
        float[] x = {1000f, 999f, -1000f, 1000f, 0f, 0f, 0f, 0f, 0f};
        FloatOps.softmax(x, 0, x.length);
        float e = (float) Math.exp(-1);
        assertEquals(1 / (2 + e), x[0], 1e-6);
        assertEquals(e / (2 + e), x[1], 1e-6);
        assertEquals(0f, x[2]);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 33, 14336 + 3})
    void siluMulMatchesScalar(int n) {
        float[] gate1 = data(n + 1, 9);
        for (int i = 0; i < gate1.length; i++) {
            gate1[i] *= 6;
        }
        float[] gate2 = gate1.clone();
        float[] up = data(n + 2, 10);
        FloatOps.siluMul(gate1, 1, up, 2, n);
        FloatOps.Reference.siluMul(gate2, 1, up, 2, n);
        assertClose(gate2, gate1, 1e-5);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 33, 128256})
    void argmaxMatchesScalar(int n) {
        float[] x = data(n + 3, 11);
        assertEquals(FloatOps.Reference.argmax(x, 3, n), FloatOps.argmax(x, 3, n));
    }

    @Test
    void argmaxPicksTheFirstOfEqualMaxima() {
        float[] x = new float[50];
        x[17] = 2f;
        x[40] = 2f;
        x[3] = 1f;
        assertEquals(17, FloatOps.argmax(x, 0, 50));
        assertEquals(14, FloatOps.argmax(x, 3, 47));
    }

    @Test
    void argmaxIgnoresNaNsAfterTheFirstElement() {
        float[] x = {1f, Float.NaN, 3f, 2f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, Float.NaN};
        assertEquals(FloatOps.Reference.argmax(x, 0, x.length), FloatOps.argmax(x, 0, x.length));
        assertEquals(2, FloatOps.argmax(x, 0, x.length));
    }

    @Test
    void argmaxRejectsAnEmptyRange() {
        assertThrows(IllegalArgumentException.class, () -> FloatOps.argmax(new float[4], 0, 0));
    }
}
