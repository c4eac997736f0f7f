package dev.hearth.engine.gguf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Finds and patches fields in the bytes of a GGUF file written by {@link GgufWriter}, so tests can
 * damage one field of an otherwise valid file. Fields are located through the key and tensor names,
 * which the test files keep unique.
 */
final class GgufBytes {
    static final int TENSOR_COUNT_AT = 8;
    static final int METADATA_COUNT_AT = 16;
    static final int FIRST_ENTRY_AT = 24;

    private GgufBytes() {
    }

    /** Where the bytes of {@code text} first occur; fails the test when they do not. */
    static int indexOf(byte[] file, String text) {
        byte[] needle = text.getBytes(StandardCharsets.UTF_8);
        outer:
        for (int i = 0; i + needle.length <= file.length; i++) {
            for (int k = 0; k < needle.length; k++) {
                if (file[i + k] != needle[k]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("'" + text + "' is not in the file");
    }

    /** The position of the value type of metadata key {@code key}; the value follows 4 bytes later. */
    static int valueTypeAt(byte[] file, String key) {
        return indexOf(file, key) + key.getBytes(StandardCharsets.UTF_8).length;
    }

    /** The position of the length of the string that starts with {@code text}. */
    static int stringLengthAt(byte[] file, String text) {
        return indexOf(file, text) - 8;
    }

    /** Where the fields of a tensor info lie. */
    record TensorInfoAt(int nameLength, int dimCount, int firstDim, int type, int offset) {}

    static TensorInfoAt tensorInfoAt(byte[] file, String name) {
        int nameAt = indexOf(file, name);
        int dimCount = nameAt + name.getBytes(StandardCharsets.UTF_8).length;
        int dims = getU32(file, dimCount);
        int type = dimCount + 4 + 8 * dims;
        return new TensorInfoAt(nameAt - 8, dimCount, dimCount + 4, type, type + 4);
    }

    static int getU32(byte[] file, int at) {
        return ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).getInt(at);
    }

    static long getU64(byte[] file, int at) {
        return ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).getLong(at);
    }

    static byte[] putU32(byte[] file, int at, int value) {
        byte[] copy = file.clone();
        ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN).putInt(at, value);
        return copy;
    }

    static byte[] putU64(byte[] file, int at, long value) {
        byte[] copy = file.clone();
        ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN).putLong(at, value);
        return copy;
    }

    static byte[] put(byte[] file, int at, byte... bytes) {
        byte[] copy = file.clone();
        System.arraycopy(bytes, 0, copy, at, bytes.length);
        return copy;
    }

    static byte[] truncate(byte[] file, int length) {
        return Arrays.copyOf(file, length);
    }

    /** {@code file} with {@code inserted} placed at {@code at}, everything after moved back. */
    static byte[] insert(byte[] file, int at, byte[] inserted) {
        byte[] out = new byte[file.length + inserted.length];
        System.arraycopy(file, 0, out, 0, at);
        System.arraycopy(inserted, 0, out, at, inserted.length);
        System.arraycopy(file, at, out, at + inserted.length, file.length - at);
        return out;
    }
}
