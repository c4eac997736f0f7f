package dev.hearth.engine.gguf;

import dev.hearth.engine.tensor.GgmlType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and checks the header of a mapped GGUF file: metadata and tensor infos. Every count, length
 * and offset is checked against the bytes that remain before it is used, so a damaged file ends in a
 * {@link ModelFormatException} rather than a huge allocation or an out-of-bounds access.
 */
final class GgufParser {
    static final int SUPPORTED_VERSION = 3;
    static final int DEFAULT_ALIGNMENT = 32;
    static final String ALIGNMENT_KEY = "general.alignment";
    /** ggml keeps names in a 64-byte field with a terminating zero. */
    static final int MAX_TENSOR_NAME_BYTES = 63;
    static final int MAX_DIMS = 4;
    /** Far above any real metadata string (chat templates are tens of KB), far below what would strain the heap. */
    static final int MAX_STRING_BYTES = 64 << 20;
    /** 128 times the Llama 3 vocabulary; a larger count is damage, and would cost gigabytes of heap. */
    static final int MAX_ARRAY_ELEMENTS = 1 << 24;
    /** Real files never nest arrays; a few levels are allowed, unbounded nesting would overflow the stack. */
    static final int MAX_ARRAY_DEPTH = 4;
    /** The largest alignment that still fits the int of {@link GgufFile#alignment()}. */
    static final long MAX_ALIGNMENT = 1L << 30;

    /** Key length, a one-byte key, the value type and a one-byte value. */
    private static final long MIN_METADATA_ENTRY_BYTES = 8 + 1 + 4 + 1;
    /** Name length, a one-byte name, dimension count, one dimension, type and offset. */
    private static final long MIN_TENSOR_INFO_BYTES = 8 + 1 + 4 + 8 + 4 + 8;

    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final String DAMAGED = " (the file is truncated or damaged)";
    private static final byte[] MAGIC = {'G', 'G', 'U', 'F'};

    /** What a successful parse found. */
    record Header(int version, Map<String, MetadataValue> metadata, int alignment, long dataOffset, List<GgufTensor> tensors) {}

    private final MemorySegment file;
    private final long size;
    private final String source;
    private long pos;
    /** What is being read, for messages: "the header", "metadata key 'x'", "tensor 'y'". */
    private String where = "the header";
    /** Reused for every string, so that 400,000 vocabulary strings cost 400,000 Strings and nothing more. */
    private byte[] scratch = new byte[256];

    private GgufParser(MemorySegment file, String source) {
        this.file = file;
        this.size = file.byteSize();
        this.source = source;
    }

    /**
     * Parses the header of {@code file}.
     *
     * @param source the file name, which starts every error message
     */
    static Header parse(MemorySegment file, String source) throws ModelFormatException {
        return new GgufParser(file, source).header();
    }

    private Header header() throws ModelFormatException {
        if (size == 0) {
            throw fail("the file is empty; expected a GGUF model, which starts with the magic 'GGUF'");
        }
        readMagic();
        int version = readVersion();
        long tensorCount = readCount("tensor count", MIN_TENSOR_INFO_BYTES, "tensor infos");
        long entryCount = readCount("metadata entry count", MIN_METADATA_ENTRY_BYTES, "metadata entries");

        Map<String, MetadataValue> metadata = new LinkedHashMap<>();
        for (long i = 0; i < entryCount; i++) {
            readEntry(i, metadata);
        }
        int alignment = alignment(metadata);

        // no capacity from the count: it is only bounded by the file size, which may be gigabytes
        List<GgufTensor> tensors = new ArrayList<>();
        List<Long> offsetPositions = new ArrayList<>();
        Map<String, Long> tensorIndex = new HashMap<>();
        for (long i = 0; i < tensorCount; i++) {
            tensors.add(readTensorInfo(i, tensorIndex, offsetPositions));
        }
        where = "the tensor data";
        long infosEnd = pos;
        long dataOffset = alignUp(infosEnd, alignment);
        if (dataOffset > size) {
            if (!tensors.isEmpty()) {
                throw fail("truncated file: the tensor data should start at byte offset " + dataOffset
                        + " (the end of the tensor infos at byte " + infosEnd + ", aligned to " + alignment
                        + " bytes), but the file ends at byte " + size);
            }
            dataOffset = size;
        }
        checkTensorPlacement(tensors, offsetPositions, dataOffset, alignment);
        return new Header(version, Collections.unmodifiableMap(metadata), alignment, dataOffset, List.copyOf(tensors));
    }

