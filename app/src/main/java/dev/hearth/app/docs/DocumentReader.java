package dev.hearth.app.docs;

import dev.hearth.app.store.CjkBigrams;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Chooses the reader for a file by its extension and turns the file into blocks of text. */
final class DocumentReader {
    private DocumentReader() {}

    static final Set<String> EXTENSIONS = Set.of("txt", "md", "markdown", "html", "htm", "pdf", "docx");
    /** Larger files are refused rather than read into memory: no document library needs a 256 MB text file. */
    static final long MAX_BYTES = 256L << 20;

    static boolean supports(Path file) {
        return EXTENSIONS.contains(extension(file));
    }

    static String extension(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    static ExtractedDocument read(Path file) throws UnreadableDocumentException {
        try {
            long size = Files.size(file);
            if (size > MAX_BYTES) {
                throw new UnreadableDocumentException("it is " + (size >> 20) + " MB, more than the " + (MAX_BYTES >> 20) + " MB a document may have");
            }
            return switch (extension(file)) {
                case "txt" -> plainText(TextDecoding.decode(Files.readAllBytes(file)).text());
                case "md", "markdown" -> MarkdownReader.read(TextDecoding.decode(Files.readAllBytes(file)).text());
                case "html", "htm" -> HtmlReader.read(Files.readAllBytes(file), file);
                case "pdf" -> PdfReader.read(file);
                case "docx" -> DocxReader.read(file);
                default -> throw new UnreadableDocumentException("files ending in ." + extension(file) + " are not supported (only "
                        + String.join(", ", EXTENSIONS.stream().sorted().toList()) + ")");
            };
        } catch (NoSuchFileException e) {
            throw new UnreadableDocumentException("the file does not exist any more", e);
        } catch (AccessDeniedException e) {
            throw new UnreadableDocumentException("permission denied", e);
        } catch (IOException e) {
            throw new UnreadableDocumentException("it cannot be read (" + e.getMessage() + ")", e);
        }
    }

    /** Paragraphs are separated by blank lines; single line breaks inside a paragraph are kept as spaces. */
    static ExtractedDocument plainText(String text) {
        List<Block> blocks = new ArrayList<>();
        for (String paragraph : paragraphs(text)) blocks.add(new Block(null, List.of(), paragraph));
        return new ExtractedDocument(null, blocks);
    }

    static List<String> paragraphs(String text) {
        List<String> paragraphs = new ArrayList<>();
        for (String part : text.replace("\r\n", "\n").replace('\r', '\n').split("\n\\s*\n")) {
            String joined = joinLines(part);
            if (!joined.isEmpty()) paragraphs.add(joined);
        }
        return paragraphs;
    }

    /** Joins the lines of one paragraph: with a space in scripts that use spaces, directly between Japanese/Chinese characters. */
    static String joinLines(String part) {
        StringBuilder joined = new StringBuilder();
        for (String line : part.split("\n")) {
            String stripped = line.strip();
            if (stripped.isEmpty()) continue;
            if (!joined.isEmpty() && !(CjkBigrams.isCjk(joined.codePointBefore(joined.length())) && CjkBigrams.isCjk(stripped.codePointAt(0)))) joined.append(' ');
            joined.append(stripped);
        }
        return joined.toString();
    }
}
