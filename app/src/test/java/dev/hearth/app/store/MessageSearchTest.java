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
        assertEquals(List.of("明日の東京の天気は晴れでしょう。"), texts("東京の天気"));
        assertEquals(List.of("京都では雨が降っています。"), texts("京都 降って"));
        assertTrue(store.search("東京", 5).getFirst().snippet().contains("[東京]"));
    }

    @Test
    void ranksEnglishWordMatchesByRelevanceWithMarkedSnippets() {
        List<SearchHit> hits = store.search("weather", 10);
        assertEquals(List.of("The weather in Tokyo is lovely; weather reports agree.", "I checked the weather once."),
                hits.stream().map(hit -> store.message(hit.messageId()).content()).toList());
        assertTrue(hits.getFirst().snippet().contains("[weather]"), hits.getFirst().snippet());
        assertEquals(Role.USER, hits.getFirst().role());
        assertEquals(List.of("The weather in Tokyo is lovely; weather reports agree."), texts("TOKYO weather"));
        assertEquals(List.of("The weather in Tokyo is lovely; weather reports agree."), texts("weath lovel"), "word parts match through the trigram index");
        assertEquals(List.of("Go is a language; AI is a field."), texts("ai"));
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
