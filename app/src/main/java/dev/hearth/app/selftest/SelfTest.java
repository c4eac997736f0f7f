package dev.hearth.app.selftest;

import dev.hearth.app.store.ConversationStore;
import dev.hearth.app.store.DataDir;
import dev.hearth.app.store.Message;
import dev.hearth.app.store.NewConversation;
import dev.hearth.app.store.Role;
import dev.hearth.app.ui.MainWindow;
import dev.hearth.engine.model.LlamaModel;
import dev.hearth.engine.model.QuantMix;
import dev.hearth.engine.model.SyntheticModel;
import dev.hearth.engine.session.GenerationRequest;
import dev.hearth.engine.session.GenerationResult;
import dev.hearth.engine.session.GenerationSession;
import dev.hearth.engine.sampling.SamplerSettings;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.scene.image.PixelReader;
import javafx.scene.image.WritableImage;
import javafx.stage.Stage;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * {@code hearth --self-test}: checks that this installation works end to end without a model file, a
 * network or a display. It writes a tiny model and generates from it (the engine, the Vector API and
 * memory mapping), writes, reopens and searches a database (SQLite and its native library), and renders
 * the first-run window offscreen (JavaFX, its natives, the stylesheets and text bundles). Everything it
 * writes goes to a fresh temporary folder that is deleted afterwards; the user's data folder is never opened.
 */
public final class SelfTest {
    static final int GENERATED_TOKENS = 8;
    private static final long WINDOW_TIMEOUT_SECONDS = 60;

    private SelfTest() {}

    /** Runs every check; prints one line (stdout when all pass, stderr with the reason otherwise) and returns the exit code. */
    public static int run(PrintStream out, PrintStream err) {
        long start = System.nanoTime();
        Path work;
        try {
            work = Files.createTempDirectory("hearth-self-test-");
        } catch (IOException | UnsupportedOperationException e) {
            err.println("hearth self-test failed: cannot create a temporary folder in " + System.getProperty("java.io.tmpdir")
                    + " (" + describe(e) + ").");
            return 1;
        }
        String step = "engine";
        try {
            Generated generated = engine(work);
            step = "store";
            String store = store(work, generated.text());
            step = "window";
            String window = window(work.resolve("window-data"));
            double seconds = (System.nanoTime() - start) / 1e9;
            out.printf("hearth self-test passed%s in %.1f s: engine %s; store %s; window %s.%n",
                    version(), seconds, "generated " + generated.tokens() + " tokens twice, identically", store, window);
            return 0;
        } catch (Exception | LinkageError e) {
            err.println("hearth self-test failed at the " + step + " check: " + describe(e));
            return 1;
        } finally {
            deleteTree(work);
        }
    }

    /** The version the package launcher announces, if this runs from an installed image. */
    private static String version() {
        String version = System.getProperty("jpackage.app-version");
        return version == null ? "" : " (Hearth " + version + ")";
    }

    record Generated(String text, int tokens) {}

    /** Writes a tiny model and generates greedily twice (the second run reuses the KV cache); both must agree. */
    static Generated engine(Path work) throws IOException {
        Path model = work.resolve("tiny.gguf");
        SyntheticModel.write(model, SyntheticModel.Shape.TINY, QuantMix.Q8_0, 7, true);
        try (LlamaModel llama = LlamaModel.load(model);
             GenerationSession session = new GenerationSession(llama, 64, 1)) {
            int[] prompt = session.tokenizer().encode("Hello from the Hearth self-test", false);
            GenerationResult first = session.generate(new GenerationRequest(prompt, SamplerSettings.GREEDY, GENERATED_TOKENS), event -> {});
            GenerationResult again = session.generate(new GenerationRequest(prompt, SamplerSettings.GREEDY, GENERATED_TOKENS), event -> {});
            if (first.tokens().length == 0) {
                throw new IllegalStateException("the tiny model generated no tokens (stop reason " + first.stopReason() + ")");
            }
            if (!Arrays.equals(first.tokens(), again.tokens())) {
                throw new IllegalStateException("greedy generation is not repeatable: " + Arrays.toString(first.tokens())
                        + " then " + Arrays.toString(again.tokens()));
            }
            return new Generated(first.text(), first.tokens().length);
        }
    }

