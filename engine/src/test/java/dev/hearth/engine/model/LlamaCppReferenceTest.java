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

    @Test
    void agreesWithLlamaCppPastTheOriginalEightThousandTokenContext() throws Exception {
        Case c = Case.Q8_0;
        LlamaCppReference ref = LlamaCppReference.load("tiny-q8_0-long.json");
        try (LlamaModel model = model(c, ref)) {
            JsonNode chat = ref.root.get("chats").get(0);
            assertTrue(chat.get("tokens").size() > 12_000, "the case must reach positions past 12,000");
            LlamaCppReference.ChatComparison result = LlamaCppReference.compare(chat, model, Forward.Rope.LLAMA, pool, c.tolerance);
            System.out.printf("long context: max |logit diff| %.4f over %d logits%n", result.maxDiff(), result.logitsCompared());
            assertTrue(result.failures().isEmpty(), String.join("\n", result.failures()));
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
