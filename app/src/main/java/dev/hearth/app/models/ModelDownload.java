package dev.hearth.app.models;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.app.models.DownloadProblem.Reason;
import dev.hearth.app.privacy.ConnectionLog;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Downloads one GGUF file into the models folder, the only network access Hearth ever makes, and only when
 * the user asks for it. Bytes go to {@code NAME.part}; a sidecar {@code NAME.part.json} remembers the link,
 * the expected hash and the size, so a paused, cancelled-by-crash or dropped download resumes with an HTTP
 * Range request, even after a restart. The finished file is checked against the SHA-256 when one is given
 * and only then renamed to {@code NAME}.
 */
public final class ModelDownload {

    /** Room left free on the disk after the download, so the system and the database can still write. */
    static final long SPARE_BYTES = 256L << 20;
    private static final long PROGRESS_INTERVAL_NANOS = 100_000_000L;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What became of a call to {@link #run}. */
    public sealed interface Outcome {
        record Completed(Path file) implements Outcome {}

        /** Stopped by {@link #pause}; {@link #run} again resumes. */
        record Paused(long receivedBytes) implements Outcome {}

        /** Stopped by {@link #cancel}; the partial file is gone. */
        record Cancelled() implements Outcome {}
    }

    /** What the connection log calls this kind of connection. */
    public static final String PURPOSE = "model download";

    private final HttpClient client;
    private final ConnectionLog log;
    private final URI uri;
    private final Path target;
    private final String expectedSha256;
    private volatile boolean pauseRequested;
    private volatile boolean cancelRequested;

    /**
     * @param log            where every connection the download makes is recorded (the Privacy view shows it)
     * @param expectedSha256 the file's SHA-256 in hex, or null to skip the check
     * @throws DownloadProblem when the link is not an http(s) link to a {@code .gguf} file
     */
    public ModelDownload(HttpClient client, ConnectionLog log, URI uri, Path modelsDir, String expectedSha256) throws DownloadProblem {
        this.client = client;
        this.log = log;
        this.uri = uri;
        this.target = modelsDir.resolve(fileName(uri));
        this.expectedSha256 = expectedSha256 == null || expectedSha256.isBlank() ? null : expectedSha256.trim().toLowerCase(Locale.ROOT);
        if (this.expectedSha256 != null && !this.expectedSha256.matches("[0-9a-f]{64}")) {
            throw new DownloadProblem(Reason.NOT_A_MODEL_LINK, "a SHA-256 has 64 hexadecimal digits, got \"" + expectedSha256 + "\"");
        }
    }

    /** The downloads that were started before and not finished, for the window to offer resuming them. */
    public static List<ModelDownload> unfinished(HttpClient client, ConnectionLog log, Path modelsDir) {
        List<ModelDownload> found = new ArrayList<>();
        try (var files = Files.list(modelsDir)) {
            for (Path sidecar : files.filter(p -> p.getFileName().toString().endsWith(".part.json")).sorted().toList()) {
                try {
                    var node = JSON.readTree(sidecar.toFile());
                    var sha = node.path("sha256");
                    found.add(new ModelDownload(client, log, URI.create(node.path("url").asText()), modelsDir, sha.isTextual() ? sha.asText() : null));
                } catch (IOException | IllegalArgumentException e) {
                    // An unreadable sidecar is a download we cannot resume: it is left as it is, not offered.
                }
            }
        } catch (IOException e) {
            return List.of();
        }
        return found;
    }

    static String fileName(URI uri) throws DownloadProblem {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw new DownloadProblem(Reason.NOT_A_MODEL_LINK, "expected an https:// link, got \"" + uri + "\"");
        }
        String path = uri.getPath() == null ? "" : uri.getPath();
        String name = path.substring(path.lastIndexOf('/') + 1);
        if (!name.toLowerCase(Locale.ROOT).endsWith(".gguf") || name.length() <= 5 || name.startsWith(".")) {
            throw new DownloadProblem(Reason.NOT_A_MODEL_LINK, "the link should end with a file name like model.gguf, got \"" + uri + "\"");
        }
        return name;
    }

    public URI uri() {
        return uri;
    }

    /** Where the finished file goes. */
    public Path target() {
        return target;
    }

    Path partFile() {
        return target.resolveSibling(target.getFileName() + ".part");
    }

    Path sidecar() {
        return target.resolveSibling(target.getFileName() + ".part.json");
    }

    /** Bytes already on disk from earlier attempts. */
    public long receivedBytes() {
        try {
            return Files.size(partFile());
        } catch (IOException e) {
            return 0;
        }
    }

