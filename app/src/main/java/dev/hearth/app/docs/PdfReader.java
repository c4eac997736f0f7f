package dev.hearth.app.docs;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.encryption.InvalidPasswordException;
import org.apache.pdfbox.text.PDFTextStripper;

/**
 * PDF text page by page with PDFBox, so every block knows its page. PDFs carry no reliable heading
 * structure, so their blocks have no heading path; the page is the location. A password-protected or
 * damaged file is refused with a sentence; a PDF that has only scanned images yields no text and says so.
 */
final class PdfReader {
    private PdfReader() {}

    static ExtractedDocument read(Path file) throws UnreadableDocumentException {
        try (PDDocument document = Loader.loadPDF(file.toFile())) {
            PDFTextStripper stripper = new PDFTextStripper();
            stripper.setSortByPosition(true);
            stripper.setParagraphEnd("\n\n");
            List<Block> blocks = new ArrayList<>();
            int pages = document.getNumberOfPages();
            for (int page = 1; page <= pages; page++) {
                stripper.setStartPage(page);
                stripper.setEndPage(page);
                for (String paragraph : DocumentReader.paragraphs(stripper.getText(document))) blocks.add(new Block(page, List.of(), paragraph));
            }
            if (blocks.isEmpty() && pages > 0) {
                throw new UnreadableDocumentException("the PDF has " + pages + " page" + (pages == 1 ? "" : "s") + " but no text (scanned images need OCR, which Hearth does not do)");
            }
            return new ExtractedDocument(pages, blocks);
        } catch (InvalidPasswordException e) {
            throw new UnreadableDocumentException("the PDF is encrypted with a password", e);
        } catch (IOException | RuntimeException e) {
            throw new UnreadableDocumentException("the PDF is damaged or not a PDF (" + e.getMessage() + ")", e);
        }
    }
}
