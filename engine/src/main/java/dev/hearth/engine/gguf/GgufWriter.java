package dev.hearth.engine.gguf;

import dev.hearth.engine.tensor.GgmlType;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Writes GGUF v3 files: header, metadata in insertion order, tensor infos, then the tensor data,
 * each tensor aligned and zero-padded to the alignment as llama.cpp does. The output depends only
 * on what was put in, so writing twice gives identical bytes.
 *
 * <p>Tensor data never passes through the heap as a whole: each tensor's bytes are a mapped slice of
 * the output file that its {@link TensorContent} fills, so multi-gigabyte models can be written. The
 * file is written next to the target as {@code <name>.part} and moved into place when complete.
 *
 * <p>Mistakes in what is put in (a duplicate key, a shape ggml cannot store) throw
 * {@link IllegalArgumentException} at once.
 */
public final class GgufWriter {

    /** Fills the bytes of one tensor. */
    @FunctionalInterface
    public interface TensorContent {
        /** Writes the tensor's data into {@code target}, which is exactly {@code type.bytesFor(elementCount)} bytes. */
        void writeTo(MemorySegment target) throws IOException;
    }

    private record PlannedTensor(String name, GgmlType type, long[] dims, long byteSize, TensorContent content) {}

    private int alignment = GgufParser.DEFAULT_ALIGNMENT;
    private final Map<String, MetadataValue> metadata = new LinkedHashMap<>();
    private final List<PlannedTensor> tensors = new ArrayList<>();
    private final Set<String> tensorNames = new HashSet<>();

    public GgufWriter() {
    }

    /** Aligns tensor data to {@code bytes} (a power of two) and records it as {@code general.alignment}. */
    public GgufWriter alignment(int bytes) {
        if (bytes <= 0 || (bytes & (bytes - 1)) != 0 || bytes > GgufParser.MAX_ALIGNMENT) {
            throw new IllegalArgumentException("alignment must be a power of two up to " + GgufParser.MAX_ALIGNMENT + ", got " + bytes);
        }
        alignment = bytes;
        metadata.put(GgufParser.ALIGNMENT_KEY, new MetadataValue(GgufValueType.UINT32, null, bytes));
        return this;
    }

    public GgufWriter putString(String key, String v) {
        return put(key, GgufValueType.STRING, Objects.requireNonNull(v, "value"));
    }

    public GgufWriter putUInt8(String key, byte v) {
        return put(key, GgufValueType.UINT8, v);
    }

    public GgufWriter putInt8(String key, byte v) {
        return put(key, GgufValueType.INT8, v);
    }

    public GgufWriter putUInt16(String key, short v) {
        return put(key, GgufValueType.UINT16, v);
    }

    public GgufWriter putInt16(String key, short v) {
        return put(key, GgufValueType.INT16, v);
    }

    /** Stores the bits of {@code v} as an unsigned 32-bit value. */
    public GgufWriter putUInt32(String key, int v) {
        return put(key, GgufValueType.UINT32, v);
    }

    public GgufWriter putInt32(String key, int v) {
        return put(key, GgufValueType.INT32, v);
    }

    /** Stores the bits of {@code v} as an unsigned 64-bit value. */
    public GgufWriter putUInt64(String key, long v) {
        return put(key, GgufValueType.UINT64, v);
    }

    public GgufWriter putInt64(String key, long v) {
        return put(key, GgufValueType.INT64, v);
    }

    public GgufWriter putFloat32(String key, float v) {
        return put(key, GgufValueType.FLOAT32, v);
    }

    public GgufWriter putFloat64(String key, double v) {
        return put(key, GgufValueType.FLOAT64, v);
    }

    public GgufWriter putBool(String key, boolean v) {
        return put(key, GgufValueType.BOOL, v);
    }

    public GgufWriter putStringArray(String key, String[] v) {
        for (String s : v) {
            Objects.requireNonNull(s, "array element");
        }
        return putArray(key, GgufValueType.STRING, v.clone());
    }

    public GgufWriter putInt32Array(String key, int[] v) {
        return putArray(key, GgufValueType.INT32, v.clone());
    }

    public GgufWriter putFloat32Array(String key, float[] v) {
        return putArray(key, GgufValueType.FLOAT32, v.clone());
    }

    /**
     * Puts an array of any element type. {@code elements} is the Java array of that width ({@code byte[]}
     * for u8/i8, {@code short[]}, {@code int[]}, {@code long[]}, {@code float[]}, {@code double[]},
     * {@code boolean[]}, {@code String[]}), or for arrays of arrays a {@code List<MetadataValue>} of arrays.
     */
    GgufWriter putArray(String key, GgufValueType elementType, Object elements) {
        checkArray(elementType, elements);
        return putValue(key, new MetadataValue(GgufValueType.ARRAY, elementType, elements));
    }

