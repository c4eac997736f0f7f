package dev.hearth.engine.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A small fixed pool that runs the pieces of one job on every worker and the calling thread at once.
 * Pieces are taken from a shared counter, so a slow or late worker never holds a job up. Workers spin
 * briefly before sleeping: decode dispatches a few hundred jobs per token and a wake-up from sleep
 * costs tens of microseconds.
 */
public final class WorkerPool implements AutoCloseable {

    /** One piece of a job; {@code worker} is in [0, threads()) and indexes per-thread scratch space. */
    @FunctionalInterface
    public interface Piece {
        void run(int index, int worker);
    }

    private static final int SPIN_LIMIT = 1 << 14;

    private final int threads;
    private final Thread[] workers;
    private final Object lock = new Object();
    private volatile Job current;
    private volatile long generation;
    private volatile boolean closed;

    public WorkerPool(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("need at least one thread, got " + threads);
        }
        this.threads = threads;
        this.workers = new Thread[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            int worker = i + 1;
            workers[i] = Thread.ofPlatform().daemon().name("hearth-worker-" + worker).start(() -> work(worker));
        }
    }

    public int threads() {
        return threads;
    }

    /** Runs {@code piece} for every index in [0, count) and returns when all have finished. */
    public void run(int count, Piece piece) {
        if (count <= 0) {
            return;
        }
        Job job = new Job(count, piece);
        if (workers.length > 0 && count > 1) {
            synchronized (lock) {
                current = job;
                generation++;
                lock.notifyAll();
            }
        }
        job.work(0);
        job.await();
    }

    /** Splits [0, n) into about {@code piecesPerThread × threads} ranges and runs {@code range} on each. */
    public void forRange(int n, int piecesPerThread, RangeBody range) {
        forRange(n, piecesPerThread, 1, range);
    }

    /** As {@link #forRange(int, int, RangeBody)}, with every boundary between pieces a multiple of {@code alignment}. */
    public void forRange(int n, int piecesPerThread, int alignment, RangeBody range) {
        int units = (n + alignment - 1) / alignment;
        int pieces = Math.max(1, Math.min(units, threads * piecesPerThread));
        run(pieces, (index, worker) -> {
            int from = (int) Math.min(n, (long) units * index / pieces * alignment);
            int to = (int) Math.min(n, (long) units * (index + 1) / pieces * alignment);
            if (from < to) {
                range.run(from, to, worker);
            }
        });
    }

    @FunctionalInterface
    public interface RangeBody {
        void run(int from, int to, int worker);
    }

    private void work(int worker) {
        long seen = 0;
        while (true) {
            int spins = 0;
            while (generation == seen && !closed && spins < SPIN_LIMIT) {
                Thread.onSpinWait();
                spins++;
            }
            if (generation == seen && !closed) {
                synchronized (lock) {
                    while (generation == seen && !closed) {
                        try {
                            lock.wait();
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }
            }
            if (closed) {
                return;
            }
            seen = generation;
            Job job = current;
            if (job != null) {
                job.work(worker);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        synchronized (lock) {
            lock.notifyAll();
        }
    }

    /** Physical cores of this machine (SMT siblings counted once), or the available processors when unknown. */
    public static int physicalCores() {
        int available = Runtime.getRuntime().availableProcessors();
        Path cpus = Path.of("/sys/devices/system/cpu");
        if (!Files.isDirectory(cpus)) {
            return available;
        }
        Set<String> cores = new HashSet<>();
        try (Stream<Path> list = Files.list(cpus)) {
            for (Path cpu : (Iterable<Path>) list::iterator) {
                Path siblings = cpu.resolve("topology/thread_siblings_list");
                if (cpu.getFileName().toString().matches("cpu\\d+") && Files.isReadable(siblings)) {
                    cores.add(Files.readString(siblings).trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            return available;
        }
        return cores.isEmpty() ? available : Math.max(1, Math.min(available, cores.size()));
    }

    private static final class Job {
        private final int count;
        private final Piece piece;
        private final AtomicInteger next = new AtomicInteger();
        private final CountDownLatch done;
        private volatile Throwable failure;

        Job(int count, Piece piece) {
            this.count = count;
            this.piece = piece;
            this.done = new CountDownLatch(count);
        }

        void work(int worker) {
            int i;
            while ((i = next.getAndIncrement()) < count) {
                try {
                    piece.run(i, worker);
                } catch (Throwable t) {
                    failure = t;
                } finally {
                    done.countDown();
                }
            }
        }

        void await() {
            int spins = 0;
            while (done.getCount() > 0 && spins++ < SPIN_LIMIT) {
                Thread.onSpinWait();
            }
            try {
                done.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while the workers were computing", e);
            }
            Throwable t = failure;
            if (t instanceof RuntimeException r) {
                throw r;
            }
            if (t instanceof Error err) {
                throw err;
            }
            if (t != null) {
                throw new IllegalStateException(t);
            }
        }
    }
}
