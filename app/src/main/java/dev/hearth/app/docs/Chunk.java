package dev.hearth.app.docs;

/** A passage to index: its text, page (1-based or null) and heading path ("Part › Section", or null). */
record Chunk(Integer page, String heading, String text) {

    /** What the embedding model sees: the heading path gives a passage its topic. */
    String embeddingText() {
        return heading == null ? text : heading + "\n" + text;
    }
}
