package dev.hearth.engine.model;

import dev.hearth.engine.tensor.GgmlType;

import java.util.Locale;

/**
 * Which tensor gets which type in a file of a given quantization, as llama-quantize decides it:
 * Q4_0 keeps the output layer in Q6_K; the K-quant "M" mixes give some attn_v and ffn_down layers
 * more bits. Norms and rope factors are always F32.
 */
public enum QuantMix {
    F32(0, GgmlType.F32, GgmlType.F32, GgmlType.F32),
    F16(1, GgmlType.F16, GgmlType.F16, GgmlType.F16),
    BF16(32, GgmlType.BF16, GgmlType.BF16, GgmlType.BF16),
    Q8_0(7, GgmlType.Q8_0, GgmlType.Q8_0, GgmlType.Q8_0),
    Q4_0(2, GgmlType.Q4_0, GgmlType.Q6_K, GgmlType.Q4_0),
    Q4_K_M(15, GgmlType.Q4_K, GgmlType.Q6_K, GgmlType.Q6_K),
    Q5_K_M(17, GgmlType.Q5_K, GgmlType.Q6_K, GgmlType.Q6_K),
    Q6_K(18, GgmlType.Q6_K, GgmlType.Q6_K, GgmlType.Q6_K);

    private final int fileType;
    private final GgmlType base;
    private final GgmlType output;
    private final GgmlType moreBits;

    QuantMix(int fileType, GgmlType base, GgmlType output, GgmlType moreBits) {
        this.fileType = fileType;
        this.base = base;
        this.output = output;
        this.moreBits = moreBits;
    }

    /** The {@code general.file_type} number llama.cpp writes for this mix. */
    public int fileType() {
        return fileType;
    }

    /** The type of a weight matrix by tensor role ("attn_q", "ffn_down", "token_embd", "output") and layer. */
    public GgmlType typeOf(String role, int layer, int layers) {
        return switch (role) {
            case "output" -> output;
            case "attn_v", "ffn_down" -> usesMoreBits(layer, layers) ? moreBits : base;
            default -> base;
        };
    }

    /** llama-quantize's rule for the M mixes: the first and last eighth of the layers, and every third between. */
    private static boolean usesMoreBits(int layer, int layers) {
        return layer < layers / 8 || layer >= 7 * layers / 8 || (layer - layers / 8) % 3 == 2;
    }

    /** Parses names like "q4_0", "Q4_K_M", "f16". */
    public static QuantMix parse(String name) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown quantization '" + name + "'; use one of f32, f16, bf16, q8_0, q4_0, q4_k_m, q5_k_m, q6_k");
        }
    }
}
