package dev.hearth.engine.model;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** A forward pass asked to stop gives up between layers, and what it left in the cache does not matter afterwards. */
class ForwardStopTest {

    private static LlamaModel model;

    @BeforeAll
    static void load() throws Exception {
        model = LlamaModel.load(TinyModels.small(QuantMix.Q8_0));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static Forward forward(WorkerPool pool) {
        return new Forward(model, new KvCache(model.config(), 64), pool, Forward.BATCH);
    }

    @Test
    void stopsBetweenLayersAndTheBatchCanBeEvaluatedAgainFromTheSamePosition() {
        int[] tokens = {1, 40, 41, 42, 43, 44, 45, 46, 47};
        try (WorkerPool pool = new WorkerPool(1); WorkerPool other = new WorkerPool(1)) {
            Forward stopped = forward(pool);
            float[] first = stopped.evaluate(tokens, 0, 4, 0).clone();
            AtomicInteger asked = new AtomicInteger();
            assertNull(stopped.evaluate(tokens, 4, 5, 4, () -> asked.incrementAndGet() > 2), "gave up in the third layer");
            assertEquals(3, asked.get(), "asked before each layer, and no more after giving up");
            float[] again = stopped.evaluate(tokens, 4, 5, 4).clone();

            // Compared within 1e-4: the JIT's vector reductions add in another order than the interpreter's.
            Forward fresh = forward(other);
            assertClose(fresh.evaluate(tokens, 0, 4, 0), first);
            assertClose(fresh.evaluate(tokens, 4, 5, 4), again);
        }
    }

    private static void assertClose(float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-4f, "logit " + i + ": the stopped batch left nothing behind");
        }
    }

    @Test
    void isAskedOncePerLayerAndOnceBeforeTheLogits() {
        AtomicInteger asked = new AtomicInteger();
        try (WorkerPool pool = new WorkerPool(1)) {
            forward(pool).evaluate(new int[] {1, 40, 41}, 0, 3, 0, () -> asked.incrementAndGet() < 0);
        }
        assertEquals(model.config().layers() + 1, asked.get());
    }
}
