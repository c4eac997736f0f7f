package dev.hearth.app.store;

/**
 * A message that matches a search, with a short excerpt of its text whose matches are marked with {@link #MATCH_START}
 * and {@link #MATCH_END}: two private-use characters, since a message's own text has brackets of every kind.
 */
public record SearchHit(long conversationId, String conversationUuid, String conversationTitle,
                        long messageId, String messageUuid, Role role, String snippet) {

    /** Where a match starts in {@link #snippet()}. */
    public static final char MATCH_START = '\uE000';
    /** Where a match ends in {@link #snippet()}. */
    public static final char MATCH_END = '\uE001';

    /** The snippet with its matches between {@code open} and {@code close} (for text output: "[" and "]"). */
    public String snippet(String open, String close) {
        return snippet.replace(String.valueOf(MATCH_START), open).replace(String.valueOf(MATCH_END), close);
    }
}
