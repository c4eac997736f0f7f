package dev.hearth.engine.gguf;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.function.Supplier;

import static dev.hearth.engine.gguf.GgufBytes.insert;
import static dev.hearth.engine.gguf.GgufBytes.putU32;
import static dev.hearth.engine.gguf.GgufBytes.putU64;
import static dev.hearth.engine.gguf.GgufBytes.stringLengthAt;
import static dev.hearth.engine.gguf.GgufBytes.tensorInfoAt;
import static dev.hearth.engine.gguf.GgufBytes.truncate;
import static dev.hearth.engine.gguf.GgufBytes.valueTypeAt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Damages a small valid file in many deterministic ways and checks that each damaged file either
 * opens with every tensor inside the file, or is refused with an {@link IOException} that has a
 * message: never another exception, a crash, or a hang.
 */
class GgufFuzzTest {
    private static final long SEED = 0x4847_5546L;
    private static final long[] HUGE = {1L << 60, Long.MAX_VALUE, -1L, 1L << 32, 1L << 31, Integer.MAX_VALUE, 1L << 62};

    @TempDir
    Path dir;

    private record Mutation(String description, byte[] bytes) {}

    /** Where the fields of the sample file lie. */
    private record Fields(List<Integer> u64s, List<Integer> typeIds, List<Integer> offsets, List<Integer> dims,
                          int alignmentValue, List<Integer> stringValues, TreeSet<Integer> boundaries) {}

