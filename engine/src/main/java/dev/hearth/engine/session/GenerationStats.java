package dev.hearth.engine.session;

/**
 * Measurements of one generation.
 *
 * @param promptTokens     tokens in the prompt
 * @param reusedTokens     prompt tokens whose keys and values were already cached from the previous request
 * @param generatedTokens  tokens sampled (the stop token included)
 * @param prefillSeconds   time to evaluate the prompt tokens that were not cached
 * @param decodeSeconds    time from the first sampled token to the end
 * @param firstTokenSeconds time from the request to the first sampled token
 */
public record GenerationStats(int promptTokens, int reusedTokens, int generatedTokens,
                              double prefillSeconds, double decodeSeconds, double firstTokenSeconds) {

    /** Prompt tokens evaluated per second (cached ones excluded). */
    public double prefillTokensPerSecond() {
        int evaluated = promptTokens - reusedTokens;
        return prefillSeconds > 0 ? evaluated / prefillSeconds : 0;
    }

    /** Tokens generated per second after the first one. */
    public double decodeTokensPerSecond() {
        return decodeSeconds > 0 && generatedTokens > 1 ? (generatedTokens - 1) / decodeSeconds : 0;
    }
}
