package dev.hearth.app.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.app.api.TinyModel;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "No data leaves the machine", checked: a whole session opens no network socket and does no socket I/O
 * (JFR and /proc), and gives the same results in a child JVM inside a network namespace with no interfaces.
 */
class OfflineTest {
    @TempDir Path dir;

    @Test
    void aWholeSessionMakesNoNetworkConnection() throws Exception {
        Files.createDirectories(dir.resolve("in-process"));
        ObjectNode result = OfflineSession.run(TinyModel.file(), dir.resolve("in-process"));
        assertSessionWorked(result);
        assertEquals(List.of(), strings(result.get("socket_events")), "JFR saw socket reads or writes");
        assertEquals(List.of(), strings(result.get("sockets_opened")), "internet sockets were opened");
    }

    @Test
    void theSameSessionGivesTheSameResultsInANetworkNamespaceWithoutInterfaces() throws Exception {
        assumeTrue(unshareWorks(), "the kernel does not let this user create a network namespace (unshare -n); the namespace run is skipped");
        Path inside = Files.createDirectories(dir.resolve("namespace"));
        Path outside = Files.createDirectories(dir.resolve("in-process"));
        List<String> command = new ArrayList<>(List.of("unshare", "-n", ProcessHandle.current().info().command().orElseThrow(),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), OfflineSession.class.getName(), TinyModel.file().toString(), inside.toString()));
        Path childErr = dir.resolve("child-stderr.txt");
        Process child = new ProcessBuilder(command).redirectError(childErr.toFile()).start();
        String out;
        try (InputStream in = child.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(child.waitFor(120, TimeUnit.SECONDS), "the child session did not end");
        assertEquals(0, child.exitValue(), () -> out + readQuietly(childErr));
        JsonNode namespaced = OfflineSession.JSON.readTree(out.lines().reduce((a, b) -> b).orElseThrow());
        assertEquals(List.of(), strings(namespaced.get("interfaces_up")), "the namespace has no interface up");
        assertSessionWorked(namespaced);
        assertEquals(List.of(), strings(namespaced.get("socket_events")));
        assertEquals(List.of(), strings(namespaced.get("sockets_opened")));

        ObjectNode here = OfflineSession.run(TinyModel.file(), outside);
        for (String part : List.of("exported_messages", "markdown", "connection_log", "modes")) {
            assertEquals(here.get(part), namespaced.get(part), part);
        }
        assertEquals(here.at("/ask/out"), namespaced.at("/ask/out"));
        assertEquals(here.at("/follow_up/out"), namespaced.at("/follow_up/out"));
        assertEquals(snippets(here.at("/search/out").asText()), snippets(namespaced.at("/search/out").asText()));
    }

    /** The instruments work: the same JFR settings and /proc scan do see a loopback connection. */
    @Test
    void theInstrumentsSeeAConnectionWhenThereIsOne() throws Exception {
        Set<String> before = OfflineSession.inetSockets();
        Path file = dir.resolve("control.jfr");
        try (Recording recording = new Recording()) {
            for (String event : OfflineSession.SOCKET_EVENTS) recording.enable(event).withThreshold(Duration.ZERO);
            recording.start();
            try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                 Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
                 Socket accepted = server.accept()) {
                Set<String> during = OfflineSession.inetSockets();
                during.removeAll(before);
                assertTrue(during.size() >= 3, "listening, client and accepted sockets: " + during);
                try (OutputStream out = client.getOutputStream(); InputStream in = accepted.getInputStream()) {
                    out.write(42);
                    out.flush();
                    assertEquals(42, in.read());
                }
            }
            recording.stop();
            recording.dump(file);
        }
        Set<String> names = new java.util.HashSet<>();
        RecordingFile.readAllEvents(file).forEach(e -> names.add(e.getEventType().getName()));
        assertEquals(OfflineSession.SOCKET_EVENTS, names);
    }

    private static void assertSessionWorked(JsonNode result) {
        for (String step : List.of("ask", "follow_up", "search", "export_json", "export_md", "connection_log")) {
            assertEquals(0, result.at("/" + step + "/exit").asInt(), step + ": " + result.get(step));
        }
        assertFalse(result.at("/ask/out").asText().isBlank());
        assertEquals(4, result.get("exported_messages").size());
        for (JsonNode message : result.get("exported_messages")) assertEquals("complete", message.get("status").asText());
        assertTrue(result.at("/search/out").asText().contains("hearth"));
        assertEquals("[ ]", result.at("/connection_log/out").asText().strip());
        assertEquals("rwx------", result.at("/modes/data").asText());
        assertEquals("rwx------", result.at("/modes/models").asText());
        assertEquals("rw-------", result.at("/modes/hearth.db").asText());
    }

    private static List<String> strings(JsonNode array) {
        List<String> list = new ArrayList<>();
        array.forEach(n -> list.add(n.asText()));
        return list;
    }

    private static List<String> snippets(String searchJson) throws Exception {
        List<String> list = new ArrayList<>();
        for (JsonNode hit : OfflineSession.JSON.readTree(searchJson)) list.add(hit.get("role").asText() + ": " + hit.get("snippet").asText());
        return list;
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private static boolean unshareWorks() {
        try {
            Process probe = new ProcessBuilder("unshare", "-n", "true").redirectErrorStream(true).start();
            probe.getInputStream().readAllBytes();
            return probe.waitFor(10, TimeUnit.SECONDS) && probe.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }
}
