package dev.hearth.app.docs;

import dev.hearth.app.store.DocumentStore;
import dev.hearth.app.store.DocumentStore.ChunkVectors;
import dev.hearth.app.store.DocumentStore.Library;
import dev.hearth.app.store.DocumentStore.RankedChunk;
import dev.hearth.app.store.DocumentStore.StoredChunk;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Hybrid retrieval over chosen libraries. Three ranked lists — bm25 on the word index, bm25 on the
 * trigram index (Japanese/Chinese), and cosine similarity of all-MiniLM-L6-v2 embeddings — are fused by
 * reciprocal rank ({@code Σ 1/(60 + rank)}). The embedding model is English-only, so for a question that
 * is mostly Japanese or Chinese its list is left out and the trigram index carries the search. Embeddings
 * are compared by brute force over an in-memory table that is reloaded when a library changes.
 */
public final class DocumentRetriever {
    public enum Mode { BM25, EMBEDDINGS, HYBRID }

    static final int RRF_K = 60;
    static final int CANDIDATES = 50;

    private final DocumentStore store;
    private final TextEmbedder embedder;
    private final Map<String, ChunkVectors> vectorCache = new HashMap<>();

    public DocumentRetriever(DocumentStore store, TextEmbedder embedder) {
        this.store = store;
        this.embedder = embedder;
    }

    public List<Passage> search(String query, Collection<Library> libraries, int limit, Mode mode) {
        if (query.isBlank() || libraries.isEmpty() || limit <= 0) return List.of();
        List<Long> ids = libraries.stream().map(Library::id).toList();
        QueryTerms terms = QueryTerms.of(query);
        List<List<Long>> lists = new ArrayList<>();
        if (mode != Mode.EMBEDDINGS) {
            lists.add(store.rankWords(terms.wordMatch(), ids, CANDIDATES).stream().map(RankedChunk::chunkId).toList());
            lists.add(store.rankTrigrams(terms.trigramMatch(), ids, CANDIDATES).stream().map(RankedChunk::chunkId).toList());
            lists.add(store.rankBigrams(terms.bigramMatch(), ids, CANDIDATES).stream().map(RankedChunk::chunkId).toList());
        }
        if (mode == Mode.EMBEDDINGS || (mode == Mode.HYBRID && !QueryTerms.mostlyCjk(query))) {
            lists.add(nearest(embedder.embed(query), vectors(libraries), CANDIDATES));
        }
        Map<Long, Double> fused = new LinkedHashMap<>();
        for (List<Long> list : lists) {
            for (int rank = 0; rank < list.size(); rank++) fused.merge(list.get(rank), 1.0 / (RRF_K + rank + 1), Double::sum);
        }
        List<Map.Entry<Long, Double>> best = fused.entrySet().stream()
                .sorted(Map.Entry.<Long, Double>comparingByValue().reversed()).limit(limit).toList();
        List<StoredChunk> chunks = store.chunks(best.stream().map(Map.Entry::getKey).toList());
        List<Passage> passages = new ArrayList<>(chunks.size());
        for (StoredChunk chunk : chunks) {
            passages.add(new Passage(chunk.id(), chunk.file(), chunk.page(), chunk.heading(), chunk.content(), fused.get(chunk.id())));
        }
        return passages;
    }

    private synchronized ChunkVectors vectors(Collection<Library> libraries) {
        StringBuilder key = new StringBuilder();
        for (Library library : libraries.stream().sorted((a, b) -> Long.compare(a.id(), b.id())).toList()) {
            key.append(library.id()).append('@').append(library.revision()).append(';');
        }
        // A library's revision changes with every document change, so a stale table is never used.
        ChunkVectors cached = vectorCache.get(key.toString());
        if (cached == null) {
            vectorCache.clear();
            cached = store.vectors(libraries.stream().map(Library::id).toList());
            vectorCache.put(key.toString(), cached);
        }
        return cached;
    }

    static List<Long> nearest(float[] query, ChunkVectors table, int k) {
        PriorityQueue<double[]> top = new PriorityQueue<>((a, b) -> Double.compare(a[0], b[0]));
        float[][] vectors = table.vectors();
        for (int i = 0; i < vectors.length; i++) {
            float[] v = vectors[i];
            if (v.length != query.length) continue;
            double dot = 0;
            for (int j = 0; j < v.length; j++) dot += v[j] * query[j];
            if (top.size() < k) top.add(new double[] {dot, i});
            else if (dot > top.peek()[0]) {
                top.poll();
                top.add(new double[] {dot, i});
            }
        }
        List<double[]> sorted = new ArrayList<>(top);
        sorted.sort((a, b) -> Double.compare(b[0], a[0]));
        List<Long> ids = new ArrayList<>(sorted.size());
        for (double[] entry : sorted) ids.add(table.ids()[(int) entry[1]]);
        return ids;
    }

    /** About {@code width} characters of {@code text} around the first query term found in it. */
    public static String snippet(String text, String query, int width) {
        String flat = text.replaceAll("\\s+", " ").strip();
        String lower = flat.toLowerCase(Locale.ROOT);
        int at = -1;
        for (String term : QueryTerms.of(query).all()) {
            int found = lower.indexOf(term);
            if (found >= 0 && (at < 0 || found < at)) at = found;
        }
        if (flat.length() <= width) return flat;
        int from = Math.max(0, Math.min(at < 0 ? 0 : at - width / 3, flat.length() - width));
        int to = Math.min(flat.length(), from + width);
        if (from > 0 && Character.isLowSurrogate(flat.charAt(from))) from++;
        if (to < flat.length() && Character.isLowSurrogate(flat.charAt(to))) to--;
        return (from > 0 ? "…" : "") + flat.substring(from, to) + (to < flat.length() ? "…" : "");
    }
}
