package dev.hearth.app.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DocumentReaderTest {
    @TempDir Path dir;

    private static final String JAPANESE = "東京の天気は晴れです。明日は雨が降るでしょう。";

    @Test
    void pdfTextKeepsItsPageNumbers() throws Exception {
        Path pdf = TestDocuments.pdf(dir.resolve("report.pdf"), List.of(
                List.of("The harbour was dredged in 1921."),
                List.of("Cargo volumes doubled after the new crane arrived."),
                List.of("The last ferry sailed in 1987.")), null);
        ExtractedDocument document = DocumentReader.read(pdf);
        assertEquals(3, document.pages());
        assertEquals(List.of(1, 2, 3), document.blocks().stream().map(Block::page).toList());
        assertEquals("Cargo volumes doubled after the new crane arrived.", document.blocks().get(1).text());
    }

    @Test
    void encryptedPdfIsRefusedWithAReason() throws Exception {
        Path pdf = TestDocuments.pdf(dir.resolve("secret.pdf"), List.of(List.of("Salary table")), "user-secret");
        UnreadableDocumentException e = assertThrows(UnreadableDocumentException.class, () -> DocumentReader.read(pdf));
        assertEquals("the PDF is encrypted with a password", e.getMessage());
    }

    @Test
    void brokenPdfIsRefusedWithAReason() throws Exception {
        Path good = TestDocuments.pdf(dir.resolve("good.pdf"), List.of(List.of("Some text")), null);
        byte[] bytes = Files.readAllBytes(good);
        Path broken = Files.write(dir.resolve("broken.pdf"), java.util.Arrays.copyOf(bytes, 40));
        UnreadableDocumentException e = assertThrows(UnreadableDocumentException.class, () -> DocumentReader.read(broken));
        assertTrue(e.getMessage().startsWith("the PDF is damaged or not a PDF"), e.getMessage());
    }

    @Test
    void docxParagraphsCarryTheirHeadingPath() throws Exception {
        Path docx = TestDocuments.docx(dir.resolve("manual.docx"), List.of(
                new String[] {"Title", "Pump Manual"},
                new String[] {null, "Read this first."},
                new String[] {"Heading2", "Priming"},
                new String[] {null, "Fill the housing with water before starting."},
                new String[] {"Heading1", "保守"},
                new String[] {null, "年に一度フィルターを交換してください。"}));
        ExtractedDocument document = DocumentReader.read(docx);
        assertEquals(List.of(
                new Block(null, List.of("Pump Manual"), "Read this first."),
                new Block(null, List.of("Pump Manual", "Priming"), "Fill the housing with water before starting."),
                new Block(null, List.of("保守"), "年に一度フィルターを交換してください。")), document.blocks());
    }

    @Test
    void zipWithoutWordDocumentIsRefused() throws Exception {
        Path notWord = dir.resolve("photos.docx");
        try (var zip = new java.util.zip.ZipOutputStream(Files.newOutputStream(notWord))) {
            zip.putNextEntry(new java.util.zip.ZipEntry("image.png"));
            zip.write(new byte[] {1, 2, 3});
        }
        UnreadableDocumentException e = assertThrows(UnreadableDocumentException.class, () -> DocumentReader.read(notWord));
        assertTrue(e.getMessage().contains("without word/document.xml"), e.getMessage());
    }

    @Test
    void htmlHeadingsAndParagraphsWithoutScriptsOrNavigation() throws Exception {
        Path html = Files.writeString(dir.resolve("page.html"), """
                <html><head><title>T</title><script>var x = "hidden";</script></head><body>
                <nav>Home | About</nav>
                <h1>Garden</h1><p>Water roses <b>early</b> in the morning.</p>
                <h2>Pests</h2><ul><li>Aphids dislike garlic.</li></ul>
                </body></html>""");
        ExtractedDocument document = DocumentReader.read(html);
        assertEquals(List.of(
                new Block(null, List.of("Garden"), "Water roses early in the morning."),
                new Block(null, List.of("Garden", "Pests"), "Aphids dislike garlic.")), document.blocks());
    }

    @Test
    void markdownHeadingsNestAndResetByLevel() throws Exception {
        Path md = Files.writeString(dir.resolve("notes.md"), """
                # Travel
                Intro line
                continues here.

                ## Trains
                Book early.

                ```
                code stays whole
                ```
                # Food
                Try the noodles.
                """);
        List<Block> blocks = DocumentReader.read(md).blocks();
        assertEquals(new Block(null, List.of("Travel"), "Intro line continues here."), blocks.get(0));
        assertEquals(new Block(null, List.of("Travel", "Trains"), "Book early."), blocks.get(1));
        assertEquals(new Block(null, List.of("Travel", "Trains"), "code stays whole"), blocks.get(2));
        assertEquals(new Block(null, List.of("Food"), "Try the noodles."), blocks.get(3));
    }

    @Test
    void shiftJisTextIsDetected() throws Exception {
        assertDecodes(TextDecoding.SHIFT_JIS, JAPANESE);
    }

    @Test
    void eucJpTextIsDetected() throws Exception {
        assertDecodes(TextDecoding.EUC_JP, JAPANESE);
    }

    @Test
    void windows1252TextIsDetected() throws Exception {
        assertDecodes(TextDecoding.WINDOWS_1252, "Café au lait costs 3€ — naïve façade.");
    }

    @Test
    void utf8AndByteOrderMarksAreHonoured() throws Exception {
        assertDecodes(StandardCharsets.UTF_8, JAPANESE + " café");
        byte[] utf16 = ("\uFEFF" + JAPANESE).getBytes(StandardCharsets.UTF_16LE);
        assertEquals(JAPANESE, DocumentReader.read(Files.write(dir.resolve("utf16.txt"), utf16)).blocks().getFirst().text());
    }

    private void assertDecodes(Charset charset, String text) throws Exception {
        Path file = Files.write(dir.resolve(charset.name() + ".txt"), text.getBytes(charset));
        assertEquals(charset, TextDecoding.decode(Files.readAllBytes(file)).charset());
        assertEquals(text, DocumentReader.read(file).blocks().getFirst().text());
    }

    @Test
    void unsupportedAndMissingFilesAreRefusedWithAReason() {
        UnreadableDocumentException missing = assertThrows(UnreadableDocumentException.class, () -> DocumentReader.read(dir.resolve("gone.txt")));
        assertEquals("the file does not exist any more", missing.getMessage());
        assertTrue(DocumentReader.supports(Path.of("a.PDF")));
        assertTrue(!DocumentReader.supports(Path.of("a.exe")));
    }
}
