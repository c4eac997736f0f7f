package dev.hearth.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Loading with each {@link LlamaModel.Regrouping}: the same logits whichever layout the weights are read from. */
class RegroupingTest {

    private static WorkerPool pool;

    @BeforeAll
    static void start() {
        pool = new WorkerPool(2);
    }

    @AfterAll
    static void stop() {
        pool.close();
    }

    private static float[] logits(LlamaModel model, int[] prompt) {
        KvCache cache = new KvCache(model.config(), 64);
        Forward forward = new Forward(model, cache, pool, Forward.BATCH);
        forward.evaluate(prompt, 0, prompt.length - 1, 0);
        return forward.evaluate(prompt, prompt.length - 1, 1, prompt.length - 1).clone();
    }

    @ParameterizedTest
    @EnumSource(value = QuantMix.class, names = {"Q4_0", "Q4_K_M"})
    void regroupedNowInTheBackgroundOrNeverTheLogitsAgree(QuantMix mix) throws Exception {
        Path file = TinyModels.small(mix);
        int[] prompt = {1, 17, 42, 99, 7, 250, 3, 8, 120, 64};
        float[] plain;
        long plainBytes;
        try (LlamaModel model = LlamaModel.load(file, LlamaModel.Regrouping.NONE)) {
            plain = logits(model, prompt);
            plainBytes = model.weightBytes();
        }
        float[] now;
        try (LlamaModel model = LlamaModel.load(file, LlamaModel.Regrouping.NOW)) {
            now = logits(model, prompt);
            assertEquals(plainBytes, model.weightBytes(), "the memory estimate is the same before and after regrouping");
            assertTrue(model.block(0).gate().toString().contains("regrouped"), model.block(0).gate().toString());
        }
        float[] background;
        try (LlamaModel model = LlamaModel.load(file, LlamaModel.Regrouping.IN_BACKGROUND)) {
            background = logits(model, prompt);
        }
        float scale = 0;
        for (float v : plain) {
            scale = Math.max(scale, Math.abs(v));
        }
        // The layouts sum in different orders (and compiled vector code in a different order from interpreted code),
        // so logits differ by rounding: up to ~1.4e-4 of the largest logit measured on the 4-layer Q4_K_M model. A
        // misplaced byte or scale moves logits by a large fraction of it.
        for (int i = 0; i < plain.length; i++) {
            assertEquals(plain[i], now[i], 1e-3 * scale, "logit " + i + " regrouped before use");
            assertEquals(plain[i], background[i], 1e-3 * scale, "logit " + i + " regrouped while in use");
        }
    }

    @ParameterizedTest
    @EnumSource(value = QuantMix.class, names = {"Q4_0", "Q4_K_M"})
    void closingWhileRegroupingStopsCleanlyAndAgainAndAgain(QuantMix mix) throws Exception {
        Path file = TinyModels.small(mix);
        for (int i = 0; i < 20; i++) {
            LlamaModel model = LlamaModel.load(file, LlamaModel.Regrouping.IN_BACKGROUND);
            model.close();
        }
        try (LlamaModel model = LlamaModel.load(file, LlamaModel.Regrouping.IN_BACKGROUND)) {
            assertTrue(model.config().layers() > 0);
        }
    }

    @ParameterizedTest
    @EnumSource(value = QuantMix.class, names = {"Q4_K_M"})
    void regroupedQ4_KCountsItsUnpackedScalesInTheMemoryEstimate(QuantMix mix) throws Exception {
        try (LlamaModel model = LlamaModel.load(TinyModels.small(mix), LlamaModel.Regrouping.NONE)) {
            long fileBytes = model.gguf().tensors().stream().mapToLong(dev.hearth.engine.gguf.GgufTensor::byteSize).sum();
            assertTrue(model.weightBytes() > fileBytes, model.weightBytes() + " vs file " + fileBytes);
            assertTrue(model.weightBytes() < fileBytes * 1.03, model.weightBytes() + " vs file " + fileBytes);
        }
    }
}
