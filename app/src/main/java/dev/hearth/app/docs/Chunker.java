package dev.hearth.app.docs;

import dev.hearth.app.store.CjkBigrams;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Cuts a document into passages by its structure. A chunk never spans two pages or two sections (heading
 * paths), so each keeps one location; inside a section, paragraphs are packed up to about
 * {@link #TARGET_TOKENS} tokens, cut between sentences, and the next chunk repeats the last sentences (up
 * to {@link #OVERLAP_TOKENS}) so a fact that straddles the cut is whole in one of them. Only a single
 * sentence longer than {@link #MAX_TOKENS} is cut inside, at spaces where it has them.
 */
final class Chunker {
    private Chunker() {}

    /** all-MiniLM-L6-v2 reads at most 256 word pieces; chunks of about 200 tokens fit it whole. */
    static final int TARGET_TOKENS = 200;
    static final int OVERLAP_TOKENS = 40;
    static final int MAX_TOKENS = 250;
    static final String HEADING_SEPARATOR = " › ";

    static List<Chunk> chunk(ExtractedDocument document) {
        List<Chunk> chunks = new ArrayList<>();
        List<String> sentences = new ArrayList<>();
        List<Boolean> startsParagraph = new ArrayList<>();
        Integer page = null;
        List<String> headings = null;
        int tokens = 0;
        for (Block block : document.blocks()) {
            if (headings == null || !Objects.equals(page, block.page()) || !headings.equals(block.headings())) {
                emit(chunks, page, headings, sentences, startsParagraph);
                sentences.clear();
                startsParagraph.clear();
                tokens = 0;
                page = block.page();
                headings = block.headings();
            }
            boolean first = true;
            for (String sentence : pieces(block.text())) {
                int size = estimateTokens(sentence);
                if (tokens + size > TARGET_TOKENS && !sentences.isEmpty()) {
                    emit(chunks, page, headings, sentences, startsParagraph);
                    tokens = keepOverlap(sentences, startsParagraph);
                }
                sentences.add(sentence);
                startsParagraph.add(first);
                tokens += size;
                first = false;
            }
        }
        emit(chunks, page, headings, sentences, startsParagraph);
        return chunks;
    }

    /** The block's sentences, a sentence longer than {@link #MAX_TOKENS} cut into pieces. */
    private static List<String> pieces(String text) {
        List<String> pieces = new ArrayList<>();
        for (String sentence : Sentences.split(text)) {
            if (estimateTokens(sentence) <= MAX_TOKENS) {
                pieces.add(sentence);
                continue;
            }
            StringBuilder piece = new StringBuilder();
            int pieceTokens = 0;
            int i = 0;
            while (i < sentence.length()) {
                int next = sentence.offsetByCodePoints(i, 1);
                String unit = sentence.substring(i, next);
                if (pieceTokens >= MAX_TOKENS
                        || pieceTokens >= TARGET_TOKENS && (Character.isWhitespace(unit.charAt(0)) || CjkBigrams.isCjk(unit.codePointAt(0)))) {
                    pieces.add(piece.toString().strip());
                    piece.setLength(0);
                    pieceTokens = 0;
                }
                piece.append(unit);
                pieceTokens = estimateTokens(piece);
                i = next;
            }
            if (!piece.toString().isBlank()) pieces.add(piece.toString().strip());
        }
        return pieces;
    }

    /** Drops all but the last sentences (up to the overlap size) and returns their tokens. */
    private static int keepOverlap(List<String> sentences, List<Boolean> startsParagraph) {
        int keep = 0;
        int kept = 0;
        for (int i = sentences.size() - 1; i > 0; i--) {
            int size = estimateTokens(sentences.get(i));
            if (kept + size > OVERLAP_TOKENS) break;
            kept += size;
            keep++;
        }
        int drop = sentences.size() - keep;
        sentences.subList(0, drop).clear();
        startsParagraph.subList(0, drop).clear();
        if (!startsParagraph.isEmpty()) startsParagraph.set(0, true);
        return kept;
    }

    private static void emit(List<Chunk> chunks, Integer page, List<String> headings, List<String> sentences, List<Boolean> startsParagraph) {
        if (sentences.isEmpty()) return;
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < sentences.size(); i++) {
            String sentence = sentences.get(i);
            if (i > 0) {
                if (startsParagraph.get(i)) text.append("\n\n");
                else if (!(CjkBigrams.isCjk(text.codePointBefore(text.length())) && CjkBigrams.isCjk(sentence.codePointAt(0)))) text.append(' ');
            }
            text.append(sentence);
        }
        String heading = headings == null || headings.isEmpty() ? null : String.join(HEADING_SEPARATOR, headings);
        chunks.add(new Chunk(page, heading, text.toString()));
    }

    /**
     * About as many tokens as Llama's tokenizer would make: a Japanese or Chinese character is about one
     * token, other text about four characters per token.
     */
    static int estimateTokens(CharSequence text) {
        int cjk = 0;
        int other = 0;
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (Character.isSurrogate(ch)) {
                other++;
            } else if (CjkBigrams.isCjk(ch)) {
                cjk++;
            } else {
                other++;
            }
        }
        return cjk + (other + 3) / 4;
    }
}
