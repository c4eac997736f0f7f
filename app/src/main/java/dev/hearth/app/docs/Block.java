package dev.hearth.app.docs;

import java.util.List;

/**
 * One paragraph-like piece of a document as a reader found it: its text, the page it is on (1-based, or
 * null for formats without pages) and the headings it sits under, outermost first.
 */
record Block(Integer page, List<String> headings, String text) {
    Block {
        headings = List.copyOf(headings);
    }
}
