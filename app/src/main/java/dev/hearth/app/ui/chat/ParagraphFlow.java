package dev.hearth.app.ui.chat;

import javafx.scene.Node;
import javafx.scene.text.Text;
import javafx.scene.text.TextFlow;

import java.util.List;

/**
 * A wrapping paragraph of a message (or a heading): it changes its text in place, and answers a height query without
 * a width ({@code -1}) with the height at the width it has, instead of laying its text out on one unwrapped line.
 *
 * <p>Why: JavaFX's {@link TextFlow} lays its text out at the width of each height query and then sets the layout back
 * to its own width, so a query at another width costs two full layouts. The message list asks its paragraphs for
 * heights several times a frame (minimum and preferred heights of the enclosing boxes), with {@code -1} or with the
 * paragraph's preferred width, its unwrapped length (itself one more layout); and a new node has no width yet. So a
 * reply's paragraph rebuilt each frame was laid out several times a frame, each time longer as the paragraph grew: a
 * few hundred tokens made the window miss frames. Kept in place, the paragraph has its width, and the list fits its
 * width to the window, so that width is the right answer to all those queries. And the height found is kept until
 * the next change: JavaFX keeps a layout across queries at the same width only while no line is wider than that width
 * (a long word, or a right-to-left run inside left-to-right text, can make one), and laid such a paragraph out again
 * for every query. Table cells are not made of these: a grid sizes its columns from what cells prefer.
 */
final class ParagraphFlow extends TextFlow {

    private final String style;
    /** The last height computed, and at what width ({@code NaN}: none since the last change). */
    private double height;
    private double heightWidth = Double.NaN;

    /** A paragraph whose kind is {@code style} (a heading's style class, or another name for the kind of block). */
    ParagraphFlow(String style, Node... children) {
        super(children);
        this.style = style;
    }

    /** The kind of block this paragraph shows, as given when it was made. */
    String style() {
        return style;
    }

    /**
     * Shows {@code runs}, keeping the shown runs up to the first that differs (same text, same style classes): a
     * streamed paragraph only grows at its end, so most of its nodes stay.
     */
    void show(List<Text> runs) {
        javafx.collections.ObservableList<Node> shown = getChildren();
        int same = 0;
        while (same < shown.size() && same < runs.size() && shown.get(same) instanceof Text t && sameRun(t, runs.get(same))) same++;
        if (same == shown.size() && same == runs.size()) return;
        if (same < shown.size()) shown.remove(same, shown.size());
        shown.addAll(runs.subList(same, runs.size()));
    }

    private static boolean sameRun(Text a, Text b) {
        return a.getText().equals(b.getText()) && a.getStyleClass().equals(b.getStyleClass());
    }

    /** Once laid out, the width it has: the message list gives every paragraph its own width whatever it prefers. */
    @Override
    protected double computePrefWidth(double height) {
        return getWidth() > 0 ? getWidth() : super.computePrefWidth(height);
    }

    @Override
    protected double computePrefHeight(double width) {
        double at = width < 0 && getWidth() > 0 ? getWidth() : width;
        if (at != heightWidth) {
            height = super.computePrefHeight(at);
            heightWidth = at;
        }
        return height;
    }

    /** Anything that changes the text, its fonts or the insets asks for a layout: then the height is asked anew. */
    @Override
    public void requestLayout() {
        heightWidth = Double.NaN;
        super.requestLayout();
    }
}
