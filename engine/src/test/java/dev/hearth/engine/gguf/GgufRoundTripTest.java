package dev.hearth.engine.gguf;

import dev.hearth.engine.tensor.GgmlType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GgufRoundTripTest {
    @TempDir
    Path dir;

    @Test
    void readsBackEveryScalarValueType() throws IOException {
        Path file = dir.resolve("scalars.gguf");
        new GgufWriter()
                .putUInt8("u8", (byte) 200)
                .putInt8("i8", (byte) -5)
                .putUInt16("u16", (short) 60000)
                .putInt16("i16", (short) -30000)
                .putUInt32("u32", 0xFFFF_FFFE)
                .putInt32("i32", -123456)
                .putFloat32("f32", 1.5e-5f)
                .putBool("bool", true)
                .putString("string", "Grüße, 世界 🌍")
                .putUInt64("u64", 1L << 40)
                .putInt64("i64", -(1L << 40))
                .putFloat64("f64", Math.PI)
                .write(file);

        try (GgufFile gguf = GgufFile.open(file)) {
            assertEquals(List.of("u8", "i8", "u16", "i16", "u32", "i32", "f32", "bool", "string", "u64", "i64", "f64"),
                    List.copyOf(gguf.keys()));
            assertEquals((byte) 200, gguf.get("u8"));
            assertEquals(200, gguf.getInt("u8"));
            assertEquals(-5, gguf.getInt("i8"));
            assertEquals(60000, gguf.getInt("u16"));
            assertEquals(-30000, gguf.getInt("i16"));
            assertEquals(0xFFFF_FFFEL, gguf.getLong("u32"));
            assertEquals(-123456, gguf.getInt("i32"));
            assertEquals(1.5e-5f, gguf.getFloat("f32"));
            assertTrue(gguf.getBoolean("bool"));
            assertEquals("Grüße, 世界 🌍", gguf.getString("string"));
            assertEquals(1L << 40, gguf.getLong("u64"));
            assertEquals(-(1L << 40), gguf.getLong("i64"));
            assertEquals(Math.PI, (Double) gguf.get("f64"));
            assertEquals((float) Math.PI, gguf.getFloat("f64"));
            assertTrue(gguf.has("u64"));
            assertFalse(gguf.has("absent"));
            assertNull(gguf.get("absent"));
            assertEquals(3, gguf.version());
            assertEquals(32, gguf.alignment());
            assertTrue(gguf.tensors().isEmpty());
        }
    }

    @Test
    void readsBackArraysOfEveryElementType() throws IOException {
        Path file = dir.resolve("arrays.gguf");
        GgufWriter writer = new GgufWriter()
                .putArray("u8", GgufValueType.UINT8, new byte[] {1, (byte) 255})
                .putArray("i8", GgufValueType.INT8, new byte[] {-1, 7})
                .putArray("u16", GgufValueType.UINT16, new short[] {(short) 65535, 3})
                .putArray("i16", GgufValueType.INT16, new short[] {-2, 4})
                .putArray("u32", GgufValueType.UINT32, new int[] {5, 6})
                .putInt32Array("i32", new int[] {-7, 8, Integer.MIN_VALUE})
                .putFloat32Array("f32", new float[] {0.25f, Float.NaN, -0f})
                .putArray("bool", GgufValueType.BOOL, new boolean[] {true, false, true})
                .putStringArray("string", new String[] {"", "a", "Ġthe", "日本"})
                .putArray("u64", GgufValueType.UINT64, new long[] {-1L, 9})
                .putArray("i64", GgufValueType.INT64, new long[] {Long.MIN_VALUE, 10})
                .putArray("f64", GgufValueType.FLOAT64, new double[] {1e300, -2.5})
                .putArray("nested", GgufValueType.ARRAY, List.of(
                        new MetadataValue(GgufValueType.ARRAY, GgufValueType.INT32, new int[] {1, 2}),
                        new MetadataValue(GgufValueType.ARRAY, GgufValueType.STRING, new String[] {"x"})))
                .putArray("empty", GgufValueType.FLOAT32, new float[0]);
        writer.write(file);

        try (GgufFile gguf = GgufFile.open(file)) {
            assertArrayEquals(new byte[] {1, (byte) 255}, (byte[]) gguf.get("u8"));
            assertArrayEquals(new int[] {1, 255}, gguf.getIntArray("u8"));
            assertArrayEquals(new int[] {-1, 7}, gguf.getIntArray("i8"));
            assertArrayEquals(new int[] {65535, 3}, gguf.getIntArray("u16"));
            assertArrayEquals(new int[] {-2, 4}, gguf.getIntArray("i16"));
            assertArrayEquals(new int[] {5, 6}, gguf.getIntArray("u32"));
            assertArrayEquals(new int[] {-7, 8, Integer.MIN_VALUE}, gguf.getIntArray("i32"));
            assertArrayEquals(new float[] {0.25f, Float.NaN, -0f}, gguf.getFloatArray("f32"));
            assertArrayEquals(new boolean[] {true, false, true}, (boolean[]) gguf.get("bool"));
            assertArrayEquals(new String[] {"", "a", "Ġthe", "日本"}, gguf.getStringArray("string"));
            assertArrayEquals(new long[] {-1L, 9}, (long[]) gguf.get("u64"));
            assertArrayEquals(new long[] {Long.MIN_VALUE, 10}, (long[]) gguf.get("i64"));
            assertMessage(() -> gguf.getIntArray("i64"), "element 0 of metadata key 'i64' is -9223372036854775808");
            assertArrayEquals(new double[] {1e300, -2.5}, (double[]) gguf.get("f64"));
            assertArrayEquals(new float[] {Float.POSITIVE_INFINITY, -2.5f}, gguf.getFloatArray("f64"));
            List<?> nested = assertInstanceOf(List.class, gguf.get("nested"));
            assertArrayEquals(new int[] {1, 2}, (int[]) nested.get(0));
            assertArrayEquals(new String[] {"x"}, (String[]) nested.get(1));
            assertEquals(0, gguf.getFloatArray("empty").length);
        }
    }

    @Test
    void readsBackTensorsOfEveryTypeWithIdenticalBytes() throws IOException {
        Path file = dir.resolve("tensors.gguf");
        SampleGguf.writer().write(file);

        try (GgufFile gguf = GgufFile.open(file)) {
            assertEquals(SampleGguf.TENSORS.length, gguf.tensors().size());
            assertEquals(0, gguf.dataOffset() % 32);
            for (int i = 0; i < SampleGguf.TENSORS.length; i++) {
                Object[] expected = SampleGguf.TENSORS[i];
                GgufTensor t = gguf.tensors().get(i);
                GgmlType type = (GgmlType) expected[1];
                long[] dims = (long[]) expected[2];
                assertEquals(expected[0], t.name());
                assertEquals(type, t.type());
                assertArrayEquals(dims, t.dims());
                long elements = 1;
                for (long d : dims) {
                    elements *= d;
                }
                assertEquals(elements, t.elementCount());
                assertEquals(type.bytesFor(elements), t.byteSize());
                assertEquals(0, t.offset() % 32, t.name() + " is aligned");
                assertEquals(t, gguf.tensor(t.name()).orElseThrow());

                MemorySegment data = gguf.data(t);
                assertEquals(t.byteSize(), data.byteSize());
                assertTrue(data.isReadOnly());
                assertArrayEquals(SampleGguf.content(t.name(), t.byteSize()), data.toArray(ValueLayout.JAVA_BYTE), t.name());
            }
            assertTrue(gguf.tensor("missing.weight").isEmpty());
        }
    }

    @Test
    void padsBetweenTensorsWithZerosToACustomAlignment() throws IOException {
        Path file = dir.resolve("aligned.gguf");
        new GgufWriter()
                .alignment(256)
                .addTensor("a", GgmlType.F32, new long[] {3}, target -> target.fill((byte) 0x7f))
                .addTensor("b", GgmlType.F16, new long[] {5}, target -> target.fill((byte) 0x11))
                .write(file);
        byte[] bytes = Files.readAllBytes(file);

        try (GgufFile gguf = GgufFile.open(file)) {
            assertEquals(256, gguf.alignment());
            assertEquals(0, gguf.dataOffset() % 256);
            GgufTensor a = gguf.tensors().get(0);
            GgufTensor b = gguf.tensors().get(1);
            assertEquals(0, a.offset());
            assertEquals(256, b.offset());
            for (long i = gguf.dataOffset() + a.byteSize(); i < gguf.dataOffset() + b.offset(); i++) {
                assertEquals(0, bytes[(int) i], "padding byte " + i);
            }
            assertEquals(gguf.dataOffset() + 512, gguf.fileSize());
        }
    }

    @Test
    void writesTheSameBytesEveryTime() throws IOException {
        Path first = dir.resolve("first.gguf");
        Path second = dir.resolve("second.gguf");
        SampleGguf.writer().write(first);
        SampleGguf.writer().write(second);
        assertArrayEquals(Files.readAllBytes(first), Files.readAllBytes(second));
        assertFalse(Files.exists(dir.resolve("first.gguf.part")), "the temporary file is moved into place");
    }

    @Test
    void leavesNoFileBehindWhenATensorCannotBeWritten() {
        Path file = dir.resolve("failed.gguf");
        GgufWriter writer = new GgufWriter().addTensor("a", GgmlType.F32, new long[] {4}, target -> {
            throw new IOException("source weights unreadable");
        });
        IOException e = assertThrows(IOException.class, () -> writer.write(file));
        assertEquals("source weights unreadable", e.getMessage());
        assertFalse(Files.exists(file));
        assertFalse(Files.exists(dir.resolve("failed.gguf.part")));
    }

    @Test
    void readsALlama3SizedVocabulary() throws IOException {
        String[] tokens = new String[128_256];
        int[] types = new int[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = (i % 2 == 0 ? "Ġ" : "") + "tok" + i;
            types[i] = i >= 128_000 ? 3 : 1;
        }
        String[] merges = new String[280_147];
        for (int i = 0; i < merges.length; i++) {
            merges[i] = "Ġt" + i + " h" + (i % 1000);
        }
        Path file = dir.resolve("vocab.gguf");
        new GgufWriter()
                .putStringArray("tokenizer.ggml.tokens", tokens)
                .putInt32Array("tokenizer.ggml.token_type", types)
                .putStringArray("tokenizer.ggml.merges", merges)
                .write(file);

        try (GgufFile gguf = GgufFile.open(file)) {
            assertArrayEquals(tokens, gguf.getStringArray("tokenizer.ggml.tokens"));
            assertArrayEquals(types, gguf.getIntArray("tokenizer.ggml.token_type"));
            assertArrayEquals(merges, gguf.getStringArray("tokenizer.ggml.merges"));
        }
    }

    @Test
    void typedGettersNameTheKeyWhenMissingOrOfAnotherType() throws IOException {
        Path file = dir.resolve("typed.gguf");
        new GgufWriter()
                .putUInt32("big", 0x8000_0000)
                .putUInt64("huge", -1L)
                .putString("name", "llama")
                .putArray("u32s", GgufValueType.UINT32, new int[] {1, -1})
                .write(file);

        try (GgufFile gguf = GgufFile.open(file)) {
            assertMessage(() -> gguf.getInt("big"), "'big' is 2147483648; expected an integer that fits in 32 bits");
            assertEquals(2147483648L, gguf.getLong("big"));
            assertMessage(() -> gguf.getLong("huge"), "'huge' is 18446744073709551615");
            assertMessage(() -> gguf.getInt("name"), "'name' is string; expected an integer");
            assertMessage(() -> gguf.getString("big"), "'big' is u32; expected a string");
            assertMessage(() -> gguf.getFloat("name"), "'name' is string; expected a floating-point number");
            assertMessage(() -> gguf.getBoolean("name"), "'name' is string; expected a bool");
            assertMessage(() -> gguf.getStringArray("u32s"), "'u32s' is array of u32; expected an array of string");
            assertMessage(() -> gguf.getFloatArray("u32s"), "'u32s' is array of u32; expected an array of floating-point");
            assertMessage(() -> gguf.getIntArray("u32s"), "element 1 of metadata key 'u32s' is 4294967295");
            assertMessage(() -> gguf.getString("llama.block_count"), "'llama.block_count' is missing; expected a string");
            assertMessage(() -> gguf.getIntArray("name"), "'name' is string; expected an array of integers");
        }
    }

    @Test
    void returnsCopiesSoCallersCannotChangeTheMetadata() throws IOException {
        Path file = dir.resolve("copies.gguf");
        new GgufWriter().putInt32Array("ids", new int[] {1, 2}).write(file);
        try (GgufFile gguf = GgufFile.open(file)) {
            gguf.getIntArray("ids")[0] = 99;
            ((int[]) gguf.get("ids"))[1] = 99;
            assertArrayEquals(new int[] {1, 2}, gguf.getIntArray("ids"));
        }
    }

    @Test
    void refusesTensorsOfAnotherFileAndDataAfterClose() throws IOException {
        Path file = dir.resolve("sample.gguf");
        SampleGguf.writer().write(file);
        GgufFile gguf = GgufFile.open(file);
        GgufTensor real = gguf.tensors().getFirst();
        GgufTensor foreign = new GgufTensor(real.name(), real.type(), real.dims(), real.offset() + (1L << 40), real.byteSize());
        assertThrows(IllegalArgumentException.class, () -> gguf.data(foreign));
        MemorySegment data = gguf.data(real);
        gguf.close();
        gguf.close();
        assertThrows(IllegalStateException.class, () -> data.get(ValueLayout.JAVA_BYTE, 0));
    }

    @Test
    void writerRefusesShapesTheReaderWouldReject() {
        GgufWriter writer = new GgufWriter().putInt32("n", 1);
        GgufWriter.TensorContent nothing = target -> { };
        assertThrows(IllegalArgumentException.class, () -> writer.putInt32("n", 2));
        assertThrows(IllegalArgumentException.class, () -> writer.putUInt32("general.alignment", 64));
        assertThrows(IllegalArgumentException.class, () -> writer.alignment(48));
        assertThrows(IllegalArgumentException.class, () -> writer.addTensor("q", GgmlType.Q4_0, new long[] {31}, nothing));
        assertThrows(IllegalArgumentException.class, () -> writer.addTensor("z", GgmlType.F32, new long[] {0}, nothing));
        assertThrows(IllegalArgumentException.class, () -> writer.addTensor("five", GgmlType.F32, new long[] {1, 1, 1, 1, 1}, nothing));
        assertThrows(IllegalArgumentException.class, () -> writer.addTensor("x".repeat(64), GgmlType.F32, new long[] {1}, nothing));
        writer.addTensor("t", GgmlType.F32, new long[] {1}, nothing);
        assertThrows(IllegalArgumentException.class, () -> writer.addTensor("t", GgmlType.F32, new long[] {1}, nothing));
    }

    private static void assertMessage(Executable call, String expected) {
        ModelFormatException e = assertThrows(ModelFormatException.class, call);
        assertTrue(e.getMessage().contains(expected), () -> "expected '" + expected + "' in: " + e.getMessage());
    }
}
