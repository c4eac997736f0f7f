package dev.hearth.engine.model;

import dev.hearth.engine.gguf.GgufWriter;
import dev.hearth.engine.tensor.GgmlType;
import dev.hearth.engine.tensor.Quantizer;
import dev.hearth.engine.tokenizer.ByteLevel;
import dev.hearth.engine.tokenizer.Vocabulary;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Writes synthetic Llama 3.1 GGUF files for tests and benchmarks, deterministic from a seed.
 * The tiny shape is small enough to quantize properly from random floats; the 8B shape writes random
 * quantized blocks with sensible scales directly, so a 4.7 GB file takes seconds, and no two blocks repeat.
 */
public final class SyntheticModel {

    /** Model sizes that make-model knows. */
    public enum Shape {
        /** dim 256, 4 layers, 8 query / 4 key-value heads, FFN 768. */
        TINY(256, 4, 8, 4, 768),
        /**
         * dim 256, 1 layer, 2 query / 1 key-value head of width 128, FFN 768: the 8B's head width (so its 64 RoPE
         * frequencies and rope_freqs factors) with attention cheap enough to run a 32k-token prompt in a test.
         */
        LONG(256, 1, 2, 1, 768),
        /** The Llama 3.1 8B shape: dim 4096, 32 layers, 32/8 heads, FFN 14336. */
        LLAMA_8B(4096, 32, 32, 8, 14336);

        final int dim;
        final int layers;
        final int heads;
        final int kvHeads;
        final int ffn;

        Shape(int dim, int layers, int heads, int kvHeads, int ffn) {
            this.dim = dim;
            this.layers = layers;
            this.heads = heads;
            this.kvHeads = kvHeads;
            this.ffn = ffn;
        }

        public static Shape parse(String s) {
            return switch (s.toLowerCase(java.util.Locale.ROOT)) {
                case "tiny" -> TINY;
                case "long" -> LONG;
                case "8b" -> LLAMA_8B;
                default -> throw new IllegalArgumentException("unknown shape '" + s + "'; use tiny, long or 8b");
            };
        }
    }

    static final int TRAINED_CONTEXT = 131072;
    static final float ROPE_THETA = 500000f;

    private SyntheticModel() {}

    /** Writes a model file. {@code smallVocabulary}: a few hundred tokens instead of Llama 3's 128,256. */
    public static void write(Path out, Shape shape, QuantMix mix, long seed, boolean smallVocabulary) throws IOException {
        Vocabulary vocab = smallVocabulary ? smallVocabulary() : Vocabulary.llama3();
        int headDim = shape.dim / shape.heads;
        boolean fast = shape == Shape.LLAMA_8B;
        GgufWriter w = new GgufWriter();
        w.putString("general.architecture", "llama");
        w.putString("general.name", "Hearth synthetic " + shape.name().toLowerCase(java.util.Locale.ROOT) + " " + mix.name());
        w.putUInt32("general.file_type", mix.fileType());
        w.putUInt32("general.quantization_version", 2);
        w.putUInt32("llama.block_count", shape.layers);
        w.putUInt32("llama.context_length", TRAINED_CONTEXT);
        w.putUInt32("llama.embedding_length", shape.dim);
        w.putUInt32("llama.feed_forward_length", shape.ffn);
        w.putUInt32("llama.attention.head_count", shape.heads);
        w.putUInt32("llama.attention.head_count_kv", shape.kvHeads);
        w.putFloat32("llama.rope.freq_base", ROPE_THETA);
        w.putFloat32("llama.attention.layer_norm_rms_epsilon", 1e-5f);
        w.putUInt32("llama.rope.dimension_count", headDim);
        w.putUInt32("llama.vocab_size", vocab.size());
        w.putString("tokenizer.ggml.model", "gpt2");
        w.putString("tokenizer.ggml.pre", "llama-bpe");
        w.putStringArray("tokenizer.ggml.tokens", vocab.tokens());
        w.putInt32Array("tokenizer.ggml.token_type", vocab.tokenTypes());
        w.putStringArray("tokenizer.ggml.merges", vocab.merges());
        w.putUInt32("tokenizer.ggml.bos_token_id", vocab.bosId());
        w.putUInt32("tokenizer.ggml.eos_token_id", vocab.eosId());
        w.putString("tokenizer.chat_template", chatTemplate());

        int[] index = {0};
        w.addTensor("rope_freqs.weight", GgmlType.F32, new long[] {headDim / 2},
                target -> writeFloats(target, GgmlType.F32, llama31RopeFactors(headDim)));
        matrix(w, "token_embd.weight", mix.typeOf("token_embd", 0, shape.layers), shape.dim, vocab.size(), 1.0f, seed, index, fast);
        for (int i = 0; i < shape.layers; i++) {
            String p = "blk." + i + ".";
            norm(w, p + "attn_norm.weight", shape.dim, seed, index);
            matrix(w, p + "attn_q.weight", mix.typeOf("attn_q", i, shape.layers), shape.dim, shape.dim, 0.12f, seed, index, fast);
            matrix(w, p + "attn_k.weight", mix.typeOf("attn_k", i, shape.layers), shape.dim, shape.kvHeads * headDim, 0.12f, seed, index, fast);
            matrix(w, p + "attn_v.weight", mix.typeOf("attn_v", i, shape.layers), shape.dim, shape.kvHeads * headDim, 0.05f, seed, index, fast);
            matrix(w, p + "attn_output.weight", mix.typeOf("attn_output", i, shape.layers), shape.dim, shape.dim, 0.05f, seed, index, fast);
            norm(w, p + "ffn_norm.weight", shape.dim, seed, index);
            matrix(w, p + "ffn_gate.weight", mix.typeOf("ffn_gate", i, shape.layers), shape.dim, shape.ffn, 0.05f, seed, index, fast);
            matrix(w, p + "ffn_up.weight", mix.typeOf("ffn_up", i, shape.layers), shape.dim, shape.ffn, 0.05f, seed, index, fast);
            matrix(w, p + "ffn_down.weight", mix.typeOf("ffn_down", i, shape.layers), shape.ffn, shape.dim, 0.05f, seed, index, fast);
        }
        norm(w, "output_norm.weight", shape.dim, seed, index);
        matrix(w, "output.weight", mix.typeOf("output", 0, shape.layers), shape.dim, vocab.size(), 0.02f, seed, index, fast);
        w.write(out);
    }

