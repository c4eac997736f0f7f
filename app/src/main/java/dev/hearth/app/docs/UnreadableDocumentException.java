package dev.hearth.app.docs;

/** A file could not be turned into text; the message is one sentence for the user's list of errors. */
final class UnreadableDocumentException extends Exception {
    UnreadableDocumentException(String message) {
        super(message);
    }

    UnreadableDocumentException(String message, Throwable cause) {
        super(message, cause);
    }
}
