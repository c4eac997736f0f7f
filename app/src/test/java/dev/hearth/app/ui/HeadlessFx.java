package dev.hearth.app.ui;

/** Runs JavaFX tests without a display: JavaFX's own headless glass platform and software rendering. */
public final class HeadlessFx {
    private HeadlessFx() {}

    public static void configure() {
        System.setProperty("glass.platform", "headless");
        System.setProperty("prism.order", "sw");
        System.setProperty("testfx.robot", "glass");
        System.setProperty("java.awt.headless", "true");
    }
}
