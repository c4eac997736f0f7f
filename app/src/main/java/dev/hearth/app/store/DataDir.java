package dev.hearth.app.store;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

/**
 * Where Hearth keeps its data: {@code hearth.db} and {@code models/}. Chosen by an explicit option, else
 * {@code HEARTH_HOME}, else {@code $XDG_DATA_HOME/hearth}, else {@code ~/.local/share/hearth}.
 */
public final class DataDir {
    public static final String DATABASE_FILE = "hearth.db";
    public static final String MODELS_DIR = "models";

    private DataDir() {}

    /** @param option the value of {@code --data-dir}, or null when not given */
    public static Path resolve(String option, Map<String, String> env) {
        if (option != null && !option.isBlank()) return Path.of(option).toAbsolutePath();
        String home = env.get("HEARTH_HOME");
        if (home != null && !home.isBlank()) return Path.of(home).toAbsolutePath();
        String xdg = env.get("XDG_DATA_HOME");
        if (xdg != null && !xdg.isBlank()) return Path.of(xdg, "hearth").toAbsolutePath();
        String userHome = env.getOrDefault("HOME", System.getProperty("user.home"));
        return Path.of(userHome, ".local", "share", "hearth").toAbsolutePath();
    }

    /** Creates the data directory and {@code models/} readable by the owner only; returns the database path. */
    public static Path prepare(Path dir) {
        createPrivateDirectory(dir);
        createPrivateDirectory(dir.resolve(MODELS_DIR));
        return dir.resolve(DATABASE_FILE);
    }

    static void createPrivateDirectory(Path dir) {
        try {
            if (Files.isDirectory(dir)) return;
            if (Files.exists(dir)) {
                throw new StoreException("Cannot use " + dir + " as the data folder: it exists and is not a folder.");
            }
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (AccessDeniedException e) {
            throw new StoreException("Cannot create the data folder " + dir + ": permission denied (" + e.getFile() + " is not writable).", e);
        } catch (FileSystemException e) {
            throw new StoreException("Cannot create the data folder " + dir + ": " + reason(e) + ".", e);
        } catch (IOException e) {
            throw new StoreException("Cannot create the data folder " + dir + ": " + e.getMessage() + ".", e);
        }
    }

    static String reason(FileSystemException e) {
        String reason = e.getReason();
        return reason != null ? reason.toLowerCase(java.util.Locale.ROOT) : e.getClass().getSimpleName();
    }
}
