package dev.hearth.engine.tokenizer;

/**
 * The byte-level spelling of GPT-2 style vocabularies: every byte is written as one printable
 * character, so that tokens (which are byte strings) can be stored as text. Printable Latin-1
 * bytes stand for themselves; the other 68 bytes (controls, space, DEL, NBSP, soft hyphen) are
 * shifted to U+0100 and up, in byte order.
 */
public final class ByteLevel {
    private static final char[] BYTE_TO_CHAR = new char[256];
    private static final byte[] CHAR_TO_BYTE = new byte[324];
    private static final boolean[] IS_BYTE_CHAR = new boolean[324];

    static {
        int shifted = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            char c = printable ? (char) b : (char) (256 + shifted++);
            BYTE_TO_CHAR[b] = c;
            CHAR_TO_BYTE[c] = (byte) b;
            IS_BYTE_CHAR[c] = true;
        }
    }

    private ByteLevel() {
    }

    /** The character that spells one byte in token strings (e.g. ' ' is written 'Ġ'). */
    public static char charOf(int unsignedByte) {
        return BYTE_TO_CHAR[unsignedByte];
    }

    /** The spelling of bytes[from, to). */
    static String spell(byte[] bytes, int from, int to) {
        char[] chars = new char[to - from];
        for (int i = from; i < to; i++) {
            chars[i - from] = BYTE_TO_CHAR[bytes[i] & 0xFF];
        }
        return new String(chars);
    }

    /**
     * The bytes a byte-level spelling stands for, or null if it contains a character outside
     * the 256 byte characters.
     */
    static byte[] unspell(String spelling) {
        byte[] bytes = new byte[spelling.length()];
        for (int i = 0; i < bytes.length; i++) {
            char c = spelling.charAt(i);
            if (c >= IS_BYTE_CHAR.length || !IS_BYTE_CHAR[c]) {
                return null;
            }
            bytes[i] = CHAR_TO_BYTE[c];
        }
        return bytes;
    }
}
