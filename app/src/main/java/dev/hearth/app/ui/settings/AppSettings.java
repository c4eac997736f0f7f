package dev.hearth.app.ui.settings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.engine.sampling.SamplerSettings;

import java.util.Locale;

/**
 * The user's choices, stored as one JSON object in the store's settings table. A context of 0 means
 * "from the memory estimate"; threads 0 means "one per physical core".
 */
public record AppSettings(String systemPrompt, float temperature, float topP, int topK, float minP, float repeatPenalty,
                          long seed, int maxTokens, int context, int threads, Theme theme, Locale language, String modelPath) {

    public enum Theme { LIGHT, DARK, SYSTEM }

    static final String KEY = "app.settings";
    private static final ObjectMapper JSON = new ObjectMapper();

    public static AppSettings defaults(Locale systemLocale) {
        SamplerSettings d = SamplerSettings.DEFAULTS;
        return new AppSettings("", d.temperature(), d.topP(), d.topK(), d.minP(), d.repeatPenalty(), 0, 2048, 0, 0,
                Theme.SYSTEM, dev.hearth.app.ui.I18n.supported(systemLocale), null);
    }

    public SamplerSettings sampler() {
        long s = seed != 0 ? seed : System.nanoTime();
        return new SamplerSettings(temperature, topK, topP, minP, repeatPenalty, 64, 0f, 0f, s);
    }

    public AppSettings withModelPath(String path) {
        return new AppSettings(systemPrompt, temperature, topP, topK, minP, repeatPenalty, seed, maxTokens, context, threads, theme, language, path);
    }

    public AppSettings withLanguage(Locale l) {
        return new AppSettings(systemPrompt, temperature, topP, topK, minP, repeatPenalty, seed, maxTokens, context, threads, theme, l, modelPath);
    }

    public AppSettings withTheme(Theme t) {
        return new AppSettings(systemPrompt, temperature, topP, topK, minP, repeatPenalty, seed, maxTokens, context, threads, t, language, modelPath);
    }

    JsonNode toJson() {
        ObjectNode node = JSON.createObjectNode();
        node.put("systemPrompt", systemPrompt);
        node.put("temperature", temperature);
        node.put("topP", topP);
        node.put("topK", topK);
        node.put("minP", minP);
        node.put("repeatPenalty", repeatPenalty);
        node.put("seed", seed);
        node.put("maxTokens", maxTokens);
        node.put("context", context);
        node.put("threads", threads);
        node.put("theme", theme.name());
        node.put("language", language.getLanguage());
        if (modelPath != null) node.put("modelPath", modelPath);
        return node;
    }

    /** Reads stored settings; a missing or unreadable field keeps its default, so an old file never blocks the start. */
    static AppSettings fromJson(JsonNode node, AppSettings d) {
        Theme theme;
        try {
            theme = Theme.valueOf(node.path("theme").asText(d.theme.name()));
        } catch (IllegalArgumentException e) {
            theme = d.theme;
        }
        AppSettings read = new AppSettings(
                node.path("systemPrompt").asText(d.systemPrompt),
                (float) node.path("temperature").asDouble(d.temperature),
                (float) node.path("topP").asDouble(d.topP),
                node.path("topK").asInt(d.topK),
                (float) node.path("minP").asDouble(d.minP),
                (float) node.path("repeatPenalty").asDouble(d.repeatPenalty),
                node.path("seed").asLong(d.seed),
                node.path("maxTokens").asInt(d.maxTokens),
                node.path("context").asInt(d.context),
                node.path("threads").asInt(d.threads),
                theme,
                dev.hearth.app.ui.I18n.supported(Locale.forLanguageTag(node.path("language").asText(d.language.getLanguage()))),
                node.hasNonNull("modelPath") ? node.get("modelPath").asText() : null);
        try {
            read.sampler();
            return read;
        } catch (IllegalArgumentException e) {
            return d.withModelPath(read.modelPath).withLanguage(read.language).withTheme(read.theme);
        }
    }
}