    /** Writes a conversation holding the generated reply, reopens the file, reads it back, searches it and checks it. */
    static String store(Path work, String reply) {
        Path database = work.resolve("store").resolve(DataDir.DATABASE_FILE);
        String question = "Does the self-test keep every word of this question?";
        long id;
        try (ConversationStore store = ConversationStore.open(DataDir.prepare(database.getParent()))) {
            id = store.createConversation(NewConversation.titled("Self-test")).id();
            Message asked = store.addUserMessage(id, null, question);
            store.addMessage(id, asked.id(), Role.ASSISTANT, reply);
        }
        try (ConversationStore store = ConversationStore.open(database)) {
            List<Message> branch = store.currentBranch(id);
            List<String> texts = branch.stream().map(Message::content).toList();
            if (!texts.equals(List.of(question, reply))) {
                throw new IllegalStateException("the reopened database holds " + texts + " instead of the question and the reply");
            }
            if (store.search("question", 5).isEmpty()) {
                throw new IllegalStateException("searching the reopened database for \"question\" found nothing");
            }
            List<String> integrity = store.integrityCheck();
            if (!integrity.equals(List.of("ok"))) {
                throw new IllegalStateException("SQLite's integrity check reports " + integrity);
            }
            return "wrote, reopened and searched a conversation, integrity ok";
        }
    }

    /**
     * Opens the main window on an empty data folder with JavaFX's headless platform and software renderer,
     * waits for the first-run screen and takes a snapshot of it.
     */
    static String window(Path dataDir) throws Exception {
        boolean startedHere = startHeadlessToolkit();
        try {
            CompletableFuture<MainWindow> opened = new CompletableFuture<>();
            Platform.runLater(() -> {
                try {
                    MainWindow window = new MainWindow(new Stage(), dataDir);
                    window.show();
                    opened.complete(window);
                } catch (RuntimeException | LinkageError e) {
                    opened.completeExceptionally(e);
                }
            });
            MainWindow window = await(opened, "the window to open");
            try {
                CompletableFuture<String> snapshot = new CompletableFuture<>();
                pollFirstRunScreen(window, snapshot, System.nanoTime() + TimeUnit.SECONDS.toNanos(WINDOW_TIMEOUT_SECONDS));
                return await(snapshot, "the first-run screen");
            } finally {
                CountDownLatch closed = new CountDownLatch(1);
                Platform.runLater(() -> {
                    try {
                        window.close();
                        window.stage().close();
                    } finally {
                        closed.countDown();
                    }
                });
                closed.await(WINDOW_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            }
        } finally {
            if (startedHere) Platform.exit();
        }
    }

    /** Starts JavaFX without a display; returns false when it was already running (in a test JVM, say). */
    private static boolean startHeadlessToolkit() throws InterruptedException {
        System.setProperty("glass.platform", "headless");
        System.setProperty("prism.order", "sw");
        System.setProperty("java.awt.headless", "true");
        CountDownLatch started = new CountDownLatch(1);
        try {
            Platform.startup(started::countDown);
        } catch (IllegalStateException alreadyRunning) {
            return false;
        }
        Platform.setImplicitExit(false);
        if (!started.await(WINDOW_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            throw new IllegalStateException("JavaFX did not start within " + WINDOW_TIMEOUT_SECONDS + " s");
        }
        return true;
    }

    /** Checks once per FX pulse until the store has opened and the first-run screen is laid out, then snapshots it. */
    private static void pollFirstRunScreen(MainWindow window, CompletableFuture<String> result, long deadline) {
        Platform.runLater(() -> {
            try {
                Scene scene = window.stage().getScene();
                if (window.chat() != null && scene.lookup("#pick-model") != null) {
                    result.complete(describeSnapshot(scene.snapshot(null)));
                } else if (System.nanoTime() > deadline) {
                    result.completeExceptionally(new TimeoutException("the first-run screen did not appear within "
                            + WINDOW_TIMEOUT_SECONDS + " s"));
                } else {
                    pollFirstRunScreen(window, result, deadline);
                }
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
    }

    /** A blank snapshot means nothing was drawn: the stylesheet or the renderer is broken. */
    static String describeSnapshot(WritableImage image) {
        int width = (int) image.getWidth(), height = (int) image.getHeight();
        PixelReader pixels = image.getPixelReader();
        int first = pixels.getArgb(0, 0);
        long differing = 0;
        for (int y = 0; y < height; y += 2) {
            for (int x = 0; x < width; x += 2) {
                if (pixels.getArgb(x, y) != first) differing++;
            }
        }
        if (differing == 0) {
            throw new IllegalStateException("the rendered " + width + "x" + height + " window is a single colour");
        }
        return "rendered the first-run screen offscreen (" + width + "x" + height + ")";
    }

    private static <T> T await(CompletableFuture<T> future, String what) throws Exception {
        try {
            return future.get(WINDOW_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new TimeoutException(what + " took longer than " + WINDOW_TIMEOUT_SECONDS + " s");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) throw cause;
            if (e.getCause() instanceof Error cause) throw cause;
            throw e;
        }
    }

    static String describe(Throwable e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(path);
        } catch (IOException | UncheckedIOException ignored) {
            // A leftover temporary folder is harmless and must not turn a passing self-test into a failure.
        }
    }
}
