package dev.hearth.app.api;

import dev.hearth.engine.model.QuantMix;
import dev.hearth.engine.model.SyntheticModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The tiny random Llama model (small vocabulary) the app's tests run, written once per test JVM under target/. */
public final class TinyModel {
    private static Path file;

    private TinyModel() {}

    public static synchronized Path file() {
        if (file == null) {
            try {
                Path dir = Files.createDirectories(Path.of("target", "test-models")).toAbsolutePath();
                Path model = dir.resolve("tiny-" + ProcessHandle.current().pid() + ".gguf");
                SyntheticModel.write(model, SyntheticModel.Shape.TINY, QuantMix.Q8_0, 7, true);
                model.toFile().deleteOnExit();
                file = model;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return file;
    }
}
