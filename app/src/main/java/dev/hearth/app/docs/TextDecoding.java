package dev.hearth.app.docs;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Turns the bytes of a text file into text without being told the encoding: a byte-order mark wins; then
 * bytes that are valid UTF-8 are UTF-8; otherwise each legacy candidate that decodes the bytes without an
 * error is scored by how much of the result is Japanese (kana and kanji) — Shift_JIS and EUC-JP text
 * decodes to mostly kana/kanji in its own charset and to mojibake or an error in the other — and
 * windows-1252 (which accepts almost any byte) is the fallback for Western text.
 */
final class TextDecoding {
    private TextDecoding() {}

    static final Charset SHIFT_JIS = Charset.forName("windows-31j");
    static final Charset EUC_JP = Charset.forName("EUC-JP");
    static final Charset WINDOWS_1252 = Charset.forName("windows-1252");

    record Decoded(String text, Charset charset) {}

    static Decoded decode(byte[] bytes) {
        if (startsWith(bytes, 0xEF, 0xBB, 0xBF)) return new Decoded(new String(bytes, 3, bytes.length - 3, StandardCharsets.UTF_8), StandardCharsets.UTF_8);
        if (startsWith(bytes, 0xFF, 0xFE)) return new Decoded(new String(bytes, 2, bytes.length - 2, StandardCharsets.UTF_16LE), StandardCharsets.UTF_16LE);
        if (startsWith(bytes, 0xFE, 0xFF)) return new Decoded(new String(bytes, 2, bytes.length - 2, StandardCharsets.UTF_16BE), StandardCharsets.UTF_16BE);
        String utf8 = strict(bytes, StandardCharsets.UTF_8);
        if (utf8 != null) return new Decoded(utf8, StandardCharsets.UTF_8);
        Decoded best = null;
        double bestShare = 0.3;
        for (Charset candidate : List.of(SHIFT_JIS, EUC_JP)) {
            String text = strict(bytes, candidate);
            if (text == null) continue;
            double share = japaneseShare(text);
            if (share > bestShare) {
                best = new Decoded(text, candidate);
                bestShare = share;
            }
        }
        if (best != null) return best;
        return new Decoded(new String(bytes, WINDOWS_1252), WINDOWS_1252);
    }

    private static boolean startsWith(byte[] bytes, int... prefix) {
        if (bytes.length < prefix.length) return false;
        for (int i = 0; i < prefix.length; i++) if ((bytes[i] & 0xFF) != prefix[i]) return false;
        return true;
    }

    private static String strict(byte[] bytes, Charset charset) {
        try {
            CharBuffer chars = charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            return chars.toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** Kana and common kanji among the non-ASCII letters; half-width katakana (mojibake of the other charset) does not count. */
    private static double japaneseShare(String text) {
        int nonAscii = 0;
        int japanese = 0;
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (ch < 0x80) continue;
            nonAscii++;
            if ((ch >= 0x3040 && ch <= 0x30FF) || (ch >= 0x4E00 && ch <= 0x9FFF) || (ch >= 0x3000 && ch <= 0x303F) || (ch >= 0xFF01 && ch <= 0xFF5E)) {
                japanese++;
            }
        }
        return nonAscii == 0 ? 0 : (double) japanese / nonAscii;
    }
}
