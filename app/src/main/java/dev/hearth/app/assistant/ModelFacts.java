package dev.hearth.app.assistant;

import dev.hearth.engine.gguf.GgufTensor;
import dev.hearth.engine.model.LlamaConfig;
import dev.hearth.engine.model.LlamaModel;
import dev.hearth.engine.model.MemoryPlan;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the user is shown about a GGUF file before loading it: read from the file's header and tensor table
 * (the weights are mapped, not read), with the memory it would need at the suggested context.
 *
 * @param name           the model's name from its metadata, else the file name
 * @param parameters     total weight count
 * @param quant          the dominant weight type (e.g. Q4_K)
 * @param fileBytes      size on disk
 * @param trainedContext context the model was trained for
 * @param context        the context suggested for this machine
 * @param plan           memory needed at {@code context}, against what is free now
 * @param config         the model's shape
 */
public record ModelFacts(Path file, String name, long parameters, String quant, long fileBytes, int trainedContext,
                         int context, MemoryPlan plan, LlamaConfig config) {

    /** Reads a model's facts. A file that is not a usable Llama GGUF is an IOException with a sentence for the user. */
    public static ModelFacts inspect(Path file, int threads) throws IOException {
        try (LlamaModel model = LlamaModel.load(file, LlamaModel.Regrouping.NONE)) {
            LlamaConfig config = model.config();
            int context = MemoryPlan.defaultContext(config, model.weightBytes(), threads);
            return describe(file, model, context, threads);
        }
    }

    /** The same facts at a context the user chose. */
    public ModelFacts atContext(int newContext, int threads) {
        return new ModelFacts(file, name, parameters, quant, fileBytes, trainedContext, newContext,
                MemoryPlan.of(config, plan.weightBytes(), newContext, threads), config);
    }

    static ModelFacts describe(Path file, LlamaModel model, int context, int threads) throws IOException {
        var gguf = model.gguf();
        String name = gguf.has("general.name") ? gguf.getString("general.name") : file.getFileName().toString();
        long parameters = gguf.tensors().stream().mapToLong(GgufTensor::elementCount).sum();
        return new ModelFacts(file, name, parameters, model.mainWeightType().name(), Files.size(file),
                model.config().trainedContext(), context, MemoryPlan.of(model, context, threads), model.config());
    }

    /** "8.0B" or "15M", as model cards name sizes. */
    public String parameterLabel() {
        if (parameters >= 1_000_000_000L) return String.format(java.util.Locale.ROOT, "%.1fB", parameters / 1e9);
        if (parameters >= 1_000_000L) return String.format(java.util.Locale.ROOT, "%.0fM", parameters / 1e6);
        return String.format(java.util.Locale.ROOT, "%.0fK", parameters / 1e3);
    }
}
