package dev.hearth.app.cli;

import java.util.Set;

/** One line of the command table: its words, what it accepts, and the code that runs it. */
record Subcommand(String name, String synopsis, String summary, Set<String> options, Set<String> flags,
                  int minPositionals, int maxPositionals, Action action) {

    @FunctionalInterface
    interface Action {
        /** Returns the exit code. */
        int run(Invocation invocation) throws Exception;
    }
}
