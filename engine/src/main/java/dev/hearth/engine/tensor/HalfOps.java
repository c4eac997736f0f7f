package dev.hearth.engine.tensor;

import static dev.hearth.engine.tensor.VectorKernels.F;
import static dev.hearth.engine.tensor.VectorKernels.I;
import static dev.hearth.engine.tensor.VectorKernels.L;
import static dev.hearth.engine.tensor.VectorKernels.S;
import static dev.hearth.engine.tensor.VectorKernels.halfToFloat;
import static jdk.incubator.vector.VectorOperators.S2I;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Float math against values stored as IEEE half-precision bits in {@code short[]}, as the KV cache keeps them:
 * half the memory and half the bytes to read per attention step, at the precision llama.cpp's cache has too.
 * {@link Reference} holds the scalar twins. Lengths and offsets are checked by the array accesses themselves
 * ({@link IndexOutOfBoundsException}).
 */
public final class HalfOps {

    private HalfOps() {
    }

    /**
     * dst = half(src), rounded to nearest even; beyond ±65504 a value becomes ±infinity. A plain loop on purpose:
     * HotSpot compiles {@link Float#floatToFloat16} to the CPU's conversion instruction and vectorizes the loop.
     */
    public static void store(float[] src, int srcOff, short[] dst, int dstOff, int n) {
        for (int i = 0; i < n; i++) {
            dst[dstOff + i] = Float.floatToFloat16(src[srcOff + i]);
        }
    }

    /** Σ a[i] · float(h[i]) */
    public static float dot(float[] a, int aOff, short[] h, int hOff, int n) {
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = FloatVector.zero(F);
        int i = 0;
        for (; i <= n - 2 * L; i += 2 * L) {
            acc0 = load(h, hOff + i).fma(FloatVector.fromArray(F, a, aOff + i), acc0);
            acc1 = load(h, hOff + i + L).fma(FloatVector.fromArray(F, a, aOff + i + L), acc1);
        }
        for (; i <= n - L; i += L) {
            acc0 = load(h, hOff + i).fma(FloatVector.fromArray(F, a, aOff + i), acc0);
        }
        float sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            sum += a[aOff + i] * Float.float16ToFloat(h[hOff + i]);
        }
        return sum;
    }

    /** y += a · float(x) */
    public static void axpy(float a, short[] x, int xOff, float[] y, int yOff, int n) {
        FloatVector av = FloatVector.broadcast(F, a);
        int i = 0;
        for (; i <= n - L; i += L) {
            load(x, xOff + i).fma(av, FloatVector.fromArray(F, y, yOff + i)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] = Math.fma(a, Float.float16ToFloat(x[xOff + i]), y[yOff + i]);
        }
    }

    private static FloatVector load(short[] h, int at) {
        return halfToFloat((IntVector) ShortVector.fromArray(S, h, at).convertShape(S2I, I, 0));
    }

    /** Scalar twins of {@link HalfOps}: the definitions the vector versions must agree with. */
    static final class Reference {

        private Reference() {
        }

        static float dot(float[] a, int aOff, short[] h, int hOff, int n) {
            double sum = 0;
            for (int i = 0; i < n; i++) {
                sum += (double) a[aOff + i] * Float.float16ToFloat(h[hOff + i]);
            }
            return (float) sum;
        }

        static void axpy(float a, short[] x, int xOff, float[] y, int yOff, int n) {
            for (int i = 0; i < n; i++) {
                y[yOff + i] = Math.fma(a, Float.float16ToFloat(x[xOff + i]), y[yOff + i]);
            }
        }
    }
}
