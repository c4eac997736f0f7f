package dev.hearth.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hearth.app.Main;
import dev.hearth.app.api.TinyModel;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hearth serve}, {@code api-token} and {@code privacy log} run in-process. */
class ServeCommandTest {
    @TempDir Path dir;

    @Test
    void servesOnLoopbackWithTheStoredTokenAndLogsEveryRequest() throws Exception {
        String data = dir.resolve("data").toString();
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        AtomicInteger exit = new AtomicInteger(-1);
        Thread serving = Thread.ofPlatform().start(() -> exit.set(Main.run(
                new String[] {"--data-dir", data, "serve", "--port", "0", "--context", "256", "--threads", "1", "--model", TinyModel.file().toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8))));
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!out.toString(StandardCharsets.UTF_8).contains("\n") && serving.isAlive() && System.nanoTime() < deadline) Thread.sleep(20);
        String url = out.toString(StandardCharsets.UTF_8).strip();
        assertTrue(url.matches("http://127\\.0\\.0\\.1:\\d+/v1"), url + err.toString(StandardCharsets.UTF_8));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("reachable from this computer only"));

        CliRun token = AskCommandTest.hearth("--data-dir", data, "api-token");
        assertEquals(0, token.exit());
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<String> models = client.send(HttpRequest.newBuilder(URI.create(url + "/models"))
                .header("Authorization", "Bearer " + token.out().strip()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, models.statusCode(), models.body());
        HttpResponse<String> refused = client.send(HttpRequest.newBuilder(URI.create(url + "/models")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, refused.statusCode());

        serving.interrupt();
        serving.join(60_000);
        assertEquals(0, exit.get());
        String log = AskCommandTest.hearth("--data-dir", data, "privacy", "log").out();
        assertTrue(log.startsWith("4 connections recorded:"), log);
        assertTrue(log.contains("GET /v1/models → 200") && log.contains("GET /v1/models → 401 invalid_api_key"), log);
        assertTrue(log.contains("started, loopback only") && log.contains("stopped"), log);
    }

    @Test
    void aTakenPortOrAMissingModelIsOneSentence() throws Exception {
        String data = dir.resolve("data").toString();
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CliRun result = AskCommandTest.hearth("--data-dir", data, "serve", "--port", String.valueOf(taken.getLocalPort()),
                    "--context", "256", "--threads", "1", "--model", TinyModel.file().toString());
            assertEquals(1, result.exit());
            assertTrue(result.err().strip().endsWith("the port is in use; choose another with --port."), result.err());
        }
        CliRun missing = AskCommandTest.hearth("--data-dir", data, "serve", "--model", dir.resolve("none.gguf").toString());
        assertEquals(1, missing.exit());
        assertEquals("There is no model file at " + dir.resolve("none.gguf") + ".\n", missing.err());
        assertEquals("No network connections: Hearth has not connected anywhere and has not accepted any connection.\n",
                AskCommandTest.hearth("--data-dir", dir.resolve("fresh").toString(), "privacy", "log").out());
    }
}
