package dev.hearth.app.assistant;

/** The model could not be loaded or used; the message is the engine's sentence for the user. */
public final class ModelLoadException extends RuntimeException {
    public ModelLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