    @Test
    void everyMutationOpensCleanlyOrFailsWithAMessage() throws IOException {
        byte[] valid = SampleGguf.bytes(dir);
        List<Mutation> mutations = mutations(valid, fields(valid));
        assertTrue(mutations.size() >= 1000, "only " + mutations.size() + " mutations");

        Path file = dir.resolve("fuzz.gguf");
        int opened = 0;
        int refused = 0;
        for (int i = 0; i < mutations.size(); i++) {
            Mutation m = mutations.get(i);
            String label = "case " + i + " (seed " + SEED + "): " + m.description();
            Files.write(file, m.bytes());
            boolean ok = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> openAndReadEverything(file, label),
                    () -> "open does not finish for " + label);
            if (ok) {
                opened++;
            } else {
                refused++;
            }
        }
        assertTrue(opened > 0 && refused > 0, "both outcomes occur: " + opened + " opened, " + refused + " refused");
    }

    /** True when the file opened and all of it was readable, false when it was refused with a message. */
    private static boolean openAndReadEverything(Path file, String label) {
        try (GgufFile gguf = GgufFile.open(file)) {
            for (String key : gguf.keys()) {
                assertTrue(gguf.has(key));
                gguf.get(key);
            }
            long fileSize = Files.size(file);
            assertEquals(fileSize, gguf.fileSize(), label);
            for (GgufTensor t : gguf.tensors()) {
                long end = gguf.dataOffset() + t.offset() + t.byteSize();
                assertTrue(t.offset() >= 0 && end <= fileSize, () -> label + ": " + t + " ends past the file");
                MemorySegment data = gguf.data(t);
                assertEquals(t.byteSize(), data.byteSize(), label);
                data.get(ValueLayout.JAVA_BYTE, 0);
                data.get(ValueLayout.JAVA_BYTE, data.byteSize() - 1);
            }
            return true;
        } catch (IOException e) {
            assertFalse(e.getMessage() == null || e.getMessage().isBlank(), () -> label + ": refused without a message");
            return false;
        } catch (Throwable t) {
            if (t instanceof AssertionError) {
                throw (AssertionError) t;
            }
            return fail(label + ": " + t, t);
        }
    }

    private static Fields fields(byte[] file) {
        List<Integer> u64s = new ArrayList<>(List.of(GgufBytes.TENSOR_COUNT_AT, GgufBytes.METADATA_COUNT_AT));
        List<Integer> typeIds = new ArrayList<>(List.of(4));
        List<Integer> stringValues = new ArrayList<>();
        TreeSet<Integer> boundaries = new TreeSet<>(List.of(4, 8, 16, 24));
        String[] keys = {"general.alignment", "general.architecture", "llama.block_count", "llama.attention.layer_norm_rms_epsilon",
                "tokenizer.ggml.add_bos_token", "tokenizer.ggml.tokens", "tokenizer.ggml.token_type", "tokenizer.ggml.scores",
                "tokenizer.chat_template"};
        for (String key : keys) {
            int lengthAt = stringLengthAt(file, key);
            int typeAt = valueTypeAt(file, key);
            u64s.add(lengthAt);
            typeIds.add(typeAt);
            boundaries.addAll(List.of(lengthAt, lengthAt + 8, typeAt, typeAt + 4));
            int type = GgufBytes.getU32(file, typeAt);
            if (type == GgufValueType.STRING.id()) {
                u64s.add(typeAt + 4);
                stringValues.add(typeAt + 4);
            } else if (type == GgufValueType.ARRAY.id()) {
                typeIds.add(typeAt + 4);
                u64s.add(typeAt + 8);
                boundaries.addAll(List.of(typeAt + 8, typeAt + 16));
                if (GgufBytes.getU32(file, typeAt + 4) == GgufValueType.STRING.id()) {
                    u64s.add(typeAt + 16);
                    stringValues.add(typeAt + 16);
                }
            }
        }
        List<Integer> offsets = new ArrayList<>();
        List<Integer> dims = new ArrayList<>();
        int infosEnd = 0;
        for (Object[] t : SampleGguf.TENSORS) {
            GgufBytes.TensorInfoAt info = tensorInfoAt(file, (String) t[0]);
            u64s.add(info.nameLength());
            typeIds.addAll(List.of(info.dimCount(), info.type()));
            offsets.add(info.offset());
            for (int at = info.firstDim(); at < info.type(); at += 8) {
                dims.add(at);
            }
            boundaries.addAll(List.of(info.nameLength(), info.dimCount(), info.firstDim(), info.type(), info.offset()));
            infosEnd = info.offset() + 8;
        }
        int dataOffset = (infosEnd + 31) / 32 * 32;
        boundaries.addAll(List.of(infosEnd, dataOffset, file.length));
        for (int at : offsets) {
            long start = dataOffset + GgufBytes.getU64(file, at);
            boundaries.add((int) start);
        }
        u64s.addAll(offsets);
        u64s.addAll(dims);
        return new Fields(u64s, typeIds, offsets, dims, valueTypeAt(file, "general.alignment") + 4, stringValues, boundaries);
    }

    private static List<Mutation> mutations(byte[] valid, Fields fields) {
        List<Mutation> out = new ArrayList<>();
        Random random = new Random(SEED);
        for (int boundary : fields.boundaries()) {
            for (int length = boundary - 1; length <= boundary + 1; length++) {
                if (length >= 0 && length < valid.length) {
                    out.add(new Mutation("truncate to " + length + " bytes (section boundary " + boundary + ")", truncate(valid, length)));
                }
            }
        }
        repeat(out, 300, () -> {
            int length = random.nextInt(valid.length);
            return new Mutation("truncate to " + length + " bytes", truncate(valid, length));
        });
        repeat(out, 300, () -> {
            byte[] bytes = valid.clone();
            StringBuilder what = new StringBuilder("flip");
            int flips = 1 + random.nextInt(4);
            int region = random.nextInt(5) == 0 ? valid.length : fields.boundaries().last() - 1;
            for (int k = 0; k < flips; k++) {
                int at = random.nextInt(Math.min(region, valid.length));
                int mask = 1 + random.nextInt(255);
                bytes[at] ^= (byte) mask;
                what.append(String.format(" byte %d ^= 0x%02x", at, mask));
            }
            return new Mutation(what.toString(), bytes);
        });
        repeat(out, 200, () -> overwriteU64(valid, random, fields.u64s(), "count/length/dim/offset"));
        repeat(out, 150, () -> {
            int at = pick(random, fields.typeIds());
            int id = random.nextInt(4) == 0 ? random.nextInt() : random.nextInt(42);
            return new Mutation("type id at byte " + at + " = " + id, putU32(valid, at, id));
        });
        repeat(out, 100, () -> {
            int at = pick(random, fields.offsets());
            long[] choices = {0, 32, 64, 1, 31, valid.length, GgufBytes.getU64(valid, pick(random, fields.offsets())), random.nextLong(),
                    GgufBytes.getU64(valid, at) + 32 * (random.nextInt(5) - 2)};
            long value = choices[random.nextInt(choices.length)];
            return new Mutation("tensor offset at byte " + at + " = " + value, putU64(valid, at, value));
        });
        repeat(out, 100, () -> {
            int at = pick(random, fields.dims());
            long[] choices = {0, 1, 2, 3, 32, 256, 512, 1L << 32, 1L << 62, -1, random.nextLong(), random.nextInt(1 << 20)};
            long value = choices[random.nextInt(choices.length)];
            return new Mutation("dimension at byte " + at + " = " + value, putU64(valid, at, value));
        });
        repeat(out, 50, () -> {
            int[] choices = {0, 1, 2, 3, 8, 16, 31, 64, 4096, 1 << 30, 1 << 31, -1, random.nextInt()};
            int value = choices[random.nextInt(choices.length)];
            return new Mutation("general.alignment = " + Integer.toUnsignedString(value), putU32(valid, fields.alignmentValue(), value));
        });
        repeat(out, 40, () -> insertHugeString(valid, random, fields.stringValues()));
        repeat(out, 100, () -> {
            byte[] bytes = valid.clone();
            StringBuilder what = new StringBuilder("combined:");
            for (int k = 0, n = 2 + random.nextInt(3); k < n; k++) {
                Mutation step = switch (random.nextInt(3)) {
                    case 0 -> overwriteU64(bytes, random, fields.u64s(), "field");
                    case 1 -> {
                        int at = pick(random, fields.typeIds());
                        int id = random.nextInt(42);
                        yield new Mutation("type id at byte " + at + " = " + id, putU32(bytes, at, id));
                    }
                    default -> {
                        int at = random.nextInt(bytes.length);
                        yield new Mutation("byte " + at + " = 0xff", GgufBytes.put(bytes, at, (byte) 0xff));
                    }
                };
                bytes = step.bytes();
                what.append(' ').append(step.description()).append(';');
            }
            return new Mutation(what.toString(), bytes);
        });
        return out;
    }

    private static Mutation overwriteU64(byte[] bytes, Random random, List<Integer> positions, String kind) {
        int at = pick(random, positions);
        long value = random.nextInt(3) == 0 ? random.nextLong() : HUGE[random.nextInt(HUGE.length)];
        if (random.nextInt(4) == 0) {
            value = bytes.length - at + random.nextInt(17) - 8;
        }
        return new Mutation(kind + " u64 at byte " + at + " = " + Long.toUnsignedString(value), putU64(bytes, at, value));
    }

    /** Inserts a long string at a string value, with its length right, or claiming far more than was inserted. */
    private static Mutation insertHugeString(byte[] valid, Random random, List<Integer> stringValues) {
        int lengthAt = pick(random, stringValues);
        long oldLength = GgufBytes.getU64(valid, lengthAt);
        int added = 1 << (10 + random.nextInt(11));
        byte[] text = new byte[added];
        Arrays.fill(text, (byte) 'a');
        if (random.nextBoolean()) {
            text[random.nextInt(added)] = (byte) 0xff;
        }
        long claimed = random.nextBoolean() ? oldLength + added : oldLength + added * 1000L;
        byte[] bytes = insert(putU64(valid, lengthAt, claimed), lengthAt + 8, text);
        return new Mutation("insert " + added + " bytes into the string at byte " + lengthAt + ", length " + claimed, bytes);
    }

    private static int pick(Random random, List<Integer> positions) {
        return positions.get(random.nextInt(positions.size()));
    }

    private static void repeat(List<Mutation> out, int times, Supplier<Mutation> mutation) {
        for (int i = 0; i < times; i++) {
            out.add(mutation.get());
        }
    }
}
