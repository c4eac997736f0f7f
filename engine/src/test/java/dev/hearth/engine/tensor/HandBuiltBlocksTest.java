package dev.hearth.engine.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.MemorySegment;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Blocks written byte by byte from ggml's layout, with values worked out by hand, so that a mistake shared by the
 * quantizer and the decoder cannot cancel out. Every expectation is checked on both kernels.
 */
class HandBuiltBlocksTest {

    private static final short ONE = 0x3C00;
    private static final short HALF = 0x3800;
    private static final short QUARTER = 0x3400;
    private static final short TWO = 0x4000;

    private static float[] decode(GgmlType type, byte[] block, RowKernel kernel) {
        float[] out = new float[type.blockSize()];
        kernel.dequantize(MemorySegment.ofArray(block), 0, out, 0, type.blockSize());
        return out;
    }

    private static void assertElements(GgmlType type, byte[] block, int[] elements, float[] expected) {
        for (RowKernel kernel : List.of(Kernels.reference(type), Kernels.vector(type))) {
            float[] decoded = decode(type, block, kernel);
            for (int i = 0; i < elements.length; i++) {
                assertEquals(expected[i], decoded[elements[i]], type + " element " + elements[i] + " via " + kernel.getClass().getSimpleName());
            }
        }
    }

    private static void putShort(byte[] b, int at, short v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >> 8);
    }

    @Test
    void plainFloatTypesDecodeKnownBitPatterns() {
        byte[] f16 = {0x00, 0x3C, 0x00, (byte) 0xC0, 0x01, 0x00, (byte) 0xFF, 0x7B, 0x00, 0x7C, 0x00, (byte) 0x80};
        float[] expected = {1f, -2f, 0x1p-24f, 65504f, Float.POSITIVE_INFINITY, -0f};
        for (RowKernel kernel : List.of(Kernels.reference(GgmlType.F16), Kernels.vector(GgmlType.F16))) {
            float[] out = new float[6];
            kernel.dequantize(MemorySegment.ofArray(f16), 0, out, 0, 6);
            for (int i = 0; i < 6; i++) {
                assertEquals(expected[i], out[i], "F16 element " + i);
            }
        }
        byte[] bf16 = {(byte) 0x80, 0x3F, 0x40, (byte) 0xC0};
        byte[] f32 = {0x00, 0x00, (byte) 0xC0, 0x3F};
        for (RowKernel kernel : List.of(Kernels.reference(GgmlType.BF16), Kernels.vector(GgmlType.BF16))) {
            float[] out = new float[2];
            kernel.dequantize(MemorySegment.ofArray(bf16), 0, out, 0, 2);
            assertEquals(1f, out[0]);
            assertEquals(-3f, out[1]);
        }
        assertEquals(1.5f, decode(GgmlType.F32, f32, Kernels.vector(GgmlType.F32))[0]);
    }

    @Test
    void q8_0IsScaleTimesSignedByte() {
        byte[] block = new byte[34];
        putShort(block, 0, HALF);
        for (int i = 0; i < 32; i++) {
            block[2 + i] = (byte) (i * 8 - 128);
        }
        assertElements(GgmlType.Q8_0, block, new int[] {0, 16, 31}, new float[] {-64f, 0f, 60f});
    }

    @Test
    void q4_0KeepsFirstHalfInLowNibblesAndSecondHalfInHighNibbles() {
        byte[] block = new byte[18];
        putShort(block, 0, TWO);
        for (int j = 0; j < 16; j++) {
            block[2 + j] = (byte) (j | (15 - j) << 4);
        }
        // element j: 2·(j − 8); element 16 + j: 2·(15 − j − 8)
        assertElements(GgmlType.Q4_0, block, new int[] {0, 9, 15, 16, 20, 31}, new float[] {-16f, 2f, 14f, 14f, 6f, -16f});
    }

    /**
     * Sub-block scales {3, 17, 40, 63, 5, 33, 48, 62} and mins {0, 9, 31, 63, 7, 20, 51, 16}, packed as
     * get_scale_min_k4 reads them: bytes 0..3 = scale j | (high 2 bits of scale j+4) << 6, bytes 4..7 = min j | (high
     * 2 bits of min j+4) << 6, bytes 8..11 = low 4 bits of scale j+4 | low 4 bits of min j+4 << 4.
     */
    private static final byte[] K_SCALES = {
        0x03, (byte) 0x91, (byte) 0xE8, (byte) 0xFF,
        0x00, 0x49, (byte) 0xDF, 0x7F,
        0x75, 0x41, 0x30, 0x0E};

    /** Nibble byte i = (i mod 16) | ((i / 8) mod 16) << 4: a distinct pattern per byte position. */
    private static byte nibbles(int i) {
        return (byte) ((i % 16) | ((i / 8) % 16) << 4);
    }

    @Test
    void q4KDecodesAllEightPackedScalesAndMins() {
        byte[] block = new byte[144];
        putShort(block, 0, ONE);
        putShort(block, 2, HALF);
        System.arraycopy(K_SCALES, 0, block, 4, 12);
        for (int i = 0; i < 128; i++) {
            block[16 + i] = nibbles(i);
        }
        // x = 1·scale·q − 0.5·min. Element 33: sub 1, high nibble of byte 1 = 0 → −4.5. Element 130: sub 4, low nibble
        // of byte 66 = 2 → 5·2 − 3.5. Element 170: sub 5, high nibble of byte 74 = 9 → 33·9 − 10. Element 200: sub 6,
        // low nibble of byte 104 = 8 → 48·8 − 25.5. Element 255: sub 7, high nibble of byte 127 = 15 → 62·15 − 8.
        // Element 100: sub 3, high nibble of byte 36 = 4 → 63·4 − 31.5.
        assertElements(GgmlType.Q4_K, block, new int[] {0, 33, 100, 130, 170, 200, 255},
                new float[] {0f, -4.5f, 220.5f, 6.5f, 287f, 358.5f, 922f});
    }

    @Test
    void q5KAddsTheFifthBitFromTheHighBitBytes() {
        byte[] block = new byte[176];
        putShort(block, 0, ONE);
        putShort(block, 2, HALF);
        System.arraycopy(K_SCALES, 0, block, 4, 12);
        for (int l = 0; l < 32; l++) {
            block[16 + l] = (byte) (1 << (l % 8));
        }
        for (int i = 0; i < 128; i++) {
            block[48 + i] = nibbles(i);
        }
        // Element of sub-block s at position l gets +16 when l mod 8 = s.
        // 33: sub 1, l 1 → (0 + 16)·17 − 4.5. 132: sub 4, l 4, low nibble of byte 68 = 4 → (4 + 16)·5 − 3.5.
        // 173: sub 5, l 13, high nibble of byte 77 = 9 → (9 + 16)·33 − 10. 200: sub 6, l 8 → no fifth bit → 358.5.
        // 255: sub 7, l 31 → (15 + 16)·62 − 8.
        assertElements(GgmlType.Q5_K, block, new int[] {33, 132, 173, 200, 255},
                new float[] {267.5f, 96.5f, 815f, 358.5f, 1914f});
    }

    @Test
    void q6KCombinesLowNibblesHighBitPairsAndSignedScales() {
        byte[] block = new byte[210];
        for (int i = 0; i < 128; i++) {
            block[i] = (byte) i;
        }
        for (int i = 0; i < 64; i++) {
            block[128 + i] = (byte) (i * 37);
        }
        for (int j = 0; j < 16; j++) {
            block[192 + j] = (byte) (j % 2 == 0 ? j + 1 : -(j + 1));
        }
        putShort(block, 208, QUARTER);
        // x = 0.25·scale[e/16]·(q − 32), q = low 4 bits | 2 high bits << 4.
        // 1: low nibble of ql[1] = 1, bits 0-1 of qh[1]=37 → 1 → q 17, scale 1 → −3.75.
        // 45: low nibble of ql[45] = 13, bits 2-3 of qh[13]=225 → 0 → q 13, scale 3 → −14.25.
        // 69: high nibble of ql[5] = 0, bits 4-5 of qh[5]=185 → 3 → q 48, scale 5 → 20.
        // 97: high nibble of ql[33] = 2, bits 6-7 of qh[1] → 0 → q 2, scale 7 → −52.5.
        // 200: high nibble of ql[72] = 4, bits 4-5 of qh[40]=200 → 0 → q 4, scale 13 → −91.
        // 224: high nibble of ql[96] = 6, bits 6-7 of qh[32]=160 → 2 → q 38, scale 15 → 22.5.
        // 255: high nibble of ql[127] = 7, bits 6-7 of qh[63]=27 → 0 → q 7, scale −16 → 100.
        assertElements(GgmlType.Q6_K, block, new int[] {0, 1, 45, 69, 97, 200, 224, 255},
                new float[] {-8f, -3.75f, -14.25f, 20f, -52.5f, -91f, 22.5f, 100f});
    }
}
