package dev.hearth.engine.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The F16 kernels of the KV cache against their scalar twins in {@link HalfOps.Reference} and against IEEE rounding. */
class HalfOpsTest {

    private static float[] data(int n, long seed) {
        return RandomBlocks.gaussian(n, new Random(seed));
    }

    private static short[] halves(int n, long seed) {
        short[] h = new short[n];
        HalfOps.store(data(n, seed), 0, h, 0, n);
        return h;
    }

    @Test
    void storeRoundsToNearestEvenAndOverflowsToInfinity() {
        float[] in = {
            1f + 0x1p-11f,       // halfway between 1 and the next half: stays at the even 1
            1f + 3 * 0x1p-11f,   // halfway between 1 + 2^-10 and 1 + 2^-9: goes up to the even one
            1f + 0x1p-11f + 0x1p-20f, // just past halfway: rounds up
            65504f,              // largest finite half
            65519f,              // below the midpoint to 65536: stays finite
            65520f,              // the midpoint: rounds to 65536, which a half cannot hold
            -1e6f,
            0x1p-24f,            // smallest subnormal half
            0x1p-25f,            // halfway to zero: the even neighbour is zero
            -0f,
            Float.NaN,
        };
        short[] out = new short[in.length + 2];
        HalfOps.store(in, 0, out, 1, in.length);
        short[] expected = {0, 0x3C00, 0x3C02, 0x3C01, 0x7BFF, 0x7BFF, 0x7C00, (short) 0xFC00, 0x0001, 0x0000, (short) 0x8000};
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], out[i], "element " + i + " (" + (i > 0 ? in[i - 1] : "untouched") + ")");
        }
        assertTrue(Float.isNaN(Float.float16ToFloat(out[in.length])), "NaN stays NaN");
        assertEquals(0, out[in.length + 1], "element past the range untouched");
    }

    @Test
    void storeKeepsActivationsWithinHalfAnUlp() {
        float[] x = data(4099, 1);
        short[] h = new short[x.length];
        HalfOps.store(x, 0, h, 0, x.length);
        for (int i = 0; i < x.length; i++) {
            float back = Float.float16ToFloat(h[i]);
            double allowed = Math.abs(x[i]) >= 0x1p-14 ? Math.ulp(back) / 2 * 0x1p13 : 0x1p-25;
            assertEquals(x[i], back, allowed, "element " + i);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 7, 33, 128, 4099})
    void dotMatchesScalar(int n) {
        float[] a = data(n + 3, 2);
        short[] h = halves(n + 5, 3);
        double magnitude = 0;
        for (int i = 0; i < n; i++) {
            magnitude += Math.abs(a[3 + i] * Float.float16ToFloat(h[5 + i]));
        }
        assertEquals(HalfOps.Reference.dot(a, 3, h, 5, n), HalfOps.dot(a, 3, h, 5, n), 1e-5 * magnitude + 1e-30);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 33, 128, 4099})
    void axpyEqualsScalarExactly(int n) {
        short[] x = halves(n + 2, 4);
        float[] y1 = data(n + 1, 5);
        float[] y2 = y1.clone();
        HalfOps.axpy(-0.37f, x, 2, y1, 1, n);
        HalfOps.Reference.axpy(-0.37f, x, 2, y2, 1, n);
        assertArrayEquals(y2, y1);
    }

    @Test
    void everyHalfValueDecodesExactly() {
        short[] all = new short[1 << 16];
        for (int i = 0; i < all.length; i++) {
            all[i] = (short) i;
        }
        float[] decoded = new float[all.length];
        HalfOps.axpy(1f, all, 0, decoded, 0, all.length);
        for (int i = 0; i < all.length; i++) {
            float expected = Float.float16ToFloat(all[i]);
            if (Float.isNaN(expected)) {
                assertTrue(Float.isNaN(decoded[i]), "half " + Integer.toHexString(i) + " is a NaN");
            } else {
                assertEquals(expected + 0f, decoded[i], "half " + Integer.toHexString(i));
            }
        }
    }
}
