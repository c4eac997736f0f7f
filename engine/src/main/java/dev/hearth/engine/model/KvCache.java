package dev.hearth.engine.model;

/**
 * Keys and values of every layer for the positions seen so far of one sequence, as IEEE half-precision bits
 * (F16, rounded to nearest even, like llama.cpp's default cache): half the memory of F32 and half the bytes
 * attention reads per token. Layout per layer: position-major, {@code [position][kvHead][headDim]}.
 */
public final class KvCache {

    private final int contextLength;
    private final int kvDim;
    private final short[][] keys;
    private final short[][] values;

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
        this.keys = new short[config.layers()][(int) perLayer];
        this.values = new short[config.layers()][(int) perLayer];
    }

    public int contextLength() {
        return contextLength;
    }

    short[] keys(int layer) {
        return keys[layer];
    }

    short[] values(int layer) {
        return values[layer];
    }

    int kvDim() {
        return kvDim;
    }

    /** Bytes this cache needs for a model and context, before it is allocated. */
    public static long bytesFor(LlamaConfig config, int contextLength) {
        return 2L * config.layers() * contextLength * config.kvDim() * Short.BYTES;
    }
}
