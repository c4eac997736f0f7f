package dev.hearth.app;

/** Entry point of the hearth command and the desktop app. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(0);
    }
}
