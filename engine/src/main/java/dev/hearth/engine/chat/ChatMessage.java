package dev.hearth.engine.chat;

/** One turn of a conversation. */
public record ChatMessage(Role role, String content) {
    public ChatMessage {
        if (role == null || content == null) {
            throw new IllegalArgumentException("a chat message needs a role and content (found role " + role
                    + (content == null ? ", no content)" : ")"));
        }
    }
}
