package dev.hearth.app.selftest;

import dev.hearth.app.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code hearth --self-test} in a child JVM, as the installed launcher runs it: no display, no model, no user data. */
class SelfTestTest {

    @TempDir Path dir;

    private record Run(int exit, String out, String err) {}

    private Run selfTest(Path home, Path tmp) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-Duser.home=" + home, "-Djava.io.tmpdir=" + tmp,
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "--self-test");
        builder.environment().put("HOME", home.toString());
        builder.environment().remove("HEARTH_HOME");
        builder.environment().remove("XDG_DATA_HOME");
        builder.environment().remove("DISPLAY");
        builder.environment().remove("WAYLAND_DISPLAY");
        Path out = dir.resolve("out.txt"), err = dir.resolve("err.txt");
        Process child = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!child.waitFor(150, TimeUnit.SECONDS)) {
            child.destroyForcibly();
            throw new AssertionError("the self-test did not finish within 150 s; stderr: " + Files.readString(err));
        }
        return new Run(child.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Test
    void passesWithoutADisplayAndNeverTouchesTheUsersDataFolder() throws Exception {
        Path home = Files.createDirectories(dir.resolve("home"));
        Path tmp = Files.createDirectories(dir.resolve("tmp"));

        Run run = selfTest(home, tmp);

        assertEquals(0, run.exit(), run.err());
        List<String> lines = run.out().lines().toList();
        assertEquals(1, lines.size(), run.out());
        assertTrue(lines.getFirst().startsWith("hearth self-test passed"), lines.getFirst());
        assertTrue(lines.getFirst().contains("integrity ok") && lines.getFirst().contains("rendered the first-run screen"), lines.getFirst());
        assertFalse(Files.exists(home.resolve(".local/share/hearth")), "the self-test created the user's data folder");
        try (Stream<Path> left = Files.list(tmp)) {
            assertEquals(List.of(), left.filter(p -> p.getFileName().toString().startsWith("hearth-self-test-")).toList(),
                    "the self-test left its temporary folder behind");
        }
    }

    @Test
    void failsWithTheReasonWhenNoTemporaryFolderCanBeMade() throws Exception {
        Path home = Files.createDirectories(dir.resolve("home"));
        Path missing = dir.resolve("no-such-tmp");

        Run run = selfTest(home, missing);

        assertEquals(1, run.exit(), run.out());
        assertEquals("", run.out());
        assertTrue(run.err().contains("hearth self-test failed: cannot create a temporary folder in " + missing), run.err());
    }

    @Test
    void refusesOtherArgumentsAlongside() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();

        int exit = Main.run(new String[]{"--self-test", "chats", "list"}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));

        assertEquals(2, exit);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--self-test takes no other arguments"));
    }
}
