package dev.hearth.app.ui;

import dev.hearth.app.store.ConversationStore;
import dev.hearth.app.store.DataDir;
import dev.hearth.app.ui.settings.AppSettings;
import dev.hearth.app.ui.settings.SettingsRepository;
import dev.hearth.app.ui.sidebar.SidebarRow;
import dev.hearth.engine.model.QuantMix;
import dev.hearth.engine.model.SyntheticModel;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.scene.image.PixelReader;
import javafx.scene.image.WritableImage;
import javafx.stage.Stage;
import javafx.stage.Window;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Writes the screenshots of docs/screenshots: the window on a temp data folder with the sample chats imported
 * (docs/screenshots/sample-chats.json, real formatted answers: the tiny test model only writes noise) and the tiny
 * model loaded. Needs a display (or Xvfb). Arguments: {@code SAMPLE_CHATS_JSON OUT_DIR}.
 */
public final class Screenshots {
    private Screenshots() {}

    public static void main(String[] args) {
        Application.launch(Shooter.class, args);
    }

    /** The application taking the pictures (JavaFX refuses an Application as the classpath main class). */
    public static final class Shooter extends Application {
        private Path out;

        @Override
        public void start(Stage stage) throws Exception {
            Path chats = Path.of(getParameters().getRaw().get(0));
            out = Files.createDirectories(Path.of(getParameters().getRaw().get(1)));
            Path dir = Files.createTempDirectory("hearth-shots");
            Path model = dir.resolve("tiny.gguf");
            SyntheticModel.write(model, SyntheticModel.Shape.TINY, QuantMix.Q8_0, 5, true);
            try (ConversationStore store = ConversationStore.open(DataDir.prepare(dir))) {
                store.importFile(chats);
                AppSettings d = AppSettings.defaults(Locale.ENGLISH).withModelPath(model.toString());
                new SettingsRepository(store, Locale.ENGLISH).save(new AppSettings(d.systemPrompt(), d.temperature(), d.topP(), d.topK(),
                        d.minP(), d.repeatPenalty(), 0, d.maxTokens(), 2048, 1, AppSettings.Theme.LIGHT, Locale.ENGLISH, d.modelPath()));
            }
            MainWindow window = new MainWindow(stage, dir);
            window.show();
            Thread.ofPlatform().daemon().start(() -> {
                try {
                    shoot(window, dir);
                } catch (Exception e) {
                    e.printStackTrace();
                }
                Platform.runLater(() -> {
                    window.close();
                    try {
                        deleteTree(dir);
                    } catch (IOException e) {
                        System.err.println("left " + dir + ": " + e.getMessage());
                    }
                    Platform.exit();
                });
            });
        }

        private void shoot(MainWindow window, Path dir) throws Exception {
            waitFor(() -> window.chat() != null && !window.stage().getScene().lookup("#composer").isDisabled());
            openChat(window, "Sum a CSV column in Java");
            save(window.stage().getScene(), "chat-light-en.png");

            onFx(() -> window.sidebar().queryProperty().set("column"));
            waitFor(() -> window.sidebar().rows().stream().anyMatch(r -> r instanceof SidebarRow.Hit));
            save(window.stage().getScene(), "search-en.png");
            onFx(() -> window.sidebar().queryProperty().set(""));

            Platform.runLater(window::openSettings);
            waitFor(() -> Window.getWindows().size() > 1);
            Window dialog = Window.getWindows().stream().filter(w -> w != window.stage()).findFirst().orElseThrow();
            save(dialog.getScene(), "settings-en.png");
            onFx(dialog::hide);

            onFx(() -> window.applySettings(withLook(window.settings(), AppSettings.Theme.DARK, Locale.JAPANESE)));
            openChat(window, "日本の四季");
            Thread.sleep(500);
            onFx(() -> ((javafx.scene.control.ScrollPane) window.stage().getScene().lookup(".chat-scroll")).setVvalue(0));
            save(window.stage().getScene(), "chat-dark-ja.png");
            onFx(() -> window.applySettings(withLook(window.settings(), AppSettings.Theme.LIGHT, Locale.ENGLISH)));

            Path fresh = Files.createTempDirectory("hearth-shots-welcome");
            CompletableFuture<MainWindow> second = new CompletableFuture<>();
            Platform.runLater(() -> {
                MainWindow w = new MainWindow(new Stage(), fresh);
                w.show();
                second.complete(w);
            });
            MainWindow welcome = second.get(10, TimeUnit.SECONDS);
            waitFor(() -> welcome.stage().getScene().lookup("#pick-model") != null);
            save(welcome.stage().getScene(), "welcome-en.png");
            onFx(welcome::close);
            deleteTree(fresh);
        }

        private static void deleteTree(Path root) throws IOException {
            try (var paths = Files.walk(root)) {
                for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }

        private static AppSettings withLook(AppSettings s, AppSettings.Theme theme, Locale language) {
            return new AppSettings(s.systemPrompt(), s.temperature(), s.topP(), s.topK(), s.minP(), s.repeatPenalty(), s.seed(),
                    s.maxTokens(), s.context(), s.threads(), theme, language, s.modelPath());
        }

        private static void openChat(MainWindow window, String title) throws Exception {
            waitFor(() -> window.sidebar().rows().stream().anyMatch(r -> r instanceof SidebarRow.Chat c && c.summary().title().equals(title)));
            long id = window.sidebar().rows().stream().filter(r -> r instanceof SidebarRow.Chat c && c.summary().title().equals(title))
                    .map(r -> ((SidebarRow.Chat) r).summary().id()).findFirst().orElseThrow();
            onFx(() -> window.chat().open(id, null));
            waitFor(() -> window.chat().conversationProperty().get() != null && window.chat().conversationProperty().get().id() == id
                    && window.chat().messages().size() == 2);
        }

        private void save(Scene scene, String name) throws Exception {
            Thread.sleep(1500);
            CompletableFuture<WritableImage> shot = new CompletableFuture<>();
            Platform.runLater(() -> shot.complete(scene.snapshot(null)));
            WritableImage image = shot.get(10, TimeUnit.SECONDS);
            int w = (int) image.getWidth(), h = (int) image.getHeight();
            BufferedImage rgb = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            PixelReader pixels = image.getPixelReader();
            for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) rgb.setRGB(x, y, pixels.getArgb(x, y));
            try {
                ImageIO.write(rgb, "png", out.resolve(name).toFile());
            } catch (IOException e) {
                throw new IllegalStateException("cannot write " + name + ": " + e.getMessage(), e);
            }
            System.out.println("wrote " + out.resolve(name));
        }

        private static void onFx(Runnable task) throws Exception {
            CompletableFuture<Void> done = new CompletableFuture<>();
            Platform.runLater(() -> {
                task.run();
                done.complete(null);
            });
            done.get(10, TimeUnit.SECONDS);
        }

        private static void waitFor(Callable<Boolean> condition) throws Exception {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < end) {
                CompletableFuture<Boolean> ok = new CompletableFuture<>();
                Platform.runLater(() -> {
                    try {
                        ok.complete(condition.call());
                    } catch (Exception e) {
                        ok.complete(false);
                    }
                });
                if (ok.get(10, TimeUnit.SECONDS)) return;
                Thread.sleep(100);
            }
            throw new IllegalStateException("the window did not reach the state to photograph within 30 s");
        }
    }
}
