package dev.hearth.app.ui;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * The last line of defence: any exception no code caught is written to {@code hearth.log} in the data folder
 * and shown to the user, so the app never dies silently.
 */
public final class CrashReporter implements Thread.UncaughtExceptionHandler {
    public static final String LOG_FILE = "hearth.log";

    private final Path log;
    private final Consumer<Throwable> show;

    private CrashReporter(Path log, Consumer<Throwable> show) {
        this.log = log;
        this.show = show;
    }

    /** Makes this the handler of every thread, FX thread included. */
    public static CrashReporter install(Path dataDir, Consumer<Throwable> show) {
        CrashReporter reporter = new CrashReporter(dataDir.resolve(LOG_FILE), show);
        Thread.setDefaultUncaughtExceptionHandler(reporter);
        Thread.currentThread().setUncaughtExceptionHandler(reporter);
        return reporter;
    }

    @Override
    public void uncaughtException(Thread thread, Throwable error) {
        write(thread.getName(), error);
        try {
            show.accept(error);
        } catch (RuntimeException e) {
            write("crash-reporter", e);
        }
    }

    /** Appends the error with its stack to the log; returns false when even that is impossible. */
    public boolean write(String where, Throwable error) {
        StringWriter text = new StringWriter();
        error.printStackTrace(new PrintWriter(text));
        try {
            Files.createDirectories(log.getParent());
            Files.writeString(log, Instant.now() + " [" + where + "] " + text + System.lineSeparator(),
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            return true;
        } catch (IOException e) {
            System.err.println("hearth: " + text);
            return false;
        }
    }

    public Path log() {
        return log;
    }
}
