package dev.hearth.app.docs;

import dev.hearth.app.store.ConversationStore;
import dev.hearth.app.store.DocumentStore.Library;
import dev.hearth.app.store.StoreException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Measures retrieval on an evaluation set: a folder with {@code corpus/} (the documents) and
 * {@code questions.tsv} (lines of {@code file<TAB>phrase<TAB>question}; {@code file} relative to the
 * corpus, {@code #} starts a comment). The corpus is indexed into a fresh store in a temporary folder;
 * a question is answered at rank k when one of the first k passages is from its file and contains its
 * phrase (whitespace-insensitive). Reports recall@5 for each retrieval mode, overall and by language,
 * with indexing throughput and query latency.
 */
public final class RetrievalEvaluation {
    private RetrievalEvaluation() {}

    static final int K = 5;

    public record Question(String file, String phrase, String question, boolean japanese) {}

    /** Recall@5 per mode (all, English, Japanese questions), with the questions each mode missed. */
    public record ModeResult(double recall, double recallEnglish, double recallJapanese, double medianQueryMs, List<String> missed) {}

    public record Report(int questions, int english, int japanese, int files, int pages, int chunks, double indexSeconds,
                         double pagesPerSecond, double chunksPerSecond, Map<String, ModeResult> modes) {

        public String table() {
            StringBuilder text = new StringBuilder(String.format(Locale.ROOT,
                    "%d questions (%d English, %d Japanese); %d files, %d pages, %d chunks indexed in %.1f s (%.1f pages/s, %.1f chunks/s)%n%n",
                    questions, english, japanese, files, pages, chunks, indexSeconds, pagesPerSecond, chunksPerSecond));
            text.append(String.format(Locale.ROOT, "%-11s %9s %9s %9s %12s%n", "mode", "recall@5", "English", "Japanese", "median ms"));
            modes.forEach((mode, r) -> text.append(String.format(Locale.ROOT, "%-11s %9.3f %9.3f %9.3f %12.1f%n", mode, r.recall(), r.recallEnglish(),
                    r.recallJapanese(), r.medianQueryMs())));
            modes.forEach((mode, r) -> r.missed().forEach(q -> text.append(mode).append(" missed: ").append(q).append('\n')));
            return text.toString();
        }
    }

    public static List<Question> questions(Path dir) throws IOException {
        List<Question> questions = new ArrayList<>();
        int line = 0;
        for (String row : Files.readAllLines(dir.resolve("questions.tsv"), StandardCharsets.UTF_8)) {
            line++;
            if (row.isBlank() || row.startsWith("#")) continue;
            String[] fields = row.split("\t");
            if (fields.length != 3) {
                throw new StoreException("Line " + line + " of " + dir.resolve("questions.tsv") + " has " + fields.length
                        + " tab-separated fields; expected 3 (file, phrase, question).");
            }
            if (!Files.isRegularFile(dir.resolve("corpus").resolve(fields[0]))) {
                throw new StoreException("Line " + line + " of " + dir.resolve("questions.tsv") + " names " + fields[0] + ", which is not in corpus/.");
            }
            questions.add(new Question(fields[0], fields[1], fields[2], QueryTerms.mostlyCjk(fields[2])));
        }
        return questions;
    }

    public static Report run(Path dir, TextEmbedder embedder, PrintStream log) throws IOException, InterruptedException {
        List<Question> questions = questions(dir);
        Path corpus = dir.resolve("corpus").toAbsolutePath().normalize();
        Path work = Files.createTempDirectory("hearth-docs-eval");
        try (ConversationStore store = ConversationStore.open(work.resolve("hearth.db"))) {
            AtomicInteger pages = new AtomicInteger();
            AtomicInteger chunks = new AtomicInteger();
            AtomicInteger files = new AtomicInteger();
            IndexListener counter = new IndexListener() {
                @Override
                public void indexed(Path file, Integer filePages, int fileChunks) {
                    files.incrementAndGet();
                    pages.addAndGet(filePages == null ? 1 : filePages);
                    chunks.addAndGet(fileChunks);
                }

                @Override
                public void failed(Path file, String error) {
                    log.println("cannot index " + file + ": " + error);
                }
            };
            long start = System.nanoTime();
            try (DocumentIndexer indexer = new DocumentIndexer(store.documents(), embedder, counter)) {
                indexer.add("eval", List.of(corpus)).get();
            } catch (ExecutionException e) {
                throw new StoreException("Indexing the evaluation corpus failed: " + e.getCause().getMessage(), e.getCause());
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            Library library = store.documents().findLibrary("eval").orElseThrow();
            DocumentRetriever retriever = new DocumentRetriever(store.documents(), embedder);
            Map<String, ModeResult> modes = new LinkedHashMap<>();
            for (DocumentRetriever.Mode mode : DocumentRetriever.Mode.values()) {
                modes.put(mode.name().toLowerCase(Locale.ROOT), evaluate(retriever, library, corpus, questions, mode));
            }
            int japanese = (int) questions.stream().filter(Question::japanese).count();
            return new Report(questions.size(), questions.size() - japanese, japanese, files.get(), pages.get(), chunks.get(), seconds,
                    pages.get() / seconds, chunks.get() / seconds, modes);
        } finally {
            try (var paths = Files.walk(work)) {
                for (Path path : paths.sorted((a, b) -> b.compareTo(a)).toList()) Files.deleteIfExists(path);
            }
        }
    }

    private static ModeResult evaluate(DocumentRetriever retriever, Library library, Path corpus, List<Question> questions, DocumentRetriever.Mode mode) {
        int found = 0;
        int foundEnglish = 0;
        int foundJapanese = 0;
        List<String> missed = new ArrayList<>();
        double[] millis = new double[questions.size()];
        for (int i = 0; i < questions.size(); i++) {
            Question question = questions.get(i);
            long start = System.nanoTime();
            List<Passage> passages = retriever.search(question.question(), List.of(library), K, mode);
            millis[i] = (System.nanoTime() - start) / 1e6;
            Path expected = corpus.resolve(question.file());
            String phrase = normalize(question.phrase());
            boolean hit = passages.stream().anyMatch(p -> p.file().equals(expected) && normalize(p.text()).contains(phrase));
            if (hit) {
                found++;
                if (question.japanese()) foundJapanese++;
                else foundEnglish++;
            } else {
                missed.add(question.question());
            }
        }
        Arrays.sort(millis);
        long japanese = questions.stream().filter(Question::japanese).count();
        long english = questions.size() - japanese;
        return new ModeResult((double) found / questions.size(), english == 0 ? 0 : (double) foundEnglish / english,
                japanese == 0 ? 0 : (double) foundJapanese / japanese, millis.length == 0 ? 0 : millis[millis.length / 2], missed);
    }

    private static String normalize(String text) {
        return text.replaceAll("\\s+", " ").strip().toLowerCase(Locale.ROOT);
    }
}
