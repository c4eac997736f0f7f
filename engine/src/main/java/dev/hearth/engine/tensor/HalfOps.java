package dev.hearth.engine.tensor;

/**
 * Conversions between floats and IEEE half-precision bits in {@code short[]}, as the KV cache keeps them: half
 * the memory of F32 and half the bytes to read per attention step, at the precision llama.cpp's cache has too.
 *
 * <p>Plain loops on purpose: HotSpot compiles {@link Float#floatToFloat16} and {@link Float#float16ToFloat} to the
 * CPU's conversion instructions and vectorizes these loops (64K values convert in a few microseconds). A Vector API
 * version built from a helper returning vectors was measured twice as slow in prefill: where C2 did not inline the
 * helper, every vector it returned was allocated. Lengths and offsets are checked by the array accesses themselves
 * ({@link IndexOutOfBoundsException}).
 */
public final class HalfOps {

    private HalfOps() {
    }

    /** dst = half(src), rounded to nearest even; beyond ±65504 a value becomes ±infinity. */
    public static void store(float[] src, int srcOff, short[] dst, int dstOff, int n) {
        for (int i = 0; i < n; i++) {
            dst[dstOff + i] = Float.floatToFloat16(src[srcOff + i]);
        }
    }

    /** dst = float(src), exactly. */
    public static void load(short[] src, int srcOff, float[] dst, int dstOff, int n) {
        for (int i = 0; i < n; i++) {
            dst[dstOff + i] = Float.float16ToFloat(src[srcOff + i]);
        }
    }
}
