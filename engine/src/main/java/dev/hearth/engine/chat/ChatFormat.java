package dev.hearth.engine.chat;

import dev.hearth.engine.tokenizer.Tokenizer;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The Llama 3.1 Instruct chat format: what the official chat template renders for a plain
 * conversation (no tools), and its tokens. The template always opens with a system turn holding
 * the knowledge cutoff and today's date, followed by the first message's content if that message
 * is a system message; every other message becomes a header, its trimmed content and
 * {@code <|eot_id|>}.
 *
 * <p>Only the template's own control tokens become control tokens: message content is tokenized
 * as ordinary text, so a user who types {@code <|eot_id|>} cannot end their turn early. For
 * content without control-token text the tokens are exactly those of tokenizing the rendered
 * string with control tokens parsed, as llama.cpp does.
 *
 * <p>"Trim" removes ASCII whitespace (space, tab, line feed, vertical tab, form feed, carriage
 * return) from both ends, as llama.cpp's template engine does; Python's and JavaScript's trim
 * also remove non-ASCII spaces such as U+3000 and U+00A0.
 */
public final class ChatFormat {
    /** The template's {@code date_string} when none is given. */
    public static final String DEFAULT_DATE = "26 Jul 2024";

    private static final String BEGIN_HEADER = "<|start_header_id|>";
    private static final String END_HEADER = "<|end_header_id|>";
    private static final String END_OF_TURN = "<|eot_id|>";
    private static final String[] MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

    private final Tokenizer tokenizer;
    private final int beginOfText;
    private final int beginHeader;
    private final int endHeader;
    private final int endOfTurn;
    private final Set<Integer> stopTokens;

    public ChatFormat(Tokenizer tokenizer) {
        this.tokenizer = tokenizer;
        beginOfText = tokenizer.vocabulary().bosId();
        beginHeader = required(BEGIN_HEADER);
        endHeader = required(END_HEADER);
        endOfTurn = required(END_OF_TURN);
        var stops = new LinkedHashSet<Integer>();
        for (String text : List.of(END_OF_TURN, "<|eom_id|>", "<|end_of_text|>")) {
            tokenizer.controlToken(text).ifPresent(stops::add);
        }
        stops.add(tokenizer.vocabulary().eosId());
        stopTokens = Collections.unmodifiableSet(stops);
    }

    private int required(String text) {
        return tokenizer.controlToken(text).orElseThrow(() -> new IllegalArgumentException(
                "the vocabulary has no control token " + text + ", which the Llama 3.1 chat format needs"));
    }

    /** The prompt as text, exactly as the chat template renders it; {@code dateString} null means {@link #DEFAULT_DATE}. */
    public String render(List<ChatMessage> messages, String dateString, boolean addGenerationPrompt) {
        var text = new StringBuilder();
        for (Piece piece : pieces(messages, dateString, addGenerationPrompt)) {
            text.append(piece.text());
        }
        return text.toString();
    }

    /** The prompt's tokens, starting with BOS: template control tokens as such, everything else as ordinary text. */
    public int[] encode(List<ChatMessage> messages, String dateString, boolean addGenerationPrompt) {
        var ids = new ArrayList<int[]>();
        int count = 0;
        var text = new StringBuilder();
        for (Piece piece : pieces(messages, dateString, addGenerationPrompt)) {
            if (piece.controlId() < 0) {
                text.append(piece.text());
                continue;
            }
            // Text between two control tokens is one fragment for llama.cpp too: tokenize it in one go.
            if (!text.isEmpty()) {
                int[] part = tokenizer.encode(text.toString(), false);
                ids.add(part);
                count += part.length;
                text.setLength(0);
            }
            ids.add(new int[] {piece.controlId()});
            count++;
        }
        if (!text.isEmpty()) {
            int[] part = tokenizer.encode(text.toString(), false);
            ids.add(part);
            count += part.length;
        }
        int[] result = new int[count];
        int at = 0;
        for (int[] part : ids) {
            System.arraycopy(part, 0, result, at, part.length);
            at += part.length;
        }
        return result;
    }

    /** The tokens that end the assistant's turn: {@code <|eot_id|>}, {@code <|eom_id|>}, {@code <|end_of_text|>} and EOS. */
    public Set<Integer> stopTokens() {
        return stopTokens;
    }

    /** A date as the template's {@code strftime_now("%d %b %Y")} writes it, e.g. "05 Nov 2026". */
    public static String formatDate(LocalDate d) {
        return String.format("%02d %s %d", d.getDayOfMonth(), MONTHS[d.getMonthValue() - 1], d.getYear());
    }

    /** A stretch of the rendered prompt: a control token (controlId >= 0) or ordinary text (controlId -1). */
    private record Piece(String text, int controlId) {
    }

    private List<Piece> pieces(List<ChatMessage> messages, String dateString, boolean addGenerationPrompt) {
        String date = dateString == null ? DEFAULT_DATE : dateString;
        var pieces = new ArrayList<Piece>();
        pieces.add(control(beginOfText));
        List<ChatMessage> turns = messages;
        String system = "";
        if (!messages.isEmpty() && messages.getFirst().role() == Role.SYSTEM) {
            system = trim(messages.getFirst().content());
            turns = messages.subList(1, messages.size());
        }
        header(pieces, Role.SYSTEM.wireName());
        pieces.add(text("Cutting Knowledge Date: December 2023\nToday Date: " + date + "\n\n" + system));
        pieces.add(control(endOfTurn));
        for (ChatMessage message : turns) {
            header(pieces, message.role().wireName());
            pieces.add(text(trim(message.content())));
            pieces.add(control(endOfTurn));
        }
        if (addGenerationPrompt) {
            header(pieces, Role.ASSISTANT.wireName());
        }
        return pieces;
    }

    private void header(List<Piece> pieces, String role) {
        pieces.add(control(beginHeader));
        pieces.add(text(role));
        pieces.add(control(endHeader));
        pieces.add(text("\n\n"));
    }

    private Piece control(int id) {
        return new Piece(tokenizer.vocabulary().tokens()[id], id);
    }

    private static Piece text(String text) {
        return new Piece(text, -1);
    }

    /** Jinja's {@code trim} as llama.cpp's template engine implements it: C {@code isspace}, byte-wise. */
    static String trim(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isAsciiSpace(s.charAt(start))) {
            start++;
        }
        while (end > start && isAsciiSpace(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(start, end);
    }

    private static boolean isAsciiSpace(char c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }
}
