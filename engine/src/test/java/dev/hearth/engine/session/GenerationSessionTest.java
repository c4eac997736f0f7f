package dev.hearth.engine.session;

import dev.hearth.engine.chat.ChatMessage;
import dev.hearth.engine.chat.Role;
import dev.hearth.engine.model.Forward;
import dev.hearth.engine.model.LlamaModel;
import dev.hearth.engine.model.QuantMix;
import dev.hearth.engine.model.TinyModels;
import dev.hearth.engine.sampling.SamplerSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GenerationSessionTest {

    private static LlamaModel model;

    @BeforeAll
    static void load() throws Exception {
        model = LlamaModel.load(TinyModels.small(QuantMix.Q8_0));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static int[] prompt(GenerationSession session, String... userTurns) {
        List<ChatMessage> messages = new ArrayList<>();
        for (String turn : userTurns) {
            messages.add(new ChatMessage(Role.USER, turn));
        }
        return session.chatFormat().encode(messages, "23 Nov 2026", true);
    }

    @Test
    void stopsWithinOneTokenAfterCancel() {
        try (GenerationSession session = new GenerationSession(model, 1024, 2)) {
            Cancellation cancellation = new Cancellation();
            AtomicInteger tokensAfterCancel = new AtomicInteger();
            GenerationRequest request = new GenerationRequest(prompt(session, "Tell the llama story"),
                    SamplerSettings.DEFAULTS.withSeed(3), 500, cancellation);
            GenerationResult result = session.generate(request, event -> {
                if (event instanceof GenerationEvent.Token t && t.id() >= 0) {
                    if (cancellation.isCancelled()) {
                        tokensAfterCancel.incrementAndGet();
                    }
                    cancellation.cancel();
                }
            });
            assertEquals(StopReason.CANCELLED, result.stopReason());
            assertEquals(0, tokensAfterCancel.get(), "no token may arrive after the cancel was seen");
            assertEquals(1, result.tokens().length);
        }
    }

    @Test
    void aStopBeforeThePromptIsReadEvaluatesNothingAndLeavesNoTrace() {
        try (GenerationSession session = new GenerationSession(model, 1024, 2);
             GenerationSession fresh = new GenerationSession(model, 1024, 2)) {
            int[] p = prompt(session, "Tell the llama story");
            Cancellation stop = new Cancellation();
            GenerationResult stopped = session.generate(new GenerationRequest(p, SamplerSettings.GREEDY, 50, stop), event -> {
                if (event instanceof GenerationEvent.Prefill) {
                    stop.cancel();
                }
            });
            assertEquals(StopReason.CANCELLED, stopped.stopReason());
            assertEquals(0, stopped.tokens().length);
            assertEquals(0, stopped.cachedTokens(), "the first batch was given up before its first layer");

            GenerationRequest again = new GenerationRequest(p, SamplerSettings.GREEDY, 12);
            assertArrayEquals(fresh.generate(again, e -> {}).tokens(), session.generate(again, e -> {}).tokens());
        }
    }

    @Test
    void aChildCancellationFollowsItsParent() {
        Cancellation parent = new Cancellation();
        Cancellation child = parent.child();
        child.cancel();
        assertFalse(parent.isCancelled(), "a child's cancel stays its own");
        Cancellation sibling = parent.child();
        parent.cancel();
        assertTrue(sibling.isCancelled(), "a parent's cancel reaches its children");
    }

    @Test
    void reusedPrefixGivesTheSameLogitsAsAFreshPrefill() {
        try (GenerationSession warm = new GenerationSession(model, 1024, 2);
             GenerationSession fresh = new GenerationSession(model, 1024, 2)) {
            int[] first = prompt(warm, "the llama and the weather");
            GenerationResult answer = warm.generate(new GenerationRequest(first, SamplerSettings.GREEDY, 12), e -> {});
            List<ChatMessage> turn2 = List.of(new ChatMessage(Role.USER, "the llama and the weather"),
                    new ChatMessage(Role.ASSISTANT, answer.text()), new ChatMessage(Role.USER, "and then?"));
            int[] second = warm.chatFormat().encode(turn2, "23 Nov 2026", true);

            GenerationResult followUp = warm.generate(new GenerationRequest(second, SamplerSettings.GREEDY, 1), e -> {});
            assertTrue(followUp.stats().reusedTokens() >= first.length,
                    "the follow-up turn must reuse the first turn's cache, reused " + followUp.stats().reusedTokens());
            float[] reused = warm.evaluate(second);
            float[] recomputed = fresh.evaluate(second);
            for (int i = 0; i < reused.length; i++) {
                assertEquals(recomputed[i], reused[i], 1e-4f, "logit " + i);
            }
        }
    }

    @Test
    void sameSeedAndSettingsGiveTheSameText() {
        try (GenerationSession a = new GenerationSession(model, 1024, 2);
             GenerationSession b = new GenerationSession(model, 1024, 1)) {
            SamplerSettings settings = SamplerSettings.DEFAULTS.withSeed(42).withTemperature(1.2f);
            GenerationResult one = a.generate(new GenerationRequest(prompt(a, "hello"), settings, 40), e -> {});
            GenerationResult two = b.generate(new GenerationRequest(prompt(b, "hello"), settings, 40), e -> {});
            assertArrayEquals(one.tokens(), two.tokens());
            GenerationResult other = a.generate(new GenerationRequest(prompt(a, "hello"), settings.withSeed(43), 40), e -> {});
            assertFalse(java.util.Arrays.equals(one.tokens(), other.tokens()), "another seed should give another text");
        }
    }

    @Test
    void reportsStatsAndStopsAtTheTokenLimit() {
        try (GenerationSession session = new GenerationSession(model, 1024, 2)) {
            List<GenerationEvent> events = new ArrayList<>();
            int[] p = prompt(session, "count");
            GenerationResult result = session.generate(new GenerationRequest(p, SamplerSettings.GREEDY, 5), events::add);
            assertTrue(result.stopReason() == StopReason.MAX_TOKENS || result.stopReason() == StopReason.END_OF_TURN);
            assertEquals(p.length, result.stats().promptTokens());
            assertTrue(result.stats().prefillSeconds() > 0 && result.stats().firstTokenSeconds() > 0);
            assertTrue(events.getLast() instanceof GenerationEvent.Done);
            StringBuilder streamed = new StringBuilder();
            events.forEach(e -> {
                if (e instanceof GenerationEvent.Token t) {
                    streamed.append(t.text());
                }
            });
            assertEquals(result.text(), streamed.toString());
        }
    }

    @Test
    void reportsPromptProgressPerBatchUpToThePromptLengthBeforeTheFirstToken() {
        try (GenerationSession session = new GenerationSession(model, 1024, 2)) {
            int[] p = prompt(session, "the llama walks over the hill in the rain ".repeat(30));
            assertTrue(p.length > 2 * Forward.BATCH, "the prompt needs three batches or more, has " + p.length + " tokens");
            List<GenerationEvent> events = new ArrayList<>();
            session.generate(new GenerationRequest(p, SamplerSettings.GREEDY, 4), events::add);

            int firstToken = indexOfFirstToken(events);
            assertTrue(firstToken > 0, "tokens came");
            List<GenerationEvent.Prefill> progress = prefillEvents(events.subList(0, firstToken));
            assertEquals(firstToken, progress.size(), "only progress before the first token");
            assertTrue(prefillEvents(events.subList(firstToken, events.size())).isEmpty(), "no progress after the first token");
            assertEquals(0, progress.getFirst().done(), "nothing is cached before a fresh prompt");
            assertEquals(p.length, progress.getLast().done(), "the last report is the whole prompt");
            assertEquals((p.length + Forward.BATCH - 1) / Forward.BATCH + 1, progress.size(), "one report before the first batch and one per batch");
            for (int i = 1; i < progress.size(); i++) {
                int step = progress.get(i).done() - progress.get(i - 1).done();
                assertTrue(step > 0 && step <= Forward.BATCH, "progress grows by at most one batch, step " + step);
            }
            progress.forEach(e -> assertEquals(p.length, e.total()));
        }
    }

    @Test
    void promptProgressOfAFollowUpStartsAtTheReusedPrefix() {
        try (GenerationSession session = new GenerationSession(model, 1024, 2)) {
            int[] first = prompt(session, "the llama and the weather");
            session.generate(new GenerationRequest(first, SamplerSettings.GREEDY, 1), e -> {});
            int[] longer = prompt(session, "the llama and the weather", "and then what happened to the llama up on the hill?");
            List<GenerationEvent> events = new ArrayList<>();
            GenerationResult result = session.generate(new GenerationRequest(longer, SamplerSettings.GREEDY, 1), events::add);

            List<GenerationEvent.Prefill> progress = prefillEvents(events);
            assertTrue(result.stats().reusedTokens() > 0);
            assertEquals(new GenerationEvent.Prefill(result.stats().reusedTokens(), longer.length), progress.getFirst());
            assertEquals(new GenerationEvent.Prefill(longer.length, longer.length), progress.getLast());
        }
    }

    private static int indexOfFirstToken(List<GenerationEvent> events) {
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i) instanceof GenerationEvent.Token) {
                return i;
            }
        }
        return -1;
    }

    private static List<GenerationEvent.Prefill> prefillEvents(List<GenerationEvent> events) {
        List<GenerationEvent.Prefill> out = new ArrayList<>();
        for (GenerationEvent e : events) {
            if (e instanceof GenerationEvent.Prefill p) {
                out.add(p);
            }
        }
        return out;
    }

    @Test
    void stopsWhenTheContextIsFullAndRefusesPromptsThatDoNotFit() {
        try (GenerationSession session = new GenerationSession(model, 120, 1)) {
            int[] p = prompt(session, "hi");
            GenerationResult result = session.generate(new GenerationRequest(p, SamplerSettings.DEFAULTS.withSeed(1).withTemperature(2f), 1000), e -> {});
            assertNotEquals(StopReason.MAX_TOKENS, result.stopReason());
            assertTrue(p.length + result.tokens().length <= 121);
            int[] tooLong = new int[200];
            java.util.Arrays.fill(tooLong, model.vocabulary().bosId());
            List<GenerationEvent> events = new ArrayList<>();
            assertThrows(IllegalArgumentException.class,
                    () -> session.generate(new GenerationRequest(tooLong, SamplerSettings.GREEDY, 5), events::add));
            assertTrue(events.getLast() instanceof GenerationEvent.Failed f && f.message().contains("context"));
        }
    }

    /** The first seed from 1 up whose reply to {@code prompt} ends as {@code reason} within {@code maxTokens}. */
    private static GenerationResult replyEndingWith(GenerationSession session, int[] prompt, int maxTokens, StopReason reason,
                                                    List<GenerationEvent> events) {
        for (long seed = 1; seed <= 50; seed++) {
            events.clear();
            session.reset();
            GenerationResult result = session.generate(new GenerationRequest(prompt, SamplerSettings.DEFAULTS.withSeed(seed).withTemperature(1.5f),
                    maxTokens), events::add);
            if (result.stopReason() == reason) {
                return result;
            }
        }
        throw new AssertionError("no seed in 1..50 ended its reply as " + reason);
    }

    private static int tokenEvents(List<GenerationEvent> events) {
        int n = 0;
        for (GenerationEvent e : events) {
            if (e instanceof GenerationEvent.Token t && t.id() >= 0) {
                n++;
            }
        }
        return n;
    }

    @Test
    void aReplyEndingOnItsStopTokenCountsItsTextTokensAndLeavesThemWithThePromptInTheCache() {
        try (GenerationSession session = new GenerationSession(model, 1024, 1)) {
            int[] p = prompt(session, "tell me about llamas");
            List<GenerationEvent> events = new ArrayList<>();
            GenerationResult result = replyEndingWith(session, p, 600, StopReason.END_OF_TURN, events);

            assertTrue(session.chatFormat().stopTokens().contains(result.tokens()[result.tokens().length - 1]), "the stop token is sampled");
            assertEquals(result.tokens().length, result.stats().generatedTokens(), "the stats count every sampled token");
            assertEquals(result.tokens().length - 1, result.replyTokens(), "the reply's tokens leave the stop token out");
            assertEquals(tokenEvents(events), result.replyTokens(), "one token event per reply token");
            assertEquals(p.length + result.replyTokens(), result.cachedTokens(), "the cache holds the prompt and the reply's tokens");
            assertEquals(session.cachedTokens(), result.cachedTokens());
        }
    }

    @Test
    void aReplyCutAtItsTokenLimitHasItsLastTokenSampledButNotEvaluated() {
        try (GenerationSession session = new GenerationSession(model, 1024, 1)) {
            int[] p = prompt(session, "tell me about llamas");
            List<GenerationEvent> events = new ArrayList<>();
            GenerationResult result = replyEndingWith(session, p, 6, StopReason.MAX_TOKENS, events);

            assertEquals(6, result.replyTokens());
            assertEquals(6, tokenEvents(events));
            assertEquals(p.length + 5, result.cachedTokens());
            assertEquals(session.cachedTokens(), result.cachedTokens());
        }
    }

    @Test
    void warmUpRunsItsRoundsAndLeavesNoTraceInTheNextReply() {
        try (GenerationSession warmed = new GenerationSession(model, 1024, 2);
             GenerationSession fresh = new GenerationSession(model, 1024, 2)) {
            assertEquals(GenerationSession.WARM_UP_ROUNDS, warmed.warmUp(new Cancellation(), 120_000_000_000L));
            assertEquals(0, warmed.cachedTokens(), "the warm-up's tokens are forgotten");

            GenerationRequest request = new GenerationRequest(prompt(warmed, "hello"), SamplerSettings.DEFAULTS.withSeed(7), 40);
            GenerationResult afterWarmUp = warmed.generate(request, e -> {});
            GenerationResult onFresh = fresh.generate(request, e -> {});
            assertArrayEquals(onFresh.tokens(), afterWarmUp.tokens(), "the same request gives the same reply");
            assertEquals(0, afterWarmUp.stats().reusedTokens());
        }
    }

    @Test
    void warmUpDoesNothingWhenCancelledOrOutOfTimeAndKeepsTheCache() {
        try (GenerationSession session = new GenerationSession(model, 1024, 1)) {
            int[] p = prompt(session, "hello");
            session.generate(new GenerationRequest(p, SamplerSettings.GREEDY, 3), e -> {});
            int cached = session.cachedTokens();
            Cancellation cancelled = new Cancellation();
            cancelled.cancel();
            assertEquals(0, session.warmUp(cancelled, 120_000_000_000L));
            assertEquals(0, session.warmUp(new Cancellation(), 0));
            assertEquals(cached, session.cachedTokens(), "a warm-up that did not run leaves the cache alone");
        }
    }

    @Test
    void aCancelDuringWarmUpEndsItWithinARound() throws Exception {
        try (GenerationSession session = new GenerationSession(model, 1024, 1)) {
            Cancellation stop = new Cancellation();
            java.util.concurrent.atomic.AtomicInteger rounds = new java.util.concurrent.atomic.AtomicInteger(-1);
            Thread warming = Thread.ofPlatform().start(() -> rounds.set(session.warmUp(stop, 120_000_000_000L)));
            stop.cancel();
            warming.join(60_000);
            assertFalse(warming.isAlive(), "the warm-up ended after the cancel");
            assertTrue(rounds.get() >= 0 && rounds.get() < GenerationSession.WARM_UP_ROUNDS, "rounds " + rounds.get());
        }
    }
}
