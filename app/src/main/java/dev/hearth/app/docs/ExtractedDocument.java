package dev.hearth.app.docs;

import java.util.List;

/** A document's text in reading order; {@code pages} is the page count for paged formats (PDF), else null. */
record ExtractedDocument(Integer pages, List<Block> blocks) {
    ExtractedDocument {
        blocks = List.copyOf(blocks);
    }
}
