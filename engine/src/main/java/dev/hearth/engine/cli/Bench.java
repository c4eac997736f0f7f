package dev.hearth.engine.cli;

import dev.hearth.engine.model.LlamaModel;
import dev.hearth.engine.model.WorkerPool;
import dev.hearth.engine.sampling.Sampler;
import dev.hearth.engine.session.GenerationSession;
import dev.hearth.engine.tokenizer.Tokenizer;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code bench}: load, prefill and decode speed and peak RSS, in the keys the llama.cpp reference
 * kit's bench summary reads, as one JSON line. The prompt is BOS + a fixed English text, exactly
 * {@code --prompt-tokens} long; decoding is greedy and ignores end-of-turn tokens.
 */
final class Bench {

    private static final String TEXT = "The llama is a domesticated South American camelid, widely used as a meat and "
            + "pack animal by Andean cultures since the pre-Columbian era. Llamas are social animals and live with "
            + "others as a herd. Their wool is soft and contains only a small amount of lanolin. Llamas can learn "
            + "simple tasks after a few repetitions. When using a pack, they can carry about 25 to 30% of their body "
            + "weight for 8 to 13 km. ";

    private Bench() {}

    static int run(List<String> argList, PrintStream out) throws IOException {
        Args args = new Args(argList, Set.of("model", "prompt-tokens", "gen-tokens", "threads", "context", "label"), Set.of("json"));
        Path path = Path.of(args.required("model"));
        int promptTokens = args.intValue("prompt-tokens", 512);
        int genTokens = args.intValue("gen-tokens", 32);
        int threads = args.intValue("threads", WorkerPool.physicalCores());
        int context = args.intValue("context", 4096);
        if (promptTokens < 1 || genTokens < 1 || threads < 1 || promptTokens + genTokens > context) {
            throw new UsageException("need --prompt-tokens ≥ 1, --gen-tokens ≥ 1, --threads ≥ 1 and prompt + gen ≤ --context");
        }
        long loadStart = System.nanoTime();
        try (LlamaModel model = LlamaModel.load(path, LlamaModel.Regrouping.IN_BACKGROUND);
             GenerationSession session = new GenerationSession(model, context, threads)) {
            double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
            int[] tokens = prompt(session.tokenizer(), model.vocabulary().bosId(), promptTokens, promptTokens + genTokens);

            double prefillCpuStart = processCpuSeconds();
            long prefillStart = System.nanoTime();
            float[] logits = session.evaluate(Arrays.copyOf(tokens, promptTokens));
            double prefillSeconds = (System.nanoTime() - prefillStart) / 1e9;
            double prefillCpu = processCpuSeconds() - prefillCpuStart;

            double decodeCpuStart = processCpuSeconds();
            long decodeStart = System.nanoTime();
            double[] steps = new double[genTokens - 1];
            tokens[promptTokens] = Sampler.argmax(logits);
            for (int i = 1; i < genTokens; i++) {
                long stepStart = System.nanoTime();
                logits = session.evaluate(Arrays.copyOf(tokens, promptTokens + i));
                tokens[promptTokens + i] = Sampler.argmax(logits);
                steps[i - 1] = (System.nanoTime() - stepStart) / 1e6;
            }
            double decodeSeconds = (System.nanoTime() - decodeStart) / 1e9;
            double decodeCpu = processCpuSeconds() - decodeCpuStart;
            Arrays.sort(steps);

            Map<String, Object> result = new LinkedHashMap<>();
            result.put("engine", "hearth");
            result.put("label", args.get("label", "hearth"));
            result.put("model", path.getFileName().toString());
            result.put("model_bytes", Files.size(path));
            result.put("threads", threads);
            result.put("ctx", context);
            result.put("prompt_tokens", promptTokens);
            result.put("gen_tokens", genTokens);
            result.put("load_s", round(loadSeconds));
            result.put("prefill_s", round(prefillSeconds));
            result.put("prefill_tok_s", round(promptTokens / prefillSeconds));
            result.put("decode_s", round(decodeSeconds));
            result.put("decode_tok_s", genTokens > 1 ? round((genTokens - 1) / decodeSeconds) : 0);
            result.put("decode_step_median_ms", steps.length > 0 ? round(steps[steps.length / 2]) : 0);
            result.put("decode_step_min_ms", steps.length > 0 ? round(steps[0]) : 0);
            result.put("prefill_cpu_s", Double.isNaN(prefillCpu) ? null : round(prefillCpu));
            result.put("decode_cpu_s", Double.isNaN(decodeCpu) ? null : round(decodeCpu));
            result.put("peak_rss_mib", peakRssMib());
            result.put("java", Runtime.version().toString());
            if (!args.flag("json")) {
                out.printf("load %.2f s, prefill %.1f tok/s, decode %.2f tok/s, peak RSS %d MiB%n",
                        loadSeconds, promptTokens / prefillSeconds, (genTokens - 1) / decodeSeconds, peakRssMib());
            }
            out.println(ModelCommands.JSON.writeValueAsString(result));
        }
        return 0;
    }

    /** BOS + the fixed text repeated, cut to exactly {@code length} tokens, in an array of {@code capacity}. */
    private static int[] prompt(Tokenizer tokenizer, int bos, int length, int capacity) {
        int[] text = tokenizer.encode(TEXT, false);
        int[] tokens = new int[capacity];
        tokens[0] = bos;
        for (int i = 1; i < length; i++) {
            tokens[i] = text[(i - 1) % text.length];
        }
        return tokens;
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    /**
     * User + system CPU time of this process so far (Linux /proc, 100 ticks per second), or NaN elsewhere. On a shared
     * machine, CPU seconds beside wall seconds tell how much of the time the engine actually ran.
     */
    static double processCpuSeconds() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** VmHWM of this process, in MiB. */
    static long peakRssMib() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("\\D+", "")) / 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
