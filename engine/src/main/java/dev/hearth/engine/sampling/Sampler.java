package dev.hearth.engine.sampling;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Chooses tokens from logits: penalties on recent tokens, then greedy or
 * temperature → top-k → top-p → min-p → a draw from a seeded generator.
 * Scratch arrays are allocated once per vocabulary size. Not thread-safe.
 */
public final class Sampler {

    private final SamplerSettings settings;
    private final SplittableRandom random;
    private final float[] work;
    private final int[] order;
    private final long[] keys;
    private final int[] counts;

    public Sampler(SamplerSettings settings, int vocabSize) {
        this.settings = settings;
        this.random = new SplittableRandom(settings.seed());
        this.work = new float[vocabSize];
        this.order = new int[vocabSize];
        this.keys = new long[vocabSize];
        this.counts = new int[vocabSize];
    }

    public SamplerSettings settings() {
        return settings;
    }

    /**
     * The next token. {@code history[0, historyLength)} are the tokens so far (prompt and generated),
     * which the penalties look at. {@code logits} is not modified.
     */
    public int sample(float[] logits, int[] history, int historyLength) {
        int n = work.length;
        System.arraycopy(logits, 0, work, 0, n);
        applyPenalties(history, historyLength);
        if (settings.greedy()) {
            return argmax(work);
        }
        float invT = 1f / settings.temperature();
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, work[i]);
        }
        int candidates = sortCandidates(settings.topK() > 0 ? Math.min(settings.topK(), n) : n, max);
        if (candidates == 0) {
            return argmax(work);
        }
        double total = 0;
        double[] probs = new double[candidates];
        for (int i = 0; i < candidates; i++) {
            probs[i] = Math.exp((work[order[i]] - max) * invT);
            total += probs[i];
        }
        // top-p: the smallest prefix whose mass reaches p
        int keep = candidates;
        if (settings.topP() < 1f) {
            double cumulative = 0;
            for (int i = 0; i < candidates; i++) {
                cumulative += probs[i] / total;
                if (cumulative >= settings.topP()) {
                    keep = i + 1;
                    break;
                }
            }
        }
        // min-p: relative to the most likely token
        if (settings.minP() > 0f) {
            double floor = probs[0] * settings.minP();
            int i = 1;
            while (i < keep && probs[i] >= floor) {
                i++;
            }
            keep = i;
        }
        double mass = 0;
        for (int i = 0; i < keep; i++) {
            mass += probs[i];
        }
        double r = random.nextDouble() * mass;
        for (int i = 0; i < keep; i++) {
            r -= probs[i];
            if (r < 0) {
                return order[i];
            }
        }
        return order[keep - 1];
    }

    private void applyPenalties(int[] history, int historyLength) {
        boolean repeat = settings.repeatPenalty() != 1f;
        boolean freq = settings.frequencyPenalty() != 0f || settings.presencePenalty() != 0f;
        if ((!repeat && !freq) || historyLength == 0 || settings.repeatLastN() == 0) {
            return;
        }
        int from = Math.max(0, historyLength - settings.repeatLastN());
        for (int i = from; i < historyLength; i++) {
            counts[history[i]]++;
        }
        for (int i = from; i < historyLength; i++) {
            int token = history[i];
            int c = counts[token];
            if (c == 0) {
                continue; // already penalised
            }
            float l = work[token];
            if (repeat) {
                l = l > 0 ? l / settings.repeatPenalty() : l * settings.repeatPenalty();
            }
            l -= c * settings.frequencyPenalty() + settings.presencePenalty();
            work[token] = l;
            counts[token] = 0;
        }
    }

    /**
     * Puts the best token ids in order[], best first (ties: lower id first), and returns how many:
     * at most k, and only tokens within 40 temperature units of the best, whose weight relative to it
     * (below e^-40) cannot change a draw.
     */
    private int sortCandidates(int k, float max) {
        float threshold = max - 40f * settings.temperature();
        int m = 0;
        for (int id = 0; id < work.length; id++) {
            float l = work[id];
            if (l >= threshold) {
                int bits = Float.floatToIntBits(l);
                int ascending = bits ^ ((bits >> 31) & 0x7fffffff);
                keys[m++] = ((long) ~ascending << 32) | id;
            }
        }
        Arrays.sort(keys, 0, m);
        int count = Math.min(k, m);
        for (int i = 0; i < count; i++) {
            order[i] = (int) keys[i];
        }
        return count;
    }

    /** Index of the largest value; the lowest index among equals. */
    public static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }
}
