package dev.hearth.engine.session;

/** A flag the caller sets from any thread to stop a generation; it is checked before every token and prefill batch. */
public final class Cancellation {

    private volatile boolean cancelled;

    public void cancel() {
        cancelled = true;
    }

    public boolean isCancelled() {
        return cancelled;
    }
}
