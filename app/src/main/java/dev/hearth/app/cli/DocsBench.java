package dev.hearth.app.cli;

import dev.hearth.app.store.CjkBigrams;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.app.docs.DocumentRetriever;
import dev.hearth.app.docs.TextEmbedder;
import dev.hearth.app.store.ConversationStore;
import dev.hearth.app.store.DocumentStore;
import dev.hearth.app.store.DocumentStore.Library;
import dev.hearth.app.store.DocumentStore.NewChunk;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;

/**
 * {@code bench docs}: query latency of document retrieval at N chunks. Builds a throw-away store of N
 * generated chunks (two thirds English, one third Japanese, words drawn by Zipf's law from 20,000-word
 * vocabularies, about 150 tokens each) with real all-MiniLM embeddings for the first {@value #EMBEDDED}
 * chunks, reused in turn for the rest: brute-force cosine costs the same whatever the values, and embedding
 * 10,000 chunks would take minutes. Then times each query in each mode 20 times after 3 warm-up runs.
 */
final class DocsBench {
    private DocsBench() {}

    private static final int EMBEDDED = 200;
    private static final int CHUNKS_PER_FILE = 100;
    private static final int WARMUP = 3;
    private static final int RUNS = 20;
    private static final List<String> QUERIES = List.of("How do I replace the filter of the water pump?", "kavomi", "京都の天気予報を教えて");
    private static final String SYLLABLES = "ka ki ku ke ko sa shi su se so ta te to na ni nu ne no ha hi fu he ho ma mi mu me mo ra ri ru re ro ya yu yo wa";
    private static final String KANJI = "日一国会人年大十二本中長出三同時政事自行社見月分議後前民生連五発間対上部東者党地合市業内相方四定今回新場金員九入選立開手米力学問高代明実円関決子動京全目表戦経通外最言氏現理調体化田当八六約主題下首意法不来作性的要用制治度務強気小七成期公持野協取都和統以機平総加山思家話世受区領多県続進正安設保改数記院女初北午指権心界支第産結百派点教報済書府活原先共得解名交資予川向際査";
    private static final List<String> ENGLISH = List.of(("the of and to a in is it that was for on are with as at be this from or by"
            + " water pump filter replace valve pressure weather forecast train station ticket hotel recipe garlic river mill harbour crane").split(" "));
    private static final List<String> JAPANESE = List.of("の", "は", "に", "を", "が", "で", "て", "と", "した", "する", "天気", "予報", "京都", "東京", "明日", "電車");

    static int run(Invocation call) throws Exception {
        int n = call.args().intOption("--chunks", 10_000, 100, 1_000_000);
        Random random = new Random(Long.parseLong(call.args().options().getOrDefault("--seed", "42")));
        Path work = Files.createTempDirectory("hearth-bench-docs");
        try (ConversationStore store = ConversationStore.open(work.resolve("hearth.db"))) {
            DocumentStore documents = store.documents();
            Library library = documents.library("bench");
            List<String> english = vocabulary(ENGLISH, random, false);
            List<String> japanese = vocabulary(JAPANESE, random, true);
            TextEmbedder embedder = TextEmbedder.shared();
            List<float[]> vectors = new ArrayList<>();
            long start = System.nanoTime();
            List<NewChunk> file = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                boolean isJapanese = i % 3 == 2;
                String text = isJapanese ? sentence(japanese, random, 200, "") : sentence(english, random, 110, " ");
                if (vectors.size() < EMBEDDED) vectors.add(embedder.embedAll(List.of(text))[0]);
                file.add(new NewChunk(null, "Section " + (i % 17), text, CjkBigrams.terms(text), vectors.get(i % vectors.size())));
                if (file.size() == CHUNKS_PER_FILE || i == n - 1) {
                    documents.saveDocument(library.id(), work.resolve("file-" + i + ".txt"), 0, 0, "x", null, file);
                    file = new ArrayList<>();
                }
            }
            double buildSeconds = (System.nanoTime() - start) / 1e9;
            library = documents.findLibrary("bench").orElseThrow();
            DocumentRetriever retriever = new DocumentRetriever(documents, embedder);
            long loadStart = System.nanoTime();
            retriever.search("warm", List.of(library), 10, DocumentRetriever.Mode.EMBEDDINGS);
            double loadMs = (System.nanoTime() - loadStart) / 1e6;
            ArrayNode rows = ChatsCommands.JSON.createArrayNode();
            for (String query : QUERIES) {
                for (DocumentRetriever.Mode mode : DocumentRetriever.Mode.values()) {
                    for (int i = 0; i < WARMUP; i++) retriever.search(query, List.of(library), 10, mode);
                    double[] ms = new double[RUNS];
                    for (int i = 0; i < RUNS; i++) {
                        long t = System.nanoTime();
                        retriever.search(query, List.of(library), 10, mode);
                        ms[i] = (System.nanoTime() - t) / 1e6;
                    }
                    Arrays.sort(ms);
                    rows.addObject().put("query", query).put("mode", mode.name().toLowerCase(Locale.ROOT))
                            .put("median_ms", ms[RUNS / 2]).put("p95_ms", ms[(int) Math.ceil(RUNS * 0.95) - 1]);
                }
            }
            if (call.args().has("--json")) {
                ObjectNode root = ChatsCommands.JSON.createObjectNode().put("chunks", n).put("build_seconds", buildSeconds)
                        .put("vector_table_load_ms", loadMs);
                root.set("queries", rows);
                call.out().println(ChatsCommands.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root));
            } else {
                call.out().printf(Locale.ROOT, "%d chunks stored in %.1f s; embedding table loaded in %.0f ms%n", n, buildSeconds, loadMs);
                for (var row : rows) {
                    call.out().printf(Locale.ROOT, "%-50s %-11s median %7.1f ms   p95 %7.1f ms%n", row.get("query").asText(), row.get("mode").asText(),
                            row.get("median_ms").asDouble(), row.get("p95_ms").asDouble());
                }
            }
        } finally {
            try (Stream<Path> paths = Files.walk(work)) {
                for (Path path : paths.sorted((a, b) -> b.compareTo(a)).toList()) Files.deleteIfExists(path);
            }
        }
        return 0;
    }

    /** The given words (most frequent) followed by generated ones, 20,000 in all. */
    private static List<String> vocabulary(List<String> common, Random random, boolean kanji) {
        String[] syllables = SYLLABLES.split(" ");
        List<String> words = new ArrayList<>(common);
        while (words.size() < 20_000) {
            StringBuilder word = new StringBuilder();
            if (kanji) {
                for (int i = 2; i > 0; i--) word.append(KANJI.charAt(random.nextInt(KANJI.length())));
            } else {
                for (int i = 2 + random.nextInt(3); i > 0; i--) word.append(syllables[random.nextInt(syllables.length)]);
            }
            words.add(word.toString());
        }
        return words;
    }

    /** Words drawn by Zipf's law (rank r with probability ∝ 1/r) until {@code length} characters. */
    private static String sentence(List<String> words, Random random, int length, String separator) {
        StringBuilder text = new StringBuilder();
        double harmonic = Math.log(words.size()) + 0.5772;
        while (text.length() < length) {
            int rank = (int) Math.min(words.size() - 1, Math.floor(Math.exp(random.nextDouble() * harmonic)) - 1);
            if (!text.isEmpty()) text.append(separator);
            text.append(words.get(Math.max(0, rank)));
        }
        return text.append(separator.isEmpty() ? "。" : ".").toString();
    }
}
