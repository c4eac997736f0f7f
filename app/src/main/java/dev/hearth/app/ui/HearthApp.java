package dev.hearth.app.ui;

import dev.hearth.app.store.DataDir;
import dev.hearth.app.store.InstanceLock;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.stage.Stage;

/** The JavaFX application: one {@link MainWindow} on the data folder Hearth uses everywhere, and one window per data folder. */
public final class HearthApp extends Application {

    static final String ALREADY_RUNNING = "Hearth is already running; brought its window to the front.";

    /** This process's window, for a later {@code hearth} on the same data folder to bring forward; null until it shows. */
    private static final AtomicReference<Stage> SHOWN = new AtomicReference<>();

    private MainWindow window;

    @Override
    public void start(Stage stage) {
        SHOWN.set(stage);
        window = new MainWindow(stage, DataDir.resolve(getParameters().getNamed().get("data-dir"), System.getenv()));
        window.show();
    }

    /**
     * Opens the window and returns 0 when it is closed; when a Hearth window already runs on the data folder,
     * brings that one to the front instead, says so on {@code err} and returns 0 at once.
     */
    public static int open(String dataDirOption, PrintStream err) {
        Path dataDir = DataDir.resolve(dataDirOption, System.getenv());
        Optional<InstanceLock> lock = claim(dataDir, SHOWN::get);
        if (lock.isEmpty()) {
            err.println(ALREADY_RUNNING);
            return 0;
        }
        try (InstanceLock held = lock.get()) {
            Application.launch(HearthApp.class, "--data-dir=" + dataDir);
        }
        return 0;
    }

    /** Claims {@code dataDir} for this process; each later instance's request brings {@code window} forward, on the FX thread. */
    static Optional<InstanceLock> claim(Path dataDir, Supplier<Stage> window) {
        return InstanceLock.claim(dataDir, () -> {
            Stage stage = window.get();
            // No stage yet: the window is still starting and will come up in front anyway.
            if (stage == null) return;
            Platform.runLater(() -> {
                stage.setIconified(false);
                stage.show();
                stage.toFront();
            });
        });
    }
}
