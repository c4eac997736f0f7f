package dev.hearth.engine.session;

/**
 * A flag the caller sets from any thread to stop a generation; it is checked before every layer of every prefill
 * batch and decoded token, so a generation stops within one layer.
 */
public final class Cancellation {

    private final Cancellation parent;
    private volatile boolean cancelled;

    public Cancellation() {
        this(null);
    }

    private Cancellation(Cancellation parent) {
        this.parent = parent;
    }

    /** A cancellation of its own that is also cancelled whenever this one is. */
    public Cancellation child() {
        return new Cancellation(this);
    }

    public void cancel() {
        cancelled = true;
    }

    public boolean isCancelled() {
        return cancelled || parent != null && parent.isCancelled();
    }
}
