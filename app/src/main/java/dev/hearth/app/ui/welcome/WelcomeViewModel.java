package dev.hearth.app.ui.welcome;

import dev.hearth.app.assistant.ModelFacts;
import dev.hearth.app.models.DownloadProblem;
import dev.hearth.app.models.DownloadProgress;
import dev.hearth.app.models.ModelDownload;
import dev.hearth.app.privacy.ConnectionLog;
import dev.hearth.app.ui.UiProblem;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * First run: the user picks a local GGUF file (checked and described before anything is loaded) or pastes
 * a download link. Inspecting and downloading run on {@code io}; results come back on {@code ui}.
 */
public final class WelcomeViewModel {

    private final Executor io;
    private final Executor ui;
    private final Path modelsDir;
    private final int threads;
    private final ConnectionLog connections;
    private final ObjectProperty<ModelFacts> facts = new SimpleObjectProperty<>();
    private final ObjectProperty<UiProblem> problem = new SimpleObjectProperty<>();
    private final BooleanProperty busy = new SimpleBooleanProperty();
    private final ObjectProperty<DownloadProgress> progress = new SimpleObjectProperty<>();
    private final ObjectProperty<ModelDownload> download = new SimpleObjectProperty<>();
    private final ObservableList<ModelDownload> unfinished = FXCollections.observableArrayList();
    private Consumer<ModelFacts> onChosen = f -> {};
    private HttpClient client;

    /** @param connections where downloads record their connections */
    public WelcomeViewModel(Executor io, Executor ui, Path modelsDir, int threads, ConnectionLog connections) {
        this.io = io;
        this.connections = connections;
        this.ui = ui;
        this.modelsDir = modelsDir;
        this.threads = threads;
    }

    public ObjectProperty<ModelFacts> factsProperty() {
        return facts;
    }

    public ObjectProperty<UiProblem> problemProperty() {
        return problem;
    }

    public BooleanProperty busyProperty() {
        return busy;
    }

    public ObjectProperty<DownloadProgress> progressProperty() {
        return progress;
    }

    public ObjectProperty<ModelDownload> downloadProperty() {
        return download;
    }

    /** Downloads an earlier run started and did not finish, offered for resuming. */
    public ObservableList<ModelDownload> unfinished() {
        return unfinished;
    }

    /** Looks (off the UI thread) in the models folder for downloads an earlier run left unfinished. */
    public void findUnfinished() {
        io.execute(() -> {
            List<ModelDownload> found = ModelDownload.unfinished(client(), connections, modelsDir);
            ui.execute(() -> unfinished.setAll(found));
        });
    }

    private HttpClient client() {
        if (client == null) client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
        return client;
    }

    /** Called with the facts of the model the user chose to load. */
    public void setOnChosen(Consumer<ModelFacts> onChosen) {
        this.onChosen = onChosen;
    }

    /** Reads the file's header off the UI thread and shows what it is, or why it cannot be used. */
    public void pick(Path file) {
        facts.set(null);
        problem.set(null);
        busy.set(true);
        io.execute(() -> {
            try {
                ModelFacts read = ModelFacts.inspect(file, threads);
                ui.execute(() -> {
                    busy.set(false);
                    facts.set(read);
                });
            } catch (IOException | RuntimeException e) {
                ui.execute(() -> {
                    busy.set(false);
                    problem.set(new UiProblem("welcome.badFile", UiProblem.describe(e), file.getFileName().toString()));
                });
            }
        });
    }

    /** The user confirmed the shown model. */
    public void load() {
        if (facts.get() != null) onChosen.accept(facts.get());
    }

    /** Starts (or resumes) downloading {@code link} into the models folder. */
    public void startDownload(String link, String sha256) {
        problem.set(null);
        ModelDownload next;
        try {
            next = new ModelDownload(client(), connections, URI.create(link.strip()), modelsDir, sha256);
        } catch (DownloadProblem e) {
            problem.set(downloadProblem(e));
            return;
        } catch (IllegalArgumentException e) {
            problem.set(new UiProblem("download.error.NOT_A_MODEL_LINK", e.getMessage()));
            return;
        }
        run(next);
    }

    /** Resumes a download found in the models folder (from an earlier run). */
    public void resume(ModelDownload earlier) {
        run(earlier);
    }

    private void run(ModelDownload next) {
        unfinished.removeIf(d -> d.target().equals(next.target()));
        download.set(next);
        busy.set(true);
        io.execute(() -> {
            try {
                var outcome = next.run(p -> ui.execute(() -> progress.set(p)));
                ui.execute(() -> {
                    busy.set(false);
                    if (outcome instanceof ModelDownload.Outcome.Completed done) {
                        download.set(null);
                        pick(done.file());
                    } else if (outcome instanceof ModelDownload.Outcome.Cancelled) {
                        download.set(null);
                        progress.set(null);
                    }
                });
            } catch (DownloadProblem e) {
                ui.execute(() -> {
                    busy.set(false);
                    problem.set(downloadProblem(e));
                });
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    public void pause() {
        if (download.get() != null) download.get().pause();
    }

    public void cancel() {
        ModelDownload d = download.get();
        if (d == null) return;
        d.cancel();
        if (!busy.get()) run(d);
    }

    private static UiProblem downloadProblem(DownloadProblem e) {
        return new UiProblem("download.error." + e.reason().name(), e.detail());
    }
}
