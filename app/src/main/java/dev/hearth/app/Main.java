package dev.hearth.app;

import dev.hearth.app.cli.HearthCommand;
import java.io.PrintStream;

/** Entry point of the hearth command; with no arguments it opens the desktop window. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        if (args.length == 0) System.exit(dev.hearth.app.ui.HearthApp.open(null, System.err));
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command line and returns its exit code: 0 success, 1 error, 2 bad usage. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return HearthCommand.run(args, out, err, System.getenv());
    }
}
