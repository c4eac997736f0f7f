package dev.hearth.app.ui;

import dev.hearth.app.store.ConversationStore;
import dev.hearth.app.store.DataDir;
import dev.hearth.app.ui.chat.MessageItem;
import dev.hearth.app.ui.settings.AppSettings;
import dev.hearth.app.ui.settings.SettingsRepository;
import dev.hearth.engine.model.QuantMix;
import dev.hearth.engine.model.SyntheticModel;
import javafx.animation.AnimationTimer;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.stage.Stage;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.util.concurrent.CountDownLatch;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Measures how smooth the window stays while a reply streams: opens Hearth on a fresh data folder with a tiny
 * synthetic model, sends one message, lets it stream 300 tokens, and prints the time to show the window and
 * the gaps between FX pulses (p50, p99, max). Run with a display (or Xvfb):
 * {@code java -cp ... dev.hearth.app.ui.PulseBench [--theme=dark] [--lang=ja] [--replay=answer.md] [--hold=SECONDS]}.
 * It also prints the gaps while idle (what the machine's load alone causes) and the FX thread's CPU time per frame.
 * With {@code --hold} the window stays open after the reply, for screenshots.
 */
public final class PulseBench {
    private PulseBench() {}

    public static void main(String[] args) {
        Application.launch(Bench.class, args);
    }

    /** The measuring application (a nested class: JavaFX refuses an Application as the classpath main class). */
    public static final class Bench extends Application {

    private static final int TOKENS = 300;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private final List<Long> pulses = new ArrayList<>(4096);
    /** CPU time of the FX thread at each pulse: what the window itself costs per frame, whatever else runs on the machine. */
    private final List<Long> fxCpu = new ArrayList<>(4096);
    private long launched;
    private Path dataDir;

    @Override
    public void start(Stage stage) throws Exception {
        launched = System.nanoTime();
        var named = getParameters().getNamed();
        Path dir = Files.createTempDirectory("hearth-pulse");
        dataDir = dir;
        Path model = dir.resolve("tiny.gguf");
        SyntheticModel.write(model, SyntheticModel.Shape.TINY, QuantMix.Q8_0, 5, true);
        Locale language = "ja".equals(named.get("lang")) ? Locale.JAPANESE : Locale.ENGLISH;
        AppSettings.Theme theme = AppSettings.Theme.valueOf(named.getOrDefault("theme", "light").toUpperCase(Locale.ROOT));
        try (ConversationStore store = ConversationStore.open(DataDir.prepare(dir))) {
            AppSettings d = AppSettings.defaults(language).withModelPath(model.toString()).withTheme(theme);
            new SettingsRepository(store, language).save(new AppSettings(d.systemPrompt(), d.temperature(), d.topP(), d.topK(), d.minP(),
                    d.repeatPenalty(), 9, TOKENS, 1024, 1, d.theme(), d.language(), d.modelPath()));
        }
        long setup = System.nanoTime();
        MainWindow window = new MainWindow(stage, dir);
        window.show();
        long shown = System.nanoTime();
        System.out.printf(Locale.ROOT, "window shown in %.0f ms (after %.0f ms writing the test model)%n", (shown - setup) / 1e6, (setup - launched) / 1e6);
        new AnimationTimer() {
            @Override
            public void handle(long now) {
                synchronized (pulses) {
                    pulses.add(System.nanoTime());
                    fxCpu.add(THREADS.getCurrentThreadCpuTime());
                }
            }
        }.start();
        Thread.ofPlatform().daemon().start(() -> drive(window, named.get("prompt"), named.get("replay"),
                named.containsKey("hold") ? Integer.parseInt(named.get("hold")) : 0));
    }

    private void drive(MainWindow window, String prompt, String replay, int holdSeconds) {
        try {
            while (window.chat() == null || window.chat() != null && !ready(window)) Thread.sleep(20);
            // The window prepares the message views at idle a moment after the chat shows (MainWindow.showChat);
            // a larger model is still loading then, the tiny one is not. Idle is measured after that.
            Thread.sleep(1000);
            int idleFrom = pulseCount();
            long idleStart = System.nanoTime();
            Thread.sleep(3000);
            int idleTo = pulseCount();
            report("idle", gaps(pulses, idleFrom, idleTo), gaps(fxCpu, idleFrom, idleTo), System.nanoTime() - idleStart);
            String text = prompt != null ? prompt : "Write a long answer with a list and a code block.";
            Platform.runLater(() -> window.chat().send(text));
            while (!generating(window)) Thread.sleep(5);
            int from = pulseCount();
            long start = System.nanoTime();
            while (generating(window)) Thread.sleep(5);
            int to = pulseCount();
            report("streamed", gaps(pulses, from, to), gaps(fxCpu, from, to), System.nanoTime() - start);
            if (replay != null) replay(window, Files.readString(Path.of(replay)));
            Thread.sleep(holdSeconds * 1000L);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.io.IOException e) {
            System.err.println("cannot read the replay file: " + e.getMessage());
        }
        Platform.runLater(() -> {
            window.close();
            deleteTree(dataDir);
            Platform.exit();
        });
    }

    /**
     * Streams {@code markdown} into the last reply again, 4 characters every 10 ms, through the same per-frame
     * path as model tokens: the cost of rendering a long, formatted answer, which the tiny model's noise is not.
     */
    private void replay(MainWindow window, String markdown) throws InterruptedException {
        MessageItem reply = window.chat().messages().getLast();
        StreamBuffer buffer = new StreamBuffer(new NextFrame(), text -> reply.contentProperty().set(reply.content() + text));
        CountDownLatch cleared = new CountDownLatch(1);
        Platform.runLater(() -> {
            reply.streamingProperty().set(true);
            reply.contentProperty().set("");
            cleared.countDown();
        });
        cleared.await();
        int from = pulseCount();
        long start = System.nanoTime();
        for (int i = 0; i < markdown.length(); i += 4) {
            buffer.add(markdown.substring(i, Math.min(markdown.length(), i + 4)));
            Thread.sleep(10);
        }
        CountDownLatch done = new CountDownLatch(1);
        Platform.runLater(() -> {
            buffer.drain();
            reply.streamingProperty().set(false);
            done.countDown();
        });
        done.await();
        Thread.sleep(100);
        int to = pulseCount();
        report("replayed " + markdown.length() + " characters", gaps(pulses, from, to), gaps(fxCpu, from, to), System.nanoTime() - start);
    }

    private int pulseCount() {
        synchronized (pulses) {
            return pulses.size();
        }
    }

    /** Differences (ms) between the samples {@code from - 1} to {@code to} of {@code series}, sorted. */
    private List<Double> gaps(List<Long> series, int from, int to) {
        List<Long> span;
        synchronized (pulses) {
            span = new ArrayList<>(series.subList(Math.max(0, from - 1), to));
        }
        List<Double> gaps = new ArrayList<>();
        for (int i = 1; i < span.size(); i++) gaps.add((span.get(i) - span.get(i - 1)) / 1e6);
        gaps.sort(Double::compare);
        return gaps;
    }

    private static void report(String what, List<Double> gaps, List<Double> cpu, long nanos) {
        if (gaps.isEmpty()) return;
        System.out.printf(Locale.ROOT, "%s for %.0f ms: %d pulses, gap p50 %.1f ms, p99 %.1f ms, max %.1f ms;"
                        + " FX thread CPU per frame p50 %.1f ms, p99 %.1f ms, max %.1f ms%n", what, nanos / 1e6, gaps.size() + 1,
                gaps.get(gaps.size() / 2), gaps.get((int) (gaps.size() * 0.99)), gaps.getLast(),
                cpu.get(cpu.size() / 2), cpu.get((int) (cpu.size() * 0.99)), cpu.getLast());
    }

    private static void deleteTree(Path root) {
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (java.io.IOException e) {
            System.err.println("left " + root + ": " + e.getMessage());
        }
    }

    private static boolean ready(MainWindow window) {
        return window.chat() != null && window.stage().getScene().lookup("#composer") != null
                && !window.stage().getScene().lookup("#composer").isDisabled();
    }

    private static boolean generating(MainWindow window) {
        return window.chat().generatingProperty().get();
    }
}
}
