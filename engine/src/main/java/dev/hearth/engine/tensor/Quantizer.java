package dev.hearth.engine.tensor;

import static dev.hearth.engine.tensor.BlockLayout.K_SCALES;
import static dev.hearth.engine.tensor.BlockLayout.Q4K_NIBBLES;
import static dev.hearth.engine.tensor.BlockLayout.Q5K_HIGH_BITS;
import static dev.hearth.engine.tensor.BlockLayout.Q5K_LOW_NIBBLES;
import static dev.hearth.engine.tensor.BlockLayout.Q6K_D;
import static dev.hearth.engine.tensor.BlockLayout.Q6K_HIGH_BITS;
import static dev.hearth.engine.tensor.BlockLayout.Q6K_SCALES;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;

/**
 * Float → GGUF bytes for every type, used to write test models. Follows the approach of ggml's reference quantizers
 * (per-block scale from the largest magnitude; for K-quants a weighted least-squares search for each sub-block's scale
 * and min, then 6-bit codes for those relative to the block's fp16 super-scales). Unlike ggml, every integer code is
 * chosen against the scales as they are finally stored (after fp16 and 6-bit rounding), so the decoded value is the
 * nearest grid point the stored block can express.
 */
public final class Quantizer {

    private Quantizer() {
    }

    /**
     * Writes {@code src[srcOffset..srcOffset+n)} as {@code type} at {@code dst[dstOffset..]}.
     *
     * @throws IllegalArgumentException when {@code n} is not a multiple of the block size, {@code dst} is too small, a
     *                                  quantized type meets a non-finite value, or a block's scale overflows fp16
     */
    public static void quantize(GgmlType type, float[] src, int srcOffset, int n, MemorySegment dst, long dstOffset) {
        Objects.requireNonNull(type, "type");
        long bytes = type.bytesFor(n);
        Objects.checkFromIndexSize(srcOffset, n, src.length);
        if (dstOffset < 0 || dstOffset > dst.byteSize() - bytes) {
            throw new IllegalArgumentException(n + " elements of " + type + " take " + bytes + " bytes at offset "
                    + dstOffset + ", but the destination holds " + dst.byteSize());
        }
        byte[] block = new byte[type.blockBytes()];
        for (int b = 0; b < n / type.blockSize(); b++) {
            int from = srcOffset + b * type.blockSize();
            if (type.blockSize() > 1) {
                requireFinite(type, src, from);
            }
            switch (type) {
                case F32 -> putFloat(block, 0, src[from]);
                case F16 -> putShort(block, 0, Float.floatToFloat16(src[from]));
                case BF16 -> putShort(block, 0, toBf16(src[from]));
                case Q8_0 -> q8_0(src, from, block);
                case Q4_0 -> q4_0(src, from, block);
                case Q4_K -> q4K(src, from, block);
                case Q5_K -> q5K(src, from, block);
                case Q6_K -> q6K(src, from, block);
            }
            MemorySegment.copy(block, 0, dst, ValueLayout.JAVA_BYTE, dstOffset + (long) b * block.length, block.length);
        }
    }

    /** {@code src[srcOffset..srcOffset+n)} as a fresh array of {@code type} bytes. */
    public static byte[] quantize(GgmlType type, float[] src, int srcOffset, int n) {
        byte[] out = new byte[Math.toIntExact(type.bytesFor(n))];
        quantize(type, src, srcOffset, n, MemorySegment.ofArray(out), 0);
        return out;
    }

