package dev.hearth.app.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hearth.app.store.ConversationStore;
import dev.hearth.app.store.DocumentStore.Library;
import dev.hearth.app.store.DocumentStore.StoredDocument;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IndexResumeTest {
    @TempDir Path dir;

    private static final int FILES = 40;

    @Test
    void indexingKilledMidwayResumesWithoutRedoingCommittedFiles() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("books"));
        for (int i = 0; i < FILES; i++) {
            StringBuilder text = new StringBuilder("# Chapter " + i + "\n\n");
            for (int s = 0; s < 30; s++) text.append("Chapter ").append(i).append(" sentence ").append(s).append(" describes the river and its mills. ");
            text.append("The keyword of this chapter is kw").append(i).append('.');
            Files.writeString(folder.resolve(String.format("chapter-%02d.md", i)), text);
        }
        Path database = dir.resolve("hearth.db");
        Process child = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                IndexingChild.class.getName(), database.toString(), folder.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        Set<Path> committedByChild = new HashSet<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while (committedByChild.size() < 5 && (line = out.readLine()) != null) {
                if (line.startsWith("indexed ")) committedByChild.add(Path.of(line.substring(8)));
            }
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        }
        assertEquals(5, committedByChild.size(), "the child committed five files before it was killed");

        List<Path> indexedAfterRestart = new CopyOnWriteArrayList<>();
        IndexListener recorder = new IndexListener() {
            @Override
            public void indexed(Path file, Integer pages, int chunks) {
                indexedAfterRestart.add(file);
            }
        };
        try (ConversationStore store = ConversationStore.open(database);
             DocumentIndexer indexer = new DocumentIndexer(store.documents(), TextEmbedder.shared(), recorder)) {
            assertEquals(List.of("ok"), store.integrityCheck());
            indexer.rescan().get(120, TimeUnit.SECONDS);
            for (Path done : committedByChild) assertTrue(!indexedAfterRestart.contains(done), done + " was committed before the kill and must not be read again");
            assertEquals(indexedAfterRestart.size(), new HashSet<>(indexedAfterRestart).size(), "no file is indexed twice");
            assertTrue(indexedAfterRestart.size() <= FILES - committedByChild.size());

            Library library = store.documents().findLibrary("books").orElseThrow();
            Map<Path, StoredDocument> stored = store.documents().documents(library.id());
            assertEquals(FILES, stored.size(), "every file is in the index");
            for (StoredDocument document : stored.values()) {
                assertEquals(null, document.error());
                assertTrue(document.chunks() > 0, document.path() + " has its chunks");
            }
            int chunks = stored.values().stream().mapToInt(StoredDocument::chunks).sum();
            assertEquals(chunks, store.documents().counts(library.id()).chunks(), "no chunks left over from the killed run");
            DocumentRetriever retriever = new DocumentRetriever(store.documents(), TextEmbedder.shared());
            assertEquals(folder.resolve("chapter-17.md"), retriever.search("kw17", List.of(library), 1, DocumentRetriever.Mode.BM25).getFirst().file());
        }
    }
}
