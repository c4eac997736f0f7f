package dev.hearth.engine.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** Byte-level facts of the GGUF block formats shared by the kernels and the quantizer. */
final class BlockLayout {

    static final ValueLayout.OfShort LE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt LE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfLong LE_LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfFloat LE_FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Q4_K / Q5_K: offset of the 12 packed scale bytes, after the fp16 d and dmin. */
    static final int K_SCALES = 4;
    /** Q5_K: offset of the 32 bytes holding the fifth bit of every element. */
    static final int Q5K_HIGH_BITS = 16;
    /** Q5_K: offset of the 128 bytes of low nibbles. */
    static final int Q5K_LOW_NIBBLES = 48;
    /** Q4_K: offset of the 128 bytes of nibbles. */
    static final int Q4K_NIBBLES = 16;
    /** Q6_K: the 128 bytes of low nibbles come first, then 64 bytes of high 2-bit pairs, 16 int8 scales, fp16 d. */
    static final int Q6K_HIGH_BITS = 128;
    static final int Q6K_SCALES = 192;
    static final int Q6K_D = 208;

    private BlockLayout() {
    }

    static float f16(MemorySegment s, long offset) {
        return Float.float16ToFloat(s.get(LE_SHORT, offset));
    }

    static int u8(MemorySegment s, long offset) {
        return s.get(ValueLayout.JAVA_BYTE, offset) & 0xFF;
    }

    /**
     * The 6-bit scale of sub-block {@code j} (0..7) of a Q4_K/Q5_K block. Sub-blocks 0..3 keep theirs in the low 6 bits
     * of bytes 0..3; sub-blocks 4..7 split theirs: low 4 bits in the low nibble of byte j+4, high 2 bits in the top
     * bits of byte j-4.
     */
    static int kScale(MemorySegment s, long scales, int j) {
        if (j < 4) {
            return u8(s, scales + j) & 63;
        }
        return (u8(s, scales + j + 4) & 0xF) | ((u8(s, scales + j - 4) >>> 6) << 4);
    }

    /**
     * The 6-bit min of sub-block {@code j} (0..7): for 0..3 the low 6 bits of bytes 4..7; for 4..7 the high nibble of
     * byte j+4 and the top 2 bits of byte j.
     */
    static int kMin(MemorySegment s, long scales, int j) {
        if (j < 4) {
            return u8(s, scales + j + 4) & 63;
        }
        return (u8(s, scales + j + 4) >>> 4) | ((u8(s, scales + j) >>> 6) << 4);
    }

    /**
     * The eight 6-bit scales of a Q4_K/Q5_K block as the bytes of a long (scale j in byte j), from the 12 scale bytes
     * read as three little-endian ints: {@link #kScale(MemorySegment, long, int)} for all j at once, without branches.
     */
    static long kScales(int bytes0to3, int bytes4to7, int bytes8to11) {
        int first = bytes0to3 & 0x3F3F3F3F;
        int last = (bytes8to11 & 0x0F0F0F0F) | (((bytes0to3 >>> 6) & 0x03030303) << 4);
        return (first & 0xFFFFFFFFL) | ((long) last << 32);
    }

    /** The eight 6-bit mins of a Q4_K/Q5_K block as the bytes of a long, like {@link #kScales}. */
    static long kMins(int bytes0to3, int bytes4to7, int bytes8to11) {
        int first = bytes4to7 & 0x3F3F3F3F;
        int last = ((bytes8to11 >>> 4) & 0x0F0F0F0F) | (((bytes4to7 >>> 6) & 0x03030303) << 4);
        return (first & 0xFFFFFFFFL) | ((long) last << 32);
    }
}
