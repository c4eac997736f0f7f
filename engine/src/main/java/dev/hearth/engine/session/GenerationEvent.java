package dev.hearth.engine.session;

/** What a running generation reports, in order: any number of {@link Token}s, then {@link Done} or {@link Failed}. */
public sealed interface GenerationEvent {

    /** A sampled token and the text it completes (possibly empty while a UTF-8 sequence is unfinished). */
    record Token(int id, String text) implements GenerationEvent {}

    /** The generation ended normally or was cancelled. */
    record Done(GenerationResult result) implements GenerationEvent {}

    /** The generation failed; {@code message} is a sentence for the user. */
    record Failed(String message, Throwable cause) implements GenerationEvent {}
}
