package dev.hearth.app.models;

import java.io.IOException;

/**
 * A download that could not go on. {@link #reason} picks the sentence the window shows (it is translated
 * there); {@link #detail} is the technical part shown under "details" (a size, a status code, a hash).
 * The {@code .part} file is kept for every reason except {@link Reason#HASH_MISMATCH} and
 * {@link Reason#NOT_A_MODEL_LINK}, so a later attempt resumes where this one stopped.
 */
public final class DownloadProblem extends IOException {

    public enum Reason {
        /** The link is not http(s) or does not name a {@code .gguf} file. */
        NOT_A_MODEL_LINK,
        /** The server answered with an error status. */
        SERVER_REFUSED,
        /** The connection broke before the whole file arrived. */
        CONNECTION_LOST,
        /** The disk does not have room for the rest of the file. */
        NOT_ENOUGH_SPACE,
        /** The finished file's SHA-256 is not the one given. */
        HASH_MISMATCH,
        /** Reading or writing the local file failed. */
        DISK_ERROR
    }

    private final Reason reason;
    private final String detail;

    DownloadProblem(Reason reason, String detail, Throwable cause) {
        super(reason + ": " + detail, cause);
        this.reason = reason;
        this.detail = detail;
    }

    DownloadProblem(Reason reason, String detail) {
        this(reason, detail, null);
    }

    public Reason reason() {
        return reason;
    }

    public String detail() {
        return detail;
    }
}
