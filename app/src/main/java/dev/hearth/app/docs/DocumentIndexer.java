package dev.hearth.app.docs;

import dev.hearth.app.store.CjkBigrams;
import dev.hearth.app.store.DocumentStore;
import dev.hearth.app.store.DocumentStore.Library;
import dev.hearth.app.store.DocumentStore.NewChunk;
import dev.hearth.app.store.DocumentStore.StoredDocument;
import dev.hearth.app.store.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.TreeMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Keeps libraries' indexes in step with their files, on one background thread. A scan lists the files
 * under a library's sources and compares each with what the index holds: same size and modification time
 * means unchanged; otherwise the SHA-256 decides whether it must be read again. Each file is committed
 * with all its chunks in one transaction, so after a crash or restart a rescan redoes only the files that
 * were not finished. Files that cannot be read are recorded with their error and not retried until they
 * change. {@link #pause()} holds the work between two files.
 */
public final class DocumentIndexer implements AutoCloseable {
    private final DocumentStore store;
    private final TextEmbedder embedder;
    private final IndexListener listener;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "hearth-document-indexer");
        thread.setDaemon(true);
        return thread;
    });
    private final ReentrantLock pauseLock = new ReentrantLock();
    private final Condition unpaused = pauseLock.newCondition();
    private boolean paused;
    private volatile boolean closed;

    public DocumentIndexer(DocumentStore store, TextEmbedder embedder, IndexListener listener) {
        this.store = store;
        this.embedder = embedder;
        this.listener = listener;
    }

    /** Adds files and folders to the library (created if needed) and queues their indexing. */
    public Future<?> add(String libraryName, List<Path> paths) {
        Library library = store.library(libraryName);
        for (Path path : paths) {
            Path absolute = path.toAbsolutePath().normalize();
            if (!Files.exists(absolute)) throw new StoreException("Cannot add " + absolute + " to the library: it does not exist.");
            store.addSource(library.id(), absolute);
        }
        return worker.submit(() -> scan(library));
    }

    /** Queues a scan of every library: what a restart does to pick up where indexing stopped and what changed meanwhile. */
    public Future<?> rescan() {
        return worker.submit(() -> {
            for (Library library : store.libraries()) scan(library);
        });
    }

    /** Queues a look at one path that changed (from the folder watcher): a file is (re)indexed or removed, a folder scanned. */
    Future<?> refresh(Library library, Path path) {
        return worker.submit(() -> {
            if (Files.isDirectory(path)) {
                scan(library);
            } else if (Files.isRegularFile(path) && DocumentReader.supports(path) && !isHidden(path)) {
                Map<Path, StoredDocument> known = store.documents(library.id());
                indexIfChanged(library, path, known.get(path), new Tally(library.name(), 1, 0));
            } else {
                for (Path gone : store.documents(library.id()).keySet()) {
                    if (gone.startsWith(path) && !Files.exists(gone) && store.removeDocument(library.id(), gone)) listener.removed(gone);
                }
            }
        });
    }

    public void pause() {
        pauseLock.lock();
        try {
            paused = true;
        } finally {
            pauseLock.unlock();
        }
    }

    public void resume() {
        pauseLock.lock();
        try {
            paused = false;
            unpaused.signalAll();
        } finally {
            pauseLock.unlock();
        }
    }

    public boolean isPaused() {
        pauseLock.lock();
        try {
            return paused;
        } finally {
            pauseLock.unlock();
        }
    }

    /** The files under the library's sources that are missing from the index or changed since: what a scan would read. */
    public static List<Path> pending(DocumentStore store, Library library) {
        Map<Path, StoredDocument> known = store.documents(library.id());
        List<Path> pending = new ArrayList<>();
        for (Map.Entry<Path, Long> file : listFiles(library, store.sources(library.id())).entrySet()) {
            StoredDocument stored = known.get(file.getKey());
            if (stored == null || stored.sizeBytes() != file.getValue() || stored.modifiedAt() != modifiedAt(file.getKey())) pending.add(file.getKey());
        }
        return pending;
    }

    private void scan(Library library) {
        Map<Path, StoredDocument> known = store.documents(library.id());
        Map<Path, Long> files = listFiles(library);
        for (Path gone : known.keySet()) {
            if (!files.containsKey(gone) && store.removeDocument(library.id(), gone)) listener.removed(gone);
        }
        List<Path> changed = new ArrayList<>();
        long bytes = 0;
        for (Map.Entry<Path, Long> file : files.entrySet()) {
            StoredDocument stored = known.get(file.getKey());
            if (stored == null || stored.sizeBytes() != file.getValue() || stored.modifiedAt() != modifiedAt(file.getKey())) {
                changed.add(file.getKey());
                bytes += file.getValue();
            }
        }
        Tally tally = new Tally(library.name(), changed.size(), bytes);
        listener.progress(tally.progress(null, false));
        for (Path file : changed) {
            if (closed) return;
            waitWhilePaused(tally);
            indexIfChanged(library, file, known.get(file), tally);
        }
        listener.progress(tally.progress(null, false));
    }

    private void indexIfChanged(Library library, Path file, StoredDocument stored, Tally tally) {
        listener.progress(tally.progress(file, false));
        long size;
        long modified;
        String sha256;
        try {
            size = Files.size(file);
            modified = modifiedAt(file);
            sha256 = sha256(file);
        } catch (IOException e) {
            store.saveFailure(library.id(), file, 0, 0, "it cannot be read (" + e.getMessage() + ")");
            listener.failed(file, "it cannot be read (" + e.getMessage() + ")");
            tally.fileDone(0, 0, 0);
            return;
        }
        if (stored != null && sha256.equals(stored.sha256()) && stored.error() == null) {
            store.touchDocument(stored.id(), size, modified);
            tally.fileDone(size, 0, 0);
            return;
        }
        try {
            ExtractedDocument document = DocumentReader.read(file);
            List<Chunk> chunks = Chunker.chunk(document);
            float[][] vectors = embedder.embedAll(chunks.stream().map(Chunk::embeddingText).toList());
            List<NewChunk> rows = new ArrayList<>(chunks.size());
            for (int i = 0; i < chunks.size(); i++) {
                Chunk chunk = chunks.get(i);
                rows.add(new NewChunk(chunk.page(), chunk.heading(), chunk.text(),
                        CjkBigrams.terms(chunk.heading() == null ? chunk.text() : chunk.heading() + "\n" + chunk.text()), vectors[i]));
            }
            store.saveDocument(library.id(), file, size, modified, sha256, document.pages(), rows);
            int pages = document.pages() == null ? 1 : document.pages();
            tally.fileDone(size, pages, chunks.size());
            listener.indexed(file, document.pages(), chunks.size());
        } catch (UnreadableDocumentException e) {
            store.saveFailure(library.id(), file, size, modified, e.getMessage());
            tally.fileDone(size, 0, 0);
            listener.failed(file, e.getMessage());
        }
    }

    private void waitWhilePaused(Tally tally) {
        pauseLock.lock();
        try {
            if (paused) listener.progress(tally.progress(null, true));
            while (paused && !closed) unpaused.await(200, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            pauseLock.unlock();
        }
    }

    /** Supported, non-hidden files under the library's sources, with their sizes, in path order. */
    private static Map<Path, Long> listFiles(Library library, List<Path> sources) {
        Map<Path, Long> files = new TreeMap<>();
        for (Path source : sources) {
            if (Files.isRegularFile(source)) {
                try {
                    files.put(source, Files.size(source));
                } catch (IOException e) {
                    files.put(source, -1L);
                }
                continue;
            }
            if (!Files.isDirectory(source)) continue;
            try {
                Files.walkFileTree(source, new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                        return !dir.equals(source) && isHidden(dir) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                        if (attrs.isRegularFile() && DocumentReader.supports(file) && !isHidden(file)) files.put(file, attrs.size());
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path file, IOException e) {
                        // An unreadable folder or a file that vanished while listing is skipped; the next scan sees it again.
                        return FileVisitResult.CONTINUE;
                    }
                });
            } catch (IOException e) {
                throw new StoreException("Cannot list the files of " + source + " for library " + library.name() + ": " + e.getMessage() + ".", e);
            }
        }
        return files;
    }

    private Map<Path, Long> listFiles(Library library) {
        return listFiles(library, store.sources(library.id()));
    }

    static boolean isHidden(Path path) {
        Path name = path.getFileName();
        return name != null && (name.toString().startsWith(".") || name.toString().startsWith("~$"));
    }

    private static long modifiedAt(Path file) {
        try {
            return Files.getLastModifiedTime(file).toMillis();
        } catch (IOException e) {
            return -1;
        }
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int read; (read = in.read(buffer)) > 0; ) digest.update(buffer, 0, read);
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** Counts for progress and the time-left estimate (by bytes, the best predictor of reading and embedding time). */
    private static final class Tally {
        private final String library;
        private final int filesTotal;
        private final long bytesTotal;
        private final long startNanos = System.nanoTime();
        private int filesDone;
        private long bytesDone;
        private int pagesDone;
        private int chunksDone;

        Tally(String library, int filesTotal, long bytesTotal) {
            this.library = library;
            this.filesTotal = filesTotal;
            this.bytesTotal = bytesTotal;
        }

        void fileDone(long bytes, int pages, int chunks) {
            filesDone++;
            bytesDone += bytes;
            pagesDone += pages;
            chunksDone += chunks;
        }

        IndexProgress progress(Path current, boolean paused) {
            Duration remaining = null;
            if (bytesDone > 0) {
                double nanosPerByte = (double) (System.nanoTime() - startNanos) / bytesDone;
                remaining = Duration.ofNanos((long) (nanosPerByte * Math.max(0, bytesTotal - bytesDone)));
            }
            return new IndexProgress(library, filesDone, filesTotal, pagesDone, chunksDone, current, remaining, paused);
        }
    }

    /** Stops after the file being indexed (which is committed or rolled back whole). */
    @Override
    public void close() {
        closed = true;
        resume();
        worker.shutdown();
        try {
            if (!worker.awaitTermination(30, TimeUnit.SECONDS)) worker.shutdownNow();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            worker.shutdownNow();
        }
    }
}
