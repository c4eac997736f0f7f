package dev.hearth.app.ui.library;

import dev.hearth.app.assistant.Assistant;
import dev.hearth.app.docs.Citation;
import dev.hearth.app.docs.DocumentAnswerer;
import dev.hearth.app.docs.DocumentRetriever;
import dev.hearth.app.docs.GroundedAnswer;
import dev.hearth.app.docs.TextEmbedder;
import dev.hearth.app.store.DocumentStore;
import dev.hearth.app.store.DocumentStore.Library;
import dev.hearth.app.store.DocumentStore.MessageSource;
import dev.hearth.engine.sampling.SamplerSettings;
import dev.hearth.engine.session.Cancellation;
import dev.hearth.engine.session.GenerationEvent;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * What a chat needs from the document libraries: which libraries it answers from (chosen per chat, the
 * choice for a chat not yet created held until it is), grounded answers on the assistant's thread, and the
 * numbered sources kept with each answer. Store calls run on the caller's thread (the window's io thread).
 */
public final class DocumentChat {
    private final DocumentStore store;
    private final Assistant assistant;
    private volatile Set<Long> forNewChat = Set.of();
    private DocumentRetriever retriever;

    public DocumentChat(DocumentStore store, Assistant assistant) {
        this.store = store;
        this.assistant = assistant;
    }

    public List<Library> libraries() {
        return store.libraries();
    }

    /** The libraries the conversation answers from; null means the new chat not created yet. */
    public List<Library> librariesOf(Long conversationId) {
        if (conversationId == null) return store.libraries().stream().filter(l -> forNewChat.contains(l.id())).toList();
        return store.librariesOf(conversationId);
    }

    /** Chooses the libraries a conversation answers from (null: the new chat, remembered until it is created). */
    public void choose(Long conversationId, Set<Long> libraryIds) {
        if (conversationId == null) {
            forNewChat = Set.copyOf(libraryIds);
        } else {
            store.useLibraries(conversationId, libraryIds);
        }
    }

    /** The new chat now exists: it keeps the libraries chosen for it. */
    public void created(long conversationId) {
        Set<Long> chosen = forNewChat;
        forNewChat = Set.of();
        if (!chosen.isEmpty()) store.useLibraries(conversationId, chosen);
    }

    /**
     * Answers {@code question} from {@code libraries} on the assistant's thread: retrieval, a prompt with numbered
     * sources, generation with every event handed to {@code events}. The future holds the answer and its sources, or
     * null when generation failed (already reported to {@code events} as {@code Failed}); it fails when nothing could start.
     * The work starts when {@code startAfter} completes (see {@link Assistant#withSession(CompletionStage, java.util.function.Function)}).
     */
    public CompletableFuture<GroundedAnswer> answer(String question, List<Library> libraries, SamplerSettings sampler, int maxTokens,
                                                    Cancellation cancellation, Consumer<GenerationEvent> events, CompletionStage<?> startAfter) {
        return assistant.withSession(startAfter, session -> {
            if (retriever == null) retriever = new DocumentRetriever(store, TextEmbedder.shared());
            boolean[] reported = {false};
            try {
                return new DocumentAnswerer(retriever, session).askStreaming(question, libraries, sampler, maxTokens, cancellation, event -> {
                    if (event instanceof GenerationEvent.Failed) reported[0] = true;
                    events.accept(event);
                });
            } catch (RuntimeException e) {
                if (reported[0]) return null;
                throw e;
            }
        });
    }

    public void saveSources(long messageId, List<Citation> citations) {
        List<MessageSource> sources = new ArrayList<>();
        for (int i = 0; i < citations.size(); i++) {
            Citation c = citations.get(i);
            sources.add(new MessageSource(i + 1, c.file(), c.page(), c.heading(), c.snippet()));
        }
        store.saveSources(messageId, sources);
    }

    /** The sources of the conversation's answers by message id, in [n] order. */
    public Map<Long, List<Citation>> sourcesOf(long conversationId) {
        Map<Long, List<Citation>> byMessage = new HashMap<>();
        store.sourcesOf(conversationId).forEach((id, sources) -> byMessage.put(id,
                sources.stream().map(s -> new Citation(s.file(), s.page(), s.heading(), s.snippet())).toList()));
        return byMessage;
    }
}
