package dev.hearth.app.store;

import java.util.Locale;

/** Whether a message is whole, still being written, or was cut short (stopped, failed, or its process died). */
public enum MessageStatus {
    COMPLETE, STREAMING, INTERRUPTED;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static MessageStatus of(String id) {
        for (MessageStatus status : values()) if (status.id().equals(id)) return status;
        throw new StoreException("Unknown message status \"" + id + "\" (expected complete, streaming or interrupted).");
    }
}
