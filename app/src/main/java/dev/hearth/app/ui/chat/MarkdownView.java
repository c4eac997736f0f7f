package dev.hearth.app.ui.chat;

import dev.hearth.app.ui.I18n;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TextArea;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.scene.text.Text;
import javafx.scene.text.TextFlow;
import org.commonmark.ext.gfm.tables.TableBlock;
import org.commonmark.ext.gfm.tables.TableCell;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.node.BlockQuote;
import org.commonmark.node.BulletList;
import org.commonmark.node.Code;
import org.commonmark.node.Emphasis;
import org.commonmark.node.FencedCodeBlock;
import org.commonmark.node.HardLineBreak;
import org.commonmark.node.Heading;
import org.commonmark.node.IndentedCodeBlock;
import org.commonmark.node.Link;
import org.commonmark.node.ListItem;
import org.commonmark.node.OrderedList;
import org.commonmark.node.Paragraph;
import org.commonmark.node.SoftLineBreak;
import org.commonmark.node.SourceSpan;
import org.commonmark.node.StrongEmphasis;
import org.commonmark.node.ThematicBreak;
import org.commonmark.parser.IncludeSourceSpans;
import org.commonmark.parser.Parser;
import org.kordamp.ikonli.feather.Feather;
import org.kordamp.ikonli.javafx.FontIcon;

import java.util.ArrayList;
import java.util.List;

/**
 * Renders Markdown as JavaFX nodes: headings, paragraphs with bold, italic, inline code and links, bullet
 * and numbered lists, quotes, tables, and fenced code in a selectable block with a copy button. All text can be
 * selected with the mouse and copied ({@link TextSelection}).
 *
 * <p>Streaming-friendly: each top-level block remembers the source it was built from, and an update rebuilds
 * only the blocks from the first one whose source changed. While a reply streams that is the last, still open
 * block (a growing code block is extended in place), so an update costs the same however long the message is.
 */
public final class MarkdownView extends VBox {

    private static final Parser PARSER = Parser.builder().extensions(List.of(TablesExtension.create()))
            .includeSourceSpans(IncludeSourceSpans.BLOCKS).build();
    private final I18n i18n;
    private final TextSelection selection;
    /** The source text of each block shown, in the order of the children before the selection highlight. */
    private final List<String> sources = new ArrayList<>();
    private String shown;

    public MarkdownView(I18n i18n) {
        this.i18n = i18n;
        getStyleClass().add("markdown");
        setSpacing(8);
        selection = new TextSelection(this, getChildren());
    }

    /** Shows {@code markdown}, rebuilding only the blocks whose source changed. */
    public void setMarkdown(String markdown) {
        if (markdown.equals(shown)) return;
        shown = markdown;
        List<org.commonmark.node.Node> blocks = new ArrayList<>();
        List<String> next = new ArrayList<>();
        for (var n = PARSER.parse(markdown).getFirstChild(); n != null; n = n.getNext()) {
            blocks.add(n);
            next.add(source(markdown, n));
        }
        int same = 0;
        while (same < sources.size() && same < next.size() && sources.get(same).equals(next.get(same))) same++;
        if (same == sources.size() && same == next.size()) return;
        selection.clear();
        if (same == sources.size() - 1 && same == next.size() - 1 && blocks.get(same) instanceof FencedCodeBlock code
                && getChildren().get(same) instanceof CodeBlock shownCode && shownCode.language.equals(language(code.getInfo()))) {
            shownCode.setCode(code.getLiteral());
            sources.set(same, next.get(same));
            return;
        }
        if (same == sources.size() - 1 && same == next.size() - 1 && getChildren().get(same) instanceof ParagraphFlow flow
                && inlineStyle(blocks.get(same)) instanceof String style && flow.style().equals(style)) {
            // The paragraph a reply is streaming into: keep the node (and its laid-out width), change only its end.
            flow.show(runs(blocks.get(same)));
            sources.set(same, next.get(same));
            return;
        }
        getChildren().remove(same, sources.size());
        sources.subList(same, sources.size()).clear();
        List<Node> added = new ArrayList<>();
        for (int i = same; i < blocks.size(); i++) {
            added.add(block(blocks.get(i)));
            sources.add(next.get(i));
        }
        getChildren().addAll(same, added);
    }

