package dev.hearth.engine.model;

/**
 * Keys and values of every layer for the positions seen so far of one sequence, in F32.
 * Layout per layer: position-major, {@code [position][kvHead][headDim]}.
 */
public final class KvCache {

    private final int contextLength;
    private final int kvDim;
    private final float[][] keys;
    private final float[][] values;

    public KvCache(LlamaConfig config, int contextLength) {
        if (contextLength < 1) {
            throw new IllegalArgumentException("context length must be positive, got " + contextLength);
        }
        this.contextLength = contextLength;
        this.kvDim = config.kvDim();
        long perLayer = (long) contextLength * kvDim;
        if (perLayer > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("context " + contextLength + " is too long for one layer's cache");
        }
        this.keys = new float[config.layers()][(int) perLayer];
        this.values = new float[config.layers()][(int) perLayer];
    }

    public int contextLength() {
        return contextLength;
    }

    float[] keys(int layer) {
        return keys[layer];
    }

    float[] values(int layer) {
        return values[layer];
    }

    int kvDim() {
        return kvDim;
    }

    /** Bytes this cache needs for a model and context, before it is allocated. */
    public static long bytesFor(LlamaConfig config, int contextLength) {
        return 2L * config.layers() * contextLength * config.kvDim() * Float.BYTES;
    }
}
