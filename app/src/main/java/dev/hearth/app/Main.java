package dev.hearth.app;

import dev.hearth.app.cli.HearthCommand;
import java.io.PrintStream;

/** Entry point of the hearth command; with no command (only, perhaps, {@code --data-dir D}) it opens the desktop window. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        if (args.length == 0 || args.length == 2 && args[0].equals("--data-dir")) {
            System.exit(dev.hearth.app.ui.HearthApp.open(args.length == 0 ? null : args[1], System.err));
        }
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command line and returns its exit code: 0 success, 1 error, 2 bad usage. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return HearthCommand.run(args, out, err, System.getenv());
    }
}