    /** Shows {@code text} as it is (a user's message), selectable like Markdown. */
    public void setPlainText(String text) {
        if (text.equals(shown)) return;
        shown = text;
        selection.clear();
        getChildren().remove(0, sources.size());
        sources.clear();
        TextFlow flow = new ParagraphFlow("md-plain", text(text, "md-plain"));
        flow.getStyleClass().addAll("md-paragraph", TextSelection.SELECTABLE);
        getChildren().addFirst(flow);
        sources.add(text);
    }

    /** The selected text, empty when none. */
    public String selectedText() {
        return selection.selectedText();
    }

    /** Selects all the text of the message. */
    public void selectAll() {
        selection.selectAll();
    }

    private static String source(String markdown, org.commonmark.node.Node n) {
        List<SourceSpan> spans = n.getSourceSpans();
        if (spans.isEmpty()) return n.getClass().getSimpleName();
        SourceSpan first = spans.getFirst(), last = spans.getLast();
        return markdown.substring(first.getInputIndex(), Math.min(markdown.length(), last.getInputIndex() + last.getLength()));
    }

    private List<Node> blocks(org.commonmark.node.Node parent) {
        List<Node> out = new ArrayList<>();
        for (var n = parent.getFirstChild(); n != null; n = n.getNext()) out.add(block(n));
        return out;
    }

    private Node block(org.commonmark.node.Node n) {
        return switch (n) {
            case Heading h -> {
                TextFlow flow = inline(h);
                flow.getStyleClass().add("md-heading");
                yield flow;
            }
            case Paragraph p -> inline(p);
            case FencedCodeBlock code -> codeBlock(code.getLiteral(), code.getInfo());
            case IndentedCodeBlock code -> codeBlock(code.getLiteral(), "");
            case BulletList list -> list(list, false, 1);
            case OrderedList list -> list(list, true, list.getMarkerStartNumber() == null ? 1 : list.getMarkerStartNumber());
            case BlockQuote quote -> {
                VBox box = new VBox(6);
                box.getChildren().setAll(blocks(quote));
                box.getStyleClass().add("md-quote");
                yield box;
            }
            case ThematicBreak ignored -> {
                Region rule = new Region();
                rule.getStyleClass().add("md-rule");
                yield rule;
            }
            case TableBlock table -> table(table);
            default -> {
                TextFlow flow = new ParagraphFlow("md-block", text(textOf(n), ""));
                flow.getStyleClass().addAll("md-paragraph", TextSelection.SELECTABLE);
                yield flow;
            }
        };
    }

    private VBox list(org.commonmark.node.Node list, boolean ordered, int start) {
        VBox box = new VBox(4);
        box.getStyleClass().add("md-list");
        int number = start;
        for (var item = list.getFirstChild(); item != null; item = item.getNext()) {
            if (!(item instanceof ListItem)) continue;
            Label marker = new Label(ordered ? number++ + "." : "•");
            marker.getStyleClass().add("md-marker");
            marker.setMinWidth(Region.USE_PREF_SIZE);
            VBox content = new VBox(4);
            content.getChildren().setAll(blocks(item));
            HBox.setHgrow(content, Priority.ALWAYS);
            HBox row = new HBox(6, marker, content);
            box.getChildren().add(row);
        }
        return box;
    }

    private Node table(TableBlock table) {
        GridPane grid = new GridPane();
        grid.getStyleClass().add("md-table");
        int row = 0;
        for (var section = table.getFirstChild(); section != null; section = section.getNext()) {
            for (var tr = section.getFirstChild(); tr != null; tr = tr.getNext()) {
                int col = 0;
                for (var cell = tr.getFirstChild(); cell != null; cell = cell.getNext()) {
                    TextFlow flow = new TextFlow();
                    flow.getStyleClass().addAll("md-paragraph", TextSelection.SELECTABLE, cell instanceof TableCell tc && tc.isHeader() ? "md-th" : "md-td");
                    flow.getChildren().setAll(runs(cell));
                    flow.getStyleClass().add("md-cell");
                    grid.add(flow, col++, row);
                }
                row++;
            }
        }
        return grid;
    }

    private static String language(String info) {
        return info == null ? "" : info.strip();
    }

    private Node codeBlock(String code, String info) {
        CodeBlock block = new CodeBlock(language(info));
        block.setCode(code);
        return block;
    }

