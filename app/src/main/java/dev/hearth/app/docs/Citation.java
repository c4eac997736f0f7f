package dev.hearth.app.docs;

import java.nio.file.Path;

/** Source {@code [n]} of an answer: file, 1-based page (null without pages), heading path (or null) and the passage text given to the model. */
public record Citation(Path file, Integer page, String heading, String snippet) {}
