package dev.hearth.engine.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hearth.engine.chat.ChatFormat;
import dev.hearth.engine.chat.ChatMessage;
import dev.hearth.engine.chat.Role;
import dev.hearth.engine.tokenizer.Tokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Our engine against llama.cpp on the same files: the fixtures in
 * {@code src/test/resources/dev/hearth/engine/llamacpp/} were written by the llama.cpp kit's
 * reference.mjs (2 threads) for the tiny models this test regenerates. See docs/engine-conformance.md
 * for the rule and the measured differences.
 */
class LlamaCppReferenceTest {

    /**
     * The quantizations with a fixture, and the logit tolerance each is held to: about twice the largest
     * difference measured (F16 0.0023, BF16 0.011, Q8_0 0.038, Q4_0 0.029; see docs/engine-conformance.md),
     * tight enough that most steps have a clear winner whose token must match.
     */
    enum Case {
        F16(QuantMix.F16, 0.01),
        BF16(QuantMix.BF16, 0.03),
        Q8_0(QuantMix.Q8_0, 0.08),
        Q4_0(QuantMix.Q4_0, 0.08),
        Q4_K_M(QuantMix.Q4_K_M, 0.08),
        Q5_K_M(QuantMix.Q5_K_M, 0.08),
        Q6_K(QuantMix.Q6_K, 0.08);

        final QuantMix mix;
        final double tolerance;

        Case(QuantMix mix, double tolerance) {
            this.mix = mix;
            this.tolerance = tolerance;
        }

        String fixture() {
            return "tiny-" + mix.name().toLowerCase(java.util.Locale.ROOT) + ".json";
        }
    }

    private static WorkerPool pool;

    @BeforeAll
    static void startPool() {
        pool = new WorkerPool(2);
    }

    @AfterAll
    static void stopPool() {
        pool.close();
    }

    private static LlamaModel model(Case c, LlamaCppReference ref) throws Exception {
        Path path = TinyModels.full(c.mix);
        assertEquals(ref.modelSha256(), LlamaCppReference.sha256(path),
                "fixture is stale: " + c.fixture() + " was made from another model file than our writer produces now; "
                        + "regenerate it with the llama.cpp kit (see docs/engine-conformance.md)");
        return LlamaModel.load(path);
    }

