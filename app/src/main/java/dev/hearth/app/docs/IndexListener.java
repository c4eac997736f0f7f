package dev.hearth.app.docs;

import java.nio.file.Path;

/** What the background indexer reports; called on the indexing thread, so a UI hops to its own thread. */
public interface IndexListener {
    default void progress(IndexProgress progress) {}

    /** {@code file} is now completely in the index (committed), with this many pages (null without pages) and chunks. */
    default void indexed(Path file, Integer pages, int chunks) {}

    /** {@code file} could not be indexed; {@code error} is one sentence. Indexing goes on with the other files. */
    default void failed(Path file, String error) {}

    default void removed(Path file) {}

    IndexListener NONE = new IndexListener() {};
}
