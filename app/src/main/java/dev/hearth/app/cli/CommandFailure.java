package dev.hearth.app.cli;

/** A command cannot do what was asked: exit 1 with this one sentence on stderr. */
final class CommandFailure extends RuntimeException {
    CommandFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
