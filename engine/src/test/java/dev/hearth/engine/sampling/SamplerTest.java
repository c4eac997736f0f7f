package dev.hearth.engine.sampling;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SamplerTest {

    private static final float[] LOGITS = {1f, 5f, 4.9f, 0f, -3f, 2f};

    private static SamplerSettings settings(float temperature, int topK, float topP, float minP, float repeat) {
        return new SamplerSettings(temperature, topK, topP, minP, repeat, 64, 0f, 0f, 7L);
    }

    @Test
    void greedyTakesTheLargestLogit() {
        assertEquals(1, new Sampler(SamplerSettings.GREEDY, LOGITS.length).sample(LOGITS, new int[0], 0));
    }

    @Test
    void topKOfOneIsGreedyAtAnyTemperature() {
        Sampler s = new Sampler(settings(5f, 1, 1f, 0f, 1f), LOGITS.length);
        for (int i = 0; i < 100; i++) {
            assertEquals(1, s.sample(LOGITS, new int[0], 0));
        }
    }

    @Test
    void topPKeepsOnlyTheSmallestSetReachingP() {
        Sampler s = new Sampler(settings(1f, 0, 0.5f, 0f, 1f), LOGITS.length);
        for (int i = 0; i < 200; i++) {
            int t = s.sample(LOGITS, new int[0], 0);
            assertEquals(1, t, "token 1 alone has more than half the mass");
        }
    }

    @Test
    void minPDropsTokensFarBelowTheBest() {
        Sampler s = new Sampler(settings(1f, 0, 1f, 0.5f, 1f), LOGITS.length);
        for (int i = 0; i < 300; i++) {
            int t = s.sample(LOGITS, new int[0], 0);
            assertTrue(t == 1 || t == 2, "only tokens with at least half the top probability, got " + t);
        }
    }

    @Test
    void highTemperatureSamplesBeyondTheTopToken() {
        Sampler s = new Sampler(settings(3f, 0, 1f, 0f, 1f), LOGITS.length);
        boolean other = false;
        for (int i = 0; i < 200; i++) {
            other |= s.sample(LOGITS, new int[0], 0) != 1;
        }
        assertTrue(other);
    }

    @Test
    void repeatPenaltyTurnsAwayFromRecentTokens() {
        Sampler s = new Sampler(settings(0f, 0, 1f, 0f, 1.5f), LOGITS.length);
        assertEquals(2, s.sample(LOGITS, new int[] {1}, 1), "5/1.5 < 4.9, so token 2 wins once 1 was used");
        assertEquals(1, s.sample(LOGITS, new int[] {1}, 0), "an empty history penalises nothing");
    }

    @Test
    void frequencyAndPresencePenaltiesSubtractPerOccurrence() {
        SamplerSettings p = new SamplerSettings(0f, 0, 1f, 0f, 1f, 64, 0.05f, 0.02f, 1L);
        Sampler s = new Sampler(p, LOGITS.length);
        assertEquals(1, s.sample(LOGITS, new int[] {1}, 1), "5 - 0.07 > 4.9");
        assertEquals(2, s.sample(LOGITS, new int[] {1, 1}, 2), "5 - 0.12 < 4.9");
    }

    @Test
    void sameSeedSameDraws() {
        Sampler a = new Sampler(settings(2f, 0, 0.95f, 0f, 1f), LOGITS.length);
        Sampler b = new Sampler(settings(2f, 0, 0.95f, 0f, 1f), LOGITS.length);
        int differences = 0;
        for (int i = 0; i < 100; i++) {
            assertEquals(a.sample(LOGITS, new int[0], 0), b.sample(LOGITS, new int[0], 0));
        }
        Sampler c = new Sampler(settings(2f, 0, 0.95f, 0f, 1f).withSeed(8), LOGITS.length);
        Sampler d = new Sampler(settings(2f, 0, 0.95f, 0f, 1f), LOGITS.length);
        for (int i = 0; i < 100; i++) {
            differences += c.sample(LOGITS, new int[0], 0) != d.sample(LOGITS, new int[0], 0) ? 1 : 0;
        }
        assertNotEquals(0, differences);
    }

    @Test
    void rejectsSettingsOutOfRange() {
        assertThrows(IllegalArgumentException.class, () -> settings(-1f, 0, 1f, 0f, 1f));
        assertThrows(IllegalArgumentException.class, () -> settings(1f, 0, 0f, 0f, 1f));
        assertThrows(IllegalArgumentException.class, () -> settings(1f, 0, 1f, 1f, 1f));
        assertThrows(IllegalArgumentException.class, () -> settings(1f, -2, 1f, 0f, 1f));
    }

    @Test
    void metaDefaults() {
        assertEquals(0.6f, SamplerSettings.DEFAULTS.temperature());
        assertEquals(0.9f, SamplerSettings.DEFAULTS.topP());
    }
}
