package dev.hearth.app.docs;

import dev.hearth.app.store.DocumentStore.Library;
import dev.hearth.engine.chat.ChatFormat;
import dev.hearth.engine.sampling.SamplerSettings;
import dev.hearth.engine.session.Cancellation;
import dev.hearth.engine.session.GenerationEvent;
import dev.hearth.engine.session.GenerationRequest;
import dev.hearth.engine.session.GenerationResult;
import dev.hearth.engine.session.GenerationSession;
import java.time.LocalDate;
import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;

/** Answers a question from libraries: retrieve, build the prompt with numbered sources within the context, generate. */
public final class DocumentAnswerer {
    /** Passages retrieved before the context budget decides how many are used. */
    static final int PASSAGES = 8;
    /** Room for the chat template's headers around the two messages. */
    private static final int TEMPLATE_TOKENS = 64;

    private final DocumentRetriever retriever;
    private final GenerationSession session;

    public DocumentAnswerer(DocumentRetriever retriever, GenerationSession session) {
        this.retriever = retriever;
        this.session = session;
    }

    /**
     * @param onText receives the answer as it is generated
     * @throws IllegalArgumentException when the context cannot hold the question and {@code maxTokens}
     */
    public GroundedAnswer ask(String question, Collection<Library> libraries, SamplerSettings sampler, int maxTokens,
                              Cancellation cancellation, Consumer<String> onText) {
        return askStreaming(question, libraries, sampler, maxTokens, cancellation, event -> {
            if (event instanceof GenerationEvent.Token token) onText.accept(token.text());
        });
    }

    /**
     * Like {@link #ask(String, Collection, SamplerSettings, int, Cancellation, Consumer)}, handing on every generation
     * event (the tokens, then {@code Done} with the stats or {@code Failed}), for a caller that streams and stores the reply.
     */
    public GroundedAnswer askStreaming(String question, Collection<Library> libraries, SamplerSettings sampler, int maxTokens,
                                       Cancellation cancellation, Consumer<GenerationEvent> events) {
        List<Passage> passages = retriever.search(question, libraries, PASSAGES, DocumentRetriever.Mode.HYBRID);
        int fixed = tokens(GroundedPrompt.INSTRUCTIONS) + tokens("Sources:\n\nQuestion: " + question) + TEMPLATE_TOKENS;
        int budget = session.contextLength() - maxTokens - fixed;
        if (budget <= 0) {
            throw new IllegalArgumentException("The context of " + session.contextLength() + " tokens cannot hold the question and an answer of "
                    + maxTokens + " tokens; use a larger context or fewer answer tokens.");
        }
        GroundedPrompt prompt = GroundedPrompt.build(question, passages, budget, this::tokens);
        int[] tokens = session.chatFormat().encode(prompt.messages(), ChatFormat.formatDate(LocalDate.now()), true);
        session.reset();
        GenerationResult result = session.generate(new GenerationRequest(tokens, sampler, maxTokens, cancellation), events);
        return new GroundedAnswer(prompt.cleanAnswer(result.text()), prompt.sources());
    }

    private int tokens(String text) {
        return session.tokenizer().encode(text, false).length;
    }
}
