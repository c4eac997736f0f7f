package dev.hearth.engine.cli;

/** Entry point of the engine command line. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(0);
    }
}
