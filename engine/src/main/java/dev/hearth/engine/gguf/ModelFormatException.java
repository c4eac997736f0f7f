package dev.hearth.engine.gguf;

import java.io.IOException;

/**
 * A model file that cannot be used as it is. The message is meant for the user: it says what was
 * expected, what was found, and where (key name, tensor name or byte offset).
 */
public class ModelFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public ModelFormatException(String message) {
        super(message);
    }

    public ModelFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
