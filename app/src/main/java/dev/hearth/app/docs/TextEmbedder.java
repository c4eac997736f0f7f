package dev.hearth.app.docs;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import java.util.List;

/**
 * Sentence embeddings from all-MiniLM-L6-v2 (8-bit quantized ONNX, 384 dimensions), whose weights ship
 * inside a Maven artifact and run on the CPU through ONNX Runtime: nothing is downloaded. The model knows
 * English only; Japanese is served by the trigram index (see {@link DocumentRetriever}). Vectors are
 * unit length, so a dot product is the cosine similarity.
 */
public final class TextEmbedder {
    public static final String MODEL_NAME = "all-MiniLM-L6-v2-q";
    private static volatile TextEmbedder shared;

    private final EmbeddingModel model;

    private TextEmbedder(EmbeddingModel model) {
        this.model = model;
    }

    /** The one instance of this process (loading the model takes about a second and 25 MB). */
    public static TextEmbedder shared() {
        TextEmbedder instance = shared;
        if (instance == null) {
            synchronized (TextEmbedder.class) {
                instance = shared;
                if (instance == null) shared = instance = new TextEmbedder(new AllMiniLmL6V2QuantizedEmbeddingModel());
            }
        }
        return instance;
    }

    public float[] embed(String text) {
        return normalized(model.embed(text).content());
    }

    public float[][] embedAll(List<String> texts) {
        List<Embedding> embeddings = model.embedAll(texts.stream().map(TextSegment::from).toList()).content();
        float[][] vectors = new float[embeddings.size()][];
        for (int i = 0; i < vectors.length; i++) vectors[i] = normalized(embeddings.get(i));
        return vectors;
    }

    private static float[] normalized(Embedding embedding) {
        float[] vector = embedding.vector();
        double norm = 0;
        for (float v : vector) norm += v * v;
        float scale = norm == 0 ? 0 : (float) (1 / Math.sqrt(norm));
        for (int i = 0; i < vector.length; i++) vector[i] *= scale;
        return vector;
    }
}
