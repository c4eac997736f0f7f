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
import static jdk.incubator.vector.VectorOperators.B2F;
import static jdk.incubator.vector.VectorOperators.I2F;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LSHR;
import static jdk.incubator.vector.VectorOperators.S2I;
import static jdk.incubator.vector.VectorOperators.B2I;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API twins of {@link ReferenceKernel}, one per format.
 *
 * <p>Lane counts come from the platform's preferred shape (4, 8 or 16 floats). Quantized bytes are loaded
 * {@link #BL} at a time (at least 8, the smallest byte vector) and widened {@link #PARTS} lane-groups at a time, so the
 * same code serves NEON, AVX2 and AVX-512. All block sizes here are multiples of 16 elements and 8 bytes, so no chunk
 * straddles a sub-block. The dot products fold scales per block and therefore round differently from the reference;
 * {@code dequantize} performs exactly the reference's float operations and gives identical values.
 */
final class VectorKernels {

    static final VectorSpecies<Float> F = floatSpecies();
    static final int L = F.length();
    static final VectorSpecies<Integer> I = F.withLanes(int.class);
    static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(Math.max(64, L * 8)));
    static final int BL = B.length();
    static final int PARTS = BL / L;
    static final VectorSpecies<Short> S = VectorSpecies.of(short.class, VectorShape.forBitSize(L * 16));

    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private VectorKernels() {
    }

    /** The preferred float species, clamped to 4..16 lanes so that one lane-group never spans two 16-element scales. */
    private static VectorSpecies<Float> floatSpecies() {
        VectorSpecies<Float> preferred = FloatVector.SPECIES_PREFERRED;
        if (preferred.length() > 16) {
            return FloatVector.SPECIES_512;
        }
        return preferred.length() < 4 ? FloatVector.SPECIES_128 : preferred;
    }

    static RowKernel of(GgmlType type) {
        return switch (type) {
            case F32 -> new F32Kernel();
            case F16 -> new F16Kernel();
            case BF16 -> new BF16Kernel();
            case Q8_0 -> new Q8_0Kernel();
            case Q4_0 -> new Q4_0Kernel();
            case Q4_K -> new Q4KKernel();
            case Q5_K -> new Q5KKernel();
            case Q6_K -> new Q6KKernel();
        };
    }

    static int blocks(GgmlType type, int n) {
        if (n < 0 || n % type.blockSize() != 0) {
            throw new IllegalArgumentException(type + " needs a multiple of " + type.blockSize() + " elements, got " + n);
        }
        return n / type.blockSize();
    }

    private static IntVector widen(ByteVector bytes, int part) {
        return ((IntVector) bytes.convertShape(B2I, I, part)).and(0xFF);
    }

    private static FloatVector toFloat(IntVector v) {
        return (FloatVector) v.convert(I2F, 0);
    }

    private static FloatVector xs(float[] x, int at) {
        return FloatVector.fromArray(F, x, at);
    }

    static final class F32Kernel implements RowKernel {
        @Override
        public float dot(MemorySegment w, long offset, float[] x, int xOffset, int n) {
            blocks(GgmlType.F32, n);
            FloatVector acc0 = FloatVector.zero(F);
            FloatVector acc1 = FloatVector.zero(F);
            int i = 0;
            for (; i <= n - 2 * L; i += 2 * L) {
                acc0 = FloatVector.fromMemorySegment(F, w, offset + 4L * i, LE).fma(xs(x, xOffset + i), acc0);
                acc1 = FloatVector.fromMemorySegment(F, w, offset + 4L * (i + L), LE).fma(xs(x, xOffset + i + L), acc1);
            }
            float sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
            for (; i < n; i++) {
                sum += w.get(LE_FLOAT, offset + 4L * i) * x[xOffset + i];
            }
            return sum;
        }

        @Override
        public void dequantize(MemorySegment w, long offset, float[] out, int outOffset, int n) {
            blocks(GgmlType.F32, n);
            MemorySegment.copy(w, LE_FLOAT, offset, out, outOffset, n);
        }
    }

    /** fp16 → fp32 in int lanes: shift the 15 magnitude bits into a float and rescale the exponent bias by 2^112, which is exact for normals and subnormals; infinities and NaNs get the all-ones exponent. */
    private static FloatVector halfToFloat(IntVector half) {
        IntVector magnitude = half.and(0x7FFF);
        IntVector shifted = magnitude.lanewise(LSHL, 13);
        FloatVector finite = shifted.reinterpretAsFloats().mul(0x1p112f);
        VectorMask<Float> special = magnitude.compare(VectorOperators.GE, 0x7C00).cast(F);
        FloatVector nonFinite = shifted.or(0x7F800000).reinterpretAsFloats();
        IntVector sign = half.and(0x8000).lanewise(LSHL, 16);
        return finite.blend(nonFinite, special).reinterpretAsInts().or(sign).reinterpretAsFloats();
    }

    private static IntVector loadShorts(MemorySegment w, long at) {
        return (IntVector) ShortVector.fromMemorySegment(S, w, at, LE).convertShape(S2I, I, 0);
    }

    static final class F16Kernel implements RowKernel {
        @Override
        public float dot(MemorySegment w, long offset, float[] x, int xOffset, int n) {
            blocks(GgmlType.F16, n);
            FloatVector acc = FloatVector.zero(F);
            int i = 0;
            for (; i <= n - L; i += L) {
                acc = halfToFloat(loadShorts(w, offset + 2L * i)).fma(xs(x, xOffset + i), acc);
            }
            float sum = acc.reduceLanes(VectorOperators.ADD);
            for (; i < n; i++) {
                sum += f16(w, offset + 2L * i) * x[xOffset + i];
            }
            return sum;
        }

        @Override
        public void dequantize(MemorySegment w, long offset, float[] out, int outOffset, int n) {
            blocks(GgmlType.F16, n);
            int i = 0;
            for (; i <= n - L; i += L) {
                halfToFloat(loadShorts(w, offset + 2L * i)).intoArray(out, outOffset + i);
            }
            for (; i < n; i++) {
                out[outOffset + i] = f16(w, offset + 2L * i);
            }
        }
    }

    static final class BF16Kernel implements RowKernel {
        private static FloatVector load(MemorySegment w, long at) {
            return loadShorts(w, at).lanewise(LSHL, 16).reinterpretAsFloats();
        }

        private static float scalar(MemorySegment w, long at) {
            return Float.intBitsToFloat((w.get(LE_SHORT, at) & 0xFFFF) << 16);
        }

        @Override
        public float dot(MemorySegment w, long offset, float[] x, int xOffset, int n) {
            blocks(GgmlType.BF16, n);
            FloatVector acc = FloatVector.zero(F);
            int i = 0;
            for (; i <= n - L; i += L) {
                acc = load(w, offset + 2L * i).fma(xs(x, xOffset + i), acc);
            }
            float sum = acc.reduceLanes(VectorOperators.ADD);
            for (; i < n; i++) {
                sum += scalar(w, offset + 2L * i) * x[xOffset + i];
            }
            return sum;
        }

        @Override
        public void dequantize(MemorySegment w, long offset, float[] out, int outOffset, int n) {
            blocks(GgmlType.BF16, n);
            int i = 0;
            for (; i <= n - L; i += L) {
                load(w, offset + 2L * i).intoArray(out, outOffset + i);
            }
            for (; i < n; i++) {
                out[outOffset + i] = scalar(w, offset + 2L * i);
            }
        }
    }

    static final class Q8_0Kernel implements RowKernel {
        @Override
        public float dot(MemorySegment w, long offset, float[] x, int xOffset, int n) {
            int nb = blocks(GgmlType.Q8_0, n);
            FloatVector acc = FloatVector.zero(F);
            for (int b = 0; b < nb; b++) {
                long at = offset + 34L * b;
                int xb = xOffset + 32 * b;
                FloatVector block = FloatVector.zero(F);
                for (int g = 0; g < 32; g += BL) {
                    ByteVector q = ByteVector.fromMemorySegment(B, w, at + 2 + g, LE);
                    for (int p = 0; p < PARTS; p++) {
                        FloatVector qf = (FloatVector) q.convertShape(B2F, F, p);
                        block = qf.fma(xs(x, xb + g + p * L), block);
                    }
                }
                acc = block.fma(FloatVector.broadcast(F, f16(w, at)), acc);
            }
            return acc.reduceLanes(VectorOperators.ADD);
        }

        @Override
        public void dequantize(MemorySegment w, long offset, float[] out, int outOffset, int n) {
            int nb = blocks(GgmlType.Q8_0, n);
            for (int b = 0; b < nb; b++) {
                long at = offset + 34L * b;
                int ob = outOffset + 32 * b;
                float d = f16(w, at);
                for (int g = 0; g < 32; g += BL) {
                    ByteVector q = ByteVector.fromMemorySegment(B, w, at + 2 + g, LE);
                    for (int p = 0; p < PARTS; p++) {
                        ((FloatVector) q.convertShape(B2F, F, p)).mul(d).intoArray(out, ob + g + p * L);
                    }
                }
            }
        }
    }

    static final class Q4_0Kernel implements RowKernel {
        @Override
        public float dot(MemorySegment w, long offset, float[] x, int xOffset, int n) {
            int nb = blocks(GgmlType.Q4_0, n);
            FloatVector acc = FloatVector.zero(F);
            for (int b = 0; b < nb; b++) {
                long at = offset + 18L * b;
                int xb = xOffset + 32 * b;
                FloatVector low = FloatVector.zero(F);
                FloatVector high = FloatVector.zero(F);
                for (int g = 0; g < 16; g += BL) {
                    ByteVector packed = ByteVector.fromMemorySegment(B, w, at + 2 + g, LE);
                    for (int p = 0; p < PARTS; p++) {
                        IntVector q = widen(packed, p);
                        int e = xb + g + p * L;
                        low = toFloat(q.and(0xF).sub(8)).fma(xs(x, e), low);
                        high = toFloat(q.lanewise(LSHR, 4).sub(8)).fma(xs(x, e + 16), high);
                    }
                }
                acc = low.add(high).fma(FloatVector.broadcast(F, f16(w, at)), acc);
            }
            return acc.reduceLanes(VectorOperators.ADD);
        }

        @Override
        public void dequantize(MemorySegment w, long offset, float[] out, int outOffset, int n) {
            int nb = blocks(GgmlType.Q4_0, n);
            for (int b = 0; b < nb; b++) {
                long at = offset + 18L * b;
                int ob = outOffset + 32 * b;
                float d = f16(w, at);
                for (int g = 0; g < 16; g += BL) {
                    ByteVector packed = ByteVector.fromMemorySegment(B, w, at + 2 + g, LE);
                    for (int p = 0; p < PARTS; p++) {
                        IntVector q = widen(packed, p);
                        int e = ob + g + p * L;
                        toFloat(q.and(0xF).sub(8)).mul(d).intoArray(out, e);
                        toFloat(q.lanewise(LSHR, 4).sub(8)).mul(d).intoArray(out, e + 16);
                    }
                }
            }
        }
    }

    static final class Q4KKernel implements RowKernel {
        @Override
        public float dot(MemorySegment w, long offset, float[] x, int xOffset, int n) {
            int nb = blocks(GgmlType.Q4_K, n);
            FloatVector acc0 = FloatVector.zero(F);
            FloatVector acc1 = FloatVector.zero(F);
            for (int b = 0; b < nb; b++) {
                long at = offset + 144L * b;
                int xb = xOffset + 256 * b;
                float d = f16(w, at);
                float dmin = f16(w, at + 2);
                for (int c = 0; c < 4; c++) {
                    FloatVector scale0 = FloatVector.broadcast(F, d * kScale(w, at + K_SCALES, 2 * c));
                    FloatVector min0 = FloatVector.broadcast(F, -(dmin * kMin(w, at + K_SCALES, 2 * c)));
                    FloatVector scale1 = FloatVector.broadcast(F, d * kScale(w, at + K_SCALES, 2 * c + 1));
                    FloatVector min1 = FloatVector.broadcast(F, -(dmin * kMin(w, at + K_SCALES, 2 * c + 1)));
                    for (int g = 0; g < 32; g += BL) {
                        ByteVector packed = ByteVector.fromMemorySegment(B, w, at + Q4K_NIBBLES + 32L * c + g, LE);
                        for (int p = 0; p < PARTS; p++) {
                            IntVector q = widen(packed, p);
                            int e = xb + 64 * c + g + p * L;
                            acc0 = toFloat(q.and(0xF)).fma(scale0, min0).fma(xs(x, e), acc0);
                            acc1 = toFloat(q.lanewise(LSHR, 4)).fma(scale1, min1).fma(xs(x, e + 32), acc1);
                        }
                    }
                }
            }
            return acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        }

        @Override
        public void dequantize(MemorySegment w, long offset, float[] out, int outOffset, int n) {
            int nb = blocks(GgmlType.Q4_K, n);
            for (int b = 0; b < nb; b++) {
                long at = offset + 144L * b;
                int ob = outOffset + 256 * b;
                float d = f16(w, at);
                float dmin = f16(w, at + 2);
                for (int c = 0; c < 4; c++) {
                    float scale0 = d * kScale(w, at + K_SCALES, 2 * c);
                    float min0 = dmin * kMin(w, at + K_SCALES, 2 * c);
                    float scale1 = d * kScale(w, at + K_SCALES, 2 * c + 1);
                    float min1 = dmin * kMin(w, at + K_SCALES, 2 * c + 1);
                    for (int g = 0; g < 32; g += BL) {
                        ByteVector packed = ByteVector.fromMemorySegment(B, w, at + Q4K_NIBBLES + 32L * c + g, LE);
                        for (int p = 0; p < PARTS; p++) {
                            IntVector q = widen(packed, p);
                            int e = ob + 64 * c + g + p * L;
                            toFloat(q.and(0xF)).mul(scale0).sub(min0).intoArray(out, e);
                            toFloat(q.lanewise(LSHR, 4)).mul(scale1).sub(min1).intoArray(out, e + 32);
                        }
                    }
                }
            }
        }
    }

    static final class Q5KKernel implements RowKernel {
        /** The 5-bit code of the k-th (0: low nibble, 1: high nibble) sub-block, its fifth bit at bit k of {@code high}. */
        private static IntVector code5(IntVector packed, IntVector high, int k) {
            return packed.lanewise(LSHR, 4 * k).and(0xF).or(high.lanewise(LSHR, k).and(1).lanewise(LSHL, 4));
        }

        @Override
        public float dot(MemorySegment w, long offset, float[] x, int xOffset, int n) {
            int nb = blocks(GgmlType.Q5_K, n);
            FloatVector acc0 = FloatVector.zero(F);
            FloatVector acc1 = FloatVector.zero(F);
            for (int b = 0; b < nb; b++) {
                long at = offset + 176L * b;
                int xb = xOffset + 256 * b;
                float d = f16(w, at);
                float dmin = f16(w, at + 2);
                for (int c = 0; c < 4; c++) {
                    FloatVector scale0 = FloatVector.broadcast(F, d * kScale(w, at + K_SCALES, 2 * c));
                    FloatVector min0 = FloatVector.broadcast(F, -(dmin * kMin(w, at + K_SCALES, 2 * c)));
                    FloatVector scale1 = FloatVector.broadcast(F, d * kScale(w, at + K_SCALES, 2 * c + 1));
                    FloatVector min1 = FloatVector.broadcast(F, -(dmin * kMin(w, at + K_SCALES, 2 * c + 1)));
                    for (int g = 0; g < 32; g += BL) {
                        ByteVector packed = ByteVector.fromMemorySegment(B, w, at + Q5K_LOW_NIBBLES + 32L * c + g, LE);
                        ByteVector highBits = ByteVector.fromMemorySegment(B, w, at + Q5K_HIGH_BITS + g, LE);
                        for (int p = 0; p < PARTS; p++) {
                            IntVector q = widen(packed, p);
                            IntVector h = widen(highBits, p).lanewise(LSHR, 2 * c);
                            int e = xb + 64 * c + g + p * L;
                            acc0 = toFloat(code5(q, h, 0)).fma(scale0, min0).fma(xs(x, e), acc0);
                            acc1 = toFloat(code5(q, h, 1)).fma(scale1, min1).fma(xs(x, e + 32), acc1);
                        }
                    }
                }
            }
            return acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        }

        @Override
        public void dequantize(MemorySegment w, long offset, float[] out, int outOffset, int n) {
            int nb = blocks(GgmlType.Q5_K, n);
            for (int b = 0; b < nb; b++) {
                long at = offset + 176L * b;
                int ob = outOffset + 256 * b;
                float d = f16(w, at);
                float dmin = f16(w, at + 2);
                for (int c = 0; c < 4; c++) {
                    float scale0 = d * kScale(w, at + K_SCALES, 2 * c);
                    float min0 = dmin * kMin(w, at + K_SCALES, 2 * c);
                    float scale1 = d * kScale(w, at + K_SCALES, 2 * c + 1);
                    float min1 = dmin * kMin(w, at + K_SCALES, 2 * c + 1);
                    for (int g = 0; g < 32; g += BL) {
                        ByteVector packed = ByteVector.fromMemorySegment(B, w, at + Q5K_LOW_NIBBLES + 32L * c + g, LE);
                        ByteVector highBits = ByteVector.fromMemorySegment(B, w, at + Q5K_HIGH_BITS + g, LE);
                        for (int p = 0; p < PARTS; p++) {
                            IntVector q = widen(packed, p);
                            IntVector h = widen(highBits, p).lanewise(LSHR, 2 * c);
                            int e = ob + 64 * c + g + p * L;
                            toFloat(code5(q, h, 0)).mul(scale0).sub(min0).intoArray(out, e);
                            toFloat(code5(q, h, 1)).mul(scale1).sub(min1).intoArray(out, e + 32);
                        }
                    }
                }
            }
        }
    }

    static final class Q6KKernel implements RowKernel {
        /**
         * The signed codes (q − 32) of quarter k of a 128-element half: quarters 0 and 2 take the low and high
         * nibbles of the first 32 low-bit bytes, quarters 1 and 3 those of the next 32; bits 2k..2k+1 of the high-bit
         * byte are bits 4..5 of the code.
         */
        private static IntVector quarter(IntVector lowA, IntVector lowB, IntVector high, int k) {
            IntVector low = (k % 2 == 0 ? lowA : lowB).lanewise(LSHR, 4 * (k / 2)).and(0xF);
            return low.or(high.lanewise(LSHR, 2 * k).and(3).lanewise(LSHL, 4)).sub(32);
        }

        private static float scale(MemorySegment w, long at, float d, int element) {
            return d * w.get(ValueLayout.JAVA_BYTE, at + Q6K_SCALES + element / 16);
        }

        @Override
        public float dot(MemorySegment w, long offset, float[] x, int xOffset, int n) {
            int nb = blocks(GgmlType.Q6_K, n);
            FloatVector acc0 = FloatVector.zero(F);
            FloatVector acc1 = FloatVector.zero(F);
            for (int b = 0; b < nb; b++) {
                long at = offset + 210L * b;
                int xb = xOffset + 256 * b;
                float d = f16(w, at + Q6K_D);
                for (int half = 0; half < 2; half++) {
                    for (int g = 0; g < 32; g += BL) {
                        ByteVector lowA = ByteVector.fromMemorySegment(B, w, at + 64L * half + g, LE);
                        ByteVector lowB = ByteVector.fromMemorySegment(B, w, at + 64L * half + 32 + g, LE);
                        ByteVector highBits = ByteVector.fromMemorySegment(B, w, at + Q6K_HIGH_BITS + 32L * half + g, LE);
                        for (int p = 0; p < PARTS; p++) {
                            IntVector a = widen(lowA, p);
                            IntVector bq = widen(lowB, p);
                            IntVector h = widen(highBits, p);
                            int e = 128 * half + g + p * L;
                            for (int k = 0; k < 4; k++) {
                                FloatVector q = toFloat(quarter(a, bq, h, k));
                                FloatVector product = q.mul(scale(w, at, d, e + 32 * k));
                                if (k % 2 == 0) {
                                    acc0 = product.fma(xs(x, xb + e + 32 * k), acc0);
                                } else {
                                    acc1 = product.fma(xs(x, xb + e + 32 * k), acc1);
                                }
                            }
                        }
                    }
                }
            }
            return acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        }

        @Override
        public void dequantize(MemorySegment w, long offset, float[] out, int outOffset, int n) {
            int nb = blocks(GgmlType.Q6_K, n);
            for (int b = 0; b < nb; b++) {
                long at = offset + 210L * b;
                int ob = outOffset + 256 * b;
                float d = f16(w, at + Q6K_D);
                for (int half = 0; half < 2; half++) {
                    for (int g = 0; g < 32; g += BL) {
                        ByteVector lowA = ByteVector.fromMemorySegment(B, w, at + 64L * half + g, LE);
                        ByteVector lowB = ByteVector.fromMemorySegment(B, w, at + 64L * half + 32 + g, LE);
                        ByteVector highBits = ByteVector.fromMemorySegment(B, w, at + Q6K_HIGH_BITS + 32L * half + g, LE);
                        for (int p = 0; p < PARTS; p++) {
                            IntVector a = widen(lowA, p);
                            IntVector bq = widen(lowB, p);
                            IntVector h = widen(highBits, p);
                            int e = 128 * half + g + p * L;
                            for (int k = 0; k < 4; k++) {
                                toFloat(quarter(a, bq, h, k)).mul(scale(w, at, d, e + 32 * k)).intoArray(out, ob + e + 32 * k);
                            }
                        }
                    }
                }
            }
        }
    }
}