    /**
     * Llama 3.1's RoPE scaling as the GGUF converter writes it (factor 8, low 1, high 4, original
     * context 8192): long wavelengths are slowed 8×, short ones kept, the band between blended.
     */
    static float[] llama31RopeFactors(int ropeDim) {
        double factor = 8, low = 1, high = 4, original = 8192;
        double lowWavelen = original / low;
        double highWavelen = original / high;
        float[] factors = new float[ropeDim / 2];
        for (int i = 0; i < factors.length; i++) {
            double freq = Math.pow(ROPE_THETA, -2.0 * i / ropeDim);
            double wavelen = 2 * Math.PI / freq;
            if (wavelen < highWavelen) {
                factors[i] = 1f;
            } else if (wavelen > lowWavelen) {
                factors[i] = (float) factor;
            } else {
                double smooth = (original / wavelen - low) / (high - low);
                factors[i] = (float) (1 / ((1 - smooth) / factor + smooth));
            }
        }
        return factors;
    }

    private static void norm(GgufWriter w, String name, int n, long seed, int[] index) {
        long tensorSeed = seed * 1_000_003L + index[0]++;
        w.addTensor(name, GgmlType.F32, new long[] {n}, target -> {
            SplittableRandom r = new SplittableRandom(tensorSeed);
            float[] v = new float[n];
            for (int i = 0; i < n; i++) {
                v[i] = (float) (1 + 0.1 * r.nextGaussian());
            }
            writeFloats(target, GgmlType.F32, v);
        });
    }

    /** A [rows × cols] matrix (GGUF dims [cols, rows]) of N(0, std²) weights. */
    private static void matrix(GgufWriter w, String name, GgmlType type, int cols, int rows, float std, long seed,
                               int[] index, boolean fast) {
        long tensorSeed = seed * 1_000_003L + index[0]++;
        w.addTensor(name, type, new long[] {cols, rows}, target -> {
            if (fast) {
                randomBlocks(target, type, rows, cols, std, tensorSeed);
            } else {
                quantizedGaussian(target, type, rows, cols, std, tensorSeed);
            }
        });
    }

    /** Random floats quantized properly, rows in parallel (each row has its own generator). */
    private static void quantizedGaussian(MemorySegment target, GgmlType type, int rows, int cols, float std, long seed) {
        long rowBytes = type.bytesFor(cols);
        IntStream.range(0, rows).parallel().forEach(row -> {
            SplittableRandom r = new SplittableRandom(seed ^ (row * 0x9E3779B97F4A7C15L));
            float[] v = new float[cols];
            for (int i = 0; i < cols; i++) {
                v[i] = (float) (std * r.nextGaussian());
            }
            Quantizer.quantize(type, v, 0, cols, target, row * rowBytes);
        });
    }

