package dev.hearth.engine.tensor;

import static dev.hearth.engine.tensor.BlockLayout.K_SCALES;
import static dev.hearth.engine.tensor.BlockLayout.LE_FLOAT;
import static dev.hearth.engine.tensor.BlockLayout.LE_INT;
import static dev.hearth.engine.tensor.BlockLayout.LE_LONG;
import static dev.hearth.engine.tensor.BlockLayout.LE_SHORT;
import static dev.hearth.engine.tensor.BlockLayout.Q4K_NIBBLES;
import static dev.hearth.engine.tensor.BlockLayout.Q5K_HIGH_BITS;
import static dev.hearth.engine.tensor.BlockLayout.Q5K_LOW_NIBBLES;
import static dev.hearth.engine.tensor.BlockLayout.Q6K_D;
import static dev.hearth.engine.tensor.BlockLayout.Q6K_HIGH_BITS;
import static dev.hearth.engine.tensor.BlockLayout.Q6K_SCALES;
import static dev.hearth.engine.tensor.BlockLayout.f16;
import static dev.hearth.engine.tensor.BlockLayout.kMin;
import static dev.hearth.engine.tensor.BlockLayout.kMins;
import static dev.hearth.engine.tensor.BlockLayout.kScales;
import static dev.hearth.engine.tensor.BlockLayout.kScale;
import static jdk.incubator.vector.VectorOperators.B2F;
import static jdk.incubator.vector.VectorOperators.I2F;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LSHR;
import static jdk.incubator.vector.VectorOperators.S2I;
import static jdk.incubator.vector.VectorOperators.B2I;
import static jdk.incubator.vector.VectorOperators.ZERO_EXTEND_B2I;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
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

    private static final ThreadLocal<float[]> SUMS = ThreadLocal.withInitial(() -> new float[0]);

    /**
     * The sums of x over consecutive groups of {@code width} elements (16 or 32, a multiple of the lane count), in a
     * per-thread array reused across calls. Formats whose codes carry a constant offset (Q4_0's −8, Q6_K's −32, the
     * K-quants' mins) fold it into one scalar per group with these, so the inner loops multiply raw codes.
     */
    static float[] groupSums(float[] x, int n, int width) {
        int groups = n / width;
        float[] sums = SUMS.get();
        if (sums.length < groups) {
            sums = new float[groups];
            SUMS.set(sums);
        }
        for (int b = 0; b < groups; b++) {
            FloatVector v = xs(x, width * b);
            for (int i = L; i < width; i += L) {
                v = v.add(xs(x, width * b + i));
            }
            sums[b] = v.reduceLanes(VectorOperators.ADD);
        }
        return sums;
    }

    /** Eight floats: the sub-block scales of a K-quant block, or its mins, widened together. */
    static final VectorSpecies<Float> F8 = FloatVector.SPECIES_256;
    private static final VectorSpecies<Long> L2 = LongVector.SPECIES_128;
    private static final ThreadLocal<float[]> SCALES = ThreadLocal.withInitial(() -> new float[8]);
    private static final ThreadLocal<float[]> Q6_SCALES = ThreadLocal.withInitial(() -> new float[16]);

    /**
     * For the Q4_K/Q5_K block at {@code at}: writes d·sc of its 8 sub-blocks into {@code scales} and returns
     * {@code mins + dmin·m·Σx} lane by lane, Σx being the 8 group sums from {@code sums[sumAt]}. The 6-bit codes are
     * unpacked as the bytes of two longs and widened eight at a time instead of one by one: per block that is a few
     * vector instructions where the scalar form spent about 80.
     */
    private static FloatVector subBlockScales(MemorySegment w, long at, float[] sums, int sumAt, float[] scales, FloatVector mins) {
        float d = f16(w, at);
        float dmin = f16(w, at + 2);
        int packed0 = w.get(LE_INT, at + K_SCALES);
        int packed1 = w.get(LE_INT, at + K_SCALES + 4);
        int packed2 = w.get(LE_INT, at + K_SCALES + 8);
        ByteVector scaleBytes = LongVector.broadcast(L2, kScales(packed0, packed1, packed2)).reinterpretAsBytes();
        ByteVector minBytes = LongVector.broadcast(L2, kMins(packed0, packed1, packed2)).reinterpretAsBytes();
        ((FloatVector) scaleBytes.convertShape(B2F, F8, 0)).mul(d).intoArray(scales, 0);
        return ((FloatVector) minBytes.convertShape(B2F, F8, 0)).mul(dmin).fma(FloatVector.fromArray(F8, sums, sumAt), mins);
    }

    /** Bounds of a whole matvec call, checked once so that a bad call fails before any row is written. */
    private static void checkMatvec(MemorySegment w, long rowBytes, float[] x, float[] out, int fromRow, int toRow, int n) {
        if (fromRow < 0 || fromRow > toRow || toRow > out.length || x.length < n || toRow * rowBytes > w.byteSize()) {
            throw new IndexOutOfBoundsException("rows [" + fromRow + ", " + toRow + ") of " + rowBytes + " bytes, x of "
                    + x.length + " floats for " + n + " columns, out of " + out.length + ", segment of " + w.byteSize() + " bytes");
        }
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

        /**
         * One row at a time, two blocks per iteration into two accumulators, on raw codes:
         * d·Σ(q−8)·x = d·Σq·x − 8·d·Σx, the second term one scalar multiply-add per block with the block sums of x
         * computed once per call. Measured against two rows per pass sharing the activation loads, this form
         * keeps C2's register allocation free of spills and ran 10 % faster from cache and 1.7× faster
         * streaming from memory (docs/performance.md). Where one byte vector widens into exactly one int
         * vector (AVX2, AVX-512) the zero-extending conversion saves a mask.
         */
        @Override
        public void matvec(MemorySegment w, long rowBytes, float[] x, float[] out, int fromRow, int toRow, int n) {
            int nb = blocks(GgmlType.Q4_0, n);
            checkMatvec(w, rowBytes, x, out, fromRow, toRow, n);
            float[] sums = groupSums(x, n, 32);
            int pairs = nb & ~1;
            for (int r = fromRow; r < toRow; r++) {
                long at = r * rowBytes;
                FloatVector acc0 = FloatVector.zero(F);
                FloatVector acc1 = FloatVector.zero(F);
                float offset = 0;
                int b = 0;
                for (; b < pairs; b += 2, at += 36) {
                    float d0 = f16(w, at);
                    float d1 = f16(w, at + 18);
                    FloatVector block0 = FloatVector.zero(F);
                    FloatVector block1 = FloatVector.zero(F);
                    for (int g = 0; g < 16; g += BL) {
                        ByteVector packed0 = ByteVector.fromMemorySegment(B, w, at + 2 + g, LE);
                        ByteVector packed1 = ByteVector.fromMemorySegment(B, w, at + 20 + g, LE);
                        for (int p = 0; p < PARTS; p++) {
                            int e = 32 * b + g + p * L;
                            IntVector q0 = PARTS == 1 ? (IntVector) packed0.convertShape(ZERO_EXTEND_B2I, I, 0) : ((IntVector) packed0.convertShape(B2I, I, p)).and(0xFF);
                            IntVector q1 = PARTS == 1 ? (IntVector) packed1.convertShape(ZERO_EXTEND_B2I, I, 0) : ((IntVector) packed1.convertShape(B2I, I, p)).and(0xFF);
                            block0 = ((FloatVector) q0.and(0xF).convert(I2F, 0)).fma(FloatVector.fromArray(F, x, e), block0);
                            block0 = ((FloatVector) q0.lanewise(LSHR, 4).convert(I2F, 0)).fma(FloatVector.fromArray(F, x, e + 16), block0);
                            block1 = ((FloatVector) q1.and(0xF).convert(I2F, 0)).fma(FloatVector.fromArray(F, x, e + 32), block1);
                            block1 = ((FloatVector) q1.lanewise(LSHR, 4).convert(I2F, 0)).fma(FloatVector.fromArray(F, x, e + 48), block1);
                        }
                    }
                    acc0 = block0.fma(FloatVector.broadcast(F, d0), acc0);
                    acc1 = block1.fma(FloatVector.broadcast(F, d1), acc1);
                    offset += d0 * sums[b] + d1 * sums[b + 1];
                }
                float sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD) - 8 * offset;
                if (b < nb) {
                    sum += dot(w, at, x, 32 * b, 32);
                }
                out[r] = sum;
            }
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
                        IntVector q = PARTS == 1 ? (IntVector) packed.convertShape(ZERO_EXTEND_B2I, I, 0) : ((IntVector) packed.convertShape(B2I, I, p)).and(0xFF);
                        int e = ob + g + p * L;
                        ((FloatVector) q.and(0xF).sub(8).convert(I2F, 0)).mul(d).intoArray(out, e);
                        ((FloatVector) q.lanewise(LSHR, 4).sub(8).convert(I2F, 0)).mul(d).intoArray(out, e + 16);
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

        /**
         * Raw codes in the inner loop: per sub-block d·sc·Σq·x − dmin·m·Σx. The 12 scale bytes are unpacked
         * branch-free into 8 scale and 8 min bytes, which are widened to floats eight at a time (see
         * {@link #subBlockScales}); the mins meet the group sums of x in a vector accumulator reduced once per row.
         */
        @Override
        public void matvec(MemorySegment w, long rowBytes, float[] x, float[] out, int fromRow, int toRow, int n) {
            int nb = blocks(GgmlType.Q4_K, n);
            checkMatvec(w, rowBytes, x, out, fromRow, toRow, n);
            float[] sums = groupSums(x, n, 32);
            float[] scales = SCALES.get();
            for (int r = fromRow; r < toRow; r++) {
                long at = r * rowBytes;
                FloatVector acc0 = FloatVector.zero(F);
                FloatVector acc1 = FloatVector.zero(F);
                FloatVector mins = FloatVector.zero(F8);
                for (int b = 0; b < nb; b++, at += 144) {
                    int xb = 256 * b;
                    mins = subBlockScales(w, at, sums, 8 * b, scales, mins);
                    for (int c = 0; c < 4; c++) {
                        FloatVector block0 = FloatVector.zero(F);
                        FloatVector block1 = FloatVector.zero(F);
                        for (int g = 0; g < 32; g += BL) {
                            ByteVector packed = ByteVector.fromMemorySegment(B, w, at + Q4K_NIBBLES + 32L * c + g, LE);
                            for (int p = 0; p < PARTS; p++) {
                                IntVector q = (PARTS == 1 ? (IntVector) packed.convertShape(ZERO_EXTEND_B2I, I, 0) : ((IntVector) packed.convertShape(B2I, I, p)).and(0xFF));
                                int e = xb + 64 * c + g + p * L;
                                block0 = ((FloatVector) q.and(0xF).convert(I2F, 0)).fma(FloatVector.fromArray(F, x, e), block0);
                                block1 = ((FloatVector) q.lanewise(LSHR, 4).convert(I2F, 0)).fma(FloatVector.fromArray(F, x, e + 32), block1);
                            }
                        }
                        acc0 = block0.fma(FloatVector.broadcast(F, scales[2 * c]), acc0);
                        acc1 = block1.fma(FloatVector.broadcast(F, scales[2 * c + 1]), acc1);
                    }
                }
                out[r] = acc0.add(acc1).reduceLanes(VectorOperators.ADD) - mins.reduceLanes(VectorOperators.ADD);
            }
        }

        @Override
        public void dequantize(MemorySegment w, long offset, float[] out, int outOffset, int n) {
            int nb = blocks(GgmlType.Q4_K, n);
            for (int b = 0; b < nb; b++) {
                long at = offset + 144L * b;
                int ob = outOffset + 256 * b;
                float d = f16(w, at);
                float dmin = f16(w, at + 2);
                int packed0 = w.get(LE_INT, at + K_SCALES);
                int packed1 = w.get(LE_INT, at + K_SCALES + 4);
                int packed2 = w.get(LE_INT, at + K_SCALES + 8);
                long scales = kScales(packed0, packed1, packed2);
                long mins = kMins(packed0, packed1, packed2);
                for (int c = 0; c < 4; c++) {
                    float scale0 = d * (int) ((scales >>> (16 * c)) & 0xFF);
                    float min0 = dmin * (int) ((mins >>> (16 * c)) & 0xFF);
                    float scale1 = d * (int) ((scales >>> (16 * c + 8)) & 0xFF);
                    float min1 = dmin * (int) ((mins >>> (16 * c + 8)) & 0xFF);
                    for (int g = 0; g < 32; g += BL) {
                        ByteVector packed = ByteVector.fromMemorySegment(B, w, at + Q4K_NIBBLES + 32L * c + g, LE);
                        for (int p = 0; p < PARTS; p++) {
                            IntVector q = PARTS == 1 ? (IntVector) packed.convertShape(ZERO_EXTEND_B2I, I, 0) : ((IntVector) packed.convertShape(B2I, I, p)).and(0xFF);
                            int e = ob + 64 * c + g + p * L;
                            ((FloatVector) q.and(0xF).convert(I2F, 0)).mul(scale0).sub(min0).intoArray(out, e);
                            ((FloatVector) q.lanewise(LSHR, 4).convert(I2F, 0)).mul(scale1).sub(min1).intoArray(out, e + 32);
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

        /**
         * As Q4_K with the fifth bit of every code from the 32 high-bit bytes (bit 2c + k for chunk c, nibble k):
         * per sub-block d·sc·Σq·x − dmin·m·Σx, the scales and mins widened eight at a time by
         * {@link #subBlockScales}.
         */
        @Override
        public void matvec(MemorySegment w, long rowBytes, float[] x, float[] out, int fromRow, int toRow, int n) {
            int nb = blocks(GgmlType.Q5_K, n);
            checkMatvec(w, rowBytes, x, out, fromRow, toRow, n);
            float[] sums = groupSums(x, n, 32);
            float[] scales = SCALES.get();
            for (int r = fromRow; r < toRow; r++) {
                long at = r * rowBytes;
                FloatVector acc0 = FloatVector.zero(F);
                FloatVector acc1 = FloatVector.zero(F);
                FloatVector mins = FloatVector.zero(F8);
                for (int b = 0; b < nb; b++, at += 176) {
                    int xb = 256 * b;
                    mins = subBlockScales(w, at, sums, 8 * b, scales, mins);
                    for (int c = 0; c < 4; c++) {
                        FloatVector block0 = FloatVector.zero(F);
                        FloatVector block1 = FloatVector.zero(F);
                        for (int g = 0; g < 32; g += BL) {
                            ByteVector packed = ByteVector.fromMemorySegment(B, w, at + Q5K_LOW_NIBBLES + 32L * c + g, LE);
                            ByteVector highBits = ByteVector.fromMemorySegment(B, w, at + Q5K_HIGH_BITS + g, LE);
                            for (int p = 0; p < PARTS; p++) {
                                IntVector q = (PARTS == 1 ? (IntVector) packed.convertShape(ZERO_EXTEND_B2I, I, 0) : ((IntVector) packed.convertShape(B2I, I, p)).and(0xFF));
                                IntVector h = ((IntVector) highBits.convertShape(B2I, I, p)).and(0xFF).lanewise(LSHR, 2 * c);
                                int e = xb + 64 * c + g + p * L;
                                block0 = ((FloatVector) q.and(0xF).or(h.and(1).lanewise(LSHL, 4)).convert(I2F, 0)).fma(FloatVector.fromArray(F, x, e), block0);
                                block1 = ((FloatVector) q.lanewise(LSHR, 4).or(h.and(2).lanewise(LSHL, 3)).convert(I2F, 0)).fma(FloatVector.fromArray(F, x, e + 32), block1);
                            }
                        }
                        acc0 = block0.fma(FloatVector.broadcast(F, scales[2 * c]), acc0);
                        acc1 = block1.fma(FloatVector.broadcast(F, scales[2 * c + 1]), acc1);
                    }
                }
                out[r] = acc0.add(acc1).reduceLanes(VectorOperators.ADD) - mins.reduceLanes(VectorOperators.ADD);
            }
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
                            // written out rather than through code5: this loop is deep enough that C2 leaves the
                            // helper a call, and every vector it returned was boxed (12 bytes allocated per weight)
                            IntVector q = ((IntVector) packed.convertShape(B2I, I, p)).and(0xFF);
                            IntVector h = ((IntVector) highBits.convertShape(B2I, I, p)).and(0xFF).lanewise(LSHR, 2 * c);
                            int e = ob + 64 * c + g + p * L;
                            ((FloatVector) q.and(0xF).or(h.and(1).lanewise(LSHL, 4)).convert(I2F, 0)).mul(scale0).sub(min0).intoArray(out, e);
                            ((FloatVector) q.lanewise(LSHR, 4).or(h.and(2).lanewise(LSHL, 3)).convert(I2F, 0)).mul(scale1).sub(min1).intoArray(out, e + 32);
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

        /**
         * Unsigned 6-bit codes in the inner loop: d·sc·Σ(q−32)·x = d·sc·Σq·x − 32·d·sc·Σx per 16-element sub-block,
         * the second term a scalar with the group sums of x; the 16 scales read as two words.
         */
        @Override
        public void matvec(MemorySegment w, long rowBytes, float[] x, float[] out, int fromRow, int toRow, int n) {
            int nb = blocks(GgmlType.Q6_K, n);
            checkMatvec(w, rowBytes, x, out, fromRow, toRow, n);
            float[] sums = groupSums(x, n, 16);
            float[] scales = Q6_SCALES.get();
            for (int r = fromRow; r < toRow; r++) {
                long at = r * rowBytes;
                FloatVector acc0 = FloatVector.zero(F);
                FloatVector acc1 = FloatVector.zero(F);
                FloatVector offsets = FloatVector.zero(F8);
                for (int b = 0; b < nb; b++, at += 210) {
                    int xb = 256 * b;
                    float d = f16(w, at + Q6K_D);
                    // the 16 signed scale bytes widened eight at a time, times d; their products with the group sums
                    // of x gather in a vector reduced once per row
                    ByteVector scaleBytes = ByteVector.fromMemorySegment(ByteVector.SPECIES_128, w, at + Q6K_SCALES, LE);
                    FloatVector firstScales = ((FloatVector) scaleBytes.convertShape(B2F, F8, 0)).mul(d);
                    FloatVector lastScales = ((FloatVector) scaleBytes.convertShape(B2F, F8, 1)).mul(d);
                    firstScales.intoArray(scales, 0);
                    lastScales.intoArray(scales, 8);
                    offsets = firstScales.fma(FloatVector.fromArray(F8, sums, 16 * b), offsets);
                    offsets = lastScales.fma(FloatVector.fromArray(F8, sums, 16 * b + 8), offsets);
                    // One flat loop over both 128-element halves, every vector operation written out: this body
                    // is big enough that C2 stops inlining small helpers, and a helper returning a vector boxes it.
                    for (int i = 0; i < 64; i += BL) {
                        int half = i / 32;
                        int g = i % 32;
                        long low = at + 64L * half + g;
                        ByteVector lowA = ByteVector.fromMemorySegment(B, w, low, LE);
                        ByteVector lowB = ByteVector.fromMemorySegment(B, w, low + 32, LE);
                        ByteVector highBits = ByteVector.fromMemorySegment(B, w, at + Q6K_HIGH_BITS + 32L * half + g, LE);
                        for (int p = 0; p < PARTS; p++) {
                            IntVector a = ((IntVector) lowA.convertShape(B2I, I, p)).and(0xFF);
                            IntVector bq = ((IntVector) lowB.convertShape(B2I, I, p)).and(0xFF);
                            IntVector h = ((IntVector) highBits.convertShape(B2I, I, p)).and(0xFF);
                            int e = xb + 128 * half + g + p * L;
                            // element e + 32k has scale (g + pL) / 16 + 2k of this half
                            int scale = 8 * half + (g + p * L) / 16;
                            FloatVector q0 = (FloatVector) (a.and(0xF).or(h.lanewise(LSHL, 4).and(0x30))).convert(I2F, 0);
                            FloatVector q1 = (FloatVector) (bq.and(0xF).or(h.lanewise(LSHL, 2).and(0x30))).convert(I2F, 0);
                            FloatVector q2 = (FloatVector) (a.lanewise(LSHR, 4).or(h.and(0x30))).convert(I2F, 0);
                            FloatVector q3 = (FloatVector) (bq.lanewise(LSHR, 4).or(h.lanewise(LSHR, 2).and(0x30))).convert(I2F, 0);
                            acc0 = q0.mul(FloatVector.fromArray(F, x, e)).fma(FloatVector.broadcast(F, scales[scale]), acc0);
                            acc1 = q1.mul(FloatVector.fromArray(F, x, e + 32)).fma(FloatVector.broadcast(F, scales[scale + 2]), acc1);
                            acc0 = q2.mul(FloatVector.fromArray(F, x, e + 64)).fma(FloatVector.broadcast(F, scales[scale + 4]), acc0);
                            acc1 = q3.mul(FloatVector.fromArray(F, x, e + 96)).fma(FloatVector.broadcast(F, scales[scale + 6]), acc1);
                        }
                    }
                }
                out[r] = acc0.add(acc1).reduceLanes(VectorOperators.ADD) - 32 * offsets.reduceLanes(VectorOperators.ADD);
            }
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
