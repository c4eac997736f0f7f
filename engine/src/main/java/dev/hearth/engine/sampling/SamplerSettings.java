package dev.hearth.engine.sampling;

/**
 * How the next token is chosen from the logits. Temperature 0 means greedy (argmax).
 *
 * @param temperature      logits are divided by this; 0 = greedy
 * @param topK             keep the k most likely tokens; 0 = off
 * @param topP             keep the smallest set whose probability reaches p; 1 = off
 * @param minP             drop tokens less likely than minP × the top token's probability; 0 = off
 * @param repeatPenalty    divide positive (multiply negative) logits of recent tokens; 1 = off
 * @param repeatLastN      how many recent tokens the penalties look at
 * @param frequencyPenalty subtracted once per earlier occurrence; 0 = off
 * @param presencePenalty  subtracted once if the token occurred at all; 0 = off
 * @param seed             the random seed: same seed and settings give the same text
 */
public record SamplerSettings(float temperature, int topK, float topP, float minP, float repeatPenalty, int repeatLastN,
                              float frequencyPenalty, float presencePenalty, long seed) {

    /** Meta's generation config for Llama 3.1 Instruct: temperature 0.6, top-p 0.9. */
    public static final SamplerSettings DEFAULTS = new SamplerSettings(0.6f, 0, 0.9f, 0f, 1f, 64, 0f, 0f, 0L);

    /** Always the most likely token. */
    public static final SamplerSettings GREEDY = new SamplerSettings(0f, 0, 1f, 0f, 1f, 64, 0f, 0f, 0L);

    public SamplerSettings {
        if (!(temperature >= 0) || Float.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be 0 or more, got " + temperature);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("top-k must be 0 (off) or more, got " + topK);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("top-p must be in (0, 1], got " + topP);
        }
        if (!(minP >= 0 && minP < 1)) {
            throw new IllegalArgumentException("min-p must be in [0, 1), got " + minP);
        }
        if (!(repeatPenalty > 0) || Float.isInfinite(repeatPenalty)) {
            throw new IllegalArgumentException("repeat penalty must be positive, got " + repeatPenalty);
        }
        if (repeatLastN < 0) {
            throw new IllegalArgumentException("repeat-last-n must be 0 or more, got " + repeatLastN);
        }
        if (!Float.isFinite(frequencyPenalty) || !Float.isFinite(presencePenalty)) {
            throw new IllegalArgumentException("penalties must be finite numbers");
        }
    }

    public boolean greedy() {
        return temperature == 0f;
    }

    public SamplerSettings withSeed(long newSeed) {
        return new SamplerSettings(temperature, topK, topP, minP, repeatPenalty, repeatLastN, frequencyPenalty, presencePenalty, newSeed);
    }

    public SamplerSettings withTemperature(float t) {
        return new SamplerSettings(t, topK, topP, minP, repeatPenalty, repeatLastN, frequencyPenalty, presencePenalty, seed);
    }
}
