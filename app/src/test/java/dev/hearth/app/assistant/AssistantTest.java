package dev.hearth.app.assistant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hearth.app.api.TinyModel;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class AssistantTest {

    /** The window's load path refuses a context whose cache would not fit in free memory, as the API's ModelHost does. */
    @Test
    void aContextThatDoesNotFitInFreeMemoryIsRefusedWithTheEstimateAndASmallerOneLoads() {
        try (Assistant assistant = new Assistant()) {
            CompletionException e = assertThrows(CompletionException.class,
                    () -> assistant.load(TinyModel.file(), 131_072, 1, () -> 64L << 20).join());
            ModelLoadException refused = assertInstanceOf(ModelLoadException.class, e.getCause());
            assertTrue(refused.getMessage().startsWith("At a context of 131072 tokens, this model needs about "), refused.getMessage());
            assertTrue(refused.getMessage().endsWith("but only 64 MiB is available; choose a smaller context or a smaller model."),
                    refused.getMessage());
            assertNull(assistant.loaded());

            Assistant.Loaded loaded = assistant.load(TinyModel.file(), 512, 1, () -> 64L << 20).join();
            assertEquals(512, loaded.context());
        }
    }
}
