package dev.hearth.engine.model;

import dev.hearth.engine.chat.ChatMessage;
import dev.hearth.engine.chat.Role;
import dev.hearth.engine.sampling.SamplerSettings;
import dev.hearth.engine.session.GenerationEvent;
import dev.hearth.engine.session.GenerationRequest;
import dev.hearth.engine.session.GenerationResult;
import dev.hearth.engine.session.GenerationSession;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The end of a 32,768-token context, on the model of the 32k llama.cpp case: a conversation that outgrows it is
 * refused before anything is evaluated, with one sentence, and the session goes on serving what fits.
 * (LlamaCppReferenceTest fills the same context to its last position and checks one more is refused.)
 */
class ContextLimitTest {

    private static final int CONTEXT = 32_768;

    @Test
    void aConversationLongerThanA32kContextIsRefusedWithASentenceAndTheSessionStillAnswers() throws Exception {
        try (LlamaModel model = LlamaModel.load(TinyModels.longContext(QuantMix.Q8_0));
             GenerationSession session = new GenerationSession(model, CONTEXT, 2)) {
            // The 32,752-token logbook conversation, answered, and one more user turn of entries.
            List<ChatMessage> conversation = new ArrayList<>(LongContextCase.conversation());
            conversation.add(new ChatMessage(Role.ASSISTANT, "Potosí, most often."));
            StringBuilder more = new StringBuilder("Two more entries: ");
            more.append(LongContextCase.entry(800)).append(' ').append(LongContextCase.entry(801));
            conversation.add(new ChatMessage(Role.USER, more.toString()));
            int[] tooLong = session.chatFormat().encode(conversation, LongContextCase.DATE, true);
            assertTrue(tooLong.length > CONTEXT && tooLong.length < CONTEXT + 200, "just past the context: " + tooLong.length);

            List<GenerationEvent> events = new ArrayList<>();
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> session.generate(new GenerationRequest(tooLong, SamplerSettings.GREEDY, 16), events::add));
            String sentence = "the prompt has " + tooLong.length + " tokens, more than the context of 32768 tokens can hold "
                    + "with room for an answer";
            assertEquals(sentence, refused.getMessage());
            assertEquals(sentence, assertInstanceOf(GenerationEvent.Failed.class, events.getLast()).message());
            assertEquals(1, events.size(), "refused before any prompt progress was reported");

            // Exactly as long as the context is refused too: there would be no room for one answer token.
            int[] exactlyFull = Arrays.copyOf(tooLong, CONTEXT);
            assertThrows(IllegalArgumentException.class,
                    () -> session.generate(new GenerationRequest(exactlyFull, SamplerSettings.GREEDY, 1), e -> {}));

            int[] hello = session.chatFormat().encode(List.of(new ChatMessage(Role.USER, "Hello")), LongContextCase.DATE, true);
            GenerationResult answer = session.generate(new GenerationRequest(hello, SamplerSettings.GREEDY, 4), e -> {});
            assertEquals(hello.length, answer.stats().promptTokens());
            assertTrue(answer.stats().generatedTokens() >= 1, "the session answers after refusing");
        }
    }
}