    /** A code block: language, a copy button, and the code in a read-only text area (selectable on its own). */
    private final class CodeBlock extends VBox {
        final String language;
        private final TextArea area = new TextArea();
        private String code = "";

        CodeBlock(String language) {
            this.language = language;
            area.setEditable(false);
            area.setWrapText(false);
            area.getStyleClass().add("md-code");
            area.setMinHeight(Region.USE_PREF_SIZE);
            Label lang = new Label(language);
            lang.getStyleClass().add("md-code-language");
            Button copy = new Button();
            copy.setGraphic(new FontIcon(Feather.COPY));
            copy.textProperty().bind(i18n.text("chat.copyCode"));
            copy.getStyleClass().addAll("flat", "small", "md-copy");
            copy.setOnAction(e -> {
                ClipboardContent content = new ClipboardContent();
                content.putString(code);
                Clipboard.getSystemClipboard().setContent(content);
            });
            Region spacer = new Region();
            HBox.setHgrow(spacer, Priority.ALWAYS);
            HBox header = new HBox(6, lang, spacer, copy);
            header.setAlignment(Pos.CENTER_LEFT);
            header.getStyleClass().add("md-code-header");
            getChildren().addAll(header, area);
            getStyleClass().add("md-code-block");
            setCursor(javafx.scene.Cursor.DEFAULT);
        }

        void setCode(String literal) {
            code = literal.endsWith("\n") ? literal.substring(0, literal.length() - 1) : literal;
            // One spare row: the area's own padding would otherwise cost the last line and show a scroll bar.
            int rows = (int) Math.max(1, code.lines().count()) + 1;
            if (area.getText().length() < code.length() && code.startsWith(area.getText())) {
                area.appendText(code.substring(area.getText().length()));
            } else {
                area.setText(code);
            }
            if (area.getPrefRowCount() != rows) area.setPrefRowCount(rows);
        }
    }

    /** The style class of a top-level paragraph ({@code ""}) or heading, or null for any other block. */
    private static String inlineStyle(org.commonmark.node.Node block) {
        return switch (block) {
            case Paragraph ignored -> "";
            case Heading h -> "md-h" + h.getLevel();
            default -> null;
        };
    }

    /** A paragraph or heading. */
    private TextFlow inline(org.commonmark.node.Node parent) {
        String styleClass = inlineStyle(parent);
        ParagraphFlow flow = new ParagraphFlow(styleClass);
        flow.getStyleClass().addAll("md-paragraph", TextSelection.SELECTABLE);
        if (!styleClass.isEmpty()) flow.getStyleClass().add(styleClass);
        flow.show(runs(parent));
        return flow;
    }

    /** The text runs of a block's inline content, one {@link Text} per run of one style. */
    private static List<Text> runs(org.commonmark.node.Node parent) {
        List<Text> runs = new ArrayList<>();
        addInline(runs, parent, "");
        return runs;
    }

    private static void addInline(List<Text> runs, org.commonmark.node.Node parent, String style) {
        for (var n = parent.getFirstChild(); n != null; n = n.getNext()) {
            switch (n) {
                case org.commonmark.node.Text t -> runs.add(text(t.getLiteral(), style));
                case Code c -> runs.add(text(c.getLiteral(), style + " md-inline-code"));
                case Emphasis e -> addInline(runs, e, style + " md-em");
                case StrongEmphasis s -> addInline(runs, s, style + " md-strong");
                case Link l -> addInline(runs, l, style + " md-link");
                case SoftLineBreak ignored -> runs.add(text(" ", style));
                case HardLineBreak ignored -> runs.add(text("\n", style));
                default -> addInline(runs, n, style);
            }
        }
    }

    private static Text text(String literal, String style) {
        Text text = new Text(literal);
        text.getStyleClass().add("md-text");
        for (String s : style.strip().split(" ")) if (!s.isEmpty()) text.getStyleClass().add(s);
        return text;
    }

    private static String textOf(org.commonmark.node.Node n) {
        StringBuilder sb = new StringBuilder();
        n.accept(new org.commonmark.node.AbstractVisitor() {
            @Override
            public void visit(org.commonmark.node.Text text) {
                sb.append(text.getLiteral());
            }
        });
        return sb.toString();
    }
}
