package dev.hearth.engine.tensor;

import static dev.hearth.engine.tensor.BlockLayout.K_SCALES;
import static dev.hearth.engine.tensor.BlockLayout.LE_FLOAT;
import static dev.hearth.engine.tensor.BlockLayout.LE_SHORT;
import static dev.hearth.engine.tensor.BlockLayout.Q4K_NIBBLES;
import static dev.hearth.engine.tensor.BlockLayout.Q5K_HIGH_BITS;
import static dev.hearth.engine.tensor.BlockLayout.Q5K_LOW_NIBBLES;
import static dev.hearth.engine.tensor.BlockLayout.Q6K_D;
import static dev.hearth.engine.tensor.BlockLayout.Q6K_HIGH_BITS;
import static dev.hearth.engine.tensor.BlockLayout.Q6K_SCALES;
import static dev.hearth.engine.tensor.BlockLayout.f16;
import static dev.hearth.engine.tensor.BlockLayout.kMin;
import static dev.hearth.engine.tensor.BlockLayout.kScale;
import static dev.hearth.engine.tensor.BlockLayout.u8;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The specification of every format: decodes one block at a time, element by element, in the order ggml lays the
 * bits out. The dot product is dequantize-then-multiply with a double accumulator, so it is the most exact value the
 * vector kernels are compared against. Slow on purpose; used by tests and as the fallback twin.
 */
final class ReferenceKernel implements RowKernel {

    private final GgmlType type;

    ReferenceKernel(GgmlType type) {
        this.type = type;
    }

    @Override
    public float dot(MemorySegment w, long offset, float[] x, int xOffset, int n) {
        checkCount(n);
        float[] block = new float[type.blockSize()];
        double sum = 0;
        for (int b = 0; b < n / type.blockSize(); b++) {
            decodeBlock(w, offset + (long) b * type.blockBytes(), block);
            int xb = xOffset + b * type.blockSize();
            for (int i = 0; i < block.length; i++) {
                sum += block[i] * x[xb + i];
            }
        }
        return (float) sum;
    }

    @Override
    public void dequantize(MemorySegment w, long offset, float[] out, int outOffset, int n) {
        checkCount(n);
        float[] block = new float[type.blockSize()];
        for (int b = 0; b < n / type.blockSize(); b++) {
            decodeBlock(w, offset + (long) b * type.blockBytes(), block);
            System.arraycopy(block, 0, out, outOffset + b * type.blockSize(), block.length);
        }
    }

    private void checkCount(int n) {
        if (n < 0 || n % type.blockSize() != 0) {
            throw new IllegalArgumentException(type + " needs a multiple of " + type.blockSize() + " elements, got " + n);
        }
    }

    private void decodeBlock(MemorySegment w, long at, float[] y) {
        switch (type) {
            case F32 -> y[0] = w.get(LE_FLOAT, at);
            case F16 -> y[0] = f16(w, at);
            case BF16 -> y[0] = Float.intBitsToFloat((w.get(LE_SHORT, at) & 0xFFFF) << 16);
            case Q8_0 -> decodeQ8_0(w, at, y);
            case Q4_0 -> decodeQ4_0(w, at, y);
            case Q4_K -> decodeQ4K(w, at, y);
            case Q5_K -> decodeQ5K(w, at, y);
            case Q6_K -> decodeQ6K(w, at, y);
        }
    }

    private static void decodeQ8_0(MemorySegment w, long at, float[] y) {
        float d = f16(w, at);
        for (int i = 0; i < 32; i++) {
            y[i] = w.get(ValueLayout.JAVA_BYTE, at + 2 + i) * d;
        }
    }

    private static void decodeQ4_0(MemorySegment w, long at, float[] y) {
        float d = f16(w, at);
        for (int i = 0; i < 16; i++) {
            int packed = u8(w, at + 2 + i);
            y[i] = ((packed & 0xF) - 8) * d;
            y[i + 16] = ((packed >>> 4) - 8) * d;
        }
    }

    private static void decodeQ4K(MemorySegment w, long at, float[] y) {
        float d = f16(w, at);
        float dmin = f16(w, at + 2);
        for (int sub = 0; sub < 8; sub++) {
            float scale = d * kScale(w, at + K_SCALES, sub);
            float min = dmin * kMin(w, at + K_SCALES, sub);
            // Each 64 elements share 32 bytes: even sub-blocks in the low nibbles, odd ones in the high nibbles.
            long bytes = at + Q4K_NIBBLES + 32L * (sub / 2);
            int shift = 4 * (sub % 2);
            for (int i = 0; i < 32; i++) {
                int q = (u8(w, bytes + i) >>> shift) & 0xF;
                y[32 * sub + i] = scale * q - min;
            }
        }
    }

    private static void decodeQ5K(MemorySegment w, long at, float[] y) {
        float d = f16(w, at);
        float dmin = f16(w, at + 2);
        for (int sub = 0; sub < 8; sub++) {
            float scale = d * kScale(w, at + K_SCALES, sub);
            float min = dmin * kMin(w, at + K_SCALES, sub);
            long bytes = at + Q5K_LOW_NIBBLES + 32L * (sub / 2);
            int shift = 4 * (sub % 2);
            for (int i = 0; i < 32; i++) {
                int low = (u8(w, bytes + i) >>> shift) & 0xF;
                // Bit `sub` of high-bit byte i is the fifth bit of element i of sub-block `sub`.
                int high = (u8(w, at + Q5K_HIGH_BITS + i) >>> sub) & 1;
                y[32 * sub + i] = scale * (low | high << 4) - min;
            }
        }
    }

    private static void decodeQ6K(MemorySegment w, long at, float[] y) {
        float d = f16(w, at + Q6K_D);
        for (int e = 0; e < 256; e++) {
            // Per 128 elements: 64 low-nibble bytes (elements 0..63 low nibbles, 64..127 high nibbles of the same
            // bytes) and 32 high-bit bytes (2 bits for each of the four 32-element quarters).
            int half = e / 128;
            int r = e % 128;
            int quarter = r / 32;
            int l = r % 32;
            int lowByte = u8(w, at + 64L * half + 32L * (quarter % 2) + l);
            int low = (lowByte >>> (4 * (quarter / 2))) & 0xF;
            int high = (u8(w, at + Q6K_HIGH_BITS + 32L * half + l) >>> (2 * quarter)) & 3;
            int scale = w.get(ValueLayout.JAVA_BYTE, at + Q6K_SCALES + e / 16);
            y[e] = d * scale * ((low | high << 4) - 32);
        }
    }
}
