package dev.hearth.app.store;

import java.time.Instant;

/**
 * One conversation. {@code model}, {@code systemPrompt} and {@code samplingJson} are null when unset;
 * {@code currentLeafId} is the last message of the branch the user is looking at (null when empty).
 */
public record Conversation(
        long id,
        String uuid,
        String title,
        Instant created,
        Instant updated,
        boolean pinned,
        String model,
        String systemPrompt,
        String samplingJson,
        Long currentLeafId) {}
