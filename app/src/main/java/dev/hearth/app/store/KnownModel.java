package dev.hearth.app.store;

import java.time.Instant;

/** A GGUF file the user has used; {@code quant} and {@code lastUsed} may be null. */
public record KnownModel(String path, String name, long sizeBytes, String quant, Instant lastUsed) {}
