package dev.hearth.engine.chat;

import java.util.Locale;

/** Who speaks in a conversation turn. */
public enum Role {
    SYSTEM, USER, ASSISTANT;

    /** The role's name in the chat template and in stored conversations: "system", "user", "assistant". */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The role with this wire name (case ignored). */
    public static Role parse(String s) {
        for (Role role : values()) {
            if (role.wireName().equalsIgnoreCase(s)) {
                return role;
            }
        }
        throw new IllegalArgumentException("unknown role '" + s + "': expected system, user or assistant");
    }
}
