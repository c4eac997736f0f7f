package dev.hearth.app.ui.chat;

import javafx.geometry.Bounds;
import javafx.geometry.Point2D;
import javafx.scene.Cursor;
import javafx.scene.Group;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyEvent;
import javafx.scene.input.MouseButton;
import javafx.scene.input.MouseEvent;
import javafx.scene.layout.Region;
import javafx.scene.shape.Path;
import javafx.scene.shape.PathElement;
import javafx.scene.text.Text;
import javafx.scene.text.TextFlow;

import java.util.ArrayList;
import java.util.List;

/**
 * Mouse selection across the text blocks of one message, like selecting in a document: press and drag over
 * any of its {@link TextFlow}s (marked with {@link #SELECTABLE}); Ctrl+C (or Cmd+C) copies, Ctrl+A selects it
 * all, a double click selects a word. The highlight is drawn on top of the text, translucent, so code and
 * table backgrounds do not hide it.
 */
final class TextSelection {

    /** Style class of the text flows that take part in selection. */
    static final String SELECTABLE = "md-selectable";

    /** A place in the text: the {@code flow}-th selectable flow (document order), character {@code offset}. */
    record Caret(int flow, int offset) implements Comparable<Caret> {
        @Override
        public int compareTo(Caret o) {
            return flow != o.flow ? Integer.compare(flow, o.flow) : Integer.compare(offset, o.offset);
        }
    }

    private final Region owner;
    private final Group highlights = new Group();
    private List<TextFlow> flows = List.of();
    private Caret anchor;
    private Caret focus;
    /** Whether the primary button went down on this message and is still down (drag events alone do not say which). */
    private boolean selecting;

    /** {@code owner} holds the flows; it gets the highlight as an unmanaged child and the mouse and key handlers. */
    TextSelection(Region owner, List<Node> ownerChildren) {
        this.owner = owner;
        highlights.setManaged(false);
        highlights.setMouseTransparent(true);
        highlights.getStyleClass().add("md-selection");
        ownerChildren.add(highlights);
        owner.setCursor(Cursor.TEXT);
        owner.addEventHandler(MouseEvent.MOUSE_PRESSED, this::pressed);
        owner.addEventHandler(MouseEvent.MOUSE_DRAGGED, this::dragged);
        owner.addEventHandler(MouseEvent.MOUSE_RELEASED, e -> {
            if (e.getButton() == MouseButton.PRIMARY) selecting = false;
        });
        owner.addEventHandler(KeyEvent.KEY_PRESSED, this::key);
        owner.layoutBoundsProperty().addListener((o, was, now) -> paint());
    }

    /** Forgets the selection (the text under it changed). */
    void clear() {
        anchor = null;
        focus = null;
        highlights.getChildren().clear();
    }

    /** The selected text; blocks are joined with a line break. Empty when nothing is selected. */
    String selectedText() {
        if (anchor == null || focus == null || anchor.equals(focus)) return "";
        Caret from = min(anchor, focus), to = max(anchor, focus);
        StringBuilder out = new StringBuilder();
        for (int i = from.flow(); i <= to.flow() && i < flows.size(); i++) {
            String text = textOf(flows.get(i));
            int start = i == from.flow() ? Math.min(from.offset(), text.length()) : 0;
            int end = i == to.flow() ? Math.min(to.offset(), text.length()) : text.length();
            if (i > from.flow()) out.append('\n');
            out.append(text, start, Math.max(start, end));
        }
        return out.toString();
    }

    /** Selects every selectable text of the message. */
    void selectAll() {
        flows = collect(owner);
        if (flows.isEmpty()) return;
        anchor = new Caret(0, 0);
        focus = new Caret(flows.size() - 1, textOf(flows.getLast()).length());
        paint();
    }

    /** Puts the selection on the clipboard; false when nothing is selected. */
    boolean copy() {
        String text = selectedText();
        if (text.isEmpty()) return false;
        ClipboardContent content = new ClipboardContent();
        content.putString(text);
        Clipboard.getSystemClipboard().setContent(content);
        return true;
    }

