package dev.hearth.engine.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Turns generated tokens into text as they arrive. A token may end in the middle of a UTF-8
 * sequence (most CJK characters and emoji span two or more tokens), so an incomplete sequence at
 * the end is held back until the bytes that complete it arrive, instead of showing up as U+FFFD.
 * Bytes that can never become valid UTF-8 do turn into U+FFFD, just as {@link Tokenizer#decode}
 * renders them: everything {@link #accept} and {@link #flush} return, concatenated, equals
 * {@code decode} of the same tokens (minus control tokens unless they are rendered).
 * One instance per stream; not thread-safe.
 */
public final class StreamingDecoder {
    private final Tokenizer tokenizer;
    private final boolean renderControl;
    private byte[] pending = new byte[16];
    private int pendingLength;

    StreamingDecoder(Tokenizer tokenizer, boolean renderControl) {
        this.tokenizer = tokenizer;
        this.renderControl = renderControl;
    }

    /** The text this token completes; "" while a character is still incomplete. */
    public String accept(int tokenId) {
        if (tokenizer.isControl(tokenId) && !renderControl) {
            return "";
        }
        byte[] bytes = tokenizer.tokenBytes(tokenId);
        if (pendingLength + bytes.length > pending.length) {
            pending = Arrays.copyOf(pending, Math.max(pending.length * 2, pendingLength + bytes.length));
        }
        System.arraycopy(bytes, 0, pending, pendingLength, bytes.length);
        pendingLength += bytes.length;
        int complete = pendingLength - incompleteTail(pending, pendingLength);
        String text = new String(pending, 0, complete, StandardCharsets.UTF_8);
        System.arraycopy(pending, complete, pending, 0, pendingLength - complete);
        pendingLength -= complete;
        return text;
    }

    /** The end of the stream: whatever is held back, an incomplete character as U+FFFD. */
    public String flush() {
        String text = new String(pending, 0, pendingLength, StandardCharsets.UTF_8);
        pendingLength = 0;
        return text;
    }

    /**
     * How many bytes at the end of {@code bytes[0, length)} are the valid beginning of a UTF-8
     * sequence that needs more bytes: a lead byte followed by fewer continuation bytes than it
     * announces, each of them allowed in its place (so no overlong form, surrogate or value
     * above U+10FFFF, which can never be completed).
     */
    static int incompleteTail(byte[] bytes, int length) {
        for (int back = 1; back <= 3 && back <= length; back++) {
            int lead = bytes[length - back] & 0xFF;
            if (lead >= 0x80 && lead < 0xC0) {
                continue; // a continuation byte: the lead is further back
            }
            int needed = lead >= 0xC2 && lead <= 0xDF ? 2 : lead >= 0xE0 && lead <= 0xEF ? 3 : lead >= 0xF0 && lead <= 0xF4 ? 4 : 0;
            if (needed <= back) {
                return 0; // ASCII, an invalid byte, or a sequence that is already complete
            }
            if (back >= 2) {
                int second = bytes[length - back + 1] & 0xFF;
                int low = lead == 0xE0 ? 0xA0 : lead == 0xF0 ? 0x90 : 0x80;
                int high = lead == 0xED ? 0x9F : lead == 0xF4 ? 0x8F : 0xBF;
                if (second < low || second > high) {
                    return 0;
                }
            }
            return back;
        }
        return 0;
    }
}
