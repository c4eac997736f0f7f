package dev.hearth.app.docs;

import java.nio.file.Path;

/** A retrieved chunk: where it is (file, 1-based page or null, heading path or null), its text, and its fused score (higher is better). */
public record Passage(long chunkId, Path file, Integer page, String heading, String text, double score) {}
