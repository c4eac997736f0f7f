package dev.hearth.app.cli;

/** The command line is wrong: exit 2 with the message and a short usage text. */
final class UsageException extends RuntimeException {
    UsageException(String message) {
        super(message);
    }
}
