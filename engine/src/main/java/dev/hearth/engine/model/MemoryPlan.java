package dev.hearth.engine.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What running a model at a context length will take from RAM, estimated before anything is allocated:
 * the mapped weights (they must stay resident to run at speed), the KV cache, and the activation scratch.
 */
public record MemoryPlan(long weightBytes, long kvCacheBytes, long scratchBytes, long availableBytes) {

    /** The default context when the user names none: enough for long chats, small enough to start fast. */
    public static final int DEFAULT_CONTEXT_CAP = 8192;

    public long totalBytes() {
        return weightBytes + kvCacheBytes + scratchBytes;
    }

    /** Whether the plan fits in the RAM available now (unknown availability counts as fitting). */
    public boolean fits() {
        return availableBytes <= 0 || totalBytes() <= availableBytes;
    }

    public static MemoryPlan of(LlamaModel model, int context, int threads) {
        return of(model.config(), model.weightBytes(), context, threads);
    }

    public static MemoryPlan of(LlamaConfig c, long weightBytes, int context, int threads) {
        long batch = Forward.BATCH;
        long qDim = (long) c.heads() * c.headDim();
        long activations = batch * (4L * c.dim() + 2 * qDim + 2L * c.kvDim() + 2L * c.ffnDim()) * Float.BYTES;
        long scores = (long) threads * Math.min(Forward.BATCH, Forward.QUERY_BLOCK) * c.groupSize() * context * Float.BYTES;
        long scratch = activations + (long) c.vocabSize() * Float.BYTES + scores;
        return new MemoryPlan(weightBytes, KvCache.bytesFor(c, context), scratch, availableMemory());
    }

    /**
     * The context a user gets by default: the model's trained context, capped at
     * {@link #DEFAULT_CONTEXT_CAP}, halved until weights, cache and scratch fit in available RAM.
     */
    public static int defaultContext(LlamaConfig c, long weightBytes, int threads) {
        int context = Math.min(c.trainedContext(), DEFAULT_CONTEXT_CAP);
        while (context > 512 && !of(c, weightBytes, context, threads).fits()) {
            context /= 2;
        }
        return context;
    }

    /** MemAvailable from /proc/meminfo in bytes, or 0 when it cannot be read. */
    public static long availableMemory() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemAvailable:")) {
                    String[] parts = line.trim().split("\\s+");
                    return Long.parseLong(parts[1]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }

    /** "4.7 GB" style, as users read sizes. */
    public static String human(long bytes) {
        if (bytes >= 1L << 30) {
            return String.format(java.util.Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
        }
        return String.format(java.util.Locale.ROOT, "%.0f MiB", bytes / (double) (1L << 20));
    }

    /** One sentence for the user when the plan does not fit. */
    public String refusal() {
        return "this model needs about " + human(totalBytes()) + " of memory (" + human(weightBytes) + " weights, "
                + human(kvCacheBytes) + " context cache) but only " + human(availableBytes)
                + " is available; choose a smaller context or a smaller model";
    }
}
