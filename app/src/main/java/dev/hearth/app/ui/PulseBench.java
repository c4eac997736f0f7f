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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Measures how smooth the window stays while a reply streams: opens Hearth on a fresh data folder with a tiny
 * synthetic model, sends one message, lets it stream (at most 300 tokens: the small vocabulary's random model usually
 * ends sooner on a stop token, and the count is printed; {@code --vocab=full} takes Llama 3's vocabulary, whose stop
 * tokens are rare, for 300 tokens of text in many scripts at about 50 ms a token), and prints the time to show the
 * window and the gaps between FX pulses (p50, p99, max). Run with a display (or Xvfb):
 * {@code java -cp ... dev.hearth.app.ui.PulseBench [--theme=dark] [--lang=ja] [--replay=answer.md] [--hold=SECONDS] [--idle=SECONDS] [--timeline] [--vocab=full] [--model=FILE.gguf]}
 * ({@code --model}: a real model file instead of the tiny one, left in place).
 * It also prints the gaps while idle (what the machine's load alone causes, measured for {@code --idle} seconds, 3 by
 * default), the FX thread's CPU time per frame and, for the three longest gaps of the reply (every gap with
 * {@code --timeline}), which threads had the CPU meanwhile and how long each waited for a core (Linux), with the JIT's
 * and the GC's time. With {@code --hold} the window stays open after the reply, for screenshots.
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
    /** Every thread's run and run-queue time at each pulse (Linux), to see who had the CPU during a long gap. */
    private final List<Map<Integer, long[]>> threadTimes = new ArrayList<>(4096);
    private final ThreadTimes threadClock = new ThreadTimes();
    /** JIT compilation and GC time (ms, cumulative) at each pulse. */
    private final List<long[]> jvmTimes = new ArrayList<>(4096);
    /** FX thread CPU spent sampling the above (about 0.5 ms a pulse), kept out of the FX CPU per frame. */
    private long samplingCpu;
    private long launched;
    private Path dataDir;
    /** {@code --timeline}: explain every pulse of the reply, in order, not only the longest gaps. */
    private boolean timeline;

    @Override
    public void start(Stage stage) throws Exception {
        launched = System.nanoTime();
        var named = getParameters().getNamed();
        timeline = getParameters().getUnnamed().contains("--timeline");
        Path dir = Files.createTempDirectory("hearth-pulse");
        dataDir = dir;
        Path model = named.containsKey("model") ? Path.of(named.get("model")) : dir.resolve("tiny.gguf");
        if (!named.containsKey("model")) {
            SyntheticModel.write(model, SyntheticModel.Shape.TINY, QuantMix.Q8_0, 5, !"full".equals(named.get("vocab")));
        }
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
                long cpu = THREADS.getCurrentThreadCpuTime();
                synchronized (pulses) {
                    pulses.add(System.nanoTime());
                    fxCpu.add(cpu - samplingCpu);
                    threadTimes.add(threadClock.sample());
                    jvmTimes.add(jvmTimes());
                }
                samplingCpu += THREADS.getCurrentThreadCpuTime() - cpu;
            }
        }.start();
        int idleSeconds = Integer.parseInt(named.getOrDefault("idle", "3"));
        Thread.ofPlatform().daemon().start(() -> drive(window, named.get("prompt"), named.get("replay"),
                named.containsKey("hold") ? Integer.parseInt(named.get("hold")) : 0, idleSeconds));
    }

    private void drive(MainWindow window, String prompt, String replay, int holdSeconds, int idleSeconds) {
        try {
            while (window.chat() == null || window.chat() != null && !ready(window)) Thread.sleep(20);
            // The window prepares the message views at idle a moment after the chat shows (MainWindow.showChat), and the
            // engine warms up after the model loads (Assistant.load); a larger model is still loading then, the tiny one
            // is not. Idle is measured after both.
            long warming = System.nanoTime();
            int rounds = window.assistant().warmedUp().join();
            System.out.printf(Locale.ROOT, "engine warm-up: %d rounds, done %.0f ms after the composer was enabled%n", rounds, (System.nanoTime() - warming) / 1e6);
            Thread.sleep(1000);
            int idleFrom = pulseCount();
            long idleStart = System.nanoTime();
            Thread.sleep(idleSeconds * 1000L);
            int idleTo = pulseCount();
            report("idle", gaps(pulses, idleFrom, idleTo), gaps(fxCpu, idleFrom, idleTo), System.nanoTime() - idleStart);
            String text = prompt != null ? prompt : "Write a long answer with a list and a code block.";
            Platform.runLater(() -> window.chat().send(text));
            while (!generating(window)) Thread.sleep(5);
            int from = pulseCount();
            long start = System.nanoTime();
            while (generating(window)) Thread.sleep(5);
            int to = pulseCount();
            CompletableFuture<Integer> tokens = new CompletableFuture<>();
            Platform.runLater(() -> tokens.complete(window.chat().messages().getLast().tokensProperty().get()));
            report("streamed " + tokens.join() + " tokens", gaps(pulses, from, to), gaps(fxCpu, from, to), System.nanoTime() - start);
            threadTotals(from, to);
            explainGaps(from, to, start, timeline ? Integer.MAX_VALUE : 3, timeline);
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

    private static long[] jvmTimes() {
        long gcMillis = 0, gcCount = 0;
        for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            gcMillis += Math.max(0, gc.getCollectionTime());
            gcCount += Math.max(0, gc.getCollectionCount());
        }
        return new long[] {ManagementFactory.getCompilationMXBean().getTotalCompilationTime(), gcMillis, gcCount};
    }

    /**
     * Prints, for the {@code count} longest gaps between pulses {@code from} and {@code to} (or all, in order), who had the
     * CPU meanwhile: each busy thread's run time and how long it waited for a core; JIT and GC time.
     */
    private void explainGaps(int from, int to, long streamStart, int count, boolean inOrder) {
        List<Integer> ends = new ArrayList<>();
        synchronized (pulses) {
            for (int i = Math.max(1, from); i < to; i++) ends.add(i);
            if (!inOrder) ends.sort((a, b) -> Long.compare(pulses.get(b) - pulses.get(b - 1), pulses.get(a) - pulses.get(a - 1)));
            long uptimeNow = ManagementFactory.getRuntimeMXBean().getUptime();
            long nanoNow = System.nanoTime();
            System.out.printf(Locale.ROOT, "(FX thread spent %.1f ms sampling thread times, not counted above)%n", samplingCpu / 1e6);
            for (int end : ends.subList(0, Math.min(count, ends.size()))) {
                long gapStart = pulses.get(end - 1), gapEnd = pulses.get(end);
                Map<Integer, long[]> before = threadTimes.get(end - 1), after = threadTimes.get(end);
                long[] jb = jvmTimes.get(end - 1), ja = jvmTimes.get(end);
                StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
                        "gap %.1f ms at +%.0f ms into the reply (JVM uptime %.3f s): FX CPU %.1f ms, JIT %d ms, GC %d ms in %d pauses; threads ran (waited for a core):",
                        (gapEnd - gapStart) / 1e6, (gapStart - streamStart) / 1e6, uptimeNow / 1e3 - (nanoNow - gapStart) / 1e9,
                        (fxCpu.get(end) - fxCpu.get(end - 1)) / 1e6,
                        ja[0] - jb[0], ja[1] - jb[1], ja[2] - jb[2]));
                List<Map.Entry<Integer, long[]>> busy = new ArrayList<>();
                long total = 0;
                for (var e : after.entrySet()) {
                    long[] b = before.getOrDefault(e.getKey(), new long[2]);
                    long[] d = {e.getValue()[0] - b[0], e.getValue()[1] - b[1]};
                    total += d[0];
                    if (d[0] >= 500_000 || d[1] >= 2_000_000) busy.add(Map.entry(e.getKey(), d));
                }
                busy.sort((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0]));
                for (var e : busy) {
                    line.append(String.format(Locale.ROOT, " %s %.1f (%.1f)", threadClock.name(e.getKey()), e.getValue()[0] / 1e6, e.getValue()[1] / 1e6));
                }
                line.append(String.format(Locale.ROOT, "; this process %.1f ms of CPU in %.1f ms on %d cores",
                        total / 1e6, (gapEnd - gapStart) / 1e6, Runtime.getRuntime().availableProcessors()));
                System.out.println(line);
            }
        }
    }

    /**
     * Prints each thread's CPU time from pulse {@code from - 1} to {@code to} (threads of one kind summed: the JIT's C1
     * and C2 compilers, the GC's workers): what the reply cost this process, whatever else ran on the machine.
     */
    private void threadTotals(int from, int to) {
        Map<String, Long> byKind = new java.util.TreeMap<>();
        synchronized (pulses) {
            Map<Integer, long[]> before = threadTimes.get(Math.max(0, from - 1)), after = threadTimes.get(to - 1);
            for (var e : after.entrySet()) {
                long[] b = before.getOrDefault(e.getKey(), new long[2]);
                String kind = threadClock.name(e.getKey()).replaceAll("[#_]?\\d+$", "").replaceAll("Thre$", "");
                byKind.merge(kind, e.getValue()[0] - b[0], Long::sum);
            }
        }
        StringBuilder line = new StringBuilder("CPU during the reply (ms):");
        byKind.entrySet().stream().filter(e -> e.getValue() >= 1_000_000).sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
                .forEach(e -> line.append(String.format(Locale.ROOT, " %s %.0f", e.getKey(), e.getValue() / 1e6)));
        System.out.println(line);
    }

    /** Run and run-queue wait time (ns) of every thread of this process, from {@code /proc/self/task/TID/schedstat}. */
    private static final class ThreadTimes {
        private final Map<Integer, java.nio.channels.FileChannel> channels = new HashMap<>();
        private final Map<Integer, String> names = new HashMap<>();
        private final java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(128);
        private int samples;

        Map<Integer, long[]> sample() {
            Map<Integer, long[]> times = new HashMap<>();
            if (samples++ % 20 == 0) discover();
            for (var e : channels.entrySet()) {
                try {
                    buffer.clear();
                    int n = e.getValue().read(buffer, 0);
                    if (n <= 0) continue;
                    String[] fields = new String(buffer.array(), 0, n, java.nio.charset.StandardCharsets.US_ASCII).trim().split(" ");
                    times.put(e.getKey(), new long[] {Long.parseLong(fields[0]), Long.parseLong(fields[1])});
                } catch (java.io.IOException | RuntimeException gone) {
                    // The thread ended.
                }
            }
            return times;
        }

        String name(int tid) {
            return names.getOrDefault(tid, "?").replace(' ', '_') ;
        }

        private void discover() {
            try (var tasks = Files.list(Path.of("/proc/self/task"))) {
                for (Path task : (Iterable<Path>) tasks::iterator) {
                    int tid = Integer.parseInt(task.getFileName().toString());
                    if (channels.containsKey(tid)) continue;
                    try {
                        names.put(tid, Files.readString(task.resolve("comm")).trim());
                        channels.put(tid, java.nio.channels.FileChannel.open(task.resolve("schedstat")));
                    } catch (java.io.IOException gone) {
                        // The thread ended.
                    }
                }
            } catch (java.io.IOException | RuntimeException noProc) {
                // Not Linux: no per-thread times.
            }
        }
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
