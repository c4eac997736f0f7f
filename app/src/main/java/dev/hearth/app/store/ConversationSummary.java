package dev.hearth.app.store;

import java.time.Instant;

/** A line of the conversation list; {@code messages} counts every branch. */
public record ConversationSummary(long id, String uuid, String title, Instant created, Instant updated, boolean pinned, int messages) {}
