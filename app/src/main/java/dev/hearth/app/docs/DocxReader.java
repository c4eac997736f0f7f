package dev.hearth.app.docs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Word documents: the paragraphs of {@code word/document.xml}, read with StAX straight from the zip.
 * A paragraph styled {@code Title} or {@code Heading1}…{@code Heading9} (or with an outline level) sets
 * the heading path. Word files have no fixed pages, so blocks have none.
 */
final class DocxReader {
    private DocxReader() {}

    private static final String W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
    private static final Pattern HEADING_STYLE = Pattern.compile("(?:heading|見出し)\\s*(\\d)");
    /** The uncompressed document part may be large, but not unboundedly (a zip bomb must not exhaust memory). */
    private static final long MAX_XML_BYTES = 512L << 20;

    static ExtractedDocument read(Path file) throws UnreadableDocumentException {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry entry = zip.getEntry("word/document.xml");
            if (entry == null) throw new UnreadableDocumentException("it is a zip file without word/document.xml, so not a Word document");
            if (entry.getSize() > MAX_XML_BYTES) throw new UnreadableDocumentException("its text part is larger than " + (MAX_XML_BYTES >> 20) + " MB");
            try (InputStream in = zip.getInputStream(entry)) {
                return parse(in);
            }
        } catch (ZipException e) {
            throw new UnreadableDocumentException("it is not a valid .docx (zip) file (" + e.getMessage() + ")", e);
        } catch (XMLStreamException e) {
            throw new UnreadableDocumentException("its word/document.xml is not well-formed XML (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new UnreadableDocumentException("it cannot be read (" + e.getMessage() + ")", e);
        }
    }

    static ExtractedDocument parse(InputStream xml) throws XMLStreamException {
        XMLInputFactory factory = XMLInputFactory.newFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        XMLStreamReader reader = factory.createXMLStreamReader(xml);
        List<Block> blocks = new ArrayList<>();
        List<String> headings = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        int headingLevel = 0;
        boolean inText = false;
        while (reader.hasNext()) {
            int event = reader.next();
            if (event == XMLStreamConstants.START_ELEMENT && W.equals(reader.getNamespaceURI())) {
                switch (reader.getLocalName()) {
                    case "p" -> {
                        text.setLength(0);
                        headingLevel = 0;
                    }
                    case "pStyle" -> headingLevel = headingLevel(reader.getAttributeValue(W, "val"));
                    case "outlineLvl" -> {
                        String level = reader.getAttributeValue(W, "val");
                        if (level != null && level.matches("[0-8]")) headingLevel = Integer.parseInt(level) + 1;
                    }
                    case "t" -> inText = true;
                    case "tab" -> text.append('\t');
                    case "br", "cr" -> text.append('\n');
                    default -> { }
                }
            } else if (event == XMLStreamConstants.CHARACTERS && inText) {
                text.append(reader.getText());
            } else if (event == XMLStreamConstants.END_ELEMENT && W.equals(reader.getNamespaceURI())) {
                if (reader.getLocalName().equals("t")) {
                    inText = false;
                } else if (reader.getLocalName().equals("p")) {
                    String paragraph = text.toString().strip();
                    if (!paragraph.isEmpty()) {
                        if (headingLevel > 0) MarkdownReader.setHeading(headings, headingLevel, paragraph);
                        else blocks.add(new Block(null, headings, paragraph));
                    }
                }
            }
        }
        return new ExtractedDocument(null, blocks);
    }

    private static int headingLevel(String style) {
        if (style == null) return 0;
        String lower = style.toLowerCase(Locale.ROOT);
        if (lower.equals("title")) return 1;
        Matcher matcher = HEADING_STYLE.matcher(lower);
        return matcher.find() ? Integer.parseInt(matcher.group(1)) : 0;
    }
}
