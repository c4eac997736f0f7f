package dev.hearth.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class KvCacheTest {

    private static final LlamaConfig LLAMA_8B =
            new LlamaConfig(4096, 32, 32, 8, 128, 14336, 128256, 1e-5f, 500_000f, 128, 131_072);

    @Test
    void anEightBModelNeedsHalfAGibibyteOfCacheAt4096Tokens() {
        assertEquals(512L << 20, KvCache.bytesFor(LLAMA_8B, 4096));
        assertEquals(1L << 30, KvCache.bytesFor(LLAMA_8B, MemoryPlan.DEFAULT_CONTEXT_CAP));
    }

    /**
     * A 32k context on the 8B shape, estimated without running it: 4 GiB of F16 cache on top of the weights (an
     * 8B Q4_0 file's 4.66 GB), a few tens of MiB of scratch, and a one-sentence refusal where that is not free.
     */
    @Test
    void anEightBModelAt32kTokensNeedsFourGibibytesOfCacheAndIsRefusedWhereTheyAreNotFree() {
        long weights = 4_661_000_000L;
        MemoryPlan estimate = MemoryPlan.of(LLAMA_8B, weights, 32_768, 2);
        assertEquals(4L << 30, estimate.kvCacheBytes());
        assertTrue(estimate.scratchBytes() > 16L << 20 && estimate.scratchBytes() < 64L << 20, "scratch " + estimate.scratchBytes());
        assertTrue(estimate.totalBytes() > weights + (4L << 30));

        MemoryPlan eightGigabytesFree = new MemoryPlan(estimate.weightBytes(), estimate.kvCacheBytes(), estimate.scratchBytes(), 8L << 30);
        assertFalse(eightGigabytesFree.fits());
        assertEquals("this model needs about 8.4 GiB of memory (4.3 GiB weights, 4.0 GiB context cache) but only 8.0 GiB "
                + "is available; choose a smaller context or a smaller model", eightGigabytesFree.refusal());
        assertTrue(new MemoryPlan(estimate.weightBytes(), estimate.kvCacheBytes(), estimate.scratchBytes(), 12L << 30).fits());
        // What a user gets without choosing: the 8192-token default, a quarter of that cache.
        assertEquals(1L << 30, MemoryPlan.of(LLAMA_8B, weights, MemoryPlan.DEFAULT_CONTEXT_CAP, 2).kvCacheBytes());
    }

    @Test
    void memoryPlanCountsTheCacheItAllocates() {
        LlamaConfig tiny = new LlamaConfig(256, 4, 8, 4, 32, 768, 512, 1e-5f, 500_000f, 32, 2048);
        KvCache cache = new KvCache(tiny, 300);
        long allocated = 0;
        for (int layer = 0; layer < tiny.layers(); layer++) {
            allocated += ((long) cache.keys(layer).length + cache.values(layer).length) * Short.BYTES;
        }
        assertEquals(allocated, MemoryPlan.of(tiny, 0, 300, 1).kvCacheBytes());
    }

    @Test
    void rejectsAContextTooLongForOneLayersArray() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new KvCache(LLAMA_8B, 3_000_000));
        assertEquals("context 3000000 is too long for one layer's cache", e.getMessage());
    }
}
