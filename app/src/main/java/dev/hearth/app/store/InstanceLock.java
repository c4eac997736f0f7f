package dev.hearth.app.store;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps the desktop app to one instance per data folder. The first instance holds a lock on
 * {@code hearth.lock} and listens on the Unix-domain socket {@code hearth.sock} (no TCP, so nothing is
 * reachable from the network); a second instance finds the lock taken, asks the first through the socket
 * to come to the front, and exits.
 */
public final class InstanceLock implements AutoCloseable {
    static final String LOCK_FILE = "hearth.lock";
    static final String SOCKET_FILE = "hearth.sock";
    private static final byte[] ACTIVATE = "activate\n".getBytes(StandardCharsets.US_ASCII);
    /**
     * Lock files this JVM holds. A second claim in the same process must not open the file again: closing any
     * channel on it releases the process's OS lock (POSIX record locks belong to the process, not the channel).
     */
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private final Path lockFile;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final ServerSocketChannel server;
    private final Path socket;
    private final Thread listener;

    private InstanceLock(Path lockFile, FileChannel lockChannel, FileLock lock, ServerSocketChannel server, Path socket, Runnable onActivate) {
        this.lockFile = lockFile;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.server = server;
        this.socket = socket;
        this.listener = Thread.ofPlatform().daemon().name("hearth-instance-listener").start(() -> listen(onActivate));
    }

    /**
     * Claims the data folder. Returns the lock when this is the first instance ({@code onActivate} then runs,
     * on a background thread, each time a later instance asks); returns empty when another instance holds
     * it, after asking that instance to come to the front.
     */
    public static Optional<InstanceLock> claim(Path dataDir, Runnable onActivate) {
        DataDir.createPrivateDirectory(dataDir);
        Path lockFile = dataDir.resolve(LOCK_FILE).toAbsolutePath().normalize();
        Path socket = dataDir.resolve(SOCKET_FILE);
        if (!HELD.add(lockFile)) {
            askToActivate(socket);
            return Optional.empty();
        }
        FileChannel channel;
        try {
            channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            HELD.remove(lockFile);
            throw new StoreException("Cannot create " + lockFile + ": " + e.getMessage() + ".", e);
        }
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        } catch (IOException e) {
            HELD.remove(lockFile);
            Database.closeQuietly(channel);
            throw new StoreException("Cannot lock " + lockFile + ": " + e.getMessage() + ".", e);
        }
        if (lock == null) {
            HELD.remove(lockFile);
            Database.closeQuietly(channel);
            askToActivate(socket);
            return Optional.empty();
        }
        try {
            // The lock proves no instance is running, so a socket file left here is from one that died.
            Files.deleteIfExists(socket);
            ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socket));
            return Optional.of(new InstanceLock(lockFile, channel, lock, server, socket, onActivate));
        } catch (IOException e) {
            HELD.remove(lockFile);
            Database.closeQuietly(channel);
            throw new StoreException("Cannot listen on " + socket + ": " + e.getMessage() + ".", e);
        }
    }

    private static void askToActivate(Path socket) {
        try (SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            client.connect(UnixDomainSocketAddress.of(socket));
            client.write(ByteBuffer.wrap(ACTIVATE));
        } catch (IOException e) {
            // The other instance is starting up or shutting down: it has not bound its socket, or just closed it. Nothing to bring forward.
        }
    }

    private void listen(Runnable onActivate) {
        while (server.isOpen()) {
            try (SocketChannel client = server.accept()) {
                ByteBuffer request = ByteBuffer.allocate(ACTIVATE.length);
                while (request.hasRemaining() && client.read(request) >= 0) {
                    // Read the whole (tiny) request.
                }
                if (!request.hasRemaining() && request.flip().equals(ByteBuffer.wrap(ACTIVATE))) onActivate.run();
            } catch (IOException e) {
                if (!server.isOpen()) return;
            } catch (RuntimeException e) {
                // A failing callback must not stop later instances from reaching us.
            }
        }
    }

    @Override
    public void close() {
        Database.closeQuietly(server);
        try {
            listener.join(1000);
            Files.deleteIfExists(socket);
            lock.release();
        } catch (IOException | InterruptedException e) {
            // Closing the channel below releases the lock regardless.
        }
        Database.closeQuietly(lockChannel);
        HELD.remove(lockFile);
    }
}