    /** Stops the running download after the current chunk, keeping what arrived. Safe from any thread. */
    public void pause() {
        pauseRequested = true;
    }

    /** Stops the download and deletes the partial file. Safe from any thread; works on a paused download too. */
    public void cancel() {
        cancelRequested = true;
    }

    /**
     * Downloads (or resumes) the file on the calling thread, reporting progress at most ten times a second.
     *
     * @throws DownloadProblem when the download cannot go on; what arrived is kept unless the reason says otherwise
     * @throws InterruptedException when the thread is interrupted (what arrived is kept)
     */
    public Outcome run(Consumer<DownloadProgress> progress) throws DownloadProblem, InterruptedException {
        pauseRequested = false;
        if (cancelRequested) return discard();
        try {
            Files.createDirectories(target.getParent());
        } catch (IOException e) {
            throw new DownloadProblem(Reason.DISK_ERROR, "cannot create " + target.getParent() + ": " + e.getMessage(), e);
        }
        long have = receivedBytes();
        HttpResponse<InputStream> response = send(have);
        try (InputStream body = response.body()) {
            int status = response.statusCode();
            if (status == 416 && have > 0) {
                return finish(have, progress);
            }
            if (status != 200 && status != 206) {
                throw new DownloadProblem(Reason.SERVER_REFUSED, "the server answered HTTP " + status + " for " + uri);
            }
            boolean resuming = status == 206 && have > 0;
            if (!resuming) have = 0;
            long total = totalSize(response, have);
            checkSpace(total, have);
            writeSidecar(total);
            have = copy(body, have, total, resuming, progress);
            if (cancelRequested) return discard();
            if (pauseRequested) return new Outcome.Paused(have);
            if (total > 0 && have < total) {
                throw new DownloadProblem(Reason.CONNECTION_LOST, "the connection closed after " + have + " of " + total + " bytes");
            }
            return finish(have, progress);
        } catch (IOException e) {
            if (e instanceof DownloadProblem problem) throw problem;
            throw new DownloadProblem(Reason.DISK_ERROR, "cannot use " + partFile() + ": " + e.getMessage(), e);
        }
    }

