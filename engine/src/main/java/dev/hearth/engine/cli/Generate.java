package dev.hearth.engine.cli;

import dev.hearth.engine.chat.ChatFormat;
import dev.hearth.engine.chat.ChatMessage;
import dev.hearth.engine.chat.Role;
import dev.hearth.engine.model.LlamaModel;
import dev.hearth.engine.model.MemoryPlan;
import dev.hearth.engine.model.WorkerPool;
import dev.hearth.engine.sampling.SamplerSettings;
import dev.hearth.engine.session.GenerationEvent;
import dev.hearth.engine.session.GenerationRequest;
import dev.hearth.engine.session.GenerationResult;
import dev.hearth.engine.session.GenerationSession;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/** {@code generate} (one completion) and {@code chat} (an interactive conversation in the terminal). */
final class Generate {

    private static final Set<String> SAMPLING = Set.of("temp", "top-p", "top-k", "min-p", "repeat-penalty", "seed",
            "max-tokens", "threads", "context", "model", "system");

    private Generate() {}

    static int generate(List<String> argList, PrintStream out) throws IOException {
        Set<String> options = new java.util.HashSet<>(SAMPLING);
        options.add("prompt");
        Args args = new Args(argList, options, Set.of("chat"));
        String prompt = args.required("prompt");
        try (LlamaModel model = LlamaModel.load(Path.of(args.required("model")), LlamaModel.Regrouping.IN_BACKGROUND);
             GenerationSession session = open(model, args)) {
            int[] tokens;
            if (args.flag("chat")) {
                List<ChatMessage> messages = new ArrayList<>();
                if (args.has("system")) {
                    messages.add(new ChatMessage(Role.SYSTEM, args.required("system")));
                }
                messages.add(new ChatMessage(Role.USER, prompt));
                tokens = session.chatFormat().encode(messages, ChatFormat.formatDate(LocalDate.now()), true);
            } else {
                int[] text = session.tokenizer().encode(prompt, false);
                tokens = new int[text.length + 1];
                tokens[0] = model.vocabulary().bosId();
                System.arraycopy(text, 0, tokens, 1, text.length);
            }
            GenerationResult result = session.generate(
                    new GenerationRequest(tokens, sampler(args), args.intValue("max-tokens", 256)), print(out));
            out.println();
            out.flush();
            return result.stopReason() == null ? 1 : 0;
        }
    }

    static int chat(List<String> argList, PrintStream out) throws IOException {
        Args args = new Args(argList, SAMPLING, Set.of());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try (LlamaModel model = LlamaModel.load(Path.of(args.required("model")), LlamaModel.Regrouping.IN_BACKGROUND);
             GenerationSession session = open(model, args)) {
            List<ChatMessage> messages = new ArrayList<>();
            if (args.has("system")) {
                messages.add(new ChatMessage(Role.SYSTEM, args.required("system")));
            }
            SamplerSettings sampler = sampler(args);
            String date = ChatFormat.formatDate(LocalDate.now());
            out.println("Chatting with " + model.gguf().path().getFileName() + ". An empty line or /exit ends the chat.");
            while (true) {
                out.print("> ");
                out.flush();
                String line = in.readLine();
                if (line == null || line.isBlank() || line.strip().equals("/exit")) {
                    return 0;
                }
                messages.add(new ChatMessage(Role.USER, line));
                int[] tokens = session.chatFormat().encode(messages, date, true);
                int room = session.contextLength() - tokens.length;
                if (room < 2) {
                    out.println("[the conversation is longer than the context of " + session.contextLength() + " tokens; start a new chat]");
                    return 1;
                }
                GenerationResult result = session.generate(new GenerationRequest(tokens, sampler.withSeed(sampler.seed() + messages.size()),
                        Math.min(args.intValue("max-tokens", 1024), room - 1)), print(out));
                out.println();
                out.printf("[%d tokens, %.1f tok/s, %s]%n", result.stats().generatedTokens(),
                        result.stats().decodeTokensPerSecond(), result.stopReason().name().toLowerCase(java.util.Locale.ROOT));
                messages.add(new ChatMessage(Role.ASSISTANT, result.text()));
            }
        }
    }

    static GenerationSession open(LlamaModel model, Args args) {
        int threads = args.intValue("threads", WorkerPool.physicalCores());
        int context = args.intValue("context", MemoryPlan.defaultContext(model.config(), model.weightBytes(), threads));
        if (threads < 1 || context < 2) {
            throw new UsageException("--threads must be at least 1 and --context at least 2");
        }
        context = Math.min(context, model.config().trainedContext());
        MemoryPlan plan = MemoryPlan.of(model, context, threads);
        if (!plan.fits()) {
            throw new IllegalStateException("a context of " + context + " tokens does not fit: " + plan.refusal());
        }
        return new GenerationSession(model, context, threads);
    }

    static SamplerSettings sampler(Args args) {
        SamplerSettings d = SamplerSettings.DEFAULTS;
        return new SamplerSettings(args.floatValue("temp", d.temperature()), args.intValue("top-k", d.topK()),
                args.floatValue("top-p", d.topP()), args.floatValue("min-p", d.minP()),
                args.floatValue("repeat-penalty", d.repeatPenalty()), d.repeatLastN(), d.frequencyPenalty(),
                d.presencePenalty(), args.longValue("seed", System.nanoTime()));
    }

    private static Consumer<GenerationEvent> print(PrintStream out) {
        return event -> {
            if (event instanceof GenerationEvent.Token token) {
                out.print(token.text());
                out.flush();
            }
        };
    }
}
