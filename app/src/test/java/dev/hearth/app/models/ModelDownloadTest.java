package dev.hearth.app.models;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.hearth.app.privacy.ConnectionLog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelDownloadTest {

    @TempDir
    Path models;

    private final byte[] file = new byte[3 * 1024 * 1024 + 123];
    private final List<String> rangesAsked = new CopyOnWriteArrayList<>();
    /** When positive, the next response sends this many bytes and then drops the connection. */
    private final AtomicInteger dropAfter = new AtomicInteger(-1);
    private volatile boolean ignoreRanges;
    private HttpServer server;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final ConnectionLog log = ConnectionLog.inMemory();

    @BeforeEach
    void startServer() throws IOException {
        new Random(7).nextBytes(file);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/models/tiny.gguf", this::serve);
        server.createContext("/missing.gguf", exchange -> {
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
        client.close();
    }

    private void serve(HttpExchange exchange) throws IOException {
        String range = exchange.getRequestHeaders().getFirst("Range");
        rangesAsked.add(range == null ? "none" : range);
        int from = 0;
        if (range != null && !ignoreRanges) {
            from = Integer.parseInt(range.substring("bytes=".length(), range.indexOf('-')));
            if (from >= file.length) {
                exchange.sendResponseHeaders(416, -1);
                exchange.close();
                return;
            }
            exchange.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + (file.length - 1) + "/" + file.length);
            exchange.sendResponseHeaders(206, file.length - from);
        } else {
            exchange.sendResponseHeaders(200, file.length);
        }
        int drop = dropAfter.getAndSet(-1);
        try (OutputStream out = exchange.getResponseBody()) {
            int end = drop > 0 ? from + drop : file.length;
            for (int i = from; i < end; i += 8192) {
                out.write(file, i, Math.min(8192, end - i));
            }
            if (drop > 0) {
                out.flush();
                throw new IOException("connection dropped on purpose");
            }
        }
    }

    private URI link(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    private String sha256() throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(file));
    }

    @Test
    void downloadsTheWholeFileIntoTheModelsFolderAndChecksItsHash() throws Exception {
        var download = new ModelDownload(client, log, link("/models/tiny.gguf"), models, sha256());
        List<DownloadProgress> seen = new ArrayList<>();

        var outcome = download.run(seen::add);

        var completed = assertInstanceOf(ModelDownload.Outcome.Completed.class, outcome);
        assertEquals(models.resolve("tiny.gguf"), completed.file());
        assertArrayEquals(file, Files.readAllBytes(completed.file()));
        assertFalse(Files.exists(models.resolve("tiny.gguf.part")), "the .part file is renamed, not left behind");
        assertFalse(Files.exists(models.resolve("tiny.gguf.part.json")));
        assertEquals(file.length, seen.getLast().receivedBytes());
        assertEquals(DownloadProgress.Phase.VERIFYING, seen.getLast().phase());
        assertTrue(seen.stream().allMatch(p -> p.totalBytes() == file.length));
    }

    @Test
    void recordsEachConnectionInTheConnectionLogWithHostAndWhatWasAsked() throws Exception {
        dropAfter.set(1_000_000);
        var download = new ModelDownload(client, log, link("/models/tiny.gguf"), models, null);
        assertThrows(DownloadProblem.class, () -> download.run(p -> {}));
        long kept = download.receivedBytes();
        download.run(p -> {});

        String address = "127.0.0.1:" + server.getAddress().getPort();
        assertEquals(List.of(
                        new Logged(ConnectionLog.Direction.OUTBOUND, "model download", address, "GET /models/tiny.gguf → 200"),
                        new Logged(ConnectionLog.Direction.OUTBOUND, "model download", address, "GET /models/tiny.gguf from byte " + kept + " → 206")),
                log.entries().stream().map(c -> new Logged(c.direction(), c.purpose(), c.address(), c.detail())).toList());
    }

    @Test
    void recordsAConnectionThatFailedToo() throws Exception {
        int closedPort = server.getAddress().getPort();
        server.stop(0);
        var download = new ModelDownload(client, log, link("/models/tiny.gguf"), models, null);
        assertThrows(DownloadProblem.class, () -> download.run(p -> {}));
        var entry = log.entries().getFirst();
        assertEquals("127.0.0.1:" + closedPort, entry.address());
        assertTrue(entry.detail().startsWith("GET /models/tiny.gguf → failed"), entry.detail());
    }

    private record Logged(ConnectionLog.Direction direction, String purpose, String address, String detail) {}

    @Test
    void resumesWithARangeRequestAfterTheConnectionDrops() throws Exception {
        dropAfter.set(1_000_000);
        var first = new ModelDownload(client, log, link("/models/tiny.gguf"), models, sha256());

        var problem = assertThrows(DownloadProblem.class, () -> first.run(p -> {}));
        assertEquals(DownloadProblem.Reason.CONNECTION_LOST, problem.reason());
        long kept = first.receivedBytes();
        assertTrue(kept > 0 && kept <= 1_000_000, "what arrived is kept: " + kept);

        // A new object, as after a restart: found from the sidecar in the models folder.
        var again = ModelDownload.unfinished(client, log, models);
        assertEquals(1, again.size());
        assertTrue(again.getFirst().isResumable());
        var outcome = again.getFirst().run(p -> {});

        assertInstanceOf(ModelDownload.Outcome.Completed.class, outcome);
        assertEquals("bytes=" + kept + "-", rangesAsked.getLast());
        assertArrayEquals(file, Files.readAllBytes(models.resolve("tiny.gguf")));
    }

    @Test
    void startsOverWhenTheServerIgnoresTheRange() throws Exception {
        dropAfter.set(500_000);
        var download = new ModelDownload(client, log, link("/models/tiny.gguf"), models, null);
        assertThrows(DownloadProblem.class, () -> download.run(p -> {}));
        ignoreRanges = true;

        download.run(p -> {});

        assertArrayEquals(file, Files.readAllBytes(models.resolve("tiny.gguf")), "a 200 answer replaces the partial bytes");
    }

    @Test
    void pauseKeepsThePartialFileAndRunResumesIt() throws Exception {
        var download = new ModelDownload(client, log, link("/models/tiny.gguf"), models, sha256());

        var paused = download.run(p -> download.pause());

        var outcome = assertInstanceOf(ModelDownload.Outcome.Paused.class, paused);
        assertTrue(outcome.receivedBytes() > 0 && outcome.receivedBytes() < file.length);
        assertEquals(outcome.receivedBytes(), Files.size(models.resolve("tiny.gguf.part")));
        assertInstanceOf(ModelDownload.Outcome.Completed.class, download.run(p -> {}));
        assertArrayEquals(file, Files.readAllBytes(models.resolve("tiny.gguf")));
    }

    @Test
    void cancelDeletesThePartialFile() throws Exception {
        var download = new ModelDownload(client, log, link("/models/tiny.gguf"), models, null);

        var outcome = download.run(p -> download.cancel());

        assertInstanceOf(ModelDownload.Outcome.Cancelled.class, outcome);
        try (var left = Files.list(models)) {
            assertEquals(List.of(), left.toList());
        }
    }

    @Test
    void aWrongHashDeletesTheFileAndSaysSo() throws Exception {
        var download = new ModelDownload(client, log, link("/models/tiny.gguf"), models, "0".repeat(64));

        var problem = assertThrows(DownloadProblem.class, () -> download.run(p -> {}));

        assertEquals(DownloadProblem.Reason.HASH_MISMATCH, problem.reason());
        assertTrue(problem.detail().contains(sha256()), problem.detail());
        assertFalse(Files.exists(models.resolve("tiny.gguf")));
        assertFalse(Files.exists(models.resolve("tiny.gguf.part")));
    }

    @Test
    void aServerErrorIsReportedWithItsStatus() throws Exception {
        var download = new ModelDownload(client, log, link("/missing.gguf"), models, null);

        var problem = assertThrows(DownloadProblem.class, () -> download.run(p -> {}));

        assertEquals(DownloadProblem.Reason.SERVER_REFUSED, problem.reason());
        assertTrue(problem.detail().contains("404"), problem.detail());
    }

    @Test
    void refusesLinksThatAreNotHttpOrNotGguf() {
        for (String bad : List.of("ftp://example.org/model.gguf", "https://example.org/model.zip", "https://example.org/", "file:///tmp/x.gguf")) {
            var problem = assertThrows(DownloadProblem.class, () -> new ModelDownload(client, log, URI.create(bad), models, null), bad);
            assertEquals(DownloadProblem.Reason.NOT_A_MODEL_LINK, problem.reason());
        }
        assertThrows(DownloadProblem.class, () -> new ModelDownload(client, log, link("/models/tiny.gguf"), models, "abc"));
    }

    @Test
    void refusesToStartWhenTheDiskHasNoRoom() throws Exception {
        long free = Files.getFileStore(models).getUsableSpace();
        var huge = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        huge.createContext("/huge.gguf", exchange -> {
            exchange.sendResponseHeaders(200, free + (1L << 30));
            exchange.getResponseBody().write(new byte[16]);
            exchange.getResponseBody().flush();
            exchange.getHttpContext().getServer().stop(0);
        });
        huge.start();
        try {
            var download = new ModelDownload(client, log, URI.create("http://127.0.0.1:" + huge.getAddress().getPort() + "/huge.gguf"), models, null);
            var problem = assertThrows(DownloadProblem.class, () -> download.run(p -> {}));
            assertEquals(DownloadProblem.Reason.NOT_ENOUGH_SPACE, problem.reason());
            assertFalse(Files.exists(models.resolve("huge.gguf.part")), "nothing is written before the space check");
        } finally {
            huge.stop(0);
        }
    }
}
