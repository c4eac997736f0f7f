package dev.hearth.app.ui;

import javafx.animation.AnimationTimer;
import javafx.application.Platform;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs tasks on the FX thread at the next pulse, all together, so a stream of updates (tokens arriving
 * thousands of times a second from a small model) costs at most one layout per frame.
 */
public final class NextFrame implements Executor {
    private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean armed = new AtomicBoolean();
    private final AnimationTimer timer = new AnimationTimer() {
        @Override
        public void handle(long now) {
            armed.set(false);
            for (Runnable task; (task = queue.poll()) != null; ) task.run();
            if (queue.isEmpty()) stop();
        }
    };

    @Override
    public void execute(Runnable task) {
        queue.add(task);
        if (armed.compareAndSet(false, true)) Platform.runLater(timer::start);
    }
}
