package dev.hearth.engine.session;

/** The outcome of one generation: the text shown to the user, the token ids, why it stopped, and the numbers. */
public record GenerationResult(String text, int[] tokens, StopReason stopReason, GenerationStats stats) {}
