package dev.hearth.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hearth.app.Main;
import dev.hearth.app.store.Conversation;
import dev.hearth.app.store.ConversationStore;
import dev.hearth.app.store.DataDir;
import dev.hearth.app.store.NewConversation;
import dev.hearth.engine.model.QuantMix;
import dev.hearth.engine.model.SyntheticModel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code docs} commands end to end through {@link Main#run}, with a real PDF, Markdown, and a tiny real model. */
class DocsCommandsTest {
    @TempDir Path dir;

    private CliRun hearth(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--data-dir";
        all[1] = dir.resolve("data").toString();
        System.arraycopy(args, 0, all, 2, args.length);
        return CliRun.of(all);
    }

    /** A folder with a three-page PDF (one topic per page), a Markdown file and a broken PDF. */
    private Path library() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("docs"));
        try (PDDocument document = new PDDocument()) {
            String[] pages = {
                    "The boiler room is in the basement of the east wing.",
                    "Visitors must register at the front desk and wear a badge at all times.",
                    "The cafeteria serves lunch from noon until two o'clock."};
            for (String text : pages) {
                PDPage page = new PDPage();
                document.addPage(page);
                try (PDPageContentStream content = new PDPageContentStream(document, page)) {
                    content.beginText();
                    content.setFont(new PDType1Font(Standard14Fonts.FontName.HELVETICA), 12);
                    content.newLineAtOffset(72, 700);
                    content.showText(text);
                    content.endText();
                }
            }
            document.save(folder.resolve("handbook.pdf").toFile());
        }
        Files.writeString(folder.resolve("parking.md"), "# Site\n\n## Parking\n\nStaff park in lot B behind the warehouse.\n");
        Files.write(folder.resolve("scan.pdf"), "%PDF-1.7 truncated".getBytes(StandardCharsets.US_ASCII));
        return folder;
    }

    @Test
    void addStatusAndSearchFollowTheContract() throws Exception {
        Path folder = library();
        CliRun add = hearth("docs", "add", folder.toString(), "--library", "office");
        assertEquals(0, add.exit(), add.err());
        assertEquals("office: 2 files, 4 chunks, 1 errors\n", add.out());
        assertTrue(add.err().contains("[1/3] " + folder.resolve("handbook.pdf")), add.err());

        JsonNode status = hearth("docs", "status", "--json").json();
        JsonNode office = status.get("libraries").get(0);
        assertEquals("office", office.get("name").asText());
        assertEquals(2, office.get("files").asInt());
        assertEquals(4, office.get("chunks").asInt());
        assertEquals(0, office.get("pending").asInt());
        assertEquals(folder.resolve("scan.pdf").toString(), office.get("errors").get(0).get("file").asText());
        assertTrue(office.get("errors").get(0).get("error").asText().startsWith("the PDF is damaged"));

        CliRun search = hearth("docs", "search", "Where do visitors register?", "--limit", "2", "--json");
        assertEquals(0, search.exit(), search.err());
        JsonNode hits = search.json();
        assertEquals(2, hits.size());
        assertEquals(folder.resolve("handbook.pdf").toString(), hits.get(0).get("file").asText());
        assertEquals(2, hits.get(0).get("page").asInt());
        assertTrue(hits.get(0).get("snippet").asText().contains("register at the front desk"));
        assertTrue(hits.get(0).get("score").asDouble() >= hits.get(1).get("score").asDouble());

        JsonNode parking = hearth("docs", "search", "parking lot", "--json").json().get(0);
        assertEquals(folder.resolve("parking.md").toString(), parking.get("file").asText());
        assertTrue(parking.get("page").isNull());
        assertEquals("Site › Parking", parking.get("heading").asText());

        // Adding the same folder again reads nothing: it is unchanged.
        CliRun again = hearth("docs", "add", folder.toString(), "--library", "office");
        assertEquals("office: 2 files, 4 chunks, 1 errors\n", again.out());
        assertTrue(!again.err().contains("[1/"), again.err());
    }

    @Test
    void askAnswersWithCitationsThatMapToFileAndPage() throws Exception {
        Path folder = library();
        assertEquals(0, hearth("docs", "add", folder.toString()).exit());
        Path model = dir.resolve("tiny.gguf");
        SyntheticModel.write(model, SyntheticModel.Shape.TINY, QuantMix.Q8_0, 7, true);

        CliRun ask = hearth("docs", "ask", "--model", model.toString(), "--context", "2048", "--max-tokens", "12", "--threads", "1",
                "When is lunch served in the cafeteria?", "--json");
        assertEquals(0, ask.exit(), ask.err());
        JsonNode answer = ask.json();
        JsonNode citations = answer.get("citations");
        assertTrue(citations.size() >= 2, "several sources fit the context");
        assertEquals(folder.resolve("handbook.pdf").toString(), citations.get(0).get("file").asText());
        assertEquals(3, citations.get(0).get("page").asInt());
        assertTrue(citations.get(0).get("snippet").asText().contains("serves lunch from noon"));
        Matcher marker = Pattern.compile("\\[(\\d+)]").matcher(answer.get("answer").asText());
        while (marker.find()) {
            int n = Integer.parseInt(marker.group(1));
            assertTrue(n >= 1 && n <= citations.size(), "every [n] in the answer names a citation: " + answer);
        }
    }

    @Test
    void aChatAnswersFromTheLibrariesChosenForIt() throws Exception {
        Path folder = library();
        Path other = Files.createDirectories(dir.resolve("recipes"));
        Files.writeString(other.resolve("soup.txt"), "Lunch soup: simmer lentils for forty minutes.");
        assertEquals(0, hearth("docs", "add", folder.toString(), "--library", "office").exit());
        assertEquals(0, hearth("docs", "add", other.toString(), "--library", "kitchen").exit());
        Conversation chat;
        try (ConversationStore store = ConversationStore.open(DataDir.prepare(dir.resolve("data")))) {
            chat = store.createConversation(NewConversation.titled("Cooking"));
        }
        CliRun use = hearth("docs", "use", "--chat", chat.uuid(), "kitchen");
        assertEquals("kitchen\n", use.out());
        Path model = dir.resolve("tiny.gguf");
        SyntheticModel.write(model, SyntheticModel.Shape.TINY, QuantMix.Q8_0, 7, true);
        JsonNode answer = hearth("docs", "ask", "--model", model.toString(), "--context", "1024", "--max-tokens", "4", "--threads", "1",
                "--chat", chat.uuid(), "What is served at lunch?", "--json").json();
        for (JsonNode citation : answer.get("citations")) assertEquals(other.resolve("soup.txt").toString(), citation.get("file").asText());
    }

    @Test
    void badInputGetsExitCodesAndOneSentence() throws Exception {
        CliRun missing = hearth("docs", "add", dir.resolve("nowhere").toString());
        assertEquals(1, missing.exit());
        assertEquals("Cannot add " + dir.resolve("nowhere") + ": it does not exist.\n", missing.err());
        assertEquals(2, hearth("docs", "search").exit());
        assertEquals(2, hearth("docs", "search", "x", "--mode", "magic").exit());
        CliRun noLibraries = hearth("docs", "search", "anything");
        assertEquals(1, noLibraries.exit());
        assertTrue(noLibraries.err().contains("There are no document libraries yet"), noLibraries.err());
    }
}
