package dev.hearth.app.privacy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.app.Main;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.NetworkInterface;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;

/**
 * A whole Hearth session through the {@code hearth} command, in this JVM: ask (loading the model), a
 * follow-up, search, JSON and Markdown export, the connection log. Recorded by JFR with every socket read
 * and write (threshold 0) and bracketed by a scan of this process's open file descriptors for internet
 * sockets. Run in-process by {@link OfflineTest} and, as {@code main}, in a child JVM inside a network
 * namespace without interfaces; it prints its result as one JSON line.
 */
public final class OfflineSession {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Set<String> SOCKET_EVENTS = Set.of("jdk.SocketRead", "jdk.SocketWrite");

    private OfflineSession() {}

    public static void main(String[] args) throws Exception {
        System.out.println(JSON.writeValueAsString(run(Path.of(args[0]), Path.of(args[1]))));
        System.exit(0);
    }

    static ObjectNode run(Path model, Path work) throws Exception {
        ObjectNode result = JSON.createObjectNode();
        Set<String> socketsBefore = inetSockets();
        Path recordingFile = work.resolve("session.jfr");
        try (Recording recording = new Recording()) {
            for (String event : SOCKET_EVENTS) recording.enable(event).withThreshold(Duration.ZERO).withStackTrace();
            recording.start();
            flow(model, work, result);
            recording.stop();
            recording.dump(recordingFile);
        }
        ArrayNode socketEvents = result.putArray("socket_events");
        for (RecordedEvent event : RecordingFile.readAllEvents(recordingFile)) {
            if (SOCKET_EVENTS.contains(event.getEventType().getName())) socketEvents.add(event.toString());
        }
        Set<String> opened = inetSockets();
        opened.removeAll(socketsBefore);
        result.set("sockets_opened", JSON.valueToTree(opened));
        ArrayNode up = result.putArray("interfaces_up");
        try {
            for (NetworkInterface nic : NetworkInterface.networkInterfaces().toList()) if (nic.isUp()) up.add(nic.getName());
        } catch (java.net.SocketException e) {
            // "No network interfaces configured": Java lists no interface that is down, and there is nothing else.
        }
        return result;
    }

    private static void flow(Path model, Path work, ObjectNode result) throws IOException {
        String data = work.resolve("data").toString();
        String[] common = {"--threads", "1", "--context", "512", "--seed", "5", "--temperature", "0", "--max-tokens", "24", "--model", model.toString()};
        ObjectNode first = hearth(concat(new String[] {"--data-dir", data, "ask"}, common, new String[] {"Where is the hearth of the house?"}));
        result.set("ask", first);
        String err = first.get("err").asText();
        String id = err.substring(err.indexOf("--conversation ") + 15, err.indexOf("--conversation ") + 23);
        result.set("follow_up", hearth(concat(new String[] {"--data-dir", data, "ask", "--conversation", id}, common, new String[] {"And the chimney?"})));
        result.set("search", hearth("--data-dir", data, "chats", "search", "hearth", "--json"));
        Path json = work.resolve("export.json");
        result.set("export_json", hearth("--data-dir", data, "chats", "export", "--format", "json", "--out", json.toString()));
        ArrayNode exported = result.putArray("exported_messages");
        for (JsonNode conversation : JSON.readTree(json.toFile())) {
            for (JsonNode message : conversation.get("messages")) {
                exported.addObject().put("role", message.get("role").asText()).put("content", message.get("content").asText())
                        .put("status", message.get("status").asText()).put("stop_reason", message.path("stop_reason").asText());
            }
        }
        Path markdown = work.resolve("markdown");
        result.set("export_md", hearth("--data-dir", data, "chats", "export", "--format", "md", "--out", markdown.toString()));
        try (Stream<Path> files = Files.list(markdown)) {
            for (Path file : files.toList()) {
                String text = Files.readString(file);
                // The title line and the times differ between runs; the conversation itself must not.
                result.put("markdown", text.lines().skip(1).filter(line -> !line.startsWith("- Created:") && !line.startsWith("- Updated:"))
                        .reduce("", (a, b) -> a + b + "\n"));
            }
        }
        result.set("connection_log", hearth("--data-dir", data, "privacy", "log", "--json"));
        ObjectNode modes = result.putObject("modes");
        for (String name : List.of("", "models", "hearth.db")) {
            modes.put(name.isEmpty() ? "data" : name, PosixFilePermissions.toString(Files.getPosixFilePermissions(work.resolve("data").resolve(name))));
        }
    }

    private static String[] concat(String[]... parts) {
        return Stream.of(parts).flatMap(Stream::of).toArray(String[]::new);
    }

    private static ObjectNode hearth(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int exit = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return JSON.createObjectNode().put("exit", exit).put("out", out.toString(StandardCharsets.UTF_8)).put("err", err.toString(StandardCharsets.UTF_8));
    }

    /**
     * This process's TCP/UDP/raw sockets (IPv4 and IPv6), as "protocol inode": the socket inodes among
     * {@code /proc/self/fd} that the kernel's tables in {@code /proc/self/net} list. Unix-domain sockets and
     * pipes are not network connections and are left out.
     */
    static Set<String> inetSockets() throws IOException {
        Set<String> inodes = new HashSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) inodes.add(target.substring(8, target.length() - 1));
                } catch (IOException e) {
                    // The descriptor closed while we looked (e.g. the listing's own).
                }
            }
        }
        Set<String> found = new TreeSet<>();
        for (String table : List.of("tcp", "tcp6", "udp", "udp6", "raw", "raw6")) {
            Path file = Path.of("/proc/self/net", table);
            if (!Files.exists(file)) continue;
            for (String line : Files.readAllLines(file).stream().skip(1).toList()) {
                String[] columns = line.trim().split("\\s+");
                if (columns.length > 9 && inodes.contains(columns[9])) found.add(table + " " + columns[9] + " " + columns[1] + " -> " + columns[2]);
            }
        }
        return found;
    }
}
