package dev.hearth.engine.gguf;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A GGUF v3 model file, memory-mapped. The header (metadata and tensor infos) is parsed and checked
 * when the file is opened; tensor data stays in the mapping and is handed out as read-only slices,
 * never copied onto the heap. Closing the file unmaps it: segments from {@link #data} must not be
 * used afterwards (they throw {@link IllegalStateException}).
 *
 * <p>Unsigned metadata values keep their bit pattern in the Java type of the same width
 * ({@link #get} of a u32 4294967295 is the Integer -1); the typed getters interpret them by their
 * declared signedness.
 */
public final class GgufFile implements AutoCloseable {
    private final Path path;
    private final Arena arena;
    private final MemorySegment mapping;
    private final GgufParser.Header header;
    private final Map<String, GgufTensor> tensorsByName;
    private boolean closed;

    private GgufFile(Path path, Arena arena, MemorySegment mapping, GgufParser.Header header) {
        this.path = path;
        this.arena = arena;
        this.mapping = mapping;
        this.header = header;
        Map<String, GgufTensor> byName = new HashMap<>();
        for (GgufTensor t : header.tensors()) {
            byName.put(t.name(), t);
        }
        this.tensorsByName = byName;
    }

    /**
     * Maps and checks a GGUF file.
     *
     * @throws NoSuchFileException  when there is no file at {@code path}
     * @throws ModelFormatException when the file is not a well-formed GGUF v3 file Hearth can read
     * @throws IOException          when the file cannot be read
     */
    public static GgufFile open(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            throw new IOException(path + " is a directory; expected a GGUF model file");
        }
        FileChannel channel;
        try {
            channel = FileChannel.open(path, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(path.toString(), null, "no such file; expected a GGUF model file");
        }
        Arena arena = Arena.ofShared();
        try (channel) {
            long size = channel.size();
            MemorySegment mapping = size == 0 ? MemorySegment.NULL : channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            GgufParser.Header header = GgufParser.parse(mapping, String.valueOf(path.getFileName()));
            return new GgufFile(path, arena, mapping, header);
        } catch (IOException | RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    public Path path() {
        return path;
    }

    public long fileSize() {
        return mapping.byteSize();
    }

    public int version() {
        return header.version();
    }

    /** The alignment of tensor data in bytes: {@code general.alignment}, or 32 when absent. */
    public int alignment() {
        return header.alignment();
    }

    /** Where the data section starts, in bytes from the start of the file. */
    public long dataOffset() {
        return header.dataOffset();
    }

    /** The metadata keys in file order. */
    public Set<String> keys() {
        return Collections.unmodifiableSet(header.metadata().keySet());
    }

    public boolean has(String key) {
        return header.metadata().containsKey(key);
    }

    /**
     * The value of {@code key} as stored, or null when absent: Byte, Short, Integer, Long, Float,
     * Double, Boolean or String for scalars; byte[], short[], int[], long[], float[], double[],
     * boolean[] or String[] for arrays (a copy); an unmodifiable {@code List<Object>} for arrays of arrays.
     */
    public Object get(String key) {
        MetadataValue value = header.metadata().get(key);
        return value == null ? null : value.publicValue();
    }

    public String getString(String key) throws ModelFormatException {
        MetadataValue v = require(key, "a string");
        if (v.type() != GgufValueType.STRING) {
            throw wrongType(key, "a string", v);
        }
        return (String) v.value();
    }

    /** Any integer value that fits an int. */
    public int getInt(String key) throws ModelFormatException {
        long value = integer(key, "an integer that fits in 32 bits");
        if (value != (int) value) {
            throw fail("metadata key '" + key + "' is " + value + "; expected an integer that fits in 32 bits");
        }
        return (int) value;
    }

    /** Any integer value that fits a long. */
    public long getLong(String key) throws ModelFormatException {
        return integer(key, "an integer that fits in 64 bits");
    }

    /** An f32 value, or an f64 value rounded to float. */
    public float getFloat(String key) throws ModelFormatException {
        MetadataValue v = require(key, "a floating-point number");
        return switch (v.type()) {
            case FLOAT32 -> (Float) v.value();
            case FLOAT64 -> (float) (double) (Double) v.value();
            default -> throw wrongType(key, "a floating-point number", v);
        };
    }

    public boolean getBoolean(String key) throws ModelFormatException {
        MetadataValue v = require(key, "a bool");
        if (v.type() != GgufValueType.BOOL) {
            throw wrongType(key, "a bool", v);
        }
        return (Boolean) v.value();
    }

    public String[] getStringArray(String key) throws ModelFormatException {
        MetadataValue v = require(key, "an array of string");
        if (v.elementType() != GgufValueType.STRING) {
            throw wrongType(key, "an array of string", v);
        }
        return ((String[]) v.value()).clone();
    }

    /** An array of any integer type whose elements all fit an int. */
    public int[] getIntArray(String key) throws ModelFormatException {
        String expected = "an array of integers that fit in 32 bits";
        MetadataValue v = require(key, expected);
        if (v.elementType() == null || !v.elementType().isInteger()) {
            throw wrongType(key, expected, v);
        }
        boolean unsigned = v.elementType().isUnsigned();
        return switch (v.value()) {
            case byte[] a -> {
                int[] out = new int[a.length];
                for (int i = 0; i < a.length; i++) {
                    out[i] = unsigned ? a[i] & 0xff : a[i];
                }
                yield out;
            }
            case short[] a -> {
                int[] out = new int[a.length];
                for (int i = 0; i < a.length; i++) {
                    out[i] = unsigned ? a[i] & 0xffff : a[i];
                }
                yield out;
            }
            case int[] a -> {
                for (int i = 0; unsigned && i < a.length; i++) {
                    if (a[i] < 0) {
                        throw elementTooLarge(key, i, Integer.toUnsignedString(a[i]));
                    }
                }
                yield a.clone();
            }
            case long[] a -> {
                int[] out = new int[a.length];
                for (int i = 0; i < a.length; i++) {
                    if (a[i] != (int) a[i] || (unsigned && a[i] < 0)) {
                        throw elementTooLarge(key, i, unsigned ? Long.toUnsignedString(a[i]) : Long.toString(a[i]));
                    }
                    out[i] = (int) a[i];
                }
                yield out;
            }
            default -> throw wrongType(key, expected, v);
        };
    }

    /** An array of f32, or of f64 rounded to float. */
    public float[] getFloatArray(String key) throws ModelFormatException {
        MetadataValue v = require(key, "an array of floating-point numbers");
        return switch (v.value()) {
            case float[] a -> a.clone();
            case double[] a -> {
                float[] out = new float[a.length];
                for (int i = 0; i < a.length; i++) {
                    out[i] = (float) a[i];
                }
                yield out;
            }
            default -> throw wrongType(key, "an array of floating-point numbers", v);
        };
    }

    /** The tensors in file order. */
    public List<GgufTensor> tensors() {
        return header.tensors();
    }

    public Optional<GgufTensor> tensor(String name) {
        return Optional.ofNullable(tensorsByName.get(name));
    }

    /**
     * The bytes of {@code t}: a read-only slice of the mapping, exactly {@code t.byteSize()} long.
     *
     * @throws IllegalArgumentException when {@code t} is not a tensor of this file
     */
    public MemorySegment data(GgufTensor t) {
        if (!t.equals(tensorsByName.get(t.name()))) {
            throw new IllegalArgumentException("tensor '" + t.name() + "' is not a tensor of " + path);
        }
        return mapping.asSlice(header.dataOffset() + t.offset(), t.byteSize()).asReadOnly();
    }

    /**
     * Tells the operating system that this process will not read {@code t}'s bytes again (madvise MADV_DONTNEED on the
     * whole pages inside the tensor): they leave the process's resident memory and stay in the page cache. Reading them
     * later still works (they are mapped back in). Used once a tensor has been copied into another layout, so the
     * process does not hold both. Returns whether the hint was given; where madvise is unavailable it is skipped.
     */
    public boolean release(GgufTensor t) {
        return advise(t, Madvise.DONTNEED);
    }

    private boolean advise(GgufTensor t, int advice) {
        MemorySegment bytes = data(t);
        long page = 4096;
        long start = (bytes.address() + page - 1) / page * page;
        long end = (bytes.address() + bytes.byteSize()) / page * page;
        MethodHandle madvise = Madvise.HANDLE;
        if (end <= start || madvise == null) {
            return false;
        }
        try {
            return (int) madvise.invokeExact(MemorySegment.ofAddress(start), end - start, advice) == 0;
        } catch (Throwable e) {
            return false;
        }
    }

    /** The C library's madvise, looked up once; null where there is none. */
    private static final class Madvise {
        static final int DONTNEED = 4;
        static final MethodHandle HANDLE = lookup();

        private static MethodHandle lookup() {
            try {
                Linker linker = Linker.nativeLinker();
                return linker.defaultLookup().find("madvise")
                        .map(f -> linker.downcallHandle(f, FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT)))
                        .orElse(null);
            } catch (RuntimeException e) {
                return null;
            }
        }
    }

    /** Unmaps the file. Closing twice does nothing. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            arena.close();
        }
    }

    @Override
    public String toString() {
        return "GGUF v" + version() + " " + path + " (" + header.metadata().size() + " metadata keys, "
                + header.tensors().size() + " tensors)";
    }

    private long integer(String key, String expected) throws ModelFormatException {
        MetadataValue v = require(key, expected);
        return switch (v.type()) {
            case UINT8 -> (Byte) v.value() & 0xffL;
            case INT8 -> (Byte) v.value();
            case UINT16 -> (Short) v.value() & 0xffffL;
            case INT16 -> (Short) v.value();
            case UINT32 -> Integer.toUnsignedLong((Integer) v.value());
            case INT32 -> (Integer) v.value();
            case INT64 -> (Long) v.value();
            case UINT64 -> {
                long value = (Long) v.value();
                if (value < 0) {
                    throw fail("metadata key '" + key + "' is " + Long.toUnsignedString(value) + "; expected " + expected);
                }
                yield value;
            }
            default -> throw wrongType(key, expected, v);
        };
    }

    private MetadataValue require(String key, String expected) throws ModelFormatException {
        MetadataValue v = header.metadata().get(key);
        if (v == null) {
            throw fail("metadata key '" + key + "' is missing; expected " + expected);
        }
        return v;
    }

    private ModelFormatException wrongType(String key, String expected, MetadataValue found) {
        return fail("metadata key '" + key + "' is " + found.describe() + "; expected " + expected);
    }

    private ModelFormatException elementTooLarge(String key, int index, String value) {
        return fail("element " + index + " of metadata key '" + key + "' is " + value + "; expected an integer that fits in 32 bits");
    }

    private ModelFormatException fail(String message) {
        return new ModelFormatException(path.getFileName() + ": " + message);
    }
}
