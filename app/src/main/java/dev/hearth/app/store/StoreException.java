package dev.hearth.app.store;

/**
 * A store operation failed. The message is one sentence meant for the user: what Hearth tried to do and
 * why it could not, never a stack trace.
 */
public final class StoreException extends RuntimeException {
    public StoreException(String userMessage) {
        super(userMessage);
    }

    public StoreException(String userMessage, Throwable cause) {
        super(userMessage, cause);
    }
}
