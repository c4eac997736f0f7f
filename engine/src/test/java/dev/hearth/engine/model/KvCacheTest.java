package dev.hearth.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class KvCacheTest {

    private static final LlamaConfig LLAMA_8B =
            new LlamaConfig(4096, 32, 32, 8, 128, 14336, 128256, 1e-5f, 500_000f, 128, 131_072);

    @Test
    void anEightBModelNeedsHalfAGibibyteOfCacheAt4096Tokens() {
        assertEquals(512L << 20, KvCache.bytesFor(LLAMA_8B, 4096));
        assertEquals(1L << 30, KvCache.bytesFor(LLAMA_8B, MemoryPlan.DEFAULT_CONTEXT_CAP));
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