    private void readMagic() throws ModelFormatException {
        need(4, "the magic 'GGUF'");
        byte[] found = new byte[4];
        MemorySegment.copy(file, ValueLayout.JAVA_BYTE, 0, found, 0, 4);
        if (!Arrays.equals(found, MAGIC)) {
            throw fail("not a GGUF file: expected the magic 'GGUF' at byte offset 0, found " + printable(found)
                    + " (bytes " + hex(found) + ")");
        }
        pos = 4;
    }

    private int readVersion() throws ModelFormatException {
        int version = u32("the format version");
        if (version == SUPPORTED_VERSION) {
            return version;
        }
        if (Integer.reverseBytes(version) == SUPPORTED_VERSION) {
            throw fail("this GGUF file is big-endian (version field reads " + Integer.toUnsignedString(version)
                    + " at byte offset 4); Hearth reads little-endian GGUF version 3 only");
        }
        if (version == 1 || version == 2) {
            throw fail("GGUF version " + version + " is not supported (at byte offset 4); expected version "
                    + SUPPORTED_VERSION + ". Convert the model again with a current llama.cpp");
        }
        throw fail("unsupported GGUF version " + Integer.toUnsignedString(version) + " at byte offset 4; expected version "
                + SUPPORTED_VERSION);
    }

    /** Reads a u64 count of items, each taking at least {@code minBytes}, and checks the rest of the file can hold them. */
    private long readCount(String what, long minBytes, String items) throws ModelFormatException {
        long at = pos;
        long count = u64(what);
        long fits = (size - pos) / minBytes;
        if (count < 0 || count > fits) {
            throw fail("impossible " + what + " " + Long.toUnsignedString(count) + " at byte offset " + at + ": the "
                    + (size - pos) + " bytes left in the file hold at most " + fits + " " + items + DAMAGED);
        }
        return count;
    }

    private void readEntry(long index, Map<String, MetadataValue> metadata) throws ModelFormatException {
        where = "metadata entry #" + index;
        long keyAt = pos;
        String key = string("the key");
        if (key.isEmpty()) {
            throw fail("metadata entry #" + index + " has an empty key (at byte offset " + keyAt + ")");
        }
        if (metadata.containsKey(key)) {
            throw fail("duplicate metadata key '" + key + "' at byte offset " + keyAt + " (entry #" + index
                    + "); each key may appear once");
        }
        where = "metadata key '" + key + "'";
        long typeAt = pos;
        GgufValueType type = valueType(u32("the value type"), typeAt);
        metadata.put(key, value(type, 0));
    }

    private GgufValueType valueType(int id, long at) throws ModelFormatException {
        GgufValueType type = GgufValueType.byId(id);
        if (type == null) {
            throw fail("unknown value type " + Integer.toUnsignedString(id) + " for " + where + " at byte offset " + at
                    + "; expected a GGUF value type id from 0 to 12");
        }
        return type;
    }

    private MetadataValue value(GgufValueType type, int depth) throws ModelFormatException {
        return switch (type) {
            case UINT8, INT8 -> scalar(type, byteValue());
            case UINT16, INT16 -> scalar(type, shortValue());
            case UINT32, INT32 -> scalar(type, u32("the value"));
            case UINT64, INT64 -> scalar(type, u64("the value"));
            case FLOAT32 -> scalar(type, f32());
            case FLOAT64 -> scalar(type, f64());
            case BOOL -> scalar(type, bool());
            case STRING -> scalar(type, string("the value"));
            case ARRAY -> array(depth);
        };
    }