    private HttpResponse<InputStream> send(long have) throws DownloadProblem, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET();
        if (have > 0) request.header("Range", "bytes=" + have + "-");
        String what = "GET " + uri.getPath() + (have > 0 ? " from byte " + have : "");
        try {
            HttpResponse<InputStream> response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            log.record(ConnectionLog.Direction.OUTBOUND, PURPOSE, address(response.uri()), what + " → " + response.statusCode());
            return response;
        } catch (IOException e) {
            log.record(ConnectionLog.Direction.OUTBOUND, PURPOSE, address(uri), what + " → failed: " + e.getMessage());
            throw new DownloadProblem(Reason.CONNECTION_LOST, "cannot reach " + uri.getHost() + ": " + e.getMessage(), e);
        }
    }

    /** host:port of a link (the port the scheme implies when it names none); a redirect is logged with where it ended. */
    private static String address(URI link) {
        int port = link.getPort() >= 0 ? link.getPort() : "http".equalsIgnoreCase(link.getScheme()) ? 80 : 443;
        return link.getHost() + ":" + port;
    }

    private static long totalSize(HttpResponse<?> response, long have) {
        var range = response.headers().firstValue("Content-Range");
        if (response.statusCode() == 206 && range.isPresent()) {
            String value = range.get();
            int slash = value.lastIndexOf('/');
            if (slash >= 0 && !value.endsWith("*")) {
                try {
                    return Long.parseLong(value.substring(slash + 1).trim());
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        long length = response.headers().firstValueAsLong("Content-Length").orElse(-1);
        return length < 0 ? -1 : length + (response.statusCode() == 206 ? have : 0);
    }

    private void checkSpace(long total, long have) throws DownloadProblem {
        if (total <= 0) return;
        long usable;
        try {
            usable = Files.getFileStore(target.getParent()).getUsableSpace();
        } catch (IOException e) {
            return;
        }
        long needed = total - have;
        if (needed + SPARE_BYTES > usable) {
            throw new DownloadProblem(Reason.NOT_ENOUGH_SPACE, "the download needs " + needed + " more bytes but "
                    + target.getParent() + " has " + usable + " bytes free");
        }
    }

    private void writeSidecar(long total) throws DownloadProblem {
        ObjectNode node = JSON.createObjectNode();
        node.put("url", uri.toString());
        if (expectedSha256 != null) node.put("sha256", expectedSha256);
        node.put("totalBytes", total);
        try {
            Files.writeString(sidecar(), node.toPrettyString());
        } catch (IOException e) {
            throw new DownloadProblem(Reason.DISK_ERROR, "cannot write " + sidecar() + ": " + e.getMessage(), e);
        }
    }

    private long copy(InputStream body, long have, long total, boolean append, Consumer<DownloadProgress> progress)
            throws IOException {
        var options = append
                ? new StandardOpenOption[]{StandardOpenOption.CREATE, StandardOpenOption.APPEND}
                : new StandardOpenOption[]{StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE};
        SpeedWindow speed = new SpeedWindow();
        byte[] buffer = new byte[1 << 16];
        long lastReport = 0;
        try (OutputStream out = Files.newOutputStream(partFile(), options)) {
            while (!pauseRequested && !cancelRequested) {
                int n;
                try {
                    n = body.read(buffer);
                } catch (IOException e) {
                    out.flush();
                    throw new DownloadProblem(Reason.CONNECTION_LOST, "the connection broke after " + have + " bytes: " + e.getMessage(), e);
                }
                if (n < 0) break;
                try {
                    out.write(buffer, 0, n);
                } catch (IOException e) {
                    throw new DownloadProblem(Reason.DISK_ERROR, "cannot write " + partFile() + ": " + e.getMessage(), e);
                }
                have += n;
                long now = System.nanoTime();
                speed.add(now, n);
                if (now - lastReport >= PROGRESS_INTERVAL_NANOS) {
                    lastReport = now;
                    progress.accept(new DownloadProgress(DownloadProgress.Phase.DOWNLOADING, have, total, speed.bytesPerSecond(now)));
                }
            }
        }
        progress.accept(new DownloadProgress(DownloadProgress.Phase.DOWNLOADING, have, total, speed.bytesPerSecond(System.nanoTime())));
        return have;
    }

    private Outcome finish(long have, Consumer<DownloadProgress> progress) throws DownloadProblem {
        if (expectedSha256 != null) {
            progress.accept(new DownloadProgress(DownloadProgress.Phase.VERIFYING, have, have, 0));
            String actual = sha256(partFile());
            if (!actual.equals(expectedSha256)) {
                deleteQuietly(partFile());
                deleteQuietly(sidecar());
                throw new DownloadProblem(Reason.HASH_MISMATCH, "expected SHA-256 " + expectedSha256 + ", the file has " + actual);
            }
        }
        try {
            Files.move(partFile(), target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Files.deleteIfExists(sidecar());
        } catch (IOException e) {
            throw new DownloadProblem(Reason.DISK_ERROR, "cannot move the finished file to " + target + ": " + e.getMessage(), e);
        }
        return new Outcome.Completed(target);
    }

    private Outcome discard() {
        deleteQuietly(partFile());
        deleteQuietly(sidecar());
        return new Outcome.Cancelled();
    }

    static String sha256(Path file) throws DownloadProblem {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
        byte[] buffer = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) digest.update(buffer, 0, n);
        } catch (IOException e) {
            throw new DownloadProblem(Reason.DISK_ERROR, "cannot read " + file + ": " + e.getMessage(), e);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (NoSuchFileException ignored) {
            // Already gone is what we wanted.
        } catch (IOException e) {
            file.toFile().deleteOnExit();
        }
    }

    /** Bytes per second over the last three seconds, so the shown speed follows changes without jumping. */
    private static final class SpeedWindow {
        private static final long WINDOW_NANOS = 3_000_000_000L;
        private final long[] times = new long[256];
        private final long[] bytes = new long[256];
        private int head;
        private int size;

        void add(long now, long n) {
            times[(head + size) % times.length] = now;
            bytes[(head + size) % times.length] = n;
            if (size < times.length) size++; else head = (head + 1) % times.length;
            while (size > 1 && now - times[head] > WINDOW_NANOS) {
                head = (head + 1) % times.length;
                size--;
            }
        }

        double bytesPerSecond(long now) {
            if (size == 0) return 0;
            long sum = 0;
            for (int i = 0; i < size; i++) sum += bytes[(head + i) % times.length];
            double seconds = Math.max((now - times[head]) / 1e9, 0.05);
            return sum / seconds;
        }
    }

    /** Whether a sidecar from an earlier attempt exists, i.e. {@link #run} would resume. */
    public boolean isResumable() {
        return Files.exists(sidecar()) && receivedBytes() > 0;
    }

    public Optional<String> expectedSha256() {
        return Optional.ofNullable(expectedSha256);
    }
}
