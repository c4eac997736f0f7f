package dev.hearth.app.store;

import java.util.Locale;

/** Who wrote a message. */
public enum Role {
    SYSTEM, USER, ASSISTANT, TOOL;

    /** The lower-case name used in the database and in exports. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Role of(String id) {
        for (Role role : values()) if (role.id().equals(id)) return role;
        throw new StoreException("Unknown message role \"" + id + "\" (expected system, user, assistant or tool).");
    }
}