    private void pressed(MouseEvent e) {
        if (e.getButton() != MouseButton.PRIMARY) return;
        flows = collect(owner);
        Caret at = caretAt(e.getSceneX(), e.getSceneY());
        owner.requestFocus();
        // The chat's scroll pane would take the focus (and with it Ctrl+C) on the same press.
        e.consume();
        selecting = at != null;
        if (at == null) {
            clear();
            return;
        }
        if (e.getClickCount() == 2) {
            selectWord(at);
        } else if (e.isShiftDown() && anchor != null) {
            focus = at;
        } else {
            anchor = at;
            focus = at;
        }
        paint();
    }

    private void dragged(MouseEvent e) {
        if (anchor == null || !selecting) return;
        Caret at = caretAt(e.getSceneX(), e.getSceneY());
        if (at != null) {
            focus = at;
            paint();
        }
    }

    private void key(KeyEvent e) {
        if (!e.isShortcutDown()) return;
        if (e.getCode() == KeyCode.C && copy()) {
            e.consume();
        } else if (e.getCode() == KeyCode.A) {
            selectAll();
            e.consume();
        }
    }

    private void selectWord(Caret at) {
        String text = textOf(flows.get(at.flow()));
        int start = Math.min(at.offset(), text.length()), end = start;
        while (start > 0 && Character.isLetterOrDigit(text.charAt(start - 1))) start--;
        while (end < text.length() && Character.isLetterOrDigit(text.charAt(end))) end++;
        anchor = new Caret(at.flow(), start);
        focus = new Caret(at.flow(), end);
    }

    /** The caret nearest to a scene point: in the flow under it, or the closest flow above or below. */
    private Caret caretAt(double sceneX, double sceneY) {
        if (flows.isEmpty()) return null;
        int best = -1;
        for (int i = 0; i < flows.size(); i++) {
            Bounds b = flows.get(i).localToScene(flows.get(i).getLayoutBounds());
            if (sceneY >= b.getMinY()) best = i;
            if (sceneY < b.getMaxY() && sceneY >= b.getMinY() && sceneX >= b.getMinX() && sceneX <= b.getMaxX()) {
                best = i;
                break;
            }
        }
        if (best < 0) return new Caret(0, 0);
        TextFlow flow = flows.get(best);
        Bounds b = flow.localToScene(flow.getLayoutBounds());
        if (sceneY >= b.getMaxY() && best < flows.size() - 1 && sceneY >= flows.get(best + 1).localToScene(0, 0).getY()) {
            return new Caret(best, textOf(flow).length());
        }
        Point2D local = flow.sceneToLocal(Math.clamp(sceneX, b.getMinX(), b.getMaxX() - 0.5), Math.clamp(sceneY, b.getMinY(), b.getMaxY() - 0.5));
        int index = flow.getHitInfo(local).getInsertionIndex();
        return new Caret(best, Math.min(index, textOf(flow).length()));
    }

    private void paint() {
        highlights.getChildren().clear();
        if (anchor == null || focus == null || anchor.equals(focus)) return;
        Caret from = min(anchor, focus), to = max(anchor, focus);
        for (int i = from.flow(); i <= to.flow() && i < flows.size(); i++) {
            TextFlow flow = flows.get(i);
            if (flow.getScene() == null) continue;
            int length = textOf(flow).length();
            int start = i == from.flow() ? Math.min(from.offset(), length) : 0;
            int end = i == to.flow() ? Math.min(to.offset(), length) : length;
            if (end <= start) continue;
            PathElement[] shape = flow.getRangeShape(start, end, true);
            Path path = new Path(shape);
            path.getStyleClass().add("md-selection-range");
            Point2D origin = owner.sceneToLocal(flow.localToScene(0, 0));
            path.setLayoutX(origin.getX());
            path.setLayoutY(origin.getY());
            highlights.getChildren().add(path);
        }
    }

    private static List<TextFlow> collect(Parent root) {
        List<TextFlow> out = new ArrayList<>();
        collect(root, out);
        return out;
    }

    private static void collect(Parent parent, List<TextFlow> out) {
        for (Node child : parent.getChildrenUnmodifiable()) {
            if (child instanceof TextFlow flow && flow.getStyleClass().contains(SELECTABLE)) {
                out.add(flow);
            } else if (child instanceof Parent p && !(child instanceof Group)) {
                collect(p, out);
            }
        }
    }

    static String textOf(TextFlow flow) {
        StringBuilder sb = new StringBuilder();
        for (Node child : flow.getChildren()) if (child instanceof Text t) sb.append(t.getText());
        return sb.toString();
    }

    private static Caret min(Caret a, Caret b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static Caret max(Caret a, Caret b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
