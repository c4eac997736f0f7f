package dev.hearth.app.docs;

import dev.hearth.app.store.DocumentStore;
import dev.hearth.app.store.DocumentStore.Library;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Watches the folders of every library (recursively, with a {@link WatchService}) and hands each created,
 * changed or deleted path to the indexer once it has been quiet for {@link #QUIET_MS} ms, so a file being
 * written is read once, when it is finished. New folders are watched as they appear. Events the operating
 * system dropped (overflow) lead to a full rescan.
 */
public final class LibraryWatcher implements AutoCloseable {
    static final long QUIET_MS = 400;

    private final DocumentStore store;
    private final DocumentIndexer indexer;
    private final WatchService watchService;
    private final Map<WatchKey, Path> folders = new ConcurrentHashMap<>();
    private final Map<Path, ScheduledFuture<?>> waiting = new HashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "hearth-library-watcher-timer");
        thread.setDaemon(true);
        return thread;
    });
    private final Thread thread;

    /** Starts watching the folders of all libraries. */
    public LibraryWatcher(DocumentStore store, DocumentIndexer indexer) throws IOException {
        this.store = store;
        this.indexer = indexer;
        this.watchService = FileSystems.getDefault().newWatchService();
        for (Library library : store.libraries()) {
            for (Path source : store.sources(library.id())) if (Files.isDirectory(source)) register(source);
        }
        thread = new Thread(this::run, "hearth-library-watcher");
        thread.setDaemon(true);
        thread.start();
    }

    /** Watches a folder added to a library after the watcher started. */
    public void watch(Path folder) throws IOException {
        if (Files.isDirectory(folder)) register(folder.toAbsolutePath().normalize());
    }

    private void register(Path root) throws IOException {
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (!dir.equals(root) && DocumentIndexer.isHidden(dir)) return FileVisitResult.SKIP_SUBTREE;
                WatchKey key = dir.register(watchService, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                        StandardWatchEventKinds.ENTRY_DELETE);
                folders.put(key, dir);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private void run() {
        try {
            while (true) {
                WatchKey key = watchService.take();
                Path folder = folders.get(key);
                for (WatchEvent<?> event : key.pollEvents()) {
                    if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
                        indexer.rescan();
                    } else if (folder != null) {
                        Path path = folder.resolve((Path) event.context());
                        if (event.kind() == StandardWatchEventKinds.ENTRY_CREATE && Files.isDirectory(path)) {
                            try {
                                register(path);
                            } catch (IOException e) {
                                // The folder vanished again or cannot be read; the refresh below scans what is there.
                            }
                        }
                        settle(path);
                    }
                }
                if (!key.reset()) folders.remove(key);
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // Closed: stop watching.
        }
    }

    /** Refreshes {@code path} after it has had no event for {@link #QUIET_MS} ms. */
    private synchronized void settle(Path path) {
        ScheduledFuture<?> earlier = waiting.remove(path);
        if (earlier != null) earlier.cancel(false);
        waiting.put(path, timer.schedule(() -> {
            synchronized (this) {
                waiting.remove(path);
            }
            for (Library library : store.libraries()) {
                for (Path source : store.sources(library.id())) {
                    if (path.startsWith(source)) {
                        indexer.refresh(library, path);
                        break;
                    }
                }
            }
        }, QUIET_MS, TimeUnit.MILLISECONDS));
    }

    @Override
    public void close() {
        try {
            watchService.close();
        } catch (IOException e) {
            // Nothing to release beyond what close already did.
        }
        timer.shutdownNow();
        thread.interrupt();
    }
}
