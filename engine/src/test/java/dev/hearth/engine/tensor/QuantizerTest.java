package dev.hearth.engine.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class QuantizerTest {

    private static float[] roundTrip(GgmlType type, float[] src) {
        byte[] bytes = Quantizer.quantize(type, src, 0, src.length);
        assertEquals(type.bytesFor(src.length), bytes.length);
        float[] out = new float[src.length];
        Kernels.reference(type).dequantize(MemorySegment.ofArray(bytes), 0, out, 0, src.length);
        return out;
    }

    private static float storedScale(byte[] bytes, int at) {
        return Float.float16ToFloat((short) ((bytes[at] & 0xFF) | bytes[at + 1] << 8));
    }

    /** Gaussian weights with a different spread and offset per 32 elements, like real rows. */
    private static float[] weights(int n, long seed) {
        Random random = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            int group = i / 32;
            x[i] = (float) (random.nextGaussian() * (0.01 + 0.005 * (group % 5)) + 0.002 * (group % 3 - 1));
        }
        return x;
    }

    @Test
    void q8_0ErrsAtMostHalfAStep() {
        float[] src = weights(32 * 64, 1);
        byte[] bytes = Quantizer.quantize(GgmlType.Q8_0, src, 0, src.length);
        float[] out = roundTrip(GgmlType.Q8_0, src);
        for (int i = 0; i < src.length; i++) {
            float d = storedScale(bytes, 34 * (i / 32));
            assertTrue(Math.abs(out[i] - src[i]) <= d / 2 * (1 + 1e-5f), "element " + i + ": " + src[i] + " → " + out[i] + ", d " + d);
        }
    }

    @Test
    void q4_0ErrsAtMostHalfAStepExceptAtTheShortEndOfItsRange() {
        float[] src = weights(32 * 64, 2);
        byte[] bytes = Quantizer.quantize(GgmlType.Q4_0, src, 0, src.length);
        float[] out = roundTrip(GgmlType.Q4_0, src);
        for (int i = 0; i < src.length; i++) {
            float d = storedScale(bytes, 18 * (i / 32));
            // Codes span −8..7 steps: values beyond 7.5 steps (on the side opposite the block's extreme) clamp to 7.
            float bound = src[i] / d > 7.5f ? Math.abs(d) : Math.abs(d) / 2;
            assertTrue(Math.abs(out[i] - src[i]) <= bound * (1 + 1e-5f), "element " + i + ": " + src[i] + " → " + out[i] + ", d " + d);
        }
    }

    /**
     * Round-trip error relative to the data's RMS. 4, 5 and 6 bits per weight over a ~6σ range give steps of about
     * 0.4σ, 0.2σ and 0.1σ, i.e. uniform rounding errors of ~0.12σ, 0.06σ and 0.03σ before the scale search improves on
     * them; the bounds sit above that with margin, the per-element bounds at a fraction of the block's largest value.
     */
    @ParameterizedTest
    @CsvSource({"Q4_0, 0.12, 0.15", "Q8_0, 0.008, 0.01", "Q4_K, 0.10, 0.2", "Q5_K, 0.05, 0.1", "Q6_K, 0.025, 0.05",
        "F16, 0.001, 0.001", "BF16, 0.004, 0.004"})
    void roundTripErrorIsWithinTheFormatsPrecision(GgmlType type, double maxRelativeRms, double maxRelativeToBlockMax) {
        float[] src = weights(256 * 16, 3);
        float[] out = roundTrip(type, src);
        double errorSquares = 0;
        double squares = 0;
        for (int i = 0; i < src.length; i++) {
            double e = out[i] - src[i];
            errorSquares += e * e;
            squares += (double) src[i] * src[i];
        }
        double relativeRms = Math.sqrt(errorSquares / squares);
        assertTrue(relativeRms <= maxRelativeRms, type + " relative RMS error " + relativeRms);
        int block = Math.max(type.blockSize(), 32);
        for (int b = 0; b < src.length / block; b++) {
            float blockMax = 0;
            for (int i = b * block; i < (b + 1) * block; i++) {
                blockMax = Math.max(blockMax, Math.abs(src[i]));
            }
            for (int i = b * block; i < (b + 1) * block; i++) {
                assertTrue(Math.abs(out[i] - src[i]) <= maxRelativeToBlockMax * blockMax,
                        type + " element " + i + ": " + src[i] + " → " + out[i] + " (block max " + blockMax + ")");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(GgmlType.class)
    void zerosStayZeros(GgmlType type) {
        float[] src = new float[2 * Math.max(type.blockSize(), 32)];
        assertArrayEquals(src, roundTrip(type, src));
    }

    @ParameterizedTest
    @EnumSource(GgmlType.class)
    void quantizedBytesDecodeIdenticallyWithBothKernels(GgmlType type) {
        float[] src = weights(256 * 3, 4);
        MemorySegment bytes = MemorySegment.ofArray(Quantizer.quantize(type, src, 0, src.length));
        float[] reference = new float[src.length];
        float[] vector = new float[src.length];
        Kernels.reference(type).dequantize(bytes, 0, reference, 0, src.length);
        Kernels.vector(type).dequantize(bytes, 0, vector, 0, src.length);
        assertArrayEquals(reference, vector);
    }

    @Test
    void kQuantsKeepSubBlocksOfVeryDifferentRanges() {
        // Sub-block scales from 1 to 60 units exercise the 6-bit codes ≥ 16 that live in the packed high bits.
        float[] src = new float[256];
        Random random = new Random(5);
        for (int i = 0; i < 256; i++) {
            int sub = i / 32;
            src[i] = (float) (random.nextDouble() * (1 + 8.5 * sub) - (sub % 2 == 0 ? 0.5 * sub : 0));
        }
        for (GgmlType type : new GgmlType[] {GgmlType.Q4_K, GgmlType.Q5_K}) {
            float[] out = roundTrip(type, src);
            for (int i = 0; i < 256; i++) {
                double range = 1 + 8.5 * (i / 32);
                assertTrue(Math.abs(out[i] - src[i]) <= range / 10, type + " element " + i + ": " + src[i] + " → " + out[i]);
            }
        }
    }

    @Test
    void writesAtAnOffsetIntoALargerSegment() {
        float[] src = weights(64, 6);
        byte[] dst = new byte[100];
        Quantizer.quantize(GgmlType.Q4_0, src, 32, 32, MemorySegment.ofArray(dst), 50);
        byte[] alone = Quantizer.quantize(GgmlType.Q4_0, src, 32, 32);
        for (int i = 0; i < 18; i++) {
            assertEquals(alone[i], dst[50 + i]);
        }
        assertEquals(0, dst[49]);
        assertEquals(0, dst[68]);
    }

    @Test
    void bf16RoundsToNearestEven() {
        float halfwayDown = 1 + 0x1p-8f;
        float halfwayUp = 1 + 3 * 0x1p-8f;
        float aboveHalfway = 1 + 0x1p-8f + 0x1p-20f;
        float[] out = roundTrip(GgmlType.BF16, new float[] {halfwayDown, halfwayUp, aboveHalfway, -2.5f});
        assertArrayEquals(new float[] {1f, 1 + 0x1p-6f, 1 + 0x1p-7f, -2.5f}, out);
        assertTrue(Float.isNaN(roundTrip(GgmlType.BF16, new float[] {Float.NaN})[0]));
    }

    @Test
    void rejectsCountsThatAreNotWholeBlocks() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Quantizer.quantize(GgmlType.Q4_K, new float[300], 0, 300));
        assertTrue(e.getMessage().contains("256"), e.getMessage());
    }

    @Test
    void rejectsNonFiniteValuesInQuantizedTypes() {
        float[] src = new float[32];
        src[7] = Float.POSITIVE_INFINITY;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Quantizer.quantize(GgmlType.Q8_0, src, 0, 32));
        assertTrue(e.getMessage().contains("element 7"), e.getMessage());
    }

    @Test
    void rejectsValuesWhoseScaleOverflowsFp16() {
        float[] src = new float[32];
        src[0] = 1e9f;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Quantizer.quantize(GgmlType.Q4_0, src, 0, 32));
        assertTrue(e.getMessage().contains("fp16"), e.getMessage());
    }

    @Test
    void rejectsADestinationTooSmall() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Quantizer.quantize(GgmlType.Q8_0, new float[64], 0, 64, MemorySegment.ofArray(new byte[67]), 0));
        assertTrue(e.getMessage().contains("68 bytes"), e.getMessage());
    }
}
