package dev.hearth.app.store;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstanceLockTest {
    @TempDir Path dir;

    @Test
    void aSecondInstanceAsksTheFirstToComeForwardAndTakesOverAfterItCloses() throws Exception {
        CountDownLatch activated = new CountDownLatch(1);
        Optional<InstanceLock> first = InstanceLock.claim(dir, activated::countDown);
        assertTrue(first.isPresent());
        assertTrue(Files.exists(dir.resolve("hearth.sock")));

        Optional<InstanceLock> second = InstanceLock.claim(dir, () -> { });
        assertFalse(second.isPresent(), "only one instance per data folder");
        assertTrue(activated.await(5, TimeUnit.SECONDS), "the first instance was asked to come to the front");

        first.get().close();
        assertFalse(Files.exists(dir.resolve("hearth.sock")));
        Optional<InstanceLock> third = InstanceLock.claim(dir, () -> { });
        assertTrue(third.isPresent(), "the lock is free once the first instance closed");
        third.get().close();
    }

    @Test
    void aSocketFileLeftByADeadInstanceDoesNotBlockTheNextOne() throws Exception {
        Files.writeString(dir.resolve("hearth.sock"), "stale");
        Optional<InstanceLock> lock = InstanceLock.claim(dir, () -> { });
        assertTrue(lock.isPresent());
        lock.get().close();
    }
}
