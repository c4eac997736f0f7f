package dev.hearth.engine.session;

/**
 * The outcome of one generation: the text shown to the user, the token ids, why it stopped, the numbers, and how much of
 * the context the session's cache holds afterwards.
 *
 * @param tokens       every sampled token id, the stop token that ended the reply included
 * @param cachedTokens tokens whose keys and values are in the session's cache afterwards: the prompt and the reply's
 *                     tokens that were evaluated. The stop token never is, and a reply that stopped at its token limit,
 *                     at a full context or at a cancellation has its last token sampled but not evaluated.
 */
public record GenerationResult(String text, int[] tokens, StopReason stopReason, GenerationStats stats, int cachedTokens) {

    /** Tokens of the reply's text: the sampled ones without the stop token that ended it. */
    public int replyTokens() {
        return stopReason == StopReason.END_OF_TURN ? tokens.length - 1 : tokens.length;
    }
}