    /** fp32 → bf16 with round-to-nearest-even; NaNs stay (quiet) NaNs. */
    static short toBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) {
            return (short) ((bits >>> 16) | 0x40);
        }
        return (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16);
    }

    private static void requireFinite(GgmlType type, float[] src, int from) {
        for (int i = from; i < from + type.blockSize(); i++) {
            if (!Float.isFinite(src[i])) {
                throw new IllegalArgumentException(type + " cannot hold the non-finite value " + src[i] + " at element " + i);
            }
        }
    }

    /** Stores {@code scale} as fp16 at {@code at} and returns the value a reader will see. */
    private static float putScale(byte[] block, int at, float scale, GgmlType type, int from) {
        // An all-zero block gives −0 from extreme / −8; store +0 so it decodes to +0 like the input.
        short half = Float.floatToFloat16(scale == 0 ? 0f : scale);
        float stored = Float.float16ToFloat(half);
        if (Float.isInfinite(stored)) {
            throw new IllegalArgumentException(type + " block at element " + from + " needs a scale of " + scale
                    + ", beyond fp16's range (values too large for this format)");
        }
        putShort(block, at, half);
        return stored;
    }

    private static void q8_0(float[] x, int from, byte[] block) {
        float amax = 0;
        for (int i = 0; i < 32; i++) {
            amax = Math.max(amax, Math.abs(x[from + i]));
        }
        float d = putScale(block, 0, amax / 127, GgmlType.Q8_0, from);
        for (int i = 0; i < 32; i++) {
            int q = d == 0 ? 0 : Math.round(x[from + i] / d);
            block[2 + i] = (byte) Math.clamp(q, -127, 127);
        }
    }

    private static void q4_0(float[] x, int from, byte[] block) {
        // The value of largest magnitude maps to code 0 (−8·d), the end of the asymmetric range [−8, 7] that has room.
        float extreme = 0;
        for (int i = 0; i < 32; i++) {
            if (Math.abs(x[from + i]) > Math.abs(extreme)) {
                extreme = x[from + i];
            }
        }
        float d = putScale(block, 0, extreme / -8, GgmlType.Q4_0, from);
        for (int i = 0; i < 16; i++) {
            block[2 + i] = (byte) (code4(x[from + i], d) | code4(x[from + i + 16], d) << 4);
        }
    }

    private static int code4(float v, float d) {
        return d == 0 ? 8 : Math.clamp(Math.round(v / d) + 8, 0, 15);
    }

    /** A sub-block fit x ≈ scale·q − min with q in 0..nmax and min ≥ 0. */
    private record ScaleMin(float scale, float min) {
    }

    /**
     * Weighted least-squares fit of a scale and min for {@code n} values: try a few grid densities around
     * nmax/(max−min), assign codes, solve the 2×2 normal equations for that assignment, keep the lowest weighted error.
     * Weights favour large magnitudes (rms + |x|), as ggml does, since those dominate dot products.
     */
    private static ScaleMin fitScaleMin(float[] x, int from, int n, int nmax, float rmin, float rdelta, int nstep) {
        float lo = x[from];
        float hi = x[from];
        double sumSquares = 0;
        for (int i = from; i < from + n; i++) {
            lo = Math.min(lo, x[i]);
            hi = Math.max(hi, x[i]);
            sumSquares += (double) x[i] * x[i];
        }
        lo = Math.min(lo, 0);
        if (hi == lo) {
            return new ScaleMin(0, -lo);
        }
        float rms = (float) Math.sqrt(sumSquares / n);
        float bestScale = (hi - lo) / nmax;
        float bestMin = lo;
        double bestError = fitError(x, from, n, nmax, nmax / (hi - lo), lo, bestScale, lo, rms);
        for (int step = 0; step <= nstep; step++) {
            float iscale = (rmin + rdelta * step + nmax) / (hi - lo);
            double sw = 0;
            double sl = 0;
            double sl2 = 0;
            double sx = 0;
            double sxl = 0;
            for (int i = from; i < from + n; i++) {
                int l = Math.clamp(Math.round(iscale * (x[i] - lo)), 0, nmax);
                float w = rms + Math.abs(x[i]);
                sw += w;
                sl += w * l;
                sl2 += w * l * l;
                sx += w * x[i];
                sxl += w * l * x[i];
            }
            double det = sw * sl2 - sl * sl;
            if (det <= 0) {
                continue;
            }
            float scale = (float) ((sw * sxl - sx * sl) / det);
            float min = (float) ((sl2 * sx - sl * sxl) / det);
            if (min > 0) {
                min = 0;
                scale = (float) (sxl / sl2);
            }
            double error = fitError(x, from, n, nmax, iscale, lo, scale, min, rms);
            if (error < bestError) {
                bestError = error;
                bestScale = scale;
                bestMin = min;
            }
        }
        return new ScaleMin(Math.max(bestScale, 0), -bestMin);
    }

    /** Weighted squared error of codes assigned with {@code iscale} from {@code lo}, decoded as scale·l + min. */
    private static double fitError(float[] x, int from, int n, int nmax, float iscale, float lo, float scale, float min, float rms) {
        double error = 0;
        for (int i = from; i < from + n; i++) {
            int l = Math.clamp(Math.round(iscale * (x[i] - lo)), 0, nmax);
            double diff = scale * l + min - x[i];
            error += (rms + Math.abs(x[i])) * diff * diff;
        }
        return error;
    }

    /**
     * Shared by Q4_K and Q5_K: fits the 8 sub-blocks, stores d, dmin and the packed 6-bit scales/mins, and returns the
     * codes (0..nmax) of the 256 elements chosen against the stored values.
     */
    private static int[] kCodes(float[] x, int from, byte[] block, int nmax, float rmin, int nstep, GgmlType type) {
        ScaleMin[] fits = new ScaleMin[8];
        float maxScale = 0;
        float maxMin = 0;
        for (int j = 0; j < 8; j++) {
            fits[j] = fitScaleMin(x, from + 32 * j, 32, nmax, rmin, 0.1f, nstep);
            maxScale = Math.max(maxScale, fits[j].scale());
            maxMin = Math.max(maxMin, fits[j].min());
        }
        float d = putScale(block, 0, maxScale / 63, type, from);
        float dmin = putScale(block, 2, maxMin / 63, type, from);
        int[] scales = new int[8];
        int[] mins = new int[8];
        for (int j = 0; j < 8; j++) {
            scales[j] = d == 0 ? 0 : Math.clamp(Math.round(fits[j].scale() / d), 0, 63);
            mins[j] = dmin == 0 ? 0 : Math.clamp(Math.round(fits[j].min() / dmin), 0, 63);
        }
        packKScales(block, scales, mins);
        int[] codes = new int[256];
        for (int j = 0; j < 8; j++) {
            float scale = d * scales[j];
            float min = dmin * mins[j];
            for (int i = 0; i < 32; i++) {
                codes[32 * j + i] = scale == 0 ? 0 : Math.clamp(Math.round((x[from + 32 * j + i] + min) / scale), 0, nmax);
            }
        }
        return codes;
    }

    /** The inverse of {@link BlockLayout#kScale}/{@link BlockLayout#kMin}. */
    static void packKScales(byte[] block, int[] scales, int[] mins) {
        for (int j = 0; j < 4; j++) {
            block[K_SCALES + j] = (byte) (scales[j] | (scales[j + 4] >>> 4) << 6);
            block[K_SCALES + j + 4] = (byte) (mins[j] | (mins[j + 4] >>> 4) << 6);
            block[K_SCALES + j + 8] = (byte) ((scales[j + 4] & 0xF) | (mins[j + 4] & 0xF) << 4);
        }
    }

    private static void q4K(float[] x, int from, byte[] block) {
        int[] codes = kCodes(x, from, block, 15, -1f, 20, GgmlType.Q4_K);
        for (int c = 0; c < 4; c++) {
            for (int l = 0; l < 32; l++) {
                block[Q4K_NIBBLES + 32 * c + l] = (byte) (codes[64 * c + l] | codes[64 * c + 32 + l] << 4);
            }
        }
    }

    private static void q5K(float[] x, int from, byte[] block) {
        int[] codes = kCodes(x, from, block, 31, -0.5f, 15, GgmlType.Q5_K);
        for (int l = 0; l < 32; l++) {
            int high = 0;
            for (int sub = 0; sub < 8; sub++) {
                high |= (codes[32 * sub + l] >>> 4) << sub;
            }
            block[Q5K_HIGH_BITS + l] = (byte) high;
        }
        for (int c = 0; c < 4; c++) {
            for (int l = 0; l < 32; l++) {
                block[Q5K_LOW_NIBBLES + 32 * c + l] = (byte) ((codes[64 * c + l] & 0xF) | (codes[64 * c + 32 + l] & 0xF) << 4);
            }
        }
    }

    /**
     * Signed scale for 16 values with codes in −32..31, fitted with x²-weighted least squares over grids slightly denser
     * and sparser than the one mapping the largest magnitude to −32.
     */
    private static float fitSignedScale(float[] x, int from) {
        float extreme = 0;
        for (int i = from; i < from + 16; i++) {
            if (Math.abs(x[i]) > Math.abs(extreme)) {
                extreme = x[i];
            }
        }
        if (extreme == 0) {
            return 0;
        }
        float bestScale = extreme / -32;
        double bestScore = -1;
        for (int step = -9; step <= 9; step++) {
            float iscale = -(32 + 0.1f * step) / extreme;
            double sxl = 0;
            double sl2 = 0;
            for (int i = from; i < from + 16; i++) {
                int l = Math.clamp(Math.round(iscale * x[i]), -32, 31);
                double w = (double) x[i] * x[i];
                sxl += w * x[i] * l;
                sl2 += w * l * l;
            }
            // For codes fixed, the best scale is sxl/sl2 and the error drops by sxl²/sl2: maximise that.
            if (sl2 > 0 && sxl * sxl / sl2 > bestScore) {
                bestScore = sxl * sxl / sl2;
                bestScale = (float) (sxl / sl2);
            }
        }
        return bestScale;
    }

    private static void q6K(float[] x, int from, byte[] block) {
        float[] scales = new float[16];
        float extreme = 0;
        for (int j = 0; j < 16; j++) {
            scales[j] = fitSignedScale(x, from + 16 * j);
            if (Math.abs(scales[j]) > Math.abs(extreme)) {
                extreme = scales[j];
            }
        }
        float d = putScale(block, Q6K_D, extreme / -128, GgmlType.Q6_K, from);
        int[] codes = new int[256];
        for (int j = 0; j < 16; j++) {
            int sc = d == 0 ? 0 : Math.clamp(Math.round(scales[j] / d), -128, 127);
            block[Q6K_SCALES + j] = (byte) sc;
            float step = d * sc;
            for (int i = 0; i < 16; i++) {
                codes[16 * j + i] = step == 0 ? 32 : Math.clamp(Math.round(x[from + 16 * j + i] / step), -32, 31) + 32;
            }
        }
        for (int half = 0; half < 2; half++) {
            for (int l = 0; l < 32; l++) {
                int e = 128 * half + l;
                int q0 = codes[e];
                int q1 = codes[e + 32];
                int q2 = codes[e + 64];
                int q3 = codes[e + 96];
                block[64 * half + l] = (byte) ((q0 & 0xF) | (q2 & 0xF) << 4);
                block[64 * half + 32 + l] = (byte) ((q1 & 0xF) | (q3 & 0xF) << 4);
                block[Q6K_HIGH_BITS + 32 * half + l] = (byte) ((q0 >>> 4) | (q1 >>> 4) << 2 | (q2 >>> 4) << 4 | (q3 >>> 4) << 6);
            }
        }
    }

    private static void putShort(byte[] b, int at, short v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >>> 8);
    }

    private static void putFloat(byte[] b, int at, float f) {
        int bits = Float.floatToRawIntBits(f);
        for (int i = 0; i < 4; i++) {
            b[at + i] = (byte) (bits >>> (8 * i));
        }
    }
}
