package dev.hearth.engine.cli;

/** The command line was wrong: exit status 2 with the message and a hint. */
final class UsageException extends RuntimeException {
    UsageException(String message) {
        super(message);
    }
}
