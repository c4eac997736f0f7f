package dev.hearth.engine.session;

import dev.hearth.engine.sampling.SamplerSettings;

/**
 * One generation: the whole prompt as token ids (BOS and chat format included), how to sample, and a limit.
 *
 * @param prompt       the token ids to continue
 * @param sampler      sampling settings (temperature 0 = greedy)
 * @param maxTokens    at most this many tokens are generated
 * @param cancellation set it to stop; honoured within one token
 */
public record GenerationRequest(int[] prompt, SamplerSettings sampler, int maxTokens, Cancellation cancellation) {

    public GenerationRequest {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("the prompt is empty");
        }
        if (maxTokens < 1) {
            throw new IllegalArgumentException("max tokens must be at least 1, got " + maxTokens);
        }
    }

    public GenerationRequest(int[] prompt, SamplerSettings sampler, int maxTokens) {
        this(prompt, sampler, maxTokens, new Cancellation());
    }
}
