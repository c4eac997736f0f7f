package dev.hearth.app.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hearth.app.store.ConversationStore;
import dev.hearth.app.store.DocumentStore;
import dev.hearth.app.store.DocumentStore.Library;
import dev.hearth.app.store.DocumentStore.StoredDocument;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DocumentIndexerTest {
    @TempDir Path dir;
    private ConversationStore store;
    private DocumentStore documents;
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final List<IndexProgress> progress = new CopyOnWriteArrayList<>();
    private final IndexListener recorder = new IndexListener() {
        @Override
        public void progress(IndexProgress p) {
            progress.add(p);
        }

        @Override
        public void indexed(Path file, Integer pages, int chunks) {
            events.add("indexed " + file.getFileName());
        }

        @Override
        public void failed(Path file, String error) {
            events.add("failed " + file.getFileName() + ": " + error);
        }

        @Override
        public void removed(Path file) {
            events.add("removed " + file.getFileName());
        }
    };

    @BeforeEach
    void open() {
        store = ConversationStore.open(dir.resolve("hearth.db"));
        documents = store.documents();
    }

    @AfterEach
    void close() {
        store.close();
    }

    private Path folder() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("papers"));
        Files.writeString(folder.resolve("a.md"), "# Harbour\n\nThe harbour was dredged in 1921.\n");
        Files.writeString(folder.resolve("b.txt"), "Cranes arrived in 1950. Cargo doubled.\n");
        TestDocuments.pdf(folder.resolve("c.pdf"), List.of(List.of("Page one text."), List.of("Page two text.")), null);
        TestDocuments.pdf(folder.resolve("locked.pdf"), List.of(List.of("Secret.")), "pw");
        Files.writeString(Files.createDirectories(folder.resolve(".git")).resolve("HEAD.txt"), "hidden folders are skipped");
        Files.writeString(folder.resolve("image.png"), "not a document");
        return folder;
    }

    @Test
    void indexesAFolderListsErrorsAndSkipsUnchangedFilesOnRescan() throws Exception {
        Path folder = folder();
        try (DocumentIndexer indexer = new DocumentIndexer(documents, TextEmbedder.shared(), recorder)) {
            indexer.add("papers", List.of(folder)).get(60, TimeUnit.SECONDS);
            assertEquals(List.of("indexed a.md", "indexed b.txt", "indexed c.pdf", "failed locked.pdf: the PDF is encrypted with a password"), events);
            IndexProgress last = progress.getLast();
            assertEquals(new IndexProgress("papers", 4, 4, 4, 4, null, last.remaining(), false), last, "files, pages (PDF pages, 1 per text file) and chunks");

            Library library = documents.findLibrary("papers").orElseThrow();
            Map<Path, StoredDocument> stored = documents.documents(library.id());
            assertEquals(2, stored.get(folder.resolve("c.pdf")).pages());
            assertEquals("the PDF is encrypted with a password", stored.get(folder.resolve("locked.pdf")).error());
            assertEquals(new DocumentStore.LibraryCounts(3, 1, 4), documents.counts(library.id()));

            events.clear();
            indexer.rescan().get(60, TimeUnit.SECONDS);
            assertEquals(List.of(), events, "nothing changed, nothing is read again");

            // Touched but identical: only the time is updated. Changed: read again. Deleted: removed.
            Files.setLastModifiedTime(folder.resolve("a.md"), FileTime.fromMillis(System.currentTimeMillis() + 5_000));
            Files.writeString(folder.resolve("b.txt"), "Cranes arrived in 1951. Cargo tripled.\n");
            Files.delete(folder.resolve("c.pdf"));
            indexer.rescan().get(60, TimeUnit.SECONDS);
            assertEquals(List.of("removed c.pdf", "indexed b.txt"), events);
            assertTrue(DocumentIndexer.pending(documents, library).isEmpty());
            assertFalse(documents.documents(library.id()).containsKey(folder.resolve("c.pdf")));
        }
    }

    @Test
    void pauseHoldsIndexingBetweenFilesUntilResumed() throws Exception {
        Path folder = folder();
        try (DocumentIndexer indexer = new DocumentIndexer(documents, TextEmbedder.shared(), recorder)) {
            indexer.pause();
            var done = indexer.add("papers", List.of(folder));
            Thread.sleep(500);
            assertFalse(done.isDone());
            assertEquals(List.of(), events);
            assertTrue(progress.stream().anyMatch(IndexProgress::paused), "progress says it is paused");
            Library library = documents.findLibrary("papers").orElseThrow();
            assertEquals(4, DocumentIndexer.pending(documents, library).size());
            indexer.resume();
            done.get(60, TimeUnit.SECONDS);
            assertEquals(4, events.size());
        }
    }

    @Test
    void retrievalFindsPassagesWithTheirPageAndHeading() throws Exception {
        Path folder = folder();
        try (DocumentIndexer indexer = new DocumentIndexer(documents, TextEmbedder.shared(), recorder)) {
            indexer.add("papers", List.of(folder)).get(60, TimeUnit.SECONDS);
        }
        Library library = documents.findLibrary("papers").orElseThrow();
        DocumentRetriever retriever = new DocumentRetriever(documents, TextEmbedder.shared());
        for (DocumentRetriever.Mode mode : DocumentRetriever.Mode.values()) {
            Passage pageTwo = retriever.search("page two", List.of(library), 3, mode).getFirst();
            assertEquals(folder.resolve("c.pdf"), pageTwo.file(), mode.name());
            assertEquals(2, pageTwo.page(), mode.name());
        }
        Passage harbour = retriever.search("When was the harbour dredged?", List.of(library), 3, DocumentRetriever.Mode.HYBRID).getFirst();
        assertEquals(folder.resolve("a.md"), harbour.file());
        assertEquals("Harbour", harbour.heading());
        assertNull(harbour.page());
    }
}
