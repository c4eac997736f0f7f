package dev.hearth.app.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hearth.app.store.ConversationStore;
import dev.hearth.app.store.DocumentStore;
import dev.hearth.app.store.DocumentStore.Library;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LibraryWatcherTest {
    @TempDir Path dir;

    @Test
    void newChangedAndDeletedFilesReachTheIndex() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("notes"));
        Files.writeString(folder.resolve("first.txt"), "The first note is about apples.");
        try (ConversationStore store = ConversationStore.open(dir.resolve("hearth.db"));
             DocumentIndexer indexer = new DocumentIndexer(store.documents(), TextEmbedder.shared(), IndexListener.NONE)) {
            DocumentStore documents = store.documents();
            indexer.add("notes", List.of(folder)).get(60, TimeUnit.SECONDS);
            Library library = documents.findLibrary("notes").orElseThrow();
            try (LibraryWatcher watcher = new LibraryWatcher(documents, indexer)) {
                Files.writeString(folder.resolve("second.md"), "# Pears\n\nThe second note is about pears.");
                awaitTrue(() -> documents.documents(library.id()).containsKey(folder.resolve("second.md")), "a new file is indexed");

                Path sub = Files.createDirectories(folder.resolve("later"));
                Files.writeString(sub.resolve("third.txt"), "A note in a folder created while watching.");
                awaitTrue(() -> documents.documents(library.id()).containsKey(sub.resolve("third.txt")), "a file in a new folder is indexed");

                Files.writeString(folder.resolve("first.txt"), "The first note is now about quinces.");
                DocumentRetriever retriever = new DocumentRetriever(documents, TextEmbedder.shared());
                awaitTrue(() -> !retriever.search("quinces", List.of(library), 1, DocumentRetriever.Mode.BM25).isEmpty(), "a changed file is read again");

                Files.delete(folder.resolve("second.md"));
                awaitTrue(() -> !documents.documents(library.id()).containsKey(folder.resolve("second.md")), "a deleted file leaves the index");
                assertEquals(2, documents.documents(library.id()).size(), "first.txt and later/third.txt remain");
                assertTrue(retriever.search("apples", List.of(library), 1, DocumentRetriever.Mode.BM25).isEmpty(), "old text is gone");
            }
        }
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting until " + what);
            Thread.sleep(50);
        }
    }
}
