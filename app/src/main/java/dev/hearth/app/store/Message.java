package dev.hearth.app.store;

import java.time.Instant;

/**
 * One node of a conversation's message tree. {@code parentId} is null for a first message. The stats
 * ({@code model}, {@code tokens}, {@code tokensPerSecond}, {@code stopReason}) and {@code error} are null
 * when unknown; {@code stopReason} is {@code cancelled}, {@code error} or {@code crash} for interrupted replies.
 */
public record Message(
        long id,
        String uuid,
        long conversationId,
        Long parentId,
        Role role,
        String content,
        Instant created,
        MessageStatus status,
        String model,
        Integer tokens,
        Double tokensPerSecond,
        String stopReason,
        String error) {}
