package dev.hearth.engine.tokenizer;

import java.util.Arrays;

/**
 * Merges the bytes of one pre-token into tokens: repeatedly the adjacent pair with the lowest
 * merge rank, the leftmost among equal ranks, until no pair has a rule. The symbols form a linked
 * list over the byte positions; candidate pairs sit in a min-heap keyed by (rank, left position)
 * and are checked against the current symbols when they come out, which discards stale ones.
 * Scratch arrays grow to the longest pre-token seen and are reused; one Merger per encode call.
 */
final class Merger {
    private final MergeRanks merges;
    private int[] ids = new int[32];
    private int[] next = new int[32];
    private int[] prev = new int[32];
    private long[] heap = new long[96];
    private int heapSize;

    Merger(MergeRanks merges) {
        this.merges = merges;
    }

    void merge(byte[] bytes, int from, int to, int[] byteTokens, Tokenizer.IdList out) {
        int n = to - from;
        if (n > ids.length) {
            int capacity = Integer.highestOneBit(n) << 1;
            ids = new int[capacity];
            next = new int[capacity];
            prev = new int[capacity];
        }
        if (3 * n > heap.length) {
            heap = new long[3 * ids.length];
        }
        for (int i = 0; i < n; i++) {
            ids[i] = byteTokens[bytes[from + i] & 0xFF];
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        heapSize = 0;
        for (int i = 0; i + 1 < n; i++) {
            offer(i);
        }
        while (heapSize > 0) {
            long top = poll();
            int rank = (int) (top >>> 32);
            int left = (int) top;
            if (ids[left] < 0) {
                continue; // merged into its left neighbour meanwhile
            }
            int right = next[left];
            if (right < 0) {
                continue;
            }
            int slot = merges.find(ids[left], ids[right]);
            if (slot < 0 || merges.rank(slot) != rank) {
                continue; // this pair changed since it was queued
            }
            ids[left] = merges.merged(slot);
            ids[right] = -1;
            next[left] = next[right];
            if (next[left] >= 0) {
                prev[next[left]] = left;
            }
            if (prev[left] >= 0) {
                offer(prev[left]);
            }
            offer(left);
        }
        for (int i = 0; i >= 0; i = next[i]) {
            out.add(ids[i]);
        }
    }

    /** Queues the pair starting at symbol {@code left}, if it has a merge rule. */
    private void offer(int left) {
        int right = next[left];
        if (right < 0) {
            return;
        }
        int slot = merges.find(ids[left], ids[right]);
        if (slot < 0) {
            return;
        }
        if (heapSize == heap.length) {
            heap = Arrays.copyOf(heap, heapSize * 2);
        }
        long key = ((long) merges.rank(slot) << 32) | left;
        int i = heapSize++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (heap[parent] <= key) {
                break;
            }
            heap[i] = heap[parent];
            i = parent;
        }
        heap[i] = key;
    }

    private long poll() {
        long top = heap[0];
        long last = heap[--heapSize];
        int i = 0;
        while (true) {
            int child = 2 * i + 1;
            if (child >= heapSize) {
                break;
            }
            if (child + 1 < heapSize && heap[child + 1] < heap[child]) {
                child++;
            }
            if (heap[child] >= last) {
                break;
            }
            heap[i] = heap[child];
            i = child;
        }
        heap[i] = last;
        return top;
    }
}
