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
import org.commonmark.node.StrongEmphasis;
import org.commonmark.node.ThematicBreak;
import org.commonmark.parser.Parser;
import org.kordamp.ikonli.feather.Feather;
import org.kordamp.ikonli.javafx.FontIcon;

import java.util.List;

/**
 * Renders Markdown as JavaFX nodes: headings, paragraphs with bold, italic, inline code and links, bullet
 * and numbered lists, quotes, tables, and fenced code in a selectable block with a copy button.
 */
public final class MarkdownView extends VBox {

    private static final Parser PARSER = Parser.builder().extensions(List.of(TablesExtension.create())).build();
    private final I18n i18n;
    private String shown;

    public MarkdownView(I18n i18n) {
        this.i18n = i18n;
        getStyleClass().add("markdown");
        setSpacing(8);
    }

    /** Shows {@code markdown}, rebuilding the nodes only when the text changed. */
    public void setMarkdown(String markdown) {
        if (markdown.equals(shown)) return;
        shown = markdown;
        getChildren().setAll(blocks(PARSER.parse(markdown)));
    }

    private List<Node> blocks(org.commonmark.node.Node parent) {
        List<Node> out = new java.util.ArrayList<>();
        for (var n = parent.getFirstChild(); n != null; n = n.getNext()) {
            Node block = block(n);
            if (block != null) out.add(block);
        }
        return out;
    }

    private Node block(org.commonmark.node.Node n) {
        return switch (n) {
            case Heading h -> {
                TextFlow flow = inline(h, "md-h" + h.getLevel());
                flow.getStyleClass().add("md-heading");
                yield flow;
            }
            case Paragraph p -> inline(p, null);
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
                TextFlow flow = new TextFlow(new Text(textOf(n)));
                flow.getStyleClass().add("md-paragraph");
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
                    TextFlow flow = inline(cell, cell instanceof TableCell tc && tc.isHeader() ? "md-th" : "md-td");
                    flow.getStyleClass().add("md-cell");
                    grid.add(flow, col++, row);
                }
                row++;
            }
        }
        return grid;
    }

    private Node codeBlock(String code, String language) {
        String text = code.endsWith("\n") ? code.substring(0, code.length() - 1) : code;
        TextArea area = new TextArea(text);
        area.setEditable(false);
        area.setWrapText(false);
        area.getStyleClass().add("md-code");
        area.setPrefRowCount((int) Math.max(1, text.lines().count()));
        area.setMinHeight(Region.USE_PREF_SIZE);
        Label lang = new Label(language == null ? "" : language.strip());
        lang.getStyleClass().add("md-code-language");
        Button copy = new Button();
        copy.setGraphic(new FontIcon(Feather.COPY));
        copy.textProperty().bind(i18n.text("chat.copyCode"));
        copy.getStyleClass().addAll("flat", "small", "md-copy");
        copy.setOnAction(e -> {
            ClipboardContent content = new ClipboardContent();
            content.putString(text);
            Clipboard.getSystemClipboard().setContent(content);
        });
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox header = new HBox(6, lang, spacer, copy);
        header.setAlignment(Pos.CENTER_LEFT);
        header.getStyleClass().add("md-code-header");
        VBox box = new VBox(header, area);
        box.getStyleClass().add("md-code-block");
        return box;
    }

    private TextFlow inline(org.commonmark.node.Node parent, String styleClass) {
        TextFlow flow = new TextFlow();
        flow.getStyleClass().add("md-paragraph");
        if (styleClass != null) flow.getStyleClass().add(styleClass);
        addInline(flow, parent, "");
        return flow;
    }

    private void addInline(TextFlow flow, org.commonmark.node.Node parent, String style) {
        for (var n = parent.getFirstChild(); n != null; n = n.getNext()) {
            switch (n) {
                case org.commonmark.node.Text t -> flow.getChildren().add(text(t.getLiteral(), style));
                case Code c -> flow.getChildren().add(text(c.getLiteral(), style + " md-inline-code"));
                case Emphasis e -> addInline(flow, e, style + " md-em");
                case StrongEmphasis s -> addInline(flow, s, style + " md-strong");
                case Link l -> addInline(flow, l, style + " md-link");
                case SoftLineBreak ignored -> flow.getChildren().add(text(" ", style));
                case HardLineBreak ignored -> flow.getChildren().add(text("\n", style));
                default -> addInline(flow, n, style);
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