    /**
     * Random block contents with plausible scales, written directly: every byte of the quant payload is
     * random, every fp16 scale a finite positive value near what std needs.
     */
    private static void randomBlocks(MemorySegment target, GgmlType type, int rows, int cols, float std, long seed) {
        long rowBytes = type.bytesFor(cols);
        IntStream.range(0, rows).parallel().forEach(row -> {
            SplittableRandom r = new SplittableRandom(seed ^ (row * 0x9E3779B97F4A7C15L));
            MemorySegment seg = target.asSlice(row * rowBytes, rowBytes);
            long words = rowBytes / 8;
            for (long i = 0; i < words; i++) {
                seg.set(ValueLayout.JAVA_LONG_UNALIGNED, i * 8, r.nextLong());
            }
            for (long i = words * 8; i < rowBytes; i++) {
                seg.set(ValueLayout.JAVA_BYTE, i, (byte) r.nextInt());
            }
            int blocks = cols / type.blockSize();
            for (int b = 0; b < blocks; b++) {
                long at = (long) b * type.blockBytes();
                float jitter = (float) (0.75 + 0.5 * r.nextDouble());
                switch (type) {
                    case F32 -> seg.set(ValueLayout.JAVA_FLOAT_UNALIGNED, at, (float) (std * r.nextGaussian()));
                    case F16 -> seg.set(ValueLayout.JAVA_SHORT_UNALIGNED, at, Float.floatToFloat16((float) (std * r.nextGaussian())));
                    case BF16 -> seg.set(ValueLayout.JAVA_SHORT_UNALIGNED, at,
                            (short) (Float.floatToIntBits((float) (std * r.nextGaussian())) >>> 16));
                    case Q8_0 -> half(seg, at, std / 64 * jitter);
                    case Q4_0 -> half(seg, at, std / 4 * jitter);
                    case Q4_K, Q5_K -> {
                        half(seg, at, std / 64 * jitter);
                        half(seg, at + 2, std / 256 * jitter);
                    }
                    case Q6_K -> half(seg, at + 208, std / 1024 * jitter);
                }
            }
        });
    }

    private static void half(MemorySegment seg, long at, float value) {
        seg.set(ValueLayout.JAVA_SHORT_UNALIGNED, at, Float.floatToFloat16(value));
    }

    private static void writeFloats(MemorySegment target, GgmlType type, float[] values) {
        Quantizer.quantize(type, values, 0, values.length, target, 0);
    }

    /** The official Llama 3.1 8B Instruct chat template, as Meta ships it. */
    public static String chatTemplate() {
        try (InputStream in = SyntheticModel.class.getResourceAsStream("/dev/hearth/engine/chat/llama-3.1-chat-template.jinja")) {
            if (in == null) {
                throw new IllegalStateException("the chat template resource is missing from the engine jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A vocabulary of a few hundred tokens for fast tests and fuzzing: the 256 byte tokens, merges of
     * common English pieces, and the Llama 3.1 control tokens at the end (so their ids differ from 128000+).
     */
    public static Vocabulary smallVocabulary() {
        List<String> tokens = new ArrayList<>();
        for (int b = 0; b < 256; b++) {
            tokens.add(String.valueOf(ByteLevel.charOf(b)));
        }
        String[] pieces = {"Ġt", "he", "Ġthe", "in", "er", "an", "on", "Ġa", "re", "en", "at", "ed", "nd", "Ġs", "Ġw",
                "ing", "Ġand", "ll", "am", "Ġl", "ama", "Ġll", "Ġllama", "Ġo", "is", "Ġi", "ou", "or", "es", "Ġc"};
        List<String> merges = new ArrayList<>();
        LinkedHashSet<String> known = new LinkedHashSet<>(tokens);
        for (String piece : pieces) {
            // merge the longest known prefix with the rest, which must itself be known
            for (int split = piece.length() - 1; split >= 1; split--) {
                String left = piece.substring(0, split);
                String right = piece.substring(split);
                if (known.contains(left) && known.contains(right)) {
                    merges.add(left + " " + right);
                    known.add(piece);
                    tokens.add(piece);
                    break;
                }
            }
        }
        String[] control = {"<|begin_of_text|>", "<|end_of_text|>", "<|start_header_id|>", "<|end_header_id|>",
                "<|eom_id|>", "<|eot_id|>", "<|python_tag|>", "<|finetune_right_pad_id|>"};
        int firstControl = tokens.size();
        tokens.addAll(Arrays.asList(control));
        int[] types = new int[tokens.size()];
        Arrays.fill(types, 0, firstControl, 1);
        Arrays.fill(types, firstControl, types.length, 3);
        return new Vocabulary(tokens.toArray(String[]::new), types, merges.toArray(String[]::new),
                firstControl, firstControl + 5);
    }
}
