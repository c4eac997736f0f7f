package dev.hearth.app.store;

/** A message that matches a search, with a short excerpt whose matches are marked with {@code [} and {@code ]}. */
public record SearchHit(long conversationId, String conversationUuid, String conversationTitle,
                        long messageId, String messageUuid, Role role, String snippet) {}
