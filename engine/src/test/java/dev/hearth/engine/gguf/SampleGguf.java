package dev.hearth.engine.gguf;

import dev.hearth.engine.tensor.GgmlType;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** Small but real GGUF files for tests, written by {@link GgufWriter}. */
final class SampleGguf {
    /** One small tensor per type, with a shape that is legal for it. */
    static final Object[][] TENSORS = {
            {"f32.weight", GgmlType.F32, new long[] {8, 3}},
            {"f16.weight", GgmlType.F16, new long[] {16, 2}},
            {"q4_0.weight", GgmlType.Q4_0, new long[] {64, 2}},
            {"q8_0.weight", GgmlType.Q8_0, new long[] {32, 3}},
            {"q4_k.weight", GgmlType.Q4_K, new long[] {256, 1}},
            {"q5_k.weight", GgmlType.Q5_K, new long[] {256, 2, 1}},
            {"q6_k.weight", GgmlType.Q6_K, new long[] {256, 1, 1, 2}},
            {"bf16.weight", GgmlType.BF16, new long[] {4, 4}},
    };

    private SampleGguf() {
    }

    /** A writer holding a few metadata keys, string and int arrays of 300 entries, and {@link #TENSORS}. */
    static GgufWriter writer() {
        String[] tokens = new String[300];
        int[] tokenTypes = new int[300];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = i % 7 == 0 ? "Ġtok" + i + "é" : "tok" + i;
            tokenTypes[i] = i % 3;
        }
        GgufWriter writer = new GgufWriter()
                .alignment(32)
                .putString("general.architecture", "llama")
                .putUInt32("llama.block_count", 2)
                .putFloat32("llama.attention.layer_norm_rms_epsilon", 1e-5f)
                .putBool("tokenizer.ggml.add_bos_token", true)
                .putStringArray("tokenizer.ggml.tokens", tokens)
                .putInt32Array("tokenizer.ggml.token_type", tokenTypes)
                .putFloat32Array("tokenizer.ggml.scores", new float[] {0.5f, -1f, 2f})
                .putString("tokenizer.chat_template", "{{ messages }}");
        for (Object[] t : TENSORS) {
            String name = (String) t[0];
            writer.addTensor(name, (GgmlType) t[1], (long[]) t[2], target -> fill(name, target));
        }
        return writer;
    }

    /** The bytes of the file {@link #writer()} writes. */
    static byte[] bytes(Path dir) throws IOException {
        Path file = dir.resolve("sample.gguf");
        writer().write(file);
        return Files.readAllBytes(file);
    }

    /** Fills a tensor with bytes that depend on its name, so a mix-up between tensors shows. */
    static void fill(String name, MemorySegment target) {
        byte[] content = content(name, target.byteSize());
        MemorySegment.copy(content, 0, target, ValueLayout.JAVA_BYTE, 0, content.length);
    }

    static byte[] content(String name, long size) {
        byte[] content = new byte[Math.toIntExact(size)];
        new Random(name.hashCode()).nextBytes(content);
        return content;
    }
}
