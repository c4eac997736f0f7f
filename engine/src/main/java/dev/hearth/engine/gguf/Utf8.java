package dev.hearth.engine.gguf;

/**
 * Strict UTF-8 validation. {@code new String(bytes, UTF_8)} silently replaces malformed input with
 * U+FFFD, which would let a damaged key or token string pass as a different one.
 */
final class Utf8 {
    private Utf8() {
    }

    /** Index of the first byte that is not part of a well-formed UTF-8 sequence in {@code bytes[0..length)}, or -1. */
    static int firstInvalidByte(byte[] bytes, int length) {
        int i = 0;
        while (i < length) {
            int b = bytes[i];
            if (b >= 0) {
                i++;
                continue;
            }
            b &= 0xff;
            int need;
            int min;
            if (b >= 0xc2 && b <= 0xdf) {
                need = 1;
                min = 0x80;
            } else if (b >= 0xe0 && b <= 0xef) {
                need = 2;
                min = 0x800;
            } else if (b >= 0xf0 && b <= 0xf4) {
                need = 3;
                min = 0x10000;
            } else {
                return i;
            }
            int codePoint = b & (0x3f >> need);
            for (int k = 1; k <= need; k++) {
                if (i + k >= length || (bytes[i + k] & 0xc0) != 0x80) {
                    return i + k < length ? i + k : i;
                }
                codePoint = codePoint << 6 | bytes[i + k] & 0x3f;
            }
            boolean surrogate = codePoint >= 0xd800 && codePoint <= 0xdfff;
            if (codePoint < min || codePoint > 0x10ffff || surrogate) {
                return i;
            }
            i += need + 1;
        }
        return -1;
    }
}
