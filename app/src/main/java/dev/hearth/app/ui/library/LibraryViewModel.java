package dev.hearth.app.ui.library;

import dev.hearth.app.docs.DocumentIndexer;
import dev.hearth.app.docs.IndexListener;
import dev.hearth.app.docs.IndexProgress;
import dev.hearth.app.docs.LibraryWatcher;
import dev.hearth.app.docs.TextEmbedder;
import dev.hearth.app.store.DocumentStore;
import dev.hearth.app.store.DocumentStore.Library;
import dev.hearth.app.store.DocumentStore.LibraryCounts;
import dev.hearth.app.store.DocumentStore.StoredDocument;
import dev.hearth.app.ui.UiProblem;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * The document libraries and their indexing. The indexer runs on its own background thread (never the FX
 * thread); at {@link #start} it rescans every library, so indexing interrupted by a quit resumes, and the
 * folder watcher picks up files added, changed or deleted later. Methods are called on the UI thread; store
 * work runs on {@code io} and results come back through {@code ui}.
 */
public final class LibraryViewModel implements AutoCloseable {

    /** A library with its counts: files indexed, files that could not be read, passages. */
    public record LibraryRow(long id, String name, int files, int failed, int chunks) {}

    /** A file of the selected library: pages (null without pages) and passages, or the sentence saying why it could not be read. */
    public record FileRow(Path path, Integer pages, int chunks, String error) {}

    private final DocumentStore store;
    private final Executor io;
    private final Executor ui;
    private final ObservableList<LibraryRow> libraries = FXCollections.observableArrayList();
    private final ObservableList<FileRow> files = FXCollections.observableArrayList();
    private final ObjectProperty<LibraryRow> selected = new SimpleObjectProperty<>();
    private final ObjectProperty<IndexProgress> progress = new SimpleObjectProperty<>();
    private final BooleanProperty indexing = new SimpleBooleanProperty();
    private final BooleanProperty paused = new SimpleBooleanProperty();
    private final ObjectProperty<UiProblem> problem = new SimpleObjectProperty<>();
    private DocumentIndexer indexer;
    private LibraryWatcher watcher;
    private boolean closed;
    private boolean starting;

    public LibraryViewModel(DocumentStore store, Executor io, Executor ui) {
        this.store = store;
        this.io = io;
        this.ui = ui;
        selected.addListener((o, was, now) -> {
            if (now == null) {
                files.clear();
            } else if (was == null || was.id() != now.id()) {
                loadFiles(now.id());
            }
        });
    }

    public ObservableList<LibraryRow> libraries() {
        return libraries;
    }

    /** The files of the selected library, as the index holds them. */
    public ObservableList<FileRow> files() {
        return files;
    }

    public ObjectProperty<LibraryRow> selectedProperty() {
        return selected;
    }

    /** The last progress report of the scan running or just finished; null before any. */
    public ObjectProperty<IndexProgress> progressProperty() {
        return progress;
    }

    public BooleanProperty indexingProperty() {
        return indexing;
    }

    public BooleanProperty pausedProperty() {
        return paused;
    }

    public ObjectProperty<UiProblem> problemProperty() {
        return problem;
    }

    /**
     * Starts the indexer (loading the embedding model), resumes unfinished indexing and watches the folders; all on
     * a thread of its own, so the second or so the embedding model takes to load holds up neither the UI nor {@code io}.
     * Without any library nothing is loaded until the first one is created.
     */
    public void start() {
        if (starting) return;
        starting = true;
        Thread.ofPlatform().name("hearth-library-start").daemon().start(() -> {
            try {
                if (store.libraries().isEmpty()) {
                    ui.execute(() -> starting = false);
                    return;
                }
                DocumentIndexer started = new DocumentIndexer(store, TextEmbedder.shared(), listener());
                started.rescan();
                LibraryWatcher watching = new LibraryWatcher(store, started);
                List<LibraryRow> rows = rows();
                ui.execute(() -> {
                    if (closed) {
                        watching.close();
                        started.close();
                        return;
                    }
                    indexer = started;
                    watcher = watching;
                    show(rows);
                });
            } catch (IOException | RuntimeException e) {
                ui.execute(() -> {
                    starting = false;
                    problem.set(new UiProblem("library.error.start", UiProblem.describe(e)));
                });
            }
        });
    }

    /** Whether the indexer has started and files may be added. */
    public boolean ready() {
        return indexer != null;
    }

    /** Re-reads the libraries and the selected library's files. */
    public void refresh() {
        io.execute(() -> {
            List<LibraryRow> rows = rows();
            ui.execute(() -> show(rows));
        });
    }

    /** Creates the library (if it is new) and selects it. */
    public void create(String name) {
        if (name == null || name.isBlank()) return;
        io.execute(() -> {
            try {
                Library library = store.library(name);
                List<LibraryRow> rows = rows();
                ui.execute(() -> {
                    show(rows);
                    rows.stream().filter(r -> r.id() == library.id()).findFirst().ifPresent(selected::set);
                    if (indexer == null) start();
                });
            } catch (RuntimeException e) {
                ui.execute(() -> problem.set(UiProblem.of("error.store.write", e)));
            }
        });
    }

    /** Adds files and folders to the selected library and indexes them in the background; folders are watched from now on. */
    public void add(List<Path> paths) {
        LibraryRow library = selected.get();
        if (library == null || paths.isEmpty() || indexer == null) return;
        DocumentIndexer target = indexer;
        LibraryWatcher watching = watcher;
        io.execute(() -> {
            try {
                target.add(library.name(), paths);
                for (Path path : paths) if (Files.isDirectory(path)) watching.watch(path);
            } catch (IOException | RuntimeException e) {
                ui.execute(() -> problem.set(new UiProblem("library.error.add", UiProblem.describe(e), library.name())));
            }
        });
    }

    public void pause() {
        if (indexer == null) return;
        indexer.pause();
        paused.set(true);
    }

    public void resume() {
        if (indexer == null) return;
        indexer.resume();
        paused.set(false);
    }

    private IndexListener listener() {
        return new IndexListener() {
            @Override
            public void progress(IndexProgress p) {
                boolean running = p.filesDone() < p.filesTotal();
                ui.execute(() -> {
                    progress.set(p);
                    indexing.set(running);
                });
                if (!running) refresh();
            }

            @Override
            public void indexed(Path file, Integer pages, int chunks) {
                refresh();
            }

            @Override
            public void failed(Path file, String error) {
                refresh();
            }

            @Override
            public void removed(Path file) {
                refresh();
            }
        };
    }

    /** Runs on {@code io}. */
    private List<LibraryRow> rows() {
        List<LibraryRow> rows = new ArrayList<>();
        for (Library library : store.libraries()) {
            LibraryCounts counts = store.counts(library.id());
            rows.add(new LibraryRow(library.id(), library.name(), counts.files(), counts.failed(), counts.chunks()));
        }
        return rows;
    }

    private void show(List<LibraryRow> rows) {
        LibraryRow was = selected.get();
        libraries.setAll(rows);
        LibraryRow now = was == null ? (rows.isEmpty() ? null : rows.getFirst())
                : rows.stream().filter(r -> r.id() == was.id()).findFirst().orElse(null);
        selected.set(now);
        if (now != null && was != null && was.id() == now.id()) loadFiles(now.id());
    }

    private void loadFiles(long libraryId) {
        io.execute(() -> {
            List<FileRow> rows = store.documents(libraryId).values().stream()
                    .map((StoredDocument d) -> new FileRow(d.path(), d.pages(), d.chunks(), d.error())).toList();
            ui.execute(() -> {
                if (selected.get() != null && selected.get().id() == libraryId) files.setAll(rows);
            });
        });
    }

    /** Stops watching and stops indexing after the file being read (which is committed or rolled back whole). */
    @Override
    public void close() {
        closed = true;
        if (watcher != null) watcher.close();
        if (indexer != null) indexer.close();
    }
}
