package dev.hearth.app.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.app.docs.Citation;
import dev.hearth.app.docs.DocumentAnswerer;
import dev.hearth.app.docs.DocumentIndexer;
import dev.hearth.app.docs.DocumentRetriever;
import dev.hearth.app.docs.GroundedAnswer;
import dev.hearth.app.docs.IndexListener;
import dev.hearth.app.docs.IndexProgress;
import dev.hearth.app.docs.Passage;
import dev.hearth.app.docs.RetrievalEvaluation;
import dev.hearth.app.docs.TextEmbedder;
import dev.hearth.app.store.Conversation;
import dev.hearth.app.store.ConversationStore;
import dev.hearth.app.store.DocumentStore;
import dev.hearth.app.store.DocumentStore.Library;
import dev.hearth.app.store.DocumentStore.LibraryCounts;
import dev.hearth.app.store.DocumentStore.StoredDocument;
import dev.hearth.app.store.StoreException;
import dev.hearth.engine.model.LlamaModel;
import dev.hearth.engine.sampling.SamplerSettings;
import dev.hearth.engine.session.Cancellation;
import dev.hearth.engine.session.GenerationSession;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** {@code docs add|status|search|ask|use|eval}: document libraries from the command line. */
final class DocsCommands {
    private DocsCommands() {}

    static final String DEFAULT_LIBRARY = "default";

    static int add(Invocation call) throws Exception {
        String library = call.args().options().getOrDefault("--library", DEFAULT_LIBRARY);
        List<Path> paths = call.args().positionals().stream().map(p -> Path.of(p).toAbsolutePath().normalize()).toList();
        for (Path path : paths) if (!Files.exists(path)) throw new StoreException("Cannot add " + path + ": it does not exist.");
        ProgressPrinter progress = new ProgressPrinter(call.err());
        try (ConversationStore store = call.openStore();
             DocumentIndexer indexer = new DocumentIndexer(store.documents(), TextEmbedder.shared(), progress)) {
            indexer.add(library, paths).get();
            LibraryCounts counts = store.documents().counts(store.documents().findLibrary(library).orElseThrow().id());
            call.out().printf("%s: %d files, %d chunks, %d errors%n", library, counts.files(), counts.chunks(), counts.failed());
        }
        return 0;
    }

    /** Progress on stderr: one line per file, so a terminal and a log both read well. */
    private record ProgressPrinter(PrintStream err) implements IndexListener {
        @Override
        public void progress(IndexProgress p) {
            if (p.currentFile() == null) return;
            String left = p.remaining() == null ? "" : String.format(Locale.ROOT, ", about %d s left", Math.max(1, p.remaining().toSeconds()));
            err.printf("[%d/%d] %s (%d pages, %d chunks so far%s)%n", p.filesDone() + 1, p.filesTotal(), p.currentFile(), p.pagesDone(), p.chunksDone(), left);
        }

        @Override
        public void failed(Path file, String error) {
            err.println("cannot index " + file + ": " + error);
        }
    }

