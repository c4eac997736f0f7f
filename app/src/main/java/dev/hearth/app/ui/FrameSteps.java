package dev.hearth.app.ui;

import javafx.animation.AnimationTimer;

import java.util.Iterator;
import java.util.List;

/** Runs work the window can do ahead of time one step per frame after a delay, so it never makes one long frame. */
final class FrameSteps {
    private FrameSteps() {}

    /** Starts running {@code steps} on the FX thread, the first {@code delayNanos} from now, then one per pulse. */
    static void start(long delayNanos, List<Runnable> steps) {
        Iterator<Runnable> next = steps.iterator();
        new AnimationTimer() {
            private long first;

            @Override
            public void handle(long now) {
                if (first == 0) first = now;
                if (now - first < delayNanos) return;
                if (next.hasNext()) next.next().run();
                else stop();
            }
        }.start();
    }
}
