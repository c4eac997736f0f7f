package dev.hearth.app.ui;

import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LatestValueTest {

    @Test
    void progressReachesTheUiAsTheLatestValueWithOneTaskWaitingAtATime() {
        ArrayDeque<Runnable> uiQueue = new ArrayDeque<>();
        List<Integer> shown = new ArrayList<>();
        LatestValue<Integer> progress = new LatestValue<>(uiQueue::add, shown::add);

        for (int done = 64; done <= 640; done += 64) progress.set(done);
        assertEquals(1, uiQueue.size(), "however often progress is reported, one UI task waits at a time");
        uiQueue.poll().run();
        assertEquals(List.of(640), shown, "only the newest value is shown");

        progress.set(700);
        assertEquals(1, uiQueue.size());
        uiQueue.poll().run();
        assertEquals(List.of(640, 700), shown);
    }
}
