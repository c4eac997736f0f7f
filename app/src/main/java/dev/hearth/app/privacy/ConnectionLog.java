package dev.hearth.app.privacy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.app.store.ConversationStore;
import dev.hearth.app.store.StoreException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * Every network connection Hearth made or accepted: a model download the user started (outbound) and
 * requests to the local API when the user switched it on (inbound). Normally empty. Kept in memory and in
 * the store's settings ({@value #SETTING}: the total ever recorded and the newest {@value #KEPT} entries),
 * so the Privacy view can show it after a restart. Nothing else in Hearth opens a socket; the offline test
 * proves that.
 */
public final class ConnectionLog {
    public static final String SETTING = "privacy.connections";
    static final int KEPT = 500;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Who opened the connection. */
    public enum Direction {
        /** Hearth connected out (a model download). */
        OUTBOUND,
        /** A client connected to Hearth's local API. */
        INBOUND,
        /** Hearth started or stopped listening (the local API switched on or off). */
        LISTENING;

        String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        static Direction of(String id) {
            return valueOf(id.toUpperCase(java.util.Locale.ROOT));
        }
    }

    /**
     * One connection.
     *
     * @param purpose what it was for, e.g. {@code model download} or {@code local API}
     * @param address the other end (host:port or URL) or, when listening, the local address
     * @param detail  what happened, e.g. {@code POST /v1/chat/completions → 200}
     */
    public record Connection(Instant time, Direction direction, String purpose, String address, String detail) {}

    private final ConversationStore store;
    private final Deque<Connection> recent = new ArrayDeque<>();
    private long total;

    private ConnectionLog(ConversationStore store) {
        this.store = store;
    }

    /** The log persisted in {@code store}, with what earlier runs recorded. */
    public static ConnectionLog open(ConversationStore store) {
        ConnectionLog log = new ConnectionLog(store);
        Optional<JsonNode> saved = store.setting(SETTING);
        if (saved.isPresent()) {
            JsonNode node = saved.get();
            log.total = node.path("total").asLong(0);
            for (JsonNode entry : node.path("recent")) {
                try {
                    log.recent.add(new Connection(Instant.parse(entry.path("time").asText()), Direction.of(entry.path("direction").asText()),
                            entry.path("purpose").asText(), entry.path("address").asText(), entry.path("detail").asText()));
                } catch (RuntimeException e) {
                    // A damaged entry says nothing reliable; the total still counts it.
                }
            }
        }
        return log;
    }

    /** A log that is not saved (no store open). */
    public static ConnectionLog inMemory() {
        return new ConnectionLog(null);
    }

    /**
     * Adds a connection and saves the log. A failure to save (e.g. disk full) never stops the connection
     * itself; the entry stays in memory and goes out with the next save.
     */
    public synchronized void record(Direction direction, String purpose, String address, String detail) {
        recent.addLast(new Connection(Instant.now(), direction, purpose, address, detail));
        while (recent.size() > KEPT) recent.removeFirst();
        total++;
        if (store == null) return;
        try {
            // Under the lock, so two saves never land out of order.
            store.putSetting(SETTING, toJson());
        } catch (StoreException e) {
            // Kept in memory; see the method comment.
        }
    }

    /** The newest {@value #KEPT} connections, oldest first. */
    public synchronized List<Connection> entries() {
        return new ArrayList<>(recent);
    }

    /** Every connection ever recorded, including those no longer listed. */
    public synchronized long total() {
        return total;
    }

    private ObjectNode toJson() {
        ObjectNode node = JSON.createObjectNode().put("total", total);
        ArrayNode list = node.putArray("recent");
        for (Connection c : recent) {
            list.addObject().put("time", c.time().toString()).put("direction", c.direction().id()).put("purpose", c.purpose())
                    .put("address", c.address()).put("detail", c.detail());
        }
        return node;
    }
}
