package dev.hearth.app.store;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * An assistant reply being generated. {@link #append} only buffers (it never waits for the disk); the
 * writer thread commits the buffered text at most {@value #COMMIT_INTERVAL_MS} ms after it arrived, so a
 * crash loses at most that window. End the reply with exactly one of {@link #finish}, {@link #cancel} or
 * {@link #fail}; {@link #close} cancels a reply that was not ended.
 */
public final class ReplyWriter implements AutoCloseable {
    public static final long COMMIT_INTERVAL_MS = 250;

    private final Database db;
    private final long messageId;
    private final StringBuilder pending = new StringBuilder();
    private boolean commitScheduled;
    private long lastCommitNanos = System.nanoTime();
    private int committedLength;
    private StoreException backgroundFailure;
    private boolean ended;

    ReplyWriter(Database db, long messageId) {
        this.db = db;
        this.messageId = messageId;
    }

    public long messageId() {
        return messageId;
    }

    /**
     * Adds generated text. Throws the failure of an earlier background commit (e.g. disk full) once, so the
     * caller learns of it; that text stays buffered and goes out with the next commit.
     */
    public synchronized void append(String piece) {
        if (ended) throw new IllegalStateException("The reply " + messageId + " has already ended.");
        if (backgroundFailure != null) {
            StoreException failure = backgroundFailure;
            backgroundFailure = null;
            pending.append(piece);
            scheduleCommit();
            throw failure;
        }
        pending.append(piece);
        scheduleCommit();
    }

    private void scheduleCommit() {
        if (commitScheduled || pending.isEmpty()) return;
        commitScheduled = true;
        long sinceLast = (System.nanoTime() - lastCommitNanos) / 1_000_000;
        db.schedule(this::commitPending, Math.max(0, COMMIT_INTERVAL_MS - sinceLast));
    }

    /** The number of characters (UTF-16 units) of this reply known to be committed. */
    public synchronized int committedLength() {
        return committedLength;
    }

    private void commitPending() {
        try {
            commitBuffered("save the reply", c -> {});
        } catch (StoreException e) {
            synchronized (this) {
                backgroundFailure = e;
            }
        } finally {
            synchronized (this) {
                commitScheduled = false;
                lastCommitNanos = System.nanoTime();
            }
        }
    }

    /** In one transaction on the writer thread: the buffered text, then {@code more}. On failure the text goes back into the buffer. */
    private void commitBuffered(String action, SqlStep more) {
        String[] taken = {""};
        try {
            db.write(action, c -> {
                synchronized (this) {
                    taken[0] = pending.toString();
                    pending.setLength(0);
                }
                if (!taken[0].isEmpty()) {
                    Database.update(c, "UPDATE messages SET content = content || ? WHERE id = ?", taken[0], messageId);
                }
                more.run(c);
                return null;
            });
        } catch (RuntimeException e) {
            synchronized (this) {
                pending.insert(0, taken[0]);
            }
            throw e;
        }
        synchronized (this) {
            committedLength += taken[0].length();
        }
    }

    @FunctionalInterface
    private interface SqlStep {
        void run(Connection c) throws SQLException;
    }

    /** Commits the remaining text and marks the reply complete with its stats. */
    public void finish(ReplyStats stats) {
        end("finish the reply", "complete", stats.tokens(), stats.tokensPerSecond(), stats.stopReason(), null);
    }

    /** The user stopped the reply: the text so far is kept, marked interrupted. */
    public void cancel() {
        end("stop the reply", "interrupted", null, null, "cancelled", null);
    }

    /** Generation failed: the text so far is kept, marked interrupted with {@code reason}. */
    public void fail(String reason) {
        end("record the failed reply", "interrupted", null, null, "error", reason);
    }

    private void end(String action, String status, Integer tokens, Double tokensPerSecond, String stopReason, String error) {
        synchronized (this) {
            if (ended) throw new IllegalStateException("The reply " + messageId + " has already ended.");
            ended = true;
        }
        try {
            commitBuffered(action, c -> {
                long now = System.currentTimeMillis();
                Database.update(c, "UPDATE messages SET status = ?, tokens = ?, tokens_per_second = ?, stop_reason = ?, error = ?,"
                        + " writer_session = NULL WHERE id = ?", status, tokens, tokensPerSecond, stopReason, error, messageId);
                Database.update(c, "UPDATE conversations SET updated_at = ? WHERE id = (SELECT conversation_id FROM messages WHERE id = ?)",
                        now, messageId);
            });
        } catch (StoreException e) {
            synchronized (this) {
                ended = false;
            }
            throw e;
        }
    }

    @Override
    public void close() {
        boolean open;
        synchronized (this) {
            open = !ended;
        }
        if (open) cancel();
    }
}
