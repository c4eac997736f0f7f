package dev.hearth.app.ui;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A loose guard on the window's smoothness while its first reply streams: {@link PulseBench} in a fresh JVM (the first
 * reply of a session is the costly one, and the other window tests would have warmed this JVM up) on the headless
 * platform, with software rendering. The target is a longest gap of 50 ms on an idle 2-core machine (docs/ui.md); this
 * only fails at 150 ms, on both of two runs, so a busy CI host does not fail it but losing the window's preparation,
 * the engine's warm-up or the per-frame batching of tokens does. About 10 s per run.
 */
class PulseGapTest {

    static final double BOUND_MS = 150;
    private static final Pattern STREAMED = Pattern.compile(
            "streamed (\\d+) tokens for (\\d+) ms: (\\d+) pulses, gap p50 ([\\d.]+) ms, p99 ([\\d.]+) ms, max ([\\d.]+) ms");

    @TempDir Path dir;

    @Test
    void theLongestPulseGapWhileTheFirstReplyStreamsStaysUnder150Ms() throws Exception {
        List<String> runs = new ArrayList<>();
        for (int attempt = 1; attempt <= 2; attempt++) {
            String out = runPulseBench(Files.createDirectories(dir.resolve("run" + attempt)));
            Matcher m = STREAMED.matcher(out);
            assertTrue(m.find(), "PulseBench reported no streamed reply:\n" + out);
            assertTrue(Integer.parseInt(m.group(1)) > 0 && Integer.parseInt(m.group(3)) >= 3, "a reply streamed over several frames: " + m.group());
            runs.add(m.group());
            if (Double.parseDouble(m.group(6)) <= BOUND_MS) return;
        }
        fail("the longest gap between FX pulses while the first reply streamed exceeded " + BOUND_MS + " ms twice:\n"
                + String.join("\n", runs));
    }

    private static String runPulseBench(Path dir) throws Exception {
        Path home = Files.createDirectories(dir.resolve("home"));
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        ProcessBuilder builder = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-Dglass.platform=headless", "-Dprism.order=sw", "-Djava.awt.headless=true",
                "-Duser.home=" + home, "-Djava.io.tmpdir=" + tmp,
                "-cp", System.getProperty("java.class.path"), PulseBench.class.getName(), "--idle=1");
        builder.environment().put("HOME", home.toString());
        builder.environment().remove("DISPLAY");
        builder.environment().remove("WAYLAND_DISPLAY");
        Path out = dir.resolve("out.txt"), err = dir.resolve("err.txt");
        Process child = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!child.waitFor(120, TimeUnit.SECONDS)) {
            child.destroyForcibly();
            fail("PulseBench did not finish within 120 s; stderr:\n" + Files.readString(err));
        }
        return Files.readString(out) + "\n(stderr)\n" + Files.readString(err);
    }
}
