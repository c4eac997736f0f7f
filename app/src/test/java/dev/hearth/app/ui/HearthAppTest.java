package dev.hearth.app.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hearth.app.Main;
import dev.hearth.app.store.InstanceLock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javafx.stage.Stage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/** One window per data folder: a second {@code hearth} brings the first window forward and leaves; commands still run. */
class HearthAppTest {
    @TempDir Path dataDir;

    @BeforeAll
    static void startToolkit() throws Exception {
        HeadlessFx.configure();
        FxToolkit.registerPrimaryStage();
    }

    @Test
    void aSecondHearthOnTheSameDataFolderBringsTheFirstWindowForwardAndExitsZero() throws Exception {
        Locale.setDefault(Locale.ENGLISH);
        MainWindow window = FxToolkit.setupFixture(() -> {
            MainWindow w = new MainWindow(new Stage(), dataDir);
            w.show();
            return w;
        });
        AtomicInteger activations = new AtomicInteger();
        try (InstanceLock first = HearthApp.claim(dataDir, () -> {
            activations.incrementAndGet();
            return window.stage();
        }).orElseThrow()) {
            FxToolkit.setupFixture(() -> window.stage().setIconified(true));
            assertTrue(window.stage().isIconified());

            ByteArrayOutputStream err = new ByteArrayOutputStream();
            assertEquals(0, HearthApp.open(dataDir.toString(), new PrintStream(err, true, StandardCharsets.UTF_8)));
            assertEquals(HearthApp.ALREADY_RUNNING, err.toString(StandardCharsets.UTF_8).strip());
            WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> activations.get() == 1 && !window.stage().isIconified());
            assertTrue(window.stage().isShowing());

            // Another process, as `hearth` with no arguments and HEARTH_HOME pointing at the same folder.
            ProcessBuilder child = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(),
                    "--enable-native-access=ALL-UNNAMED", "-Dglass.platform=headless", "-Dprism.order=sw", "-Djava.awt.headless=true",
                    "-cp", System.getProperty("java.class.path"), Main.class.getName());
            child.environment().put("HEARTH_HOME", dataDir.toString());
            Path stderr = Files.createTempFile(dataDir.getParent(), "second", ".err");
            child.redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(stderr.toFile());
            Process second = child.start();
            boolean exited = second.waitFor(60, TimeUnit.SECONDS);
            if (!exited) second.destroyForcibly().waitFor();
            assertTrue(exited, "the second instance returned instead of opening a window of its own");
            assertEquals(0, second.exitValue(), Files.readString(stderr));
            assertTrue(Files.readString(stderr).contains(HearthApp.ALREADY_RUNNING), Files.readString(stderr));
            WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> activations.get() == 2);
        } finally {
            FxToolkit.setupFixture(() -> {
                window.close();
                window.stage().close();
            });
        }
    }

    @Test
    void commandsRunWhileAWindowHoldsTheDataFolder() {
        try (InstanceLock held = HearthApp.claim(dataDir, () -> null).orElseThrow()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = Main.run(new String[] {"--data-dir", dataDir.toString(), "chats", "list", "--json"},
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
            assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
            assertEquals("[]", out.toString(StandardCharsets.UTF_8).replaceAll("\\s", ""), "the list of chats, empty");
            assertFalse(err.toString(StandardCharsets.UTF_8).contains(HearthApp.ALREADY_RUNNING));
        }
    }
}
