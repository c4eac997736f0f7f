package dev.hearth.engine.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.engine.chat.ChatFormat;
import dev.hearth.engine.chat.ChatMessage;
import dev.hearth.engine.chat.Role;
import dev.hearth.engine.model.LlamaModel;
import dev.hearth.engine.model.QuantMix;
import dev.hearth.engine.model.SyntheticModel;
import dev.hearth.engine.model.WorkerPool;
import dev.hearth.engine.sampling.Sampler;
import dev.hearth.engine.session.GenerationSession;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The small commands that read a model's tokenizer, template or logits, and make-model. */
final class ModelCommands {

    static final ObjectMapper JSON = new ObjectMapper();

    private ModelCommands() {}

    static int tokenize(List<String> argList, PrintStream out) throws IOException {
        Args args = new Args(argList, Set.of("model", "text", "text-file"), Set.of("special", "json"));
        String text;
        if (args.has("text") == args.has("text-file")) {
            throw new UsageException("give exactly one of --text and --text-file");
        }
        text = args.has("text") ? args.required("text")
                : Files.readString(Path.of(args.required("text-file")), StandardCharsets.UTF_8);
        try (LlamaModel model = LlamaModel.load(Path.of(args.required("model")), LlamaModel.Regrouping.NONE)) {
            int[] tokens = model.tokenizer().encode(text, args.flag("special"));
            if (args.flag("json")) {
                out.println(JSON.writeValueAsString(Map.of("tokens", tokens)));
            } else {
                out.println(Arrays.toString(tokens));
            }
        }
        return 0;
    }

    static int chatTemplate(List<String> argList, PrintStream out) throws IOException {
        Args args = new Args(argList, Set.of("model", "messages-file", "date"), Set.of());
        List<ChatMessage> messages = readMessages(Path.of(args.required("messages-file")));
        try (LlamaModel model = LlamaModel.load(Path.of(args.required("model")), LlamaModel.Regrouping.NONE)) {
            ChatFormat format = new ChatFormat(model.tokenizer());
            out.print(format.render(messages, args.get("date", null), true));
        }
        return 0;
    }

    /** A JSON array of {"role", "content"} objects. */
    static List<ChatMessage> readMessages(Path file) throws IOException {
        JsonNode root = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
        if (root == null || !root.isArray()) {
            throw new IllegalArgumentException(file + " must hold a JSON array of {\"role\", \"content\"} objects");
        }
        List<ChatMessage> messages = new ArrayList<>();
        for (JsonNode m : root) {
            if (!m.path("role").isTextual() || !m.path("content").isTextual()) {
                throw new IllegalArgumentException("every message in " + file + " needs a \"role\" and a \"content\" string");
            }
            messages.add(new ChatMessage(Role.parse(m.get("role").asText()), m.get("content").asText()));
        }
        return messages;
    }

    static int eval(List<String> argList, PrintStream out) throws IOException {
        Args args = new Args(argList, Set.of("model", "tokens-file", "top", "greedy", "threads", "context"), Set.of("json"));
        int[] prompt = JSON.readValue(Files.readString(Path.of(args.required("tokens-file"))), new TypeReference<int[]>() {});
        int top = args.intValue("top", 5);
        int greedy = args.intValue("greedy", 1);
        if (prompt.length == 0 || top < 1 || greedy < 1) {
            throw new UsageException("the tokens file must hold at least one token, and --top and --greedy must be at least 1");
        }
        int threads = args.intValue("threads", WorkerPool.physicalCores());
        try (LlamaModel model = LlamaModel.load(Path.of(args.required("model")));
             GenerationSession session = new GenerationSession(model,
                     args.intValue("context", Math.max(512, Integer.highestOneBit(prompt.length + greedy) * 2)), threads)) {
            int[] tokens = Arrays.copyOf(prompt, prompt.length + greedy);
            float[] logits = session.evaluate(prompt);
            List<List<Number>> topLogits = topLogits(logits, top);
            for (int i = 0; i < greedy; i++) {
                tokens[prompt.length + i] = Sampler.argmax(logits);
                if (i + 1 < greedy) {
                    logits = session.evaluate(Arrays.copyOf(tokens, prompt.length + i + 1));
                }
            }
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("top", topLogits);
            result.put("greedy", Arrays.copyOfRange(tokens, prompt.length, tokens.length));
            out.println(JSON.writeValueAsString(result));
        }
        return 0;
    }

    /** The k highest logits as [id, logit] pairs, highest first. */
    static List<List<Number>> topLogits(float[] logits, int k) {
        Integer[] ids = new Integer[logits.length];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = i;
        }
        Arrays.sort(ids, (a, b) -> logits[a] != logits[b] ? Float.compare(logits[b], logits[a]) : Integer.compare(a, b));
        List<List<Number>> top = new ArrayList<>();
        for (int i = 0; i < Math.min(k, ids.length); i++) {
            top.add(List.of(ids[i], logits[ids[i]]));
        }
        return top;
    }

    static int makeModel(List<String> argList, PrintStream out) throws IOException {
        Args args = new Args(argList, Set.of("shape", "quant", "seed", "out", "vocab"), Set.of());
        SyntheticModel.Shape shape = SyntheticModel.Shape.parse(args.required("shape"));
        QuantMix mix = QuantMix.parse(args.required("quant"));
        String vocab = args.get("vocab", "full");
        if (!vocab.equals("full") && !vocab.equals("small")) {
            throw new UsageException("--vocab is full or small, got '" + vocab + "'");
        }
        Path target = Path.of(args.required("out"));
        long start = System.nanoTime();
        SyntheticModel.write(target, shape, mix, args.longValue("seed", 1), vocab.equals("small"));
        out.printf("wrote %s (%,d bytes) in %.1f s%n", target, Files.size(target), (System.nanoTime() - start) / 1e9);
        return 0;
    }
}
