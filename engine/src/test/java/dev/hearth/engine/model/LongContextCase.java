package dev.hearth.engine.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.engine.chat.ChatMessage;
import dev.hearth.engine.chat.Role;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The llama.cpp case that fills a 32,768-token context, generated here instead of stored: one conversation of
 * caravan logbook entries made by a formula, in six user turns with a short assistant reply between them.
 * Chat {@code k} is the conversation up to and including user turn {@code k}, so each chat's prompt is a prefix of
 * the next one's (the Llama 3.1 template renders a conversation's earlier turns the same whatever follows) and one
 * pass over the last prompt reaches every chat's end: about 8.3k, 12.9k, 16.5k, 24.6k, 30.7k and 32.75k tokens.
 *
 * <p>{@link #write} writes the case file the llama.cpp kit was given (see docs/engine-conformance.md); the fixture
 * records that file's sha256, so a change here makes the test say the fixture is stale.
 */
final class LongContextCase {

    static final String DATE = "23 Nov 2026";

    /** Logbook entries in each user turn; chosen so the last prompt plus 16 greedy tokens just fits 32,768. */
    static final int[] ENTRIES = {192, 107, 83, 188, 141, 43};

    private static final String[] PLACES = {"Uyuni", "Potosí", "Oruro", "Sucre", "Cusco", "Tupiza", "Ollagüe",
            "Calama", "Arequipa", "La Paz", "Juliaca"};
    private static final String[] GOODS = {"salt", "quinoa", "wool", "copper ore", "dried maize", "coca leaves", "borax"};
    private static final String[] WEATHER = {"clear", "windy", "cold", "misty", "warm", "stormy", "dry", "snowy", "hazy"};

    private LongContextCase() {}

    /** Entry {@code i} of the logbook (all numbers and names follow from {@code i}). */
    static String entry(int i) {
        String from = PLACES[i % PLACES.length];
        String to = PLACES[(i * 3 + 5 + i / PLACES.length) % PLACES.length];
        if (to.equals(from)) {
            to = PLACES[(i + 1) % PLACES.length];
        }
        String s = String.format(Locale.ROOT,
                "Entry %d: on day %d the caravan of %d llamas carried %d kilograms of %s from %s to %s, and the drover noted that the weather was %s.",
                i, 1 + 2 * i, 10 + (i * 7) % 23, 120 + (i * 37) % 911, GOODS[(i * 5) % GOODS.length], from, to,
                WEATHER[(i * 4 + i / 9) % WEATHER.length]);
        if (i % 13 == 12) {
            s += String.format(Locale.ROOT, " (Ledger page %d closes here; %d kg moved since page %d.)", i / 13 + 1,
                    carriedUpTo(i + 1) - carriedUpTo(i - 12), i / 13);
        }
        return s;
    }

    /** Kilograms carried by entries 0 .. n-1. */
    private static long carriedUpTo(int n) {
        long sum = 0;
        for (int i = 0; i < n; i++) {
            sum += 120 + (i * 37) % 911;
        }
        return sum;
    }

    /** The conversation's messages: user turn k holds ENTRIES[k] entries, each reply acknowledges the turn before it. */
    static List<ChatMessage> conversation() {
        List<ChatMessage> messages = new ArrayList<>();
        int next = 0;
        for (int turn = 0; turn < ENTRIES.length; turn++) {
            if (turn > 0) {
                messages.add(new ChatMessage(Role.ASSISTANT, String.format(Locale.ROOT,
                        "Noted: entries %d to %d, %d kilograms in all so far.", 0, next - 1, carriedUpTo(next))));
            }
            StringBuilder user = new StringBuilder(turn == 0
                    ? "Here is the caravan logbook, in parts. Read every entry; questions come at the end.\n\n"
                    : "More of the logbook:\n\n");
            for (int i = 0; i < ENTRIES[turn]; i++, next++) {
                user.append(entry(next)).append(i % 10 == 9 ? "\n" : " ");
            }
            if (turn == ENTRIES.length - 1) {
                user.append("\nThat is the whole logbook. Which place appears most often as a destination?");
            }
            messages.add(new ChatMessage(Role.USER, user.toString().strip()));
        }
        return messages;
    }

    /** The chats, shortest first: chat k is the conversation up to user turn k. */
    static List<List<ChatMessage>> chats() {
        List<ChatMessage> all = conversation();
        List<List<ChatMessage>> chats = new ArrayList<>();
        for (int turn = 0; turn < ENTRIES.length; turn++) {
            chats.add(all.subList(0, 2 * turn + 1));
        }
        return chats;
    }

    static String id(int chat) {
        return "long_turn_" + (chat + 1);
    }

    /** Writes the case file for the llama.cpp kit's reference.mjs ({"texts": [], "chats": [...]}) and returns it. */
    static Path write(Path file) {
        List<Map<String, Object>> chats = new ArrayList<>();
        List<List<ChatMessage>> all = chats();
        for (int k = 0; k < all.size(); k++) {
            Map<String, Object> chat = new LinkedHashMap<>();
            chat.put("id", id(k));
            chat.put("date_string", DATE);
            List<Map<String, String>> messages = new ArrayList<>();
            for (ChatMessage m : all.get(k)) {
                Map<String, String> message = new LinkedHashMap<>();
                message.put("role", m.role().wireName());
                message.put("content", m.content());
                messages.add(message);
            }
            chat.put("messages", messages);
            chats.add(chat);
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("texts", List.of());
        root.put("chats", chats);
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.write(file, new ObjectMapper().writeValueAsBytes(root));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