    private static MetadataValue scalar(GgufValueType type, Object value) {
        return new MetadataValue(type, null, value);
    }

    private MetadataValue array(int depth) throws ModelFormatException {
        if (depth >= MAX_ARRAY_DEPTH) {
            throw fail("arrays nested more than " + MAX_ARRAY_DEPTH + " deep in " + where + " at byte offset " + pos);
        }
        long typeAt = pos;
        GgufValueType elementType = valueType(u32("the array element type"), typeAt);
        long countAt = pos;
        long count = u64("the array length");
        long fits = (size - pos) / elementType.minBytes();
        if (count < 0 || count > fits) {
            throw fail("impossible array length " + Long.toUnsignedString(count) + " for " + where + " at byte offset "
                    + countAt + ": the " + (size - pos) + " bytes left in the file hold at most " + fits
                    + " elements of type " + elementType + DAMAGED);
        }
        if (count > MAX_ARRAY_ELEMENTS) {
            throw fail("array of " + count + " elements for " + where + " at byte offset " + countAt
                    + " is longer than the limit of " + MAX_ARRAY_ELEMENTS);
        }
        int n = (int) count;
        Object elements = switch (elementType) {
            case UINT8, INT8 -> bulk(new byte[n], ValueLayout.JAVA_BYTE, n);
            case UINT16, INT16 -> bulk(new short[n], I16, n);
            case UINT32, INT32 -> bulk(new int[n], I32, n);
            case UINT64, INT64 -> bulk(new long[n], I64, n);
            case FLOAT32 -> bulk(new float[n], F32, n);
            case FLOAT64 -> bulk(new double[n], F64, n);
            case BOOL -> {
                boolean[] a = new boolean[n];
                for (int i = 0; i < n; i++) {
                    a[i] = bool();
                }
                yield a;
            }
            case STRING -> {
                String[] a = new String[n];
                for (int i = 0; i < n; i++) {
                    a[i] = string("an array element");
                }
                yield a;
            }
            case ARRAY -> {
                List<MetadataValue> inner = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    inner.add(array(depth + 1));
                }
                yield List.copyOf(inner);
            }
        };
        return new MetadataValue(GgufValueType.ARRAY, elementType, elements);
    }

    /** Copies {@code n} fixed-size elements into {@code target}; the caller checked they are in the file. */
    private Object bulk(Object target, ValueLayout layout, int n) {
        MemorySegment.copy(file, layout, pos, target, 0, n);
        pos += n * layout.byteSize();
        return target;
    }

    private int alignment(Map<String, MetadataValue> metadata) throws ModelFormatException {
        MetadataValue value = metadata.get(ALIGNMENT_KEY);
        if (value == null) {
            return DEFAULT_ALIGNMENT;
        }
        if (value.type() != GgufValueType.UINT32) {
            throw fail("metadata key '" + ALIGNMENT_KEY + "' must be a u32, found " + value.describe());
        }
        long alignment = Integer.toUnsignedLong((Integer) value.value());
        if (alignment == 0 || (alignment & (alignment - 1)) != 0 || alignment > MAX_ALIGNMENT) {
            throw fail("metadata key '" + ALIGNMENT_KEY + "' is " + alignment
                    + "; expected a nonzero power of two up to " + MAX_ALIGNMENT);
        }
        return (int) alignment;
    }

    private GgufTensor readTensorInfo(long index, Map<String, Long> tensorIndex, List<Long> offsetPositions)
            throws ModelFormatException {
        where = "tensor #" + index;
        long nameAt = pos;
        long nameBytes = pos + 8 <= size ? file.get(I64, pos) : 0;
        String name = string("the name");
        if (name.isEmpty()) {
            throw fail("tensor #" + index + " has an empty name (at byte offset " + nameAt + ")");
        }
        if (nameBytes > MAX_TENSOR_NAME_BYTES) {
            throw fail("tensor #" + index + " has a name of " + nameBytes + " bytes at byte offset " + nameAt
                    + "; ggml allows at most " + MAX_TENSOR_NAME_BYTES);
        }
        Long previous = tensorIndex.putIfAbsent(name, index);
        if (previous != null) {
            throw fail("duplicate tensor name '" + name + "' at byte offset " + nameAt + " (tensor #" + index
                    + ", first used by tensor #" + previous + ")");
        }
        where = "tensor '" + name + "'";

        long dimsAt = pos;
        int dimCount = u32("the dimension count");
        if (dimCount < 1 || dimCount > MAX_DIMS) {
            throw fail("tensor '" + name + "' has " + Integer.toUnsignedString(dimCount) + " dimensions (at byte offset "
                    + dimsAt + "); expected 1 to " + MAX_DIMS);
        }
        long[] dims = new long[dimCount];
        long elements = 1;
        for (int d = 0; d < dimCount; d++) {
            long at = pos;
            dims[d] = u64("a dimension");
            if (dims[d] <= 0) {
                throw fail("dimension " + d + " of tensor '" + name + "' is " + Long.toUnsignedString(dims[d])
                        + " (at byte offset " + at + "); expected at least 1");
            }
            long product = elements * dims[d];
            if (Math.multiplyHigh(elements, dims[d]) != 0 || product < 0) {
                throw fail("tensor '" + name + "' has more elements than fit in 63 bits: the dimensions up to "
                        + (d + 1) + " are " + Arrays.toString(Arrays.copyOf(dims, d + 1)));
            }
            elements = product;
        }

        long typeAt = pos;
        int typeId = u32("the ggml type");
        GgmlType type = GgmlType.byId(typeId);
        if (type == null) {
            throw fail("tensor '" + name + "' has ggml type id " + Integer.toUnsignedString(typeId) + " (at byte offset "
                    + typeAt + "), which Hearth does not support; supported: " + supportedTypes());
        }
        if (dims[0] % type.blockSize() != 0) {
            throw fail("tensor '" + name + "' of type " + type + " has rows of " + dims[0]
                    + " elements (ne0), not a multiple of the " + type + " block size " + type.blockSize());
        }
        long blocks = elements / type.blockSize();
        if (blocks > Long.MAX_VALUE / type.blockBytes()) {
            throw fail("tensor '" + name + "' of type " + type + " with dimensions " + Arrays.toString(dims)
                    + " takes more bytes than fit in 63 bits");
        }
        offsetPositions.add(pos);
        long offset = u64("the data offset");
        return new GgufTensor(name, type, dims, offset, blocks * type.blockBytes());
    }

    private void checkTensorPlacement(List<GgufTensor> tensors, List<Long> offsetPositions, long dataOffset, int alignment)
            throws ModelFormatException {
        long dataBytes = size - dataOffset;
        for (int i = 0; i < tensors.size(); i++) {
            GgufTensor t = tensors.get(i);
            long offset = t.offset();
            if (offset < 0 || offset > dataBytes || t.byteSize() > dataBytes - offset) {
                throw fail("tensor '" + t.name() + "' lies outside the file: its " + t.byteSize() + " bytes start at data offset "
                        + Long.toUnsignedString(offset) + " (stored at byte offset " + offsetPositions.get(i)
                        + "), but the data section starting at byte " + dataOffset + " holds only " + dataBytes
                        + " bytes" + DAMAGED);
            }
            if (offset % alignment != 0) {
                throw fail("tensor '" + t.name() + "' starts at data offset " + offset + " (stored at byte offset "
                        + offsetPositions.get(i) + "), which is not a multiple of the alignment " + alignment);
            }
        }
        List<GgufTensor> byOffset = new ArrayList<>(tensors);
        byOffset.sort((a, b) -> Long.compare(a.offset(), b.offset()));
        for (int i = 1; i < byOffset.size(); i++) {
            GgufTensor before = byOffset.get(i - 1);
            GgufTensor after = byOffset.get(i);
            if (before.offset() + before.byteSize() > after.offset()) {
                throw fail("tensors '" + before.name() + "' (data bytes " + before.offset() + " to "
                        + (before.offset() + before.byteSize()) + ") and '" + after.name() + "' (from data byte "
                        + after.offset() + ") overlap; each tensor needs its own bytes");
            }
        }
    }

    private String string(String what) throws ModelFormatException {
        long at = pos;
        if (size - pos < 8) {
            throw truncated("the length of " + what, 8);
        }
        long length = file.get(I64, pos);
        pos += 8;
        if (length < 0 || length > size - pos) {
            throw fail("impossible string length " + Long.toUnsignedString(length) + " for " + what + " of " + where
                    + " at byte offset " + at + ": only " + (size - pos) + " bytes are left in the file" + DAMAGED);
        }
        if (length > MAX_STRING_BYTES) {
            throw fail("string of " + length + " bytes for " + what + " of " + where + " at byte offset " + at
                    + " is longer than the limit of " + MAX_STRING_BYTES + " bytes");
        }
        int n = (int) length;
        if (scratch.length < n) {
            scratch = new byte[Math.max(n, 2 * scratch.length)];
        }
        MemorySegment.copy(file, ValueLayout.JAVA_BYTE, pos, scratch, 0, n);
        int bad = Utf8.firstInvalidByte(scratch, n);
        if (bad >= 0) {
            throw fail(what + " of " + where + " is not valid UTF-8: byte 0x"
                    + String.format("%02x", scratch[bad] & 0xff) + " at byte offset " + (pos + bad)
                    + " does not continue a well-formed sequence");
        }
        pos += n;
        return new String(scratch, 0, n, StandardCharsets.UTF_8);
    }

    private byte byteValue() throws ModelFormatException {
        need(1, "the value");
        return file.get(ValueLayout.JAVA_BYTE, pos++);
    }

    private short shortValue() throws ModelFormatException {
        need(2, "the value");
        short v = file.get(I16, pos);
        pos += 2;
        return v;
    }

    private int u32(String what) throws ModelFormatException {
        need(4, what);
        int v = file.get(I32, pos);
        pos += 4;
        return v;
    }

    private long u64(String what) throws ModelFormatException {
        need(8, what);
        long v = file.get(I64, pos);
        pos += 8;
        return v;
    }

    private float f32() throws ModelFormatException {
        need(4, "the value");
        float v = file.get(F32, pos);
        pos += 4;
        return v;
    }

    private double f64() throws ModelFormatException {
        need(8, "the value");
        double v = file.get(F64, pos);
        pos += 8;
        return v;
    }

    private boolean bool() throws ModelFormatException {
        need(1, "a bool");
        byte b = file.get(ValueLayout.JAVA_BYTE, pos);
        if (b != 0 && b != 1) {
            throw fail("bool of " + where + " at byte offset " + pos + " is " + (b & 0xff) + "; expected 0 or 1");
        }
        pos++;
        return b == 1;
    }

    private void need(long bytes, String what) throws ModelFormatException {
        if (bytes > size - pos) {
            throw truncated(what, bytes);
        }
    }

    private ModelFormatException truncated(String what, long bytes) {
        return fail("truncated file: " + what + " of " + where + " needs " + bytes + " bytes at byte offset " + pos
                + ", but the file ends at byte " + size);
    }

    private ModelFormatException fail(String message) {
        return new ModelFormatException(source + ": " + message);
    }

    private static long alignUp(long position, int alignment) {
        return (position + alignment - 1) / alignment * alignment;
    }

    private static String supportedTypes() {
        StringBuilder sb = new StringBuilder();
        for (GgmlType t : GgmlType.values()) {
            sb.append(sb.isEmpty() ? "" : ", ").append(t).append(" (").append(t.id()).append(')');
        }
        return sb.toString();
    }

    private static String printable(byte[] bytes) {
        StringBuilder sb = new StringBuilder("'");
        for (byte b : bytes) {
            sb.append(b >= 0x20 && b < 0x7f ? (char) b : '?');
        }
        return sb.append('\'').toString();
    }

    private static String hex(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (byte b : bytes) {
            sb.append(sb.isEmpty() ? "" : " ").append(String.format("%02x", b & 0xff));
        }
        return sb.toString();
    }
}
