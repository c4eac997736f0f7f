package dev.hearth.engine.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The synthetic test models, written once per build into {@code target/test-models/} by our own
 * GGUF writer, deterministic from {@link #SEED}.
 */
public final class TinyModels {

    /** The seed of every tiny test model; the llama.cpp fixtures were made from models with this seed. */
    public static final long SEED = 20261123L;

    private static final Path DIR = Path.of("target", "test-models");

    private TinyModels() {}

    /** The tiny shape with the full Llama 3 vocabulary. */
    public static Path full(QuantMix mix) {
        return get("tiny-" + mix.name().toLowerCase(java.util.Locale.ROOT) + ".gguf", SyntheticModel.Shape.TINY, mix, false);
    }

    /** The one-layer shape with the 8B's head width ({@link SyntheticModel.Shape#LONG}), full vocabulary: for 32k prompts. */
    public static Path longContext(QuantMix mix) {
        return get("long-" + mix.name().toLowerCase(java.util.Locale.ROOT) + ".gguf", SyntheticModel.Shape.LONG, mix, false);
    }

    /** The tiny shape with a vocabulary of a few hundred tokens. */
    public static Path small(QuantMix mix) {
        return get("tiny-small-" + mix.name().toLowerCase(java.util.Locale.ROOT) + ".gguf", SyntheticModel.Shape.TINY, mix, true);
    }

    private static final java.util.Set<String> WRITTEN = new java.util.HashSet<>();

    /** Written afresh once per test JVM, so a model left in target/ by an older build is never used. */
    private static synchronized Path get(String name, SyntheticModel.Shape shape, QuantMix mix, boolean smallVocabulary) {
        Path path = DIR.resolve(name);
        if (WRITTEN.contains(name)) {
            return path;
        }
        try {
            Files.createDirectories(DIR);
            Path partial = DIR.resolve(name + ".partial");
            SyntheticModel.write(partial, shape, mix, SEED, smallVocabulary);
            Files.move(partial, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            WRITTEN.add(name);
            return path;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
