package dev.hearth.app.ui;

import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Collects streamed text on the generation thread and hands it to the UI in one piece per drain: however
 * fast tokens come, at most one task is waiting on the UI executor at a time.
 */
public final class StreamBuffer {
    private final StringBuilder pending = new StringBuilder();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final Executor ui;
    private final Consumer<String> sink;

    public StreamBuffer(Executor ui, Consumer<String> sink) {
        this.ui = ui;
        this.sink = sink;
    }

    /** Called from the producing thread. */
    public void add(String text) {
        if (text.isEmpty()) return;
        synchronized (pending) {
            pending.append(text);
        }
        if (scheduled.compareAndSet(false, true)) ui.execute(this::drain);
    }

    /** Delivers whatever is pending now (on the UI thread); also called once at the end of a stream. */
    public void drain() {
        scheduled.set(false);
        String text;
        synchronized (pending) {
            text = pending.toString();
            pending.setLength(0);
        }
        if (!text.isEmpty()) sink.accept(text);
    }
}
