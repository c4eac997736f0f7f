package dev.hearth.app.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hearth.engine.chat.ChatMessage;
import dev.hearth.engine.chat.Role;
import dev.hearth.engine.sampling.SamplerSettings;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The parts of an OpenAI {@code POST /v1/chat/completions} body Hearth honours. Fields it does not know
 * (such as {@code user} or {@code logprobs: false}) are ignored as OpenAI-compatible servers do; fields it
 * knows are checked against OpenAI's ranges.
 *
 * @param model     the requested model, or null to use the one loaded
 * @param maxTokens {@code max_tokens} or {@code max_completion_tokens}, or null for "until the context is full"
 * @param stop      up to 4 strings; the reply ends before the first of them
 */
record ChatRequest(String model, List<ChatMessage> messages, boolean stream, boolean includeUsage, SamplerSettings sampler,
                   Integer maxTokens, List<String> stop) {
    private static final SecureRandom SEEDS = new SecureRandom();

    static ChatRequest parse(JsonNode body) throws ApiError {
        if (body == null || !body.isObject()) throw ApiError.invalid("invalid_json", "The request body must be a JSON object.");
        String model = null;
        if (body.hasNonNull("model")) {
            if (!body.get("model").isTextual()) throw invalidType("model", "a string");
            model = body.get("model").asText();
        }
        List<ChatMessage> messages = messages(body.get("messages"));
        boolean stream = bool(body, "stream");
        boolean includeUsage = body.path("stream_options").isObject() && bool(body.get("stream_options"), "include_usage");
        if (body.hasNonNull("n") && (!body.get("n").canConvertToInt() || body.get("n").asInt() != 1 || !body.get("n").isIntegralNumber())) {
            throw ApiError.invalid("invalid_value", "Only n = 1 is supported: Hearth writes one answer per request.");
        }
        SamplerSettings d = SamplerSettings.DEFAULTS;
        float temperature = number(body, "temperature", 0, 2, d.temperature());
        float topP = number(body, "top_p", 0, 1, d.topP());
        if (topP == 0) throw ApiError.invalid("invalid_value", "top_p must be greater than 0 and at most 1, got 0.");
        float frequency = number(body, "frequency_penalty", -2, 2, d.frequencyPenalty());
        float presence = number(body, "presence_penalty", -2, 2, d.presencePenalty());
        long seed;
        if (body.hasNonNull("seed")) {
            JsonNode s = body.get("seed");
            if (!s.isIntegralNumber() || !s.canConvertToLong()) throw invalidType("seed", "a whole number");
            seed = s.asLong();
        } else {
            seed = SEEDS.nextLong();
        }
        Integer maxTokens = null;
        for (String name : List.of("max_tokens", "max_completion_tokens")) {
            if (!body.hasNonNull(name)) continue;
            JsonNode n = body.get(name);
            if (!n.isIntegralNumber() || !n.canConvertToInt() || n.asInt() < 1) {
                throw ApiError.invalid("invalid_value", name + " must be a whole number of at least 1, got " + n + ".");
            }
            maxTokens = maxTokens == null ? n.asInt() : Math.min(maxTokens, n.asInt());
        }
        SamplerSettings sampler = new SamplerSettings(temperature, d.topK(), topP, d.minP(), d.repeatPenalty(), d.repeatLastN(), frequency, presence, seed);
        return new ChatRequest(model, messages, stream, includeUsage, sampler, maxTokens, stops(body.get("stop")));
    }

    private static List<ChatMessage> messages(JsonNode node) throws ApiError {
        if (node == null || node.isNull()) throw ApiError.invalid("missing_required_parameter", "messages is required: an array of {\"role\", \"content\"} objects.");
        if (!node.isArray() || node.isEmpty()) throw ApiError.invalid("invalid_value", "messages must be a non-empty array of {\"role\", \"content\"} objects.");
        List<ChatMessage> messages = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode m = node.get(i);
            String where = "messages[" + i + "]";
            if (!m.isObject()) throw ApiError.invalid("invalid_value", where + " must be an object with role and content.");
            String roleName = m.path("role").asText("");
            Role role = switch (roleName) {
                case "system", "developer" -> Role.SYSTEM;
                case "user" -> Role.USER;
                case "assistant" -> Role.ASSISTANT;
                default -> throw ApiError.invalid("invalid_value", where + ".role must be system, developer, user or assistant, got "
                        + (m.has("role") ? m.get("role").toString() : "nothing") + " (tools are not supported).");
            };
            messages.add(new ChatMessage(role, content(m.get("content"), where, role)));
        }
        return messages;
    }

    /** A string, or an array of {@code {"type":"text","text":…}} parts joined; null only for an assistant turn. */
    private static String content(JsonNode content, String where, Role role) throws ApiError {
        if (content == null || content.isNull()) {
            if (role == Role.ASSISTANT) return "";
            throw ApiError.invalid("invalid_value", where + ".content is required.");
        }
        if (content.isTextual()) return content.asText();
        if (content.isArray()) {
            StringBuilder text = new StringBuilder();
            for (JsonNode part : content) {
                if (!part.path("type").asText().equals("text") || !part.path("text").isTextual()) {
                    throw ApiError.invalid("invalid_value", where + ".content may hold only text parts ({\"type\":\"text\",\"text\":…}); Hearth's model reads text only.");
                }
                text.append(part.get("text").asText());
            }
            return text.toString();
        }
        throw invalidType(where + ".content", "a string or an array of text parts");
    }

    private static List<String> stops(JsonNode node) throws ApiError {
        if (node == null || node.isNull()) return List.of();
        List<String> stops = new ArrayList<>();
        if (node.isTextual()) {
            stops.add(node.asText());
        } else if (node.isArray() && node.size() <= 4) {
            for (JsonNode s : node) {
                if (!s.isTextual()) throw invalidType("stop", "a string or an array of up to 4 strings");
                stops.add(s.asText());
            }
        } else {
            throw invalidType("stop", "a string or an array of up to 4 strings");
        }
        if (stops.stream().anyMatch(String::isEmpty)) throw ApiError.invalid("invalid_value", "stop strings must not be empty.");
        return List.copyOf(stops);
    }

    private static boolean bool(JsonNode body, String name) throws ApiError {
        JsonNode n = body.get(name);
        if (n == null || n.isNull()) return false;
        if (!n.isBoolean()) throw invalidType(name, "true or false");
        return n.asBoolean();
    }

    private static float number(JsonNode body, String name, double min, double max, float fallback) throws ApiError {
        JsonNode n = body.get(name);
        if (n == null || n.isNull()) return fallback;
        if (!n.isNumber() || !(n.asDouble() >= min && n.asDouble() <= max)) {
            throw ApiError.invalid("invalid_value", String.format(Locale.ROOT, "%s must be a number from %s to %s, got %s.", name, trim(min), trim(max), n));
        }
        return (float) n.asDouble();
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }

    private static ApiError invalidType(String name, String expected) {
        return ApiError.invalid("invalid_type", name + " must be " + expected + ".");
    }
}