    static int status(Invocation call) throws Exception {
        try (ConversationStore store = call.openStore()) {
            DocumentStore documents = store.documents();
            ArrayNode libraries = ChatsCommands.JSON.createArrayNode();
            for (Library library : documents.libraries()) {
                LibraryCounts counts = documents.counts(library.id());
                ObjectNode node = libraries.addObject().put("name", library.name()).put("files", counts.files()).put("chunks", counts.chunks())
                        .put("pending", DocumentIndexer.pending(documents, library).size());
                ArrayNode errors = node.putArray("errors");
                for (StoredDocument document : documents.documents(library.id()).values()) {
                    if (document.error() != null) errors.addObject().put("file", document.path().toString()).put("error", document.error());
                }
            }
            if (call.args().has("--json")) {
                ObjectNode root = ChatsCommands.JSON.createObjectNode();
                root.set("libraries", libraries);
                call.out().println(ChatsCommands.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root));
            } else {
                for (var library : libraries) {
                    call.out().printf("%s: %d files, %d chunks, %d pending, %d errors%n", library.get("name").asText(), library.get("files").asInt(),
                            library.get("chunks").asInt(), library.get("pending").asInt(), library.get("errors").size());
                    for (var error : library.get("errors")) call.out().println("  " + error.get("file").asText() + ": " + error.get("error").asText());
                }
            }
        }
        return 0;
    }

    static int search(Invocation call) throws Exception {
        int limit = call.args().intOption("--limit", 10, 1, 1000);
        DocumentRetriever.Mode mode = mode(call.args().option("--mode"));
        String query = call.args().positionals().getFirst();
        try (ConversationStore store = call.openStore()) {
            List<Library> libraries = libraries(store.documents(), call.args().option("--library"));
            List<Passage> passages = new DocumentRetriever(store.documents(), TextEmbedder.shared()).search(query, libraries, limit, mode);
            if (call.args().has("--json")) {
                ArrayNode array = ChatsCommands.JSON.createArrayNode();
                for (Passage passage : passages) {
                    ObjectNode node = array.addObject().put("file", passage.file().toString());
                    if (passage.page() == null) node.putNull("page");
                    else node.put("page", passage.page());
                    node.put("heading", passage.heading()).put("snippet", DocumentRetriever.snippet(passage.text(), query, 240))
                            .put("score", passage.score());
                }
                call.out().println(ChatsCommands.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(array));
            } else {
                for (Passage passage : passages) {
                    call.out().printf(Locale.ROOT, "%.4f  %s%s%s%n        %s%n", passage.score(), passage.file(),
                            passage.page() == null ? "" : " p." + passage.page(), passage.heading() == null ? "" : "  " + passage.heading(),
                            DocumentRetriever.snippet(passage.text(), query, 160));
                }
            }
        }
        return 0;
    }

    static int ask(Invocation call) throws Exception {
        Path modelPath = Path.of(call.args().required("--model"));
        if (!Files.isRegularFile(modelPath)) throw new StoreException("Cannot load the model " + modelPath.toAbsolutePath() + ": there is no such file.");
        int context = call.args().intOption("--context", 4096, 256, 131072);
        int maxTokens = call.args().intOption("--max-tokens", 512, 1, 8192);
        int threads = call.args().intOption("--threads", Runtime.getRuntime().availableProcessors(), 1, 256);
        String question = call.args().positionals().getFirst();
        try (ConversationStore store = call.openStore()) {
            DocumentStore documents = store.documents();
            List<Library> libraries;
            if (call.args().option("--chat") != null) {
                Conversation chat = store.findConversation(call.args().option("--chat"))
                        .orElseThrow(() -> new StoreException("There is no conversation with id " + call.args().option("--chat") + "."));
                libraries = documents.librariesOf(chat.id());
                if (libraries.isEmpty()) throw new StoreException("The chat " + call.args().option("--chat") + " uses no libraries; choose some with 'docs use'.");
            } else {
                libraries = libraries(documents, call.args().option("--library"));
            }
            GroundedAnswer answer;
            try (LlamaModel model = LlamaModel.load(modelPath, LlamaModel.Regrouping.IN_BACKGROUND);
                 GenerationSession session = new GenerationSession(model, context, threads)) {
                DocumentAnswerer answerer = new DocumentAnswerer(new DocumentRetriever(documents, TextEmbedder.shared()), session);
                boolean json = call.args().has("--json");
                answer = answerer.ask(question, libraries, SamplerSettings.DEFAULTS, maxTokens, new Cancellation(), piece -> {
                    if (!json) call.out().print(piece);
                });
            }
            if (call.args().has("--json")) {
                ObjectNode root = ChatsCommands.JSON.createObjectNode().put("answer", answer.answer());
                ArrayNode citations = root.putArray("citations");
                for (Citation citation : answer.citations()) {
                    ObjectNode node = citations.addObject().put("file", citation.file().toString());
                    if (citation.page() == null) node.putNull("page");
                    else node.put("page", citation.page());
                    node.put("heading", citation.heading()).put("snippet", citation.snippet());
                }
                call.out().println(ChatsCommands.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root));
            } else {
                call.out().println();
                for (int i = 0; i < answer.citations().size(); i++) {
                    Citation citation = answer.citations().get(i);
                    call.out().printf("[%d] %s%s%s%n", i + 1, citation.file(), citation.page() == null ? "" : ", page " + citation.page(),
                            citation.heading() == null ? "" : ", " + citation.heading());
                }
            }
        }
        return 0;
    }

    static int use(Invocation call) throws Exception {
        try (ConversationStore store = call.openStore()) {
            String chatId = call.args().required("--chat");
            Conversation chat = store.findConversation(chatId).orElseThrow(() -> new StoreException("There is no conversation with id " + chatId + "."));
            List<Long> ids = new ArrayList<>();
            for (String name : call.args().positionals()) {
                ids.add(store.documents().findLibrary(name).orElseThrow(() -> new StoreException("There is no library called " + name + ".")).id());
            }
            store.documents().useLibraries(chat.id(), ids);
            call.out().println(String.join(", ", store.documents().librariesOf(chat.id()).stream().map(Library::name).toList()));
        }
        return 0;
    }

    static int eval(Invocation call) throws Exception {
        Path dir = Path.of(call.args().positionals().getFirst()).toAbsolutePath();
        RetrievalEvaluation.Report report = RetrievalEvaluation.run(dir, TextEmbedder.shared(), call.err());
        if (call.args().has("--json")) {
            call.out().println(ChatsCommands.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report));
        } else {
            call.out().print(report.table());
        }
        return 0;
    }

    private static DocumentRetriever.Mode mode(String option) {
        if (option == null) return DocumentRetriever.Mode.HYBRID;
        try {
            return DocumentRetriever.Mode.valueOf(option.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--mode must be bm25, embeddings or hybrid, got \"" + option + "\".");
        }
    }

    /** The named libraries (comma-separated), or all of them. */
    private static List<Library> libraries(DocumentStore documents, String names) {
        if (names == null) {
            List<Library> all = documents.libraries();
            if (all.isEmpty()) throw new StoreException("There are no document libraries yet; add files with 'hearth docs add PATH'.");
            return all;
        }
        List<Library> chosen = new ArrayList<>();
        for (String name : names.split(",")) {
            chosen.add(documents.findLibrary(name).orElseThrow(() -> new StoreException("There is no library called " + name.strip() + ".")));
        }
        return chosen;
    }
}
