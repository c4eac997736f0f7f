package dev.hearth.engine.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.engine.model.QuantMix;
import dev.hearth.engine.model.TinyModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line contract: results on stdout, one sentence on stderr, exit 0 / 1 / 2. */
class MainTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    record Run(int status, String out, String err) {}

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static String model() {
        return TinyModels.small(QuantMix.Q8_0).toString();
    }

    @Test
    void tokenizeKeepsControlTextOrdinaryUnlessAskedToParseIt() throws Exception {
        Run plain = run("tokenize", "--model", model(), "--text", " the<|eot_id|>", "--json");
        Run special = run("tokenize", "--model", model(), "--text", " the<|eot_id|>", "--special", "--json");
        assertEquals(0, plain.status(), plain.err());
        JsonNode p = JSON.readTree(plain.out()).get("tokens");
        JsonNode s = JSON.readTree(special.out()).get("tokens");
        assertTrue(p.size() > s.size());
        assertEquals(2, s.size(), "' the' + the control token");
    }

    @Test
    void chatTemplatePrintsThePromptOnly(@TempDir Path dir) throws Exception {
        Path messages = dir.resolve("m.json");
        Files.writeString(messages, "[{\"role\":\"user\",\"content\":\"Hi\"}]");
        Run r = run("chat-template", "--model", model(), "--messages-file", messages.toString(), "--date", "23 Nov 2026");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().startsWith("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nCutting Knowledge Date: December 2023\nToday Date: 23 Nov 2026"));
        assertTrue(r.out().endsWith("<|start_header_id|>assistant<|end_header_id|>\n\n"));
    }

    @Test
    void evalPrintsTopLogitsAndAGreedyContinuation(@TempDir Path dir) throws Exception {
        Path tokens = dir.resolve("t.json");
        Files.writeString(tokens, "[1, 2, 3, 4]");
        Run r = run("eval", "--model", model(), "--tokens-file", tokens.toString(), "--top", "3", "--greedy", "4", "--json");
        assertEquals(0, r.status(), r.err());
        JsonNode json = JSON.readTree(r.out());
        assertEquals(3, json.get("top").size());
        assertEquals(4, json.get("greedy").size());
        assertEquals(json.get("top").get(0).get(0).asInt(), json.get("greedy").get(0).asInt());
        assertTrue(json.get("top").get(0).get(1).asDouble() >= json.get("top").get(1).get(1).asDouble());
    }

    @Test
    void generateStreamsTextAndBenchPrintsOneJsonLine() throws Exception {
        Run g = run("generate", "--model", model(), "--prompt", "the llama", "--chat", "--max-tokens", "8", "--seed", "1");
        assertEquals(0, g.status(), g.err());
        assertFalse(g.out().isBlank());
        Run b = run("bench", "--model", model(), "--prompt-tokens", "32", "--gen-tokens", "4", "--threads", "1", "--context", "128", "--json");
        assertEquals(0, b.status(), b.err());
        String[] lines = b.out().strip().split("\n");
        JsonNode json = JSON.readTree(lines[lines.length - 1]);
        for (String key : new String[] {"engine", "label", "model", "prompt_tokens", "gen_tokens", "threads", "load_s",
                "prefill_tok_s", "decode_tok_s", "peak_rss_mib"}) {
            assertTrue(json.has(key), key);
        }
        assertEquals("hearth", json.get("engine").asText());
        assertEquals(32, json.get("prompt_tokens").asInt());
    }

    @Test
    void aPromptLongerThanTheContextIsRefusedWithOneSentence() {
        Run r = run("generate", "--model", model(), "--prompt", "the llama and the alpaca ".repeat(40), "--context", "64",
                "--max-tokens", "8", "--threads", "1");
        assertEquals(1, r.status(), r.out() + r.err());
        assertTrue(r.err().matches("hearth-engine: the prompt has \\d+ tokens, more than the context of 64 tokens can hold "
                + "with room for an answer\\R"), r.err());
        assertTrue(r.out().isBlank(), "nothing generated: " + r.out());
    }

    @Test
    void inspectDescribesTheModel() throws Exception {
        Run r = run("inspect", "--model", model(), "--context", "2048", "--json");
        assertEquals(0, r.status(), r.err());
        JsonNode json = JSON.readTree(r.out());
        assertEquals(4, json.get("layers").asInt());
        assertEquals("Q8_0", json.get("quantization").asText());
        assertEquals(2048, json.get("memory").get("context").asInt());
        assertTrue(json.get("memory").get("kv_cache_bytes").asLong() > 0);
    }

    @Test
    void makeModelWritesALoadableFile(@TempDir Path dir) {
        Path out = dir.resolve("m.gguf");
        Run r = run("make-model", "--shape", "tiny", "--quant", "q4_0", "--seed", "5", "--out", out.toString(), "--vocab", "small");
        assertEquals(0, r.status(), r.err());
        assertEquals(0, run("inspect", "--model", out.toString()).status());
    }

    @Test
    void badUsageExitsTwoAndFailuresExitOneWithASentence(@TempDir Path dir) throws Exception {
        assertEquals(2, run().status());
        assertEquals(2, run("frobnicate").status());
        assertEquals(2, run("tokenize", "--model", model()).status());
        assertEquals(2, run("bench", "--model", model(), "--prompt-tokens", "x").status());

        Run missing = run("inspect", "--model", dir.resolve("nope.gguf").toString());
        assertEquals(1, missing.status());
        assertTrue(missing.err().contains("not found"), missing.err());

        Path garbage = dir.resolve("garbage.gguf");
        Files.writeString(garbage, "this is not a model");
        Run bad = run("generate", "--model", garbage.toString(), "--prompt", "hi");
        assertEquals(1, bad.status());
        assertEquals(1, bad.err().strip().lines().count(), "one sentence, no stack trace: " + bad.err());
        assertFalse(bad.err().contains("Exception"), bad.err());
    }
}
