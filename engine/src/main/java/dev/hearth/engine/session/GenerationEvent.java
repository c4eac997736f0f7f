package dev.hearth.engine.session;

/**
 * What a running generation reports, in order: {@link Prefill} progress while the prompt is read, then any number
 * of {@link Token}s, then {@link Done} or {@link Failed}.
 */
public sealed interface GenerationEvent {

    /**
     * The prompt is being read: {@code done} of its {@code total} tokens are in the cache (those reused from the
     * previous request included). Reported before the first batch and after each one, ending at {@code total}
     * before the first token; a long prompt on a large model takes seconds, and nothing else shows the work.
     */
    record Prefill(int done, int total) implements GenerationEvent {}

    /** A sampled token and the text it completes (possibly empty while a UTF-8 sequence is unfinished). */
    record Token(int id, String text) implements GenerationEvent {}

    /** The generation ended normally or was cancelled. */
    record Done(GenerationResult result) implements GenerationEvent {}

    /** The generation failed; {@code message} is a sentence for the user. */
    record Failed(String message, Throwable cause) implements GenerationEvent {}
}
