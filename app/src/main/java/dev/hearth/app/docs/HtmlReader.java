package dev.hearth.app.docs;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/**
 * HTML through jsoup (which honours the document's declared charset and otherwise detects it): {@code h1}…
 * {@code h6} set the heading path, and each outermost block element (paragraph, list item, table cell, …)
 * is a block. Scripts, styles and navigation are left out.
 */
final class HtmlReader {
    private HtmlReader() {}

    private static final Set<String> HEADINGS = Set.of("h1", "h2", "h3", "h4", "h5", "h6");
    private static final Set<String> BLOCKS = Set.of("p", "li", "pre", "blockquote", "td", "th", "dd", "dt", "figcaption", "caption");
    private static final Set<String> SKIPPED = Set.of("script", "style", "nav", "noscript", "template", "head");

    static ExtractedDocument read(byte[] bytes, Path file) throws IOException {
        Document document = Jsoup.parse(new ByteArrayInputStream(bytes), null, file.toUri().toString());
        List<Block> blocks = new ArrayList<>();
        List<String> headings = new ArrayList<>();
        walk(document.body(), headings, blocks);
        return new ExtractedDocument(null, blocks);
    }

    private static void walk(Element element, List<String> headings, List<Block> blocks) {
        StringBuilder loose = new StringBuilder();
        for (var node : element.childNodes()) {
            if (node instanceof Element child) {
                String tag = child.normalName();
                if (SKIPPED.contains(tag)) continue;
                if (HEADINGS.contains(tag) || BLOCKS.contains(tag) || hasBlockInside(child)) {
                    addLoose(loose, headings, blocks);
                }
                if (HEADINGS.contains(tag)) {
                    String title = child.text().strip();
                    if (!title.isEmpty()) MarkdownReader.setHeading(headings, tag.charAt(1) - '0', title);
                } else if (BLOCKS.contains(tag)) {
                    String text = tag.equals("pre") ? child.wholeText().strip() : child.text().strip();
                    if (!text.isEmpty()) blocks.add(new Block(null, headings, text));
                } else if (hasBlockInside(child)) {
                    walk(child, headings, blocks);
                } else {
                    loose.append(child.text()).append(' ');
                }
            } else if (node instanceof org.jsoup.nodes.TextNode text) {
                loose.append(text.text());
            }
        }
        addLoose(loose, headings, blocks);
    }

    private static boolean hasBlockInside(Element element) {
        for (Element inner : element.getAllElements()) {
            if (inner != element && (HEADINGS.contains(inner.normalName()) || BLOCKS.contains(inner.normalName()) || inner.normalName().equals("div"))) return true;
        }
        return false;
    }

    /** Text directly inside a container (e.g. a div without paragraphs) is a block of its own. */
    private static void addLoose(StringBuilder loose, List<String> headings, List<Block> blocks) {
        String text = loose.toString().replaceAll("\\s+", " ").strip();
        if (!text.isEmpty()) blocks.add(new Block(null, headings, text));
        loose.setLength(0);
    }
}
