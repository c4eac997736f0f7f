package dev.hearth.app.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class ModelHostTest {

    @Test
    void aModelThatDoesNotFitInFreeMemoryIsRefusedWithTheEstimate() {
        ModelRefusedException e = assertThrows(ModelRefusedException.class,
                () -> ModelHost.open(TinyModel.file(), 131072, 1, 1, 64L << 20));
        assertTrue(e.getMessage().contains("needs about"), e.getMessage());
        assertTrue(e.getMessage().contains("64 MiB is available"), e.getMessage());
        assertTrue(e.getMessage().contains("131072 tokens"), e.getMessage());
    }

    @Test
    void theSameModelFitsWhenMemoryAllows() throws Exception {
        try (ModelHost host = ModelHost.open(TinyModel.file(), 512, 1, 1, 64L << 20)) {
            assertEquals(512, host.contextLength());
            assertEquals("Q8_0", host.quant());
        }
    }

    @Test
    void jobsBeyondTheQueueAreRefusedAtOnce() throws Exception {
        try (ModelHost host = ModelHost.open(TinyModel.file(), 256, 1, 2)) {
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch running = new CountDownLatch(1);
            Future<Object> busy = host.submit(session -> {
                running.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return null;
            });
            running.await();
            Future<Integer> first = host.submit(session -> 1);
            Future<Integer> second = host.submit(session -> 2);
            assertEquals(2, host.waiting());
            ModelHost.QueueFullException full = assertThrows(ModelHost.QueueFullException.class, () -> host.submit(session -> 3));
            assertTrue(full.getMessage().contains("2 requests are already waiting"), full.getMessage());
            release.countDown();
            busy.get();
            assertEquals(1, first.get());
            assertEquals(2, second.get());
        }
    }
}
