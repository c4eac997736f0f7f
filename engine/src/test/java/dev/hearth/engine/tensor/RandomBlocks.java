package dev.hearth.engine.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Random;

/** Seeded random data for kernel tests: arbitrary quant bits with sane (finite, moderate) fp16 scales. */
final class RandomBlocks {

    private static final ValueLayout.OfShort LE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat LE_FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private RandomBlocks() {
    }

    /** {@code elements} of {@code type} starting {@code lead} bytes into a fresh heap segment (lead makes offsets odd). */
    static MemorySegment segment(GgmlType type, long elements, int lead, Random random) {
        long bytes = type.bytesFor(elements);
        byte[] raw = new byte[Math.toIntExact(lead + bytes)];
        random.nextBytes(raw);
        MemorySegment s = MemorySegment.ofArray(raw);
        long blocks = elements / type.blockSize();
        for (long b = 0; b < blocks; b++) {
            long at = lead + b * type.blockBytes();
            switch (type) {
                case F32 -> s.set(LE_FLOAT, at, (float) random.nextGaussian());
                case F16 -> s.set(LE_SHORT, at, Float.floatToFloat16((float) random.nextGaussian()));
                case BF16 -> s.set(LE_SHORT, at, (short) (Float.floatToIntBits((float) random.nextGaussian()) >>> 16));
                case Q8_0, Q4_0 -> s.set(LE_SHORT, at, scale(random));
                case Q4_K, Q5_K -> {
                    s.set(LE_SHORT, at, scale(random));
                    s.set(LE_SHORT, at + 2, scale(random));
                }
                case Q6_K -> s.set(LE_SHORT, at + 208, scale(random));
            }
        }
        return s;
    }

    private static short scale(Random random) {
        return Float.floatToFloat16((float) ((random.nextDouble() - 0.3) * 0.02));
    }

    static float[] gaussian(int n, Random random) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) random.nextGaussian();
        }
        return x;
    }
}
