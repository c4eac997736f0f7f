package dev.hearth.app.docs;

import dev.hearth.app.store.ConversationStore;
import java.nio.file.Path;
import java.util.List;

/**
 * Run by {@link IndexResumeTest} in a child JVM: indexes a folder and prints {@code indexed <path>} after
 * each file is committed, until the parent kills it.
 */
public final class IndexingChild {
    private IndexingChild() {}

    public static void main(String[] args) throws Exception {
        IndexListener printer = new IndexListener() {
            @Override
            public void indexed(Path file, Integer pages, int chunks) {
                System.out.println("indexed " + file);
                System.out.flush();
            }
        };
        try (ConversationStore store = ConversationStore.open(Path.of(args[0]));
             DocumentIndexer indexer = new DocumentIndexer(store.documents(), TextEmbedder.shared(), printer)) {
            indexer.add("books", List.of(Path.of(args[1]))).get();
        }
    }
}
