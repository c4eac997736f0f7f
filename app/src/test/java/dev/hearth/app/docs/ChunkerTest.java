package dev.hearth.app.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChunkerTest {

    @Test
    void chunksKeepTheirPageAndHeadingPathAndNeverMixThem() {
        ExtractedDocument document = new ExtractedDocument(2, List.of(
                new Block(1, List.of("Intro"), "First page text."),
                new Block(2, List.of("Intro"), "Second page text."),
                new Block(2, List.of("Intro", "Details"), "Details text.")));
        assertEquals(List.of(
                new Chunk(1, "Intro", "First page text."),
                new Chunk(2, "Intro", "Second page text."),
                new Chunk(2, "Intro › Details", "Details text.")), Chunker.chunk(document));
    }

    @Test
    void longSectionsAreCutBetweenSentencesWithOverlap() {
        List<String> sentences = new ArrayList<>();
        for (int i = 0; i < 120; i++) sentences.add("Sentence number " + i + " talks about the harbour and its cranes.");
        List<Chunk> chunks = Chunker.chunk(new ExtractedDocument(null, List.of(new Block(null, List.of(), String.join(" ", sentences)))));
        assertTrue(chunks.size() > 3, "a long section becomes several chunks");
        for (Chunk chunk : chunks) {
            assertTrue(chunk.text().startsWith("Sentence number "), chunk.text());
            assertTrue(chunk.text().endsWith("cranes."), chunk.text());
            assertTrue(Chunker.estimateTokens(chunk.text()) <= Chunker.TARGET_TOKENS + 20, "chunk of " + Chunker.estimateTokens(chunk.text()));
        }
        for (int i = 1; i < chunks.size(); i++) {
            List<String> previous = Sentences.split(chunks.get(i - 1).text());
            assertTrue(Sentences.split(chunks.get(i).text()).contains(previous.getLast()), "the next chunk repeats the last sentences");
        }
        String all = String.join(" ", chunks.stream().map(Chunk::text).toList());
        for (String sentence : sentences) assertTrue(all.contains(sentence), "every sentence is kept: " + sentence);
    }

    @Test
    void japaneseIsCutAfterSentenceEnds() {
        String text = "今日は晴れです。".repeat(30) + "明日は雨ですか？" + "はい、雨です！".repeat(30);
        List<Chunk> chunks = Chunker.chunk(new ExtractedDocument(null, List.of(new Block(null, List.of("天気"), text))));
        assertTrue(chunks.size() > 1);
        for (Chunk chunk : chunks) {
            char last = chunk.text().charAt(chunk.text().length() - 1);
            assertTrue(last == '。' || last == '？' || last == '！', chunk.text());
            assertEquals("天気", chunk.heading());
        }
    }

    @Test
    void sentencesSplitOnEnglishAndJapaneseEndsButNotAbbreviations() {
        assertEquals(List.of("Dr. Reid built it, e.g. the tower.", "It stands!", "「本当？」", "はい。"),
                Sentences.split("Dr. Reid built it, e.g. the tower. It stands! 「本当？」はい。"));
    }

    @Test
    void aSentenceWithoutEndsIsStillCutIntoBoundedPieces() {
        String noSpaces = "x".repeat(20_000);
        List<Chunk> chunks = Chunker.chunk(new ExtractedDocument(null, List.of(new Block(null, List.of(), noSpaces))));
        assertEquals(noSpaces.length(), chunks.stream().mapToInt(c -> c.text().length()).sum());
        for (Chunk chunk : chunks) assertTrue(Chunker.estimateTokens(chunk.text()) <= Chunker.MAX_TOKENS);
    }
}
