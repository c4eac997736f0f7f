package dev.hearth.app.docs;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Markdown by its structure: ATX ({@code #}) and setext ({@code ===}/{@code ---} underlined) headings set
 * the heading path, blank lines separate paragraphs, fenced code stays one block with its line breaks.
 */
final class MarkdownReader {
    private MarkdownReader() {}

    private static final Pattern ATX = Pattern.compile("^ {0,3}(#{1,6})\\s+(.*?)\\s*#*\\s*$");
    private static final Pattern SETEXT = Pattern.compile("^ {0,3}(=+|-+)\\s*$");
    private static final Pattern FENCE = Pattern.compile("^ {0,3}(```|~~~)");

    static ExtractedDocument read(String text) {
        List<Block> blocks = new ArrayList<>();
        List<String> headings = new ArrayList<>();
        List<String> paragraph = new ArrayList<>();
        String[] lines = text.replace("\r\n", "\n").replace('\r', '\n').split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            Matcher atx = ATX.matcher(line);
            if (FENCE.matcher(line).find()) {
                flush(paragraph, headings, blocks);
                String fence = line.strip().substring(0, 3);
                StringBuilder code = new StringBuilder();
                for (i++; i < lines.length && !lines[i].strip().startsWith(fence); i++) code.append(lines[i]).append('\n');
                if (!code.toString().isBlank()) blocks.add(new Block(null, headings, code.toString().stripTrailing()));
            } else if (atx.matches()) {
                flush(paragraph, headings, blocks);
                setHeading(headings, atx.group(1).length(), atx.group(2));
            } else if (SETEXT.matcher(line).matches() && paragraph.size() == 1) {
                setHeading(headings, line.strip().startsWith("=") ? 1 : 2, paragraph.getFirst().strip());
                paragraph.clear();
            } else if (line.isBlank()) {
                flush(paragraph, headings, blocks);
            } else {
                paragraph.add(line);
            }
        }
        flush(paragraph, headings, blocks);
        return new ExtractedDocument(null, blocks);
    }

    /** Sets the heading at {@code level} (1-based), dropping deeper ones and filling skipped levels with nothing. */
    static void setHeading(List<String> headings, int level, String title) {
        while (headings.size() >= level) headings.removeLast();
        headings.add(title.strip());
    }

    private static void flush(List<String> paragraph, List<String> headings, List<Block> blocks) {
        if (paragraph.isEmpty()) return;
        String text = DocumentReader.joinLines(String.join("\n", paragraph));
        if (!text.isEmpty()) blocks.add(new Block(null, headings, text));
        paragraph.clear();
    }
}
