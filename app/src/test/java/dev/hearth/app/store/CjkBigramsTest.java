package dev.hearth.app.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class CjkBigramsTest {
    @Test
    void splitsEachJapaneseRunIntoOverlappingPairsEndingWithItsLastCharacter() {
        assertEquals("東京 京の の天 天気 気", CjkBigrams.terms("東京の天気"));
        assertEquals("雨", CjkBigrams.terms("雨"));
    }

    @Test
    void punctuationAndOtherScriptsSeparateRunsAndAreLeftOut() {
        assertEquals("東京 京 大阪 阪", CjkBigrams.terms("Tokyo 東京、and 大阪。"));
        assertEquals("ウェ ェブ ブ 𠮷野 野 家", CjkBigrams.terms("ウェブ 𠮷野(家)"));
        assertEquals("", CjkBigrams.terms("no Japanese here."));
    }
}
