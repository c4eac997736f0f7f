package dev.hearth.engine.tokenizer;

import java.util.Arrays;

/**
 * The BPE merge rules as an open-addressing table from a pair of token ids to the merge's rank
 * (its position in the merge list; lower merges first) and the id of the merged token. A
 * boxed HashMap of 280,147 pairs would cost several times the memory and a lookup per byte pair.
 */
final class MergeRanks {
    private static final long EMPTY = -1L;

    private final long[] keys;
    private final int[] ranks;
    private final int[] merged;
    private final int mask;
    private final int shift;

    MergeRanks(int expectedPairs) {
        int capacity = Integer.highestOneBit(Math.max(4, expectedPairs + expectedPairs / 2)) << 1;
        keys = new long[capacity];
        Arrays.fill(keys, EMPTY);
        ranks = new int[capacity];
        merged = new int[capacity];
        mask = capacity - 1;
        shift = 64 - Integer.numberOfTrailingZeros(capacity);
    }

    /** Adds a rule unless the pair already has one: the first (lowest-ranked) rule wins, as in llama.cpp. */
    void addIfAbsent(int left, int right, int rank, int result) {
        long key = key(left, right);
        int slot = slot(key);
        while (keys[slot] != EMPTY) {
            if (keys[slot] == key) {
                return;
            }
            slot = (slot + 1) & mask;
        }
        keys[slot] = key;
        ranks[slot] = rank;
        merged[slot] = result;
    }

    /** The slot of the rule for (left, right), or -1 if the pair never merges. */
    int find(int left, int right) {
        long key = key(left, right);
        int slot = slot(key);
        while (keys[slot] != EMPTY) {
            if (keys[slot] == key) {
                return slot;
            }
            slot = (slot + 1) & mask;
        }
        return -1;
    }

    int rank(int slot) {
        return ranks[slot];
    }

    int merged(int slot) {
        return merged[slot];
    }

    private static long key(int left, int right) {
        return ((long) left << 32) | (right & 0xFFFFFFFFL);
    }

    private int slot(long key) {
        return (int) ((key * 0x9E3779B97F4A7C15L) >>> shift);
    }
}
