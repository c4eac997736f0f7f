package dev.hearth.engine.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The KV cache's F16 conversions against IEEE half-precision: round to nearest even, exact decoding, ranges respected. */
class HalfOpsTest {

    private static float[] data(int n, long seed) {
        return RandomBlocks.gaussian(n, new Random(seed));
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

    @Test
    void everyHalfValueDecodesExactly() {
        short[] all = new short[1 << 16];
        for (int i = 0; i < all.length; i++) {
            all[i] = (short) i;
        }
        float[] decoded = new float[all.length + 2];
        HalfOps.load(all, 0, decoded, 1, all.length);
        assertEquals(0x1p-24f, decoded[1 + 0x0001], "smallest subnormal");
        assertEquals(-65504f, decoded[1 + 0xFBFF], "most negative finite");
        assertEquals(Float.POSITIVE_INFINITY, decoded[1 + 0x7C00]);
        assertEquals(0f, decoded[0], "element before the range untouched");
        assertEquals(0f, decoded[all.length + 1], "element past the range untouched");
        for (int i = 0; i < all.length; i++) {
            int exponent = (i >> 10) & 0x1F;
            int mantissa = i & 0x3FF;
            double magnitude = exponent == 0 ? mantissa * 0x1p-24 : (1 + mantissa / 1024.0) * Math.pow(2, exponent - 15);
            double expected = (i & 0x8000) != 0 ? -magnitude : magnitude;
            if (exponent == 0x1F) {
                assertTrue(mantissa == 0 ? Float.isInfinite(decoded[1 + i]) : Float.isNaN(decoded[1 + i]), "half " + Integer.toHexString(i));
            } else {
                assertEquals(expected, decoded[1 + i], 0, "half " + Integer.toHexString(i));
            }
        }
    }
}
