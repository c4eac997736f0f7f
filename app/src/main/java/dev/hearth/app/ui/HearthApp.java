package dev.hearth.app.ui;

import dev.hearth.app.store.DataDir;
import javafx.application.Application;
import javafx.stage.Stage;

/** The JavaFX application: one {@link MainWindow} on the data folder Hearth uses everywhere. */
public final class HearthApp extends Application {

    private MainWindow window;

    @Override
    public void start(Stage stage) {
        window = new MainWindow(stage, DataDir.resolve(getParameters().getNamed().get("data-dir"), System.getenv()));
        window.show();
    }

    /** Opens the window; returns when it is closed. */
    public static void open(String dataDirOption) {
        Application.launch(HearthApp.class, dataDirOption == null ? new String[0] : new String[]{"--data-dir=" + dataDirOption});
    }
}
