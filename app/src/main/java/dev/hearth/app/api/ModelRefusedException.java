package dev.hearth.app.api;

/** A model file that cannot be used: missing, not a Llama GGUF, damaged, or too large for the free memory. The message is one sentence. */
public final class ModelRefusedException extends Exception {
    public ModelRefusedException(String message, Throwable cause) {
        super(message, cause);
    }
}
