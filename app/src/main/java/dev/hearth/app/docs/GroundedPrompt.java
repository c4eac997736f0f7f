package dev.hearth.app.docs;

import dev.hearth.engine.chat.ChatMessage;
import dev.hearth.engine.chat.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The chat messages for answering from documents: a system message that asks for answers from the
 * numbered sources only, with {@code [n]} after each claim, and a user message with the sources and the
 * question. Sources go in by rank while they fit the token budget; the first that does not fit whole is
 * cut after its last sentence that fits, and no further source is added.
 */
public record GroundedPrompt(List<ChatMessage> messages, List<Citation> sources) {

    static final String INSTRUCTIONS = """
            Answer the question using only the numbered sources below. After each statement, cite the sources it \
            comes from as [1], [2], and so on. If the sources do not contain the answer, say so. Answer in the \
            language of the question.""";

    private static final Pattern MARKER = Pattern.compile("\\[(\\d{1,3})]");

    /**
     * @param budget tokens the sources may take in total
     * @param tokens counts the tokens of a text (the model's tokenizer)
     */
    public static GroundedPrompt build(String question, List<Passage> passages, int budget, ToIntFunction<String> tokens) {
        List<Citation> sources = new ArrayList<>();
        StringBuilder body = new StringBuilder("Sources:\n\n");
        int left = budget;
        for (Passage passage : passages) {
            String header = "[" + (sources.size() + 1) + "] " + location(passage) + "\n";
            String text = passage.text();
            int cost = tokens.applyAsInt(header + text + "\n\n");
            if (cost > left) {
                text = fittingSentences(header, text, left, tokens);
                if (text.isEmpty()) break;
                cost = tokens.applyAsInt(header + text + "\n\n");
            }
            body.append(header).append(text).append("\n\n");
            sources.add(new Citation(passage.file(), passage.page(), passage.heading(), text));
            left -= cost;
            if (!text.equals(passage.text())) break;
        }
        body.append("Question: ").append(question);
        List<ChatMessage> messages = List.of(new ChatMessage(Role.SYSTEM, INSTRUCTIONS), new ChatMessage(Role.USER, body.toString()));
        return new GroundedPrompt(messages, sources);
    }

    private static String location(Passage passage) {
        StringBuilder location = new StringBuilder(passage.file().getFileName().toString());
        if (passage.page() != null) location.append(", page ").append(passage.page());
        if (passage.heading() != null) location.append(", ").append(passage.heading());
        return location.toString();
    }

    /** The longest run of leading whole sentences of {@code text} that fits {@code left} tokens with its header. */
    private static String fittingSentences(String header, String text, int left, ToIntFunction<String> tokens) {
        StringBuilder kept = new StringBuilder();
        for (String sentence : Sentences.split(text)) {
            String candidate = kept.isEmpty() ? sentence : kept + " " + sentence;
            if (tokens.applyAsInt(header + candidate + "\n\n") > left) break;
            kept.setLength(0);
            kept.append(candidate);
        }
        return kept.toString();
    }

    /** The answer with markers that name no source ({@code [0]}, or beyond the last source) removed. */
    public String cleanAnswer(String answer) {
        Matcher matcher = MARKER.matcher(answer);
        StringBuilder cleaned = new StringBuilder();
        while (matcher.find()) {
            int n = Integer.parseInt(matcher.group(1));
            matcher.appendReplacement(cleaned, n >= 1 && n <= sources.size() ? Matcher.quoteReplacement(matcher.group()) : "");
        }
        matcher.appendTail(cleaned);
        return cleaned.toString();
    }
}
