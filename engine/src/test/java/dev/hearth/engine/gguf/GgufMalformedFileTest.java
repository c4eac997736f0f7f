package dev.hearth.engine.gguf;

import dev.hearth.engine.tensor.GgmlType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import static dev.hearth.engine.gguf.GgufBytes.getU64;
import static dev.hearth.engine.gguf.GgufBytes.indexOf;
import static dev.hearth.engine.gguf.GgufBytes.put;
import static dev.hearth.engine.gguf.GgufBytes.putU32;
import static dev.hearth.engine.gguf.GgufBytes.putU64;
import static dev.hearth.engine.gguf.GgufBytes.stringLengthAt;
import static dev.hearth.engine.gguf.GgufBytes.tensorInfoAt;
import static dev.hearth.engine.gguf.GgufBytes.truncate;
import static dev.hearth.engine.gguf.GgufBytes.valueTypeAt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GgufMalformedFileTest {
    @TempDir
    Path dir;

    /** A small valid file: three keys and three tensors, so every section is short. */
    private byte[] valid;

    @BeforeEach
    void writeValidFile() throws IOException {
        Path file = dir.resolve("valid.gguf");
        new GgufWriter()
                .alignment(32)
                .putString("general.architecture", "llama")
                .putInt32Array("tokenizer.ggml.token_type", new int[] {1, 2, 3})
                .addTensor("first", GgmlType.F32, new long[] {8, 2}, target -> target.fill((byte) 1))
                .addTensor("second", GgmlType.Q4_0, new long[] {32, 2}, target -> target.fill((byte) 2))
                .addTensor("third", GgmlType.F16, new long[] {4}, target -> target.fill((byte) 3))
                .write(file);
        valid = Files.readAllBytes(file);
        try (GgufFile gguf = GgufFile.open(file)) {
            assertEquals(3, gguf.tensors().size(), "the unmodified file is valid");
        }
    }

    @Test
    void rejectsMissingFileNamingThePath() {
        Path missing = dir.resolve("nowhere.gguf");
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> GgufFile.open(missing));
        assertTrue(e.getMessage().contains("nowhere.gguf") && e.getMessage().contains("no such file"), e.getMessage());
    }

    @Test
    void rejectsDirectory() {
        IOException e = assertThrows(IOException.class, () -> GgufFile.open(dir));
        assertTrue(e.getMessage().contains("is a directory"), e.getMessage());
    }

    @Test
    void rejectsEmptyFile() throws IOException {
        assertRejected(new byte[0], "the file is empty");
    }

    @Test
    void rejectsWrongMagic() throws IOException {
        assertRejected(put(valid, 0, (byte) 'G', (byte) 'G', (byte) 'M', (byte) 'L'),
                "not a GGUF file: expected the magic 'GGUF' at byte offset 0, found 'GGML'");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void rejectsOldVersions(int version) throws IOException {
        assertRejected(putU32(valid, 4, version), "GGUF version " + version + " is not supported", "expected version 3");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 4, 1000})
    void rejectsUnknownVersions(int version) throws IOException {
        assertRejected(putU32(valid, 4, version), "unsupported GGUF version " + version + " at byte offset 4");
    }

    @Test
    void recognisesBigEndianFiles() throws IOException {
        assertRejected(putU32(valid, 4, Integer.reverseBytes(3)), "big-endian");
    }

    @Test
    void rejectsTruncationAtEveryLengthBeforeTheEndOfTheLastTensor() throws IOException {
        long dataEnd;
        try (GgufFile gguf = GgufFile.open(write(valid))) {
            GgufTensor last = gguf.tensors().getLast();
            dataEnd = gguf.dataOffset() + last.offset() + last.byteSize();
        }
        for (int length = 1; length < dataEnd; length++) {
            assertRejected(truncate(valid, length), "truncated");
        }
        // only the zero padding after the last tensor is missing: nothing is lost
        try (GgufFile gguf = GgufFile.open(write(truncate(valid, (int) dataEnd)))) {
            assertEquals(3, gguf.tensors().size());
        }
    }

    @Test
    void namesTheSectionWhereTheFileEnds() throws IOException {
        assertRejected(truncate(valid, 2), "truncated file: the magic 'GGUF' of the header needs 4 bytes at byte offset 0");
        assertRejected(truncate(valid, 6), "truncated file: the format version of the header");
        // the sample file's tensor infos are small next to its metadata, so the counts still fit
        byte[] sample = SampleGguf.bytes(dir);
        assertRejected(truncate(sample, indexOf(sample, "tokenizer.chat_template") + 3), "for the key of metadata entry #8");
        assertRejected(truncate(sample, indexOf(sample, "tok250") + 2), "an array element of metadata key 'tokenizer.ggml.tokens'");
        int arrayType = valueTypeAt(valid, "tokenizer.ggml.token_type");
        assertRejected(truncate(valid, arrayType + 6), "the array element type of metadata key 'tokenizer.ggml.token_type'");
        GgufBytes.TensorInfoAt second = tensorInfoAt(valid, "second");
        assertRejected(truncate(valid, second.nameLength() + 4), "the length of the name of tensor #1");
        assertRejected(truncate(valid, second.type() + 2), "the ggml type of tensor 'second'");
        assertRejected(truncate(valid, second.offset() + 7), "the data offset of tensor 'second'");
        try (GgufFile gguf = GgufFile.open(write(valid))) {
            long secondStart = gguf.dataOffset() + gguf.tensor("second").orElseThrow().offset();
            assertRejected(truncate(valid, (int) gguf.dataOffset() - 1), "truncated file: the tensor data should start at byte offset " + gguf.dataOffset());
            assertRejected(truncate(valid, (int) secondStart + 5), "tensor 'second' lies outside the file");
            GgufTensor third = gguf.tensor("third").orElseThrow();
            long thirdEnd = gguf.dataOffset() + third.offset() + third.byteSize();
            assertRejected(truncate(valid, (int) thirdEnd - 1), "tensor 'third' lies outside the file");
        }
    }

    @Test
    void rejectsHugeTensorCountBeforeAllocating() throws IOException {
        assertRejected(putU64(valid, GgufBytes.TENSOR_COUNT_AT, 1L << 60),
                "impossible tensor count 1152921504606846976 at byte offset 8");
        assertRejected(putU64(valid, GgufBytes.TENSOR_COUNT_AT, -1L), "impossible tensor count 18446744073709551615");
    }

    @Test
    void rejectsHugeMetadataCount() throws IOException {
        assertRejected(putU64(valid, GgufBytes.METADATA_COUNT_AT, 1L << 60), "impossible metadata entry count 1152921504606846976 at byte offset 16");
    }

    @Test
    void rejectsHugeArrayLengthBeforeAllocating() throws IOException {
        int countAt = valueTypeAt(valid, "tokenizer.ggml.token_type") + 8;
        assertRejected(putU64(valid, countAt, 1L << 60),
                "impossible array length 1152921504606846976 for metadata key 'tokenizer.ggml.token_type' at byte offset " + countAt);
    }

    @Test
    void rejectsHugeStringLength() throws IOException {
        int lengthAt = stringLengthAt(valid, "llama");
        assertRejected(putU64(valid, lengthAt, 1L << 60),
                "impossible string length 1152921504606846976 for the value of metadata key 'general.architecture' at byte offset " + lengthAt);
        assertRejected(putU64(valid, stringLengthAt(valid, "general.architecture"), -1L),
                "impossible string length 18446744073709551615 for the key of metadata entry #1");
    }

    @Test
    void rejectsMalformedUtf8InKeysAndStrings() throws IOException {
        int keyAt = indexOf(valid, "general.architecture");
        assertRejected(put(valid, keyAt + 2, (byte) 0xC0), "the key of metadata entry #1 is not valid UTF-8: byte 0xc0 at byte offset " + (keyAt + 2));
        int valueAt = indexOf(valid, "llama");
        assertRejected(put(valid, valueAt, (byte) 0xED, (byte) 0xA0, (byte) 0x80), "is not valid UTF-8");
        int nameAt = indexOf(valid, "second");
        assertRejected(put(valid, nameAt + 5, (byte) 0xE2), "the name of tensor #1 is not valid UTF-8");
    }

    @Test
    void rejectsUnknownValueType() throws IOException {
        int typeAt = valueTypeAt(valid, "general.architecture");
        assertRejected(putU32(valid, typeAt, 13), "unknown value type 13 for metadata key 'general.architecture' at byte offset " + typeAt,
                "expected a GGUF value type id from 0 to 12");
        int elementTypeAt = valueTypeAt(valid, "tokenizer.ggml.token_type") + 4;
        assertRejected(putU32(valid, elementTypeAt, 99), "unknown value type 99 for metadata key 'tokenizer.ggml.token_type'");
    }

    @Test
    void rejectsArraysNestedWithoutEnd() throws IOException {
        byte[] nested = new byte[12 * 200];
        ByteBuffer b = ByteBuffer.wrap(nested).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 200; i++) {
            b.putInt(9).putLong(1);
        }
        int valueAt = valueTypeAt(valid, "tokenizer.ggml.token_type") + 4;
        byte[] damaged = GgufBytes.insert(valid, valueAt, nested);
        assertRejected(damaged, "arrays nested more than 4 deep in metadata key 'tokenizer.ggml.token_type'");
    }

    @Test
    void rejectsBoolOtherThanZeroOrOne() throws IOException {
        Path file = dir.resolve("bool.gguf");
        new GgufWriter().putBool("flag", true).write(file);
        byte[] bytes = Files.readAllBytes(file);
        int valueAt = valueTypeAt(bytes, "flag") + 4;
        assertRejected(put(bytes, valueAt, (byte) 2), "bool of metadata key 'flag' at byte offset " + valueAt + " is 2; expected 0 or 1");
    }

    @Test
    void rejectsDuplicateKey() throws IOException {
        Path file = dir.resolve("dup.gguf");
        new GgufWriter().putInt32("llama.block_count", 1).putInt32("llama.block_counx", 2).write(file);
        byte[] bytes = Files.readAllBytes(file);
        int secondAt = indexOf(bytes, "llama.block_counx");
        byte[] damaged = put(bytes, secondAt + "llama.block_coun".length(), (byte) 't');
        assertRejected(damaged, "duplicate metadata key 'llama.block_count' at byte offset " + (secondAt - 8) + " (entry #1)");
    }

    @Test
    void rejectsEmptyKey() throws IOException {
        Path file = dir.resolve("empty-key.gguf");
        new GgufWriter().putInt32("k", 1).write(file);
        byte[] bytes = Files.readAllBytes(file);
        // a key of length 0 followed by type u8 whose value is the old key byte
        byte[] damaged = putU64(bytes, GgufBytes.FIRST_ENTRY_AT, 0);
        assertRejected(damaged, "metadata entry #0 has an empty key");
    }

    @Test
    void rejectsDuplicateTensorName() throws IOException {
        int nameAt = indexOf(valid, "third");
        byte[] damaged = putU64(valid, nameAt - 8, 6);
        damaged = GgufBytes.insert(damaged, nameAt, "s".getBytes(StandardCharsets.UTF_8));
        damaged = put(damaged, nameAt, "second".getBytes(StandardCharsets.UTF_8));
        assertRejected(damaged, "duplicate tensor name 'second' at byte offset " + (nameAt - 8) + " (tensor #2, first used by tensor #1)");
    }

    @Test
    void rejectsUnknownTensorType() throws IOException {
        GgufBytes.TensorInfoAt second = tensorInfoAt(valid, "second");
        assertRejected(putU32(valid, second.type(), 3),
                "tensor 'second' has ggml type id 3 (at byte offset " + second.type() + "), which Hearth does not support", "Q4_0 (2)");
        assertRejected(putU32(valid, second.type(), -1), "ggml type id 4294967295");
    }

    @Test
    void rejectsMisalignedTensorOffset() throws IOException {
        GgufBytes.TensorInfoAt third = tensorInfoAt(valid, "third");
        long offset = getU64(valid, third.offset());
        assertRejected(putU64(valid, third.offset(), offset + 2),
                "tensor 'third' starts at data offset " + (offset + 2) + " (stored at byte offset " + third.offset()
                        + "), which is not a multiple of the alignment 32");
    }

    @Test
    void rejectsTensorOffsetOutsideFile() throws IOException {
        GgufBytes.TensorInfoAt first = tensorInfoAt(valid, "first");
        assertRejected(putU64(valid, first.offset(), 1L << 40), "tensor 'first' lies outside the file", "data offset 1099511627776");
        assertRejected(putU64(valid, first.offset(), -32L), "data offset 18446744073709551584");
    }

    @Test
    void rejectsOverlappingTensors() throws IOException {
        GgufBytes.TensorInfoAt third = tensorInfoAt(valid, "third");
        assertRejected(putU64(valid, third.offset(), 32), "tensors 'first' (data bytes 0 to 64) and 'third' (from data byte 32) overlap");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 5, -1})
    void rejectsDimensionCountOutsideOneToFour(int dims) throws IOException {
        GgufBytes.TensorInfoAt first = tensorInfoAt(valid, "first");
        assertRejected(putU32(valid, first.dimCount(), dims),
                "tensor 'first' has " + Integer.toUnsignedString(dims) + " dimensions (at byte offset " + first.dimCount() + "); expected 1 to 4");
    }

    @Test
    void rejectsZeroDimension() throws IOException {
        GgufBytes.TensorInfoAt first = tensorInfoAt(valid, "first");
        assertRejected(putU64(valid, first.firstDim() + 8, 0), "dimension 1 of tensor 'first' is 0 (at byte offset " + (first.firstDim() + 8) + "); expected at least 1");
    }

    @Test
    void rejectsElementCountOverflow() throws IOException {
        GgufBytes.TensorInfoAt first = tensorInfoAt(valid, "first");
        byte[] damaged = putU64(valid, first.firstDim(), 1L << 40);
        damaged = putU64(damaged, first.firstDim() + 8, 1L << 30);
        assertRejected(damaged, "tensor 'first' has more elements than fit in 63 bits");
    }

    @Test
    void rejectsRowsThatAreNotAWholeNumberOfBlocks() throws IOException {
        GgufBytes.TensorInfoAt second = tensorInfoAt(valid, "second");
        assertRejected(putU64(valid, second.firstDim(), 48),
                "tensor 'second' of type Q4_0 has rows of 48 elements (ne0), not a multiple of the Q4_0 block size 32");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 3, 48, 0x80000000})
    void rejectsAlignmentThatIsNotAPowerOfTwo(int alignment) throws IOException {
        int valueAt = valueTypeAt(valid, "general.alignment") + 4;
        assertRejected(putU32(valid, valueAt, alignment),
                "metadata key 'general.alignment' is " + Integer.toUnsignedString(alignment) + "; expected a nonzero power of two");
    }

    @Test
    void rejectsAlignmentOfAnotherType() throws IOException {
        int typeAt = valueTypeAt(valid, "general.alignment");
        assertRejected(putU32(valid, typeAt, 5), "metadata key 'general.alignment' must be a u32, found i32");
    }

    @Test
    void rejectsOverlongTensorName() throws IOException {
        Path file = dir.resolve("long-name.gguf");
        String name = "n".repeat(63);
        new GgufWriter().addTensor(name, GgmlType.F32, new long[] {1}, target -> { }).write(file);
        byte[] bytes = Files.readAllBytes(file);
        byte[] damaged = GgufBytes.insert(putU64(bytes, stringLengthAt(bytes, name), 64), indexOf(bytes, name), new byte[] {'n'});
        assertRejected(damaged, "tensor #0 has a name of 64 bytes", "ggml allows at most 63");
    }

    private Path write(byte[] bytes) throws IOException {
        Path file = dir.resolve("damaged.gguf");
        Files.write(file, bytes);
        return file;
    }

    private void assertRejected(byte[] bytes, String... fragments) throws IOException {
        Path file = write(bytes);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> GgufFile.open(file).close(),
                () -> "a file of " + bytes.length + " bytes should be rejected with " + String.join(", ", fragments));
        assertTrue(e.getMessage().startsWith("damaged.gguf: "), e.getMessage());
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), () -> "expected '" + fragment + "' in: " + e.getMessage());
        }
    }
}