    /**
     * Adds a tensor; its data is written by {@code content} when the file is written.
     *
     * @param dims the dimensions, {@code ne0} first (a linear layer {@code [out, in]} is {@code [in, out]})
     */
    public GgufWriter addTensor(String name, GgmlType type, long[] dims, TensorContent content) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(content, "content");
        int nameBytes = name.getBytes(StandardCharsets.UTF_8).length;
        if (nameBytes == 0 || nameBytes > GgufParser.MAX_TENSOR_NAME_BYTES) {
            throw new IllegalArgumentException("tensor name '" + name + "' must be 1 to " + GgufParser.MAX_TENSOR_NAME_BYTES
                    + " bytes of UTF-8, got " + nameBytes);
        }
        if (!tensorNames.add(name)) {
            throw new IllegalArgumentException("tensor '" + name + "' was already added");
        }
        long[] shape = dims.clone();
        if (shape.length < 1 || shape.length > GgufParser.MAX_DIMS) {
            throw new IllegalArgumentException("tensor '" + name + "' needs 1 to " + GgufParser.MAX_DIMS + " dimensions, got " + shape.length);
        }
        long elements = 1;
        for (long d : shape) {
            if (d < 1) {
                throw new IllegalArgumentException("tensor '" + name + "' has dimension " + d + " in " + Arrays.toString(shape));
            }
            try {
                elements = Math.multiplyExact(elements, d);
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("tensor '" + name + "' with dimensions " + Arrays.toString(shape) + " has too many elements", e);
            }
        }
        if (shape[0] % type.blockSize() != 0) {
            throw new IllegalArgumentException("tensor '" + name + "' of type " + type + " needs rows (ne0) of a multiple of "
                    + type.blockSize() + " elements, got " + shape[0]);
        }
        if (elements / type.blockSize() > Long.MAX_VALUE / type.blockBytes()) {
            throw new IllegalArgumentException("tensor '" + name + "' with dimensions " + Arrays.toString(shape) + " is too large");
        }
        tensors.add(new PlannedTensor(name, type, shape, type.bytesFor(elements), content));
        return this;
    }

    /** Writes the file, replacing {@code out} if it exists. */
    public void write(Path out) throws IOException {
        long[] offsets = new long[tensors.size()];
        long dataBytes = 0;
        for (int i = 0; i < tensors.size(); i++) {
            offsets[i] = dataBytes;
            dataBytes = Math.addExact(dataBytes, alignUp(tensors.get(i).byteSize()));
        }
        byte[] header = header(offsets);
        long dataOffset = alignUp(header.length);
        long fileSize = Math.addExact(dataOffset, dataBytes);

        Path part = out.resolveSibling(out.getFileName() + ".part");
        boolean complete = false;
        try {
            try (FileChannel channel = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                ByteBuffer headerBytes = ByteBuffer.wrap(header);
                while (headerBytes.hasRemaining()) {
                    channel.write(headerBytes);
                }
                // Extending the file with its last byte leaves every gap zero: the padding after the
                // header and between tensors needs no writes.
                if (fileSize > header.length) {
                    channel.write(ByteBuffer.wrap(new byte[1]), fileSize - 1);
                }
                for (int i = 0; i < tensors.size(); i++) {
                    PlannedTensor t = tensors.get(i);
                    // one mapping per tensor, so a multi-gigabyte file is never mapped at once
                    // shared: a TensorContent may fill its slice from several threads
                    try (Arena arena = Arena.ofShared()) {
                        MemorySegment target = channel.map(FileChannel.MapMode.READ_WRITE, dataOffset + offsets[i], t.byteSize(), arena);
                        t.content().writeTo(target);
                    }
                }
                channel.force(true);
            }
            moveIntoPlace(part, out);
            complete = true;
        } finally {
            if (!complete) {
                Files.deleteIfExists(part);
            }
        }
    }

    private static void moveIntoPlace(Path part, Path out) throws IOException {
        try {
            Files.move(part, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(part, out, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private byte[] header(long[] offsets) {
        HeaderBytes out = new HeaderBytes();
        out.bytes(new byte[] {'G', 'G', 'U', 'F'});
        out.u32(GgufParser.SUPPORTED_VERSION);
        out.u64(tensors.size());
        out.u64(metadata.size());
        for (Map.Entry<String, MetadataValue> e : metadata.entrySet()) {
            out.string(e.getKey());
            out.u32(e.getValue().type().id());
            value(out, e.getValue());
        }
        for (int i = 0; i < tensors.size(); i++) {
            PlannedTensor t = tensors.get(i);
            out.string(t.name());
            out.u32(t.dims().length);
            for (long d : t.dims()) {
                out.u64(d);
            }
            out.u32(t.type().id());
            out.u64(offsets[i]);
        }
        return out.toByteArray();
    }

    private static void value(HeaderBytes out, MetadataValue v) {
        switch (v.type()) {
            case UINT8, INT8 -> out.u8((Byte) v.value());
            case UINT16, INT16 -> out.u16((Short) v.value());
            case UINT32, INT32 -> out.u32((Integer) v.value());
            case UINT64, INT64 -> out.u64((Long) v.value());
            case FLOAT32 -> out.u32(Float.floatToRawIntBits((Float) v.value()));
            case FLOAT64 -> out.u64(Double.doubleToRawLongBits((Double) v.value()));
            case BOOL -> out.u8((byte) ((Boolean) v.value() ? 1 : 0));
            case STRING -> out.string((String) v.value());
            case ARRAY -> array(out, v.elementType(), v.value());
        }
    }

    private static void array(HeaderBytes out, GgufValueType elementType, Object elements) {
        out.u32(elementType.id());
        switch (elements) {
            case byte[] a -> {
                out.u64(a.length);
                out.bytes(a);
            }
            case short[] a -> {
                out.u64(a.length);
                for (short x : a) {
                    out.u16(x);
                }
            }
            case int[] a -> {
                out.u64(a.length);
                for (int x : a) {
                    out.u32(x);
                }
            }
            case long[] a -> {
                out.u64(a.length);
                for (long x : a) {
                    out.u64(x);
                }
            }
            case float[] a -> {
                out.u64(a.length);
                for (float x : a) {
                    out.u32(Float.floatToRawIntBits(x));
                }
            }
            case double[] a -> {
                out.u64(a.length);
                for (double x : a) {
                    out.u64(Double.doubleToRawLongBits(x));
                }
            }
            case boolean[] a -> {
                out.u64(a.length);
                for (boolean x : a) {
                    out.u8((byte) (x ? 1 : 0));
                }
            }
            case String[] a -> {
                out.u64(a.length);
                for (String x : a) {
                    out.string(x);
                }
            }
            case List<?> inner -> {
                out.u64(inner.size());
                for (Object x : inner) {
                    MetadataValue nested = (MetadataValue) x;
                    array(out, nested.elementType(), nested.value());
                }
            }
            default -> throw new IllegalStateException("unexpected array " + elements.getClass());
        }
    }

    private GgufWriter put(String key, GgufValueType type, Object value) {
        if (GgufParser.ALIGNMENT_KEY.equals(key)) {
            throw new IllegalArgumentException("set '" + GgufParser.ALIGNMENT_KEY + "' with alignment(int), which also aligns the data");
        }
        return putValue(key, new MetadataValue(type, null, value));
    }

    private GgufWriter putValue(String key, MetadataValue value) {
        if (key.isEmpty()) {
            throw new IllegalArgumentException("metadata keys must not be empty");
        }
        if (metadata.putIfAbsent(key, value) != null) {
            throw new IllegalArgumentException("metadata key '" + key + "' was already put");
        }
        return this;
    }

    private static void checkArray(GgufValueType elementType, Object elements) {
        boolean matches = switch (elementType) {
            case UINT8, INT8 -> elements instanceof byte[];
            case UINT16, INT16 -> elements instanceof short[];
            case UINT32, INT32 -> elements instanceof int[];
            case UINT64, INT64 -> elements instanceof long[];
            case FLOAT32 -> elements instanceof float[];
            case FLOAT64 -> elements instanceof double[];
            case BOOL -> elements instanceof boolean[];
            case STRING -> elements instanceof String[];
            case ARRAY -> elements instanceof List<?> list
                    && list.stream().allMatch(x -> x instanceof MetadataValue m && m.type() == GgufValueType.ARRAY);
        };
        if (!matches) {
            throw new IllegalArgumentException("an array of " + elementType + " cannot hold a " + elements.getClass().getSimpleName());
        }
    }

    private long alignUp(long position) {
        return Math.addExact(position, alignment - 1) / alignment * alignment;
    }

    /** A growing little-endian buffer for the header, which is small next to the tensor data. */
    private static final class HeaderBytes {
        private byte[] buf = new byte[1 << 12];
        private int length;

        void u8(byte v) {
            ensure(1);
            buf[length++] = v;
        }

        void u16(short v) {
            ensure(2);
            buf[length++] = (byte) v;
            buf[length++] = (byte) (v >>> 8);
        }

        void u32(int v) {
            ensure(4);
            for (int i = 0; i < 4; i++) {
                buf[length++] = (byte) (v >>> 8 * i);
            }
        }

        void u64(long v) {
            ensure(8);
            for (int i = 0; i < 8; i++) {
                buf[length++] = (byte) (v >>> 8 * i);
            }
        }

        void string(String s) {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            u64(utf8.length);
            bytes(utf8);
        }

        void bytes(byte[] b) {
            ensure(b.length);
            System.arraycopy(b, 0, buf, length, b.length);
            length += b.length;
        }

        private void ensure(int more) {
            if (buf.length - length < more) {
                buf = Arrays.copyOf(buf, Math.max(length + more, 2 * buf.length));
            }
        }

        byte[] toByteArray() {
            return Arrays.copyOf(buf, length);
        }
    }
}
