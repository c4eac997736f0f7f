package dev.hearth.app.ui;

import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Hands the newest of a series of values (progress reported from another thread) to the UI: however often a value
 * is set, at most one task waits on the UI executor, and it delivers only the latest value.
 */
public final class LatestValue<T> {
    private final AtomicReference<T> latest = new AtomicReference<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final Executor ui;
    private final Consumer<T> sink;

    public LatestValue(Executor ui, Consumer<T> sink) {
        this.ui = ui;
        this.sink = sink;
    }

    /** Called from the producing thread; {@code value} replaces one not delivered yet. */
    public void set(T value) {
        latest.set(java.util.Objects.requireNonNull(value));
        if (scheduled.compareAndSet(false, true)) ui.execute(this::drain);
    }

    private void drain() {
        scheduled.set(false);
        T value = latest.getAndSet(null);
        if (value != null) sink.accept(value);
    }
}
