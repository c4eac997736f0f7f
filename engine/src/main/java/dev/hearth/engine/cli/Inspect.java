package dev.hearth.engine.cli;

import dev.hearth.engine.gguf.GgufTensor;
import dev.hearth.engine.model.LlamaConfig;
import dev.hearth.engine.model.LlamaModel;
import dev.hearth.engine.model.MemoryPlan;
import dev.hearth.engine.model.WorkerPool;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** {@code inspect}: what a model file is and what running it will take. */
final class Inspect {

    private Inspect() {}

    static int run(List<String> argList, PrintStream out) throws IOException {
        Args args = new Args(argList, Set.of("model", "context"), Set.of("json"));
        Path path = Path.of(args.required("model"));
        try (LlamaModel model = LlamaModel.load(path, LlamaModel.Regrouping.NONE)) {
            LlamaConfig c = model.config();
            int threads = WorkerPool.physicalCores();
            int context = args.intValue("context", MemoryPlan.defaultContext(c, model.weightBytes(), threads));
            if (context < 1) {
                throw new UsageException("--context must be positive");
            }
            MemoryPlan plan = MemoryPlan.of(model, context, threads);
            Map<String, Long> types = new TreeMap<>();
            for (GgufTensor t : model.gguf().tensors()) {
                types.merge(t.type().name(), 1L, Long::sum);
            }
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("file", path.getFileName().toString());
            info.put("file_bytes", model.gguf().fileSize());
            info.put("name", model.gguf().has("general.name") ? model.gguf().getString("general.name") : null);
            info.put("architecture", "llama");
            info.put("quantization", model.mainWeightType().name());
            info.put("tensor_types", types);
            info.put("layers", c.layers());
            info.put("dim", c.dim());
            info.put("heads", c.heads());
            info.put("kv_heads", c.kvHeads());
            info.put("head_dim", c.headDim());
            info.put("ffn_dim", c.ffnDim());
            info.put("vocab_size", c.vocabSize());
            info.put("parameters", parameters(model));
            info.put("trained_context", c.trainedContext());
            info.put("rope_theta", c.ropeTheta());
            info.put("rope_scaling", model.ropeFreqFactors() != null ? "llama3 (rope_freqs)" : "none");
            info.put("tied_output", model.output() == model.tokenEmbedding());
            info.put("tokenizer", Map.of("model", "gpt2", "pre", "llama-bpe", "tokens", model.vocabulary().size(),
                    "merges", model.vocabulary().merges().length, "bos", model.vocabulary().bosId(), "eos", model.vocabulary().eosId()));
            info.put("chat_template", model.chatTemplate() != null);
            Map<String, Object> memory = new LinkedHashMap<>();
            memory.put("context", context);
            memory.put("weights_bytes", plan.weightBytes());
            memory.put("kv_cache_bytes", plan.kvCacheBytes());
            memory.put("scratch_bytes", plan.scratchBytes());
            memory.put("total_bytes", plan.totalBytes());
            memory.put("available_bytes", plan.availableBytes());
            memory.put("fits", plan.fits());
            info.put("memory", memory);
            if (args.flag("json")) {
                out.println(ModelCommands.JSON.writeValueAsString(info));
            } else {
                out.printf("file:          %s (%s)%n", info.get("file"), MemoryPlan.human(model.gguf().fileSize()));
                out.printf("name:          %s%n", info.get("name"));
                out.printf("shape:         llama, %d layers, dim %d, %d/%d heads of %d, ffn %d, vocab %,d (%,d parameters)%n",
                        c.layers(), c.dim(), c.heads(), c.kvHeads(), c.headDim(), c.ffnDim(), c.vocabSize(), parameters(model));
                out.printf("quantization:  %s; tensors by type %s%n", info.get("quantization"), types);
                out.printf("context:       trained %,d; rope theta %.0f, scaling %s%n", c.trainedContext(), c.ropeTheta(), info.get("rope_scaling"));
                out.printf("tokenizer:     gpt2/llama-bpe, %,d tokens, %,d merges, bos %d, eos %d%n", c.vocabSize(),
                        model.vocabulary().merges().length, model.vocabulary().bosId(), model.vocabulary().eosId());
                out.printf("memory:        at context %,d: %s weights + %s KV cache + %s scratch = %s (available %s) -> %s%n",
                        context, MemoryPlan.human(plan.weightBytes()), MemoryPlan.human(plan.kvCacheBytes()),
                        MemoryPlan.human(plan.scratchBytes()), MemoryPlan.human(plan.totalBytes()),
                        MemoryPlan.human(plan.availableBytes()), plan.fits() ? "fits" : "does NOT fit");
            }
        }
        return 0;
    }

    private static long parameters(LlamaModel model) {
        return model.gguf().tensors().stream().mapToLong(GgufTensor::elementCount).sum();
    }
}
