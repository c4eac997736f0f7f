package dev.hearth.app.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MessageSearchTest {
    @TempDir Path dir;
    private ConversationStore store;
    private long chat;

    @BeforeEach
    void fill() {
        store = ConversationStore.open(dir.resolve("hearth.db"));
        chat = store.createConversation(NewConversation.titled("mixed")).id();
        for (String text : List.of(
                "明日の東京の天気は晴れでしょう。",
                "京都では雨が降っています。",
                "The weather in Tokyo is lovely; weather reports agree.",
                "I checked the weather once.",
                "Use \"quotes\" and (parentheses) or a*b NEAR(x) - it must not break.",
                "Go is a language; AI is a field.")) {
            store.addUserMessage(chat, null, text);
        }
    }

    @AfterEach
    void close() {
        store.close();
    }

    private List<String> texts(String query) {
        return store.search(query, 10).stream().map(hit -> store.message(hit.messageId()).content()).toList();
    }

    @Test
    void findsJapaneseByTwoCharacterAndLongerWords() {
        assertEquals(List.of("明日の東京の天気は晴れでしょう。"), texts("東京"));
        assertEquals(List.of("明日の東京の天気は晴れでしょう。"), texts("天気"));
        assertEquals(List.of("京都では雨が降っています。"), texts("雨"));
        assertEquals(List.of("明日の東京の天気は晴れでしょう。"), texts("う"), "the last character of a run is found too");
        assertEquals(java.util.Set.of("明日の東京の天気は晴れでしょう。", "京都では雨が降っています。"), java.util.Set.copyOf(texts("京")));
        assertEquals(List.of(), texts("鯨"));
        assertEquals(List.of("明日の東京の天気は晴れでしょう。"), texts("天気 東"));
        assertEquals(List.of("明日の東京の天気は晴れでしょう。"), texts("東京の天気"));
        assertEquals(List.of("京都では雨が降っています。"), texts("京都 降って"));
        assertTrue(store.search("東京", 5).getFirst().snippet("[", "]").contains("[東京]"));
    }

    @Test
    void ranksEnglishWordMatchesByRelevanceWithMarkedSnippets() {
        List<SearchHit> hits = store.search("weather", 10);
        assertEquals(List.of("The weather in Tokyo is lovely; weather reports agree.", "I checked the weather once."),
                hits.stream().map(hit -> store.message(hit.messageId()).content()).toList());
        assertTrue(hits.getFirst().snippet("[", "]").contains("[weather]"), hits.getFirst().snippet("[", "]"));
        assertEquals(Role.USER, hits.getFirst().role());
        assertEquals(List.of("The weather in Tokyo is lovely; weather reports agree."), texts("TOKYO weather"));
        assertEquals(List.of("The weather in Tokyo is lovely; weather reports agree."), texts("weath lovel"), "word parts match through the trigram index");
        assertEquals(List.of("Go is a language; AI is a field."), texts("ai"));
        assertEquals(List.of("The weather in Tokyo is lovely; weather reports agree."), texts("lo"), "a short word matches the start of words");
        assertEquals(List.of("The weather in Tokyo is lovely; weather reports agree."), texts("weath lo"));
    }

    /** More messages hold "the" than are ranked; the hits are still the best of the newest, and older ones stay reachable with more words. */
    @Test
    void aWordInMostMessagesReturnsRankedMarkedHitsAndOlderOnesThroughOtherWords() throws Exception {
        Path corpus = dir.resolve("many.json");
        StringBuilder json = new StringBuilder("[");
        int messages = MessageSearch.CANDIDATES + 600;
        for (int conversation = 0; conversation < messages / 100; conversation++) {
            json.append(conversation == 0 ? "" : ",").append("{\"id\":\"").append(new java.util.UUID(7, conversation))
                    .append("\",\"title\":\"bulk\",\"created\":\"2025-01-01T00:00:00Z\",\"updated\":\"2025-01-01T00:00:00Z\",\"messages\":[");
            for (int i = 0; i < 100; i++) {
                int n = conversation * 100 + i;
                String text = n == 0 ? "the zebra walked along the long road past the farm and the barn"
                        : n == messages - 50 ? "the the the the"
                        : "note " + n + ": the cat sat on a mat near the door of a house with a garden";
                json.append(i == 0 ? "" : ",").append("{\"id\":\"").append(new java.util.UUID(8, n)).append("\",\"parent\":")
                        .append(i == 0 ? "null" : "\"" + new java.util.UUID(8, n - 1) + "\"")
                        .append(",\"role\":\"user\",\"content\":\"").append(text).append("\",\"created\":\"2025-01-01T00:00:00Z\"}");
            }
            json.append("]}");
        }
        java.nio.file.Files.writeString(corpus, json.append("]"));
        assertEquals(messages, store.importFile(corpus).messages());

        List<SearchHit> hits = store.search("the", 20);
        assertEquals(20, hits.size());
        assertEquals("the the the the", store.message(hits.getFirst().messageId()).content(), "the message that is most about the word ranks first");
        for (SearchHit hit : hits) {
            assertTrue(hit.snippet("[", "]").contains("[the]") || hit.snippet("[", "]").contains("[The]"), hit.snippet("[", "]"));
            assertTrue(store.message(hit.messageId()).content().toLowerCase().matches(".*\\bthe\\b.*"));
        }
        assertEquals(List.of("the zebra walked along the long road past the farm and the barn"), texts("the zebra"),
                "the oldest message is found when another word narrows the matches");
        assertTrue(store.search("the zebra", 5).getFirst().snippet("[", "]").contains("[zebra]"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"", "\"quotes", "(parentheses)", "a*b", "NEAR(x)", "-", "*", "OR AND NOT", "content:x", "'; DROP TABLE messages; --", "\\", "%", "_", "   "})
    void operatorsAndQuotesAreLiteralTextNeverSyntax(String query) {
        List<SearchHit> hits = store.search(query, 10);
        for (SearchHit hit : hits) assertTrue(store.message(hit.messageId()).content().toLowerCase().contains(query.strip().split(" ")[0].toLowerCase()));
        assertEquals(6, store.messages(chat).size());
    }

    @Test
    void specialCharactersFindTheMessageThatHasThem() {
        assertEquals(List.of("Use \"quotes\" and (parentheses) or a*b NEAR(x) - it must not break."), texts("\"quotes\" a*b"));
        assertEquals(List.of(), texts("%"), "LIKE wildcards are escaped");
    }

    @Test
    void newMessagesAndStreamedTextAreSearchableAndDeletedOnesAreNot() {
        Message question = store.addUserMessage(chat, null, "kaleidoscope");
        ReplyWriter reply = store.beginReply(chat, question.id(), "m");
        reply.append("a quasar appears");
        reply.finish(new ReplyStats(3, 1, "eos"));
        assertEquals(1, store.search("quasar", 5).size());
        assertEquals(Role.ASSISTANT, store.search("quasar", 5).getFirst().role());
        store.deleteConversation(chat);
        assertEquals(0, store.search("kaleidoscope", 5).size());
        assertEquals(0, store.search("東京", 5).size());
    }
}
