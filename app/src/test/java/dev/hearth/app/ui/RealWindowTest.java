package dev.hearth.app.ui;

import dev.hearth.engine.model.QuantMix;
import dev.hearth.engine.model.SyntheticModel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;

import java.nio.file.Path;
import java.util.Locale;

/**
 * What the tests on the real window share: the headless toolkit, one tiny real model written for the class, a data
 * folder per test, English, and the window closed after each test.
 */
abstract class RealWindowTest extends FxRobot {

    @TempDir
    static Path shared;
    static Path model;

    @TempDir
    Path dataDir;
    MainWindow window;

    @BeforeAll
    static void startToolkit() throws Exception {
        HeadlessFx.configure();
        FxToolkit.registerPrimaryStage();
        model = shared.resolve("tiny.gguf");
        SyntheticModel.write(model, SyntheticModel.Shape.TINY, QuantMix.Q8_0, 11, true);
    }

    @BeforeEach
    void locale() {
        Locale.setDefault(Locale.ENGLISH);
    }

    @AfterEach
    void closeWindow() throws Exception {
        if (window != null) {
            MainWindow w = window;
            FxToolkit.setupFixture(() -> {
                w.close();
                w.stage().close();
            });
        }
        FxToolkit.cleanupStages();
    }
}
