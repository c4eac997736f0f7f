package dev.hearth.app.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * The one place that opens the SQLite file. All writes of this process run on one writer thread with its
 * own connection, each in a {@code BEGIN IMMEDIATE} transaction (so two processes queue on the busy
 * timeout instead of deadlocking on a lock upgrade); reads use a small pool of other connections, each
 * read in its own snapshot.
 */
final class Database implements AutoCloseable {
    static final int BUSY_TIMEOUT_MS = 10_000;
    private static final int READERS = 2;

    @FunctionalInterface
    interface SqlWork<T> {
        T run(Connection connection) throws SQLException, IOException;
    }

    private final Path file;
    private final Connection writer;
    private final ScheduledExecutorService writerThread;
    private volatile Thread writerThreadRef;
    private final BlockingQueue<Connection> idleReaders = new ArrayBlockingQueue<>(READERS);
    private final List<Connection> readers = new ArrayList<>();
    private final String session;
    private final SessionLock sessionLock;
    private volatile boolean closed;

    private Database(Path file, Connection writer, String session, SessionLock sessionLock) {
        this.file = file;
        this.writer = writer;
        this.session = session;
        this.sessionLock = sessionLock;
        var executor = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "hearth-store-writer");
            thread.setDaemon(true);
            writerThreadRef = thread;
            return thread;
        });
        executor.setRemoveOnCancelPolicy(true);
        this.writerThread = executor;
    }

    /** Opens the writer connection on a file already checked to be a healthy SQLite database (or empty). */
    static Database open(Path file) {
        Connection writer = connect(file, false);
        try {
            try (Statement statement = writer.createStatement()) {
                statement.execute("PRAGMA busy_timeout = " + BUSY_TIMEOUT_MS);
                try (ResultSet mode = statement.executeQuery("PRAGMA journal_mode = WAL")) {
                    mode.next();
                    if (!"wal".equalsIgnoreCase(mode.getString(1))) {
                        throw new StoreException("Cannot open " + file + " in write-ahead-log mode (got " + mode.getString(1) + " instead).");
                    }
                }
                // FULL makes each commit durable against power loss too, at the price of one fsync per commit (every 250 ms at most while streaming).
                statement.execute("PRAGMA synchronous = FULL");
                statement.execute("PRAGMA foreign_keys = ON");
            }
            String session = UUID.randomUUID().toString();
            return new Database(file, writer, session, SessionLock.create(file, session));
        } catch (SQLException e) {
            closeQuietly(writer);
            throw translate("open the database " + file, e);
        } catch (RuntimeException e) {
            closeQuietly(writer);
            throw e;
        }
    }

    static Connection connect(Path file, boolean readOnly) {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(readOnly);
        Properties properties = config.toProperties();
        try {
            Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file, properties);
            try (Statement statement = connection.createStatement()) {
                statement.execute("PRAGMA busy_timeout = " + BUSY_TIMEOUT_MS);
            }
            CjkBigrams.register(connection);
            return connection;
        } catch (SQLException e) {
            throw translate("open the database " + file, e);
        }
    }

    Path file() {
        return file;
    }

    /** The id this process writes into streaming messages, so another process can tell whether their writer still lives. */
    String session() {
        return session;
    }

    /**
     * Runs {@code work} in one write transaction on the writer thread and waits for it. On any failure the
     * transaction is rolled back entirely and a {@link StoreException} saying {@code action} is thrown.
     */
    <T> T write(String action, SqlWork<T> work) {
        if (Thread.currentThread() == writerThreadRef) return transaction(action, work);
        if (closed) throw new StoreException("Cannot " + action + ": the store is closed.");
        Future<T> result = writerThread.submit(() -> transaction(action, work));
        try {
            return result.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) throw runtime;
            throw new StoreException("Cannot " + action + ": " + e.getCause() + ".", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("Cannot " + action + ": interrupted while waiting for the database.", e);
        }
    }

    /** Runs {@code task} on the writer thread after {@code delayMs}; used to batch streaming appends. */
    void schedule(Runnable task, long delayMs) {
        writerThread.schedule(task, delayMs, TimeUnit.MILLISECONDS);
    }

    private <T> T transaction(String action, SqlWork<T> work) {
        try {
            try (Statement statement = writer.createStatement()) {
                statement.execute("BEGIN IMMEDIATE");
            }
            T value;
            try {
                value = work.run(writer);
                try (Statement statement = writer.createStatement()) {
                    statement.execute("COMMIT");
                }
            } catch (SQLException | IOException | RuntimeException e) {
                rollback();
                throw e;
            }
            return value;
        } catch (SQLException e) {
            throw translate(action, e);
        } catch (IOException e) {
            throw new StoreException("Cannot " + action + ": " + e.getMessage() + ".", e);
        }
    }

    private void rollback() {
        try (Statement statement = writer.createStatement()) {
            statement.execute("ROLLBACK");
        } catch (SQLException e) {
            // SQLite already rolled back on its own (e.g. after SQLITE_FULL); there is nothing left to undo.
        }
    }

    /** Runs {@code work} on a reader connection inside one read snapshot. */
    <T> T read(String action, SqlWork<T> work) {
        if (closed) throw new StoreException("Cannot " + action + ": the store is closed.");
        Connection connection = borrowReader();
        try {
            try (Statement statement = connection.createStatement()) {
                statement.execute("BEGIN");
            }
            try {
                return work.run(connection);
            } finally {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("COMMIT");
                }
            }
        } catch (SQLException e) {
            throw translate(action, e);
        } catch (IOException e) {
            throw new StoreException("Cannot " + action + ": " + e.getMessage() + ".", e);
        } finally {
            idleReaders.add(connection);
        }
    }

    private Connection borrowReader() {
        Connection idle = idleReaders.poll();
        if (idle != null) return idle;
        synchronized (readers) {
            if (readers.size() < READERS) {
                Connection connection = connect(file, false);
                try (Statement statement = connection.createStatement()) {
                    statement.execute("PRAGMA query_only = ON");
                } catch (SQLException e) {
                    closeQuietly(connection);
                    throw translate("open a reader on " + file, e);
                }
                readers.add(connection);
                return connection;
            }
        }
        try {
            return idleReaders.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("Interrupted while waiting for a database connection.", e);
        }
    }

    /** Streaming messages left behind by processes that are gone: their session lock is free. */
    boolean isSessionAlive(String otherSession) {
        return otherSession != null && (otherSession.equals(session) || SessionLock.isHeld(file, otherSession));
    }

    void forgetDeadSessions() {
        SessionLock.sweep(file);
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        writerThread.shutdown();
        try {
            if (!writerThread.awaitTermination(30, TimeUnit.SECONDS)) writerThread.shutdownNow();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (readers) {
            readers.forEach(Database::closeQuietly);
        }
        closeQuietly(writer);
        sessionLock.release();
    }

    static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // Closing after a failure: the original error is the one worth reporting.
        }
    }

    static int primaryCode(SQLException e) {
        if (e instanceof SQLiteException sqlite) return sqlite.getResultCode().code & 0xff;
        return e.getErrorCode() & 0xff;
    }

    /** Turns an SQLite failure into one sentence: what we tried, and the cause in the user's terms. */
    static StoreException translate(String action, SQLException e) {
        String reason = switch (primaryCode(e)) {
            case 13 -> "the disk is full (or the database reached its size limit); nothing was changed";
            case 8 -> "the database file or its folder is read-only; nothing was changed";
            case 14 -> "the file cannot be opened (check that the folder exists and is writable)";
            case 26 -> "the file is not an SQLite database";
            case 11 -> "the database file is damaged";
            case 5, 6 -> "another program kept the database busy for more than " + BUSY_TIMEOUT_MS / 1000 + " seconds; nothing was changed";
            case 10 -> "a disk read/write error occurred; nothing was changed";
            case 23 -> "the operating system denied access to the file";
            default -> sqliteMessage(e);
        };
        return new StoreException("Cannot " + action + ": " + reason + ".", e);
    }

    private static String sqliteMessage(SQLException e) {
        String message = e.getMessage() == null ? "unknown error" : e.getMessage();
        if (e instanceof SQLiteException sqlite) {
            SQLiteErrorCode code = sqlite.getResultCode();
            String prefix = "[" + code.name() + "]";
            int at = message.indexOf(prefix);
            if (at >= 0) message = message.substring(at + prefix.length()).trim();
        }
        if (message.endsWith(".")) message = message.substring(0, message.length() - 1);
        return message;
    }

    static long queryLong(Connection connection, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            bind(statement, parameters);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? rows.getLong(1) : 0;
            }
        }
    }

    static int update(Connection connection, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            bind(statement, parameters);
            return statement.executeUpdate();
        }
    }

    static void bind(PreparedStatement statement, Object... parameters) throws SQLException {
        for (int i = 0; i < parameters.length; i++) statement.setObject(i + 1, parameters[i]);
    }

    /**
     * An exclusive lock on {@code <db>.sessions/<session>.lock}, held while this process has the store open.
     * The operating system drops it when the process dies, which is how another process tells a
     * streaming reply that is still being written from one whose writer was killed.
     */
    private record SessionLock(Path lockFile, FileChannel channel, FileLock lock) {
        static Path directory(Path database) {
            return database.resolveSibling(database.getFileName() + ".sessions");
        }

        static SessionLock create(Path database, String session) {
            Path directory = directory(database);
            DataDir.createPrivateDirectory(directory);
            Path lockFile = directory.resolve(session + ".lock");
            try {
                FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                return new SessionLock(lockFile, channel, channel.lock());
            } catch (IOException e) {
                throw new StoreException("Cannot create the session lock " + lockFile + ": " + e.getMessage() + ".", e);
            }
        }

        static boolean isHeld(Path database, String session) {
            Path lockFile = directory(database).resolve(session + ".lock");
            if (!Files.exists(lockFile)) return false;
            try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
                FileLock probe = channel.tryLock();
                if (probe == null) return true;
                probe.release();
                return false;
            } catch (OverlappingFileLockException e) {
                return true;
            } catch (IOException e) {
                return false;
            }
        }

        static void sweep(Path database) {
            try (var files = Files.list(directory(database))) {
                for (Path lockFile : files.toList()) {
                    String name = lockFile.getFileName().toString();
                    if (name.endsWith(".lock") && !isHeld(database, name.substring(0, name.length() - 5))) {
                        Files.deleteIfExists(lockFile);
                    }
                }
            } catch (IOException e) {
                // Stale lock files only cost a few bytes; failing to sweep them must not stop the store.
            }
        }

        void release() {
            try {
                lock.release();
                channel.close();
                Files.deleteIfExists(lockFile);
            } catch (IOException e) {
                // The lock goes away with the process anyway.
            }
        }
    }
}