    @ParameterizedTest
    @EnumSource(Case.class)
    void tokenizesEveryTextExactlyAsLlamaCpp(Case c) throws Exception {
        LlamaCppReference ref = LlamaCppReference.load(c.fixture());
        try (LlamaModel model = model(c, ref)) {
            Tokenizer tokenizer = new Tokenizer(model.vocabulary());
            for (JsonNode text : ref.root.get("texts")) {
                String id = text.get("id").asText();
                String s = text.get("text").asText();
                assertArrayEquals(LlamaCppReference.ints(text.get("plain")), tokenizer.encode(s, false), id + " (plain)");
                assertArrayEquals(LlamaCppReference.ints(text.get("special")), tokenizer.encode(s, true), id + " (special)");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Case.class)
    void rendersAndTokenizesEveryChatExactlyAsLlamaCpp(Case c) throws Exception {
        LlamaCppReference ref = LlamaCppReference.load(c.fixture());
        try (LlamaModel model = model(c, ref)) {
            ChatFormat format = new ChatFormat(new Tokenizer(model.vocabulary()));
            for (JsonNode chat : ref.root.get("chats")) {
                String id = chat.get("id").asText();
                List<ChatMessage> messages = new ArrayList<>();
                for (JsonNode m : chat.get("messages")) {
                    messages.add(new ChatMessage(Role.parse(m.get("role").asText()), m.get("content").asText()));
                }
                String date = chat.has("date_string") ? chat.get("date_string").asText() : null;
                assertEquals(chat.get("rendered").asText(), format.render(messages, date, true), id + " rendering");
                int[] ours = format.encode(messages, date, true);
                if (id.equals("user_types_control_text")) {
                    // llama.cpp tokenizes the rendered text with control tokens on, so the user's typed
                    // "<|eot_id|>" ends the turn there; ours keeps user text ordinary on purpose.
                    int eot = format.stopTokens().stream().filter(t -> t == model.vocabulary().eosId()).findFirst().orElseThrow();
                    assertEquals(2, java.util.Arrays.stream(ours).filter(t -> t == eot).count(), id + ": only the template's own <|eot_id|>s");
                    assertEquals(3, java.util.Arrays.stream(LlamaCppReference.ints(chat.get("tokens"))).filter(t -> t == eot).count());
                } else {
                    assertArrayEquals(LlamaCppReference.ints(chat.get("tokens")), ours, id + " tokens");
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Case.class)
    void logitsAndGreedyTokensAgreeWithLlamaCppWithinTolerance(Case c) throws Exception {
        LlamaCppReference ref = LlamaCppReference.load(c.fixture());
        try (LlamaModel model = model(c, ref)) {
            List<String> failures = new ArrayList<>();
            double maxDiff = 0;
            for (JsonNode chat : ref.root.get("chats")) {
                LlamaCppReference.ChatComparison result = LlamaCppReference.compare(chat, model, Forward.Rope.LLAMA, pool, c.tolerance);
                failures.addAll(result.failures());
                maxDiff = Math.max(maxDiff, result.maxDiff());
                System.out.printf("%s %s: max |logit diff| %.4f over %d logits, %d near-ties%n",
                        c, result.id(), result.maxDiff(), result.logitsCompared(), result.nearTies());
            }
            assertTrue(failures.isEmpty(), c + " (tolerance " + c.tolerance + ", max diff " + maxDiff + "):\n"
                    + String.join("\n", failures.subList(0, Math.min(20, failures.size()))));
        }
    }

    /** The 32k case: its fixture, and the context it fills (llama.cpp ran with exactly this context). */
    private static final String LONG_FIXTURE = "long-q8_0.json";
    private static final int LONG_CONTEXT = 32_768;

    private static LlamaModel longModel(LlamaCppReference ref) throws Exception {
        Path path = TinyModels.longContext(QuantMix.Q8_0);
        assertEquals(ref.modelSha256(), LlamaCppReference.sha256(path),
                "fixture is stale: " + LONG_FIXTURE + " was made from another model file than our writer produces now; "
                        + "regenerate it with the llama.cpp kit (see docs/engine-conformance.md)");
        return LlamaModel.load(path);
    }

    /**
     * The long case's prompts as Hearth renders and tokenizes them, checked against the fixture: made from the same
     * case file (its sha256), the same tokens as llama.cpp's (count and sha256), each chat's prompt a prefix of the next.
     */
    private static List<int[]> longPrompts(LlamaCppReference ref, LlamaModel model) {
        Path cases = LongContextCase.write(Path.of("target", "llamacpp", "long-32k-cases.json"));
        assertEquals(ref.root.path("cases").path("sha256").asText(), LlamaCppReference.sha256(cases),
                "fixture is stale: " + LONG_FIXTURE + " was made from another case file than LongContextCase writes now ("
                        + cases + "); regenerate it with the llama.cpp kit (see docs/engine-conformance.md)");
        ChatFormat format = new ChatFormat(new Tokenizer(model.vocabulary()));
        List<List<ChatMessage>> chats = LongContextCase.chats();
        JsonNode refChats = ref.root.get("chats");
        assertEquals(chats.size(), refChats.size());
        List<int[]> prompts = new ArrayList<>();
        for (int k = 0; k < chats.size(); k++) {
            JsonNode chat = refChats.get(k);
            String id = LongContextCase.id(k);
            assertEquals(id, chat.get("id").asText());
            int[] tokens = format.encode(chats.get(k), LongContextCase.DATE, true);
            assertEquals(chat.get("token_count").asInt(), tokens.length, id + ": prompt length against llama.cpp's");
            assertEquals(chat.get("tokens_sha256").asText(), LlamaCppReference.sha256(tokens), id + ": the same tokens as llama.cpp's");
            if (k > 0) {
                int[] before = prompts.getLast();
                assertArrayEquals(before, java.util.Arrays.copyOf(tokens, before.length), id + " continues the chat before it");
            }
            prompts.add(tokens);
        }
        return prompts;
    }

    /**
     * A 32,768-token context filled: one pass over the longest prompt (32,752 tokens), stopping at the end of each
     * shorter chat to compare its 16 greedy steps with llama.cpp (written into the cache beyond that point, which the
     * pass then overwrites), so positions from 8,251 to 32,766 are checked. Then one position more is refused.
     */
    @Test
    void agreesWithLlamaCppAcrossA32kTokenContext() throws Exception {
        Case c = Case.Q8_0;
        LlamaCppReference ref = LlamaCppReference.load(LONG_FIXTURE);
        assertEquals(LONG_CONTEXT, ref.root.path("settings").path("context").asInt(), "llama.cpp's context");
        try (LlamaModel model = longModel(ref)) {
            List<int[]> prompts = longPrompts(ref, model);
            int[] longest = prompts.getLast();
            Forward forward = new Forward(model, new KvCache(model.config(), LONG_CONTEXT), pool, Forward.BATCH);
            List<String> failures = new ArrayList<>();
            int lastPosition = 0;
            int done = 0;
            for (int k = 0; k < prompts.size(); k++) {
                JsonNode chat = ref.root.get("chats").get(k);
                int length = prompts.get(k).length;
                float[] logits = forward.evaluate(longest, done, length - done, done);
                done = length;
                LlamaCppReference.ChatComparison result = LlamaCppReference.compareFrom(chat, forward, logits, length, c.tolerance);
                failures.addAll(result.failures());
                lastPosition = length + chat.get("top").size() - 2;
                System.out.printf("long context %s: positions %d..%d, max |logit diff| %.4f over %d logits, %d near-ties%n",
                        result.id(), length - 1, lastPosition, result.maxDiff(), result.logitsCompared(), result.nearTies());
            }
            assertTrue(lastPosition > 32_000, "the case must reach positions past 32,000");
            assertTrue(failures.isEmpty(), "tolerance " + c.tolerance + ":\n" + String.join("\n", failures));

            IllegalArgumentException past = assertThrows(IllegalArgumentException.class,
                    () -> forward.evaluate(longest, 0, 1, LONG_CONTEXT));
            assertEquals("positions 32768..32769 do not fit the context of 32768 tokens", past.getMessage());
        }
    }

    /** The long comparison has teeth too: a wrong RoPE fails it already at the first chat's end (8,252 tokens). */
    @ParameterizedTest
    @EnumSource(value = Forward.Rope.class, names = {"NEOX", "UNSCALED"})
    void aWrongRopeFailsTheLongComparison(Forward.Rope wrong) throws Exception {
        LlamaCppReference ref = LlamaCppReference.load(LONG_FIXTURE);
        try (LlamaModel model = longModel(ref)) {
            int[] first = longPrompts(ref, model).getFirst();
            JsonNode chat = ref.root.get("chats").get(0);
            Forward forward = new Forward(model, new KvCache(model.config(), first.length + chat.get("top").size()), pool, Forward.BATCH, wrong);
            float[] logits = forward.evaluate(first, 0, first.length, 0);
            List<String> failures = LlamaCppReference.compareFrom(chat, forward, logits, first.length, Case.Q8_0.tolerance).failures();
            assertFalse(failures.isEmpty(), "a forward pass with " + wrong + " RoPE must not pass the long comparison");
        }
    }

    @ParameterizedTest
    @EnumSource(value = Forward.Rope.class, names = {"NEOX", "UNSCALED"})
    void aWrongRopeFailsTheComparison(Forward.Rope wrong) throws Exception {
        Case c = Case.F16;
        LlamaCppReference ref = LlamaCppReference.load(c.fixture());
        try (LlamaModel model = model(c, ref)) {
            List<String> failures = new ArrayList<>();
            for (JsonNode chat : ref.root.get("chats")) {
                failures.addAll(LlamaCppReference.compare(chat, model, wrong, pool, c.tolerance).failures());
            }
            assertFalse(failures.isEmpty(), "a forward pass with " + wrong + " RoPE must not pass the llama.cpp comparison");
            if (wrong == Forward.Rope.UNSCALED) {
                assertTrue(failures.stream().anyMatch(f -> f.startsWith("long_chat_1500")),
                        "ignoring rope_freqs must show at long positions");
            }
        }
    }
}
