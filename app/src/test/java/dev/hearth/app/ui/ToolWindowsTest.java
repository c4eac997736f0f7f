package dev.hearth.app.ui;

import com.sun.net.httpserver.HttpServer;
import dev.hearth.app.docs.Citation;
import dev.hearth.app.privacy.ConnectionLog;
import dev.hearth.app.store.ConversationStore;
import dev.hearth.app.store.DataDir;
import dev.hearth.app.ui.chat.MessageItem;
import dev.hearth.app.ui.settings.AppSettings;
import dev.hearth.app.ui.settings.SettingsRepository;
import javafx.application.Platform;
import javafx.scene.control.CheckMenuItem;
import javafx.scene.control.Hyperlink;
import javafx.scene.control.Label;
import javafx.scene.control.MenuButton;
import javafx.scene.control.Spinner;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Library and Privacy windows and the local API switch on the real window, store, indexer and tiny model. */
class ToolWindowsTest extends RealWindowTest {

    @TempDir
    Path documents;

    /** The tiny model with a context roomy enough for numbered sources and a short answer. */
    private void presetModel() {
        try (ConversationStore store = ConversationStore.open(DataDir.prepare(dataDir))) {
            AppSettings d = AppSettings.defaults(Locale.ENGLISH).withModelPath(model.toString());
            new SettingsRepository(store, Locale.ENGLISH).save(new AppSettings(d.systemPrompt(), d.temperature(), d.topP(), d.topK(),
                    d.minP(), d.repeatPenalty(), 5, 6, 2048, 1, d.theme(), d.language(), d.modelPath()));
        }
    }

    private void open() throws Exception {
        FxToolkit.setupStage(Stage::hide);
        FxToolkit.setupFixture(() -> {
            window = new MainWindow(new Stage(), dataDir);
            window.show();
        });
        waitUntil(() -> window.chat() != null);
    }

    private static void waitUntil(Callable<Boolean> condition) throws Exception {
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, condition);
        WaitForAsyncUtils.waitForFxEvents();
    }

    @Test
    void indexesAFolderAndAnswersFromItWithSourcesThatSurviveARestart() throws Exception {
        Files.writeString(documents.resolve("boiling.txt"), "Glycerol boils at 290 degrees Celsius under normal air pressure.");
        Files.writeString(documents.resolve("ferns.md"), "# Ferns\n\nFerns reproduce with spores rather than with seeds or flowers.");
        presetModel();
        open();
        waitUntil(() -> !lookup("#composer").query().isDisabled());

        interact(() -> window.tools().openLibrary());
        clickOn("#library-name").write("Notes");
        clickOn("#library-create");
        waitUntil(() -> window.tools().library().libraries().size() == 1 && window.tools().library().ready());
        interact(() -> window.tools().libraryView().setChoosers(List::of, documents::toFile));
        clickOn("#library-add-folder");
        waitUntil(() -> window.tools().library().libraries().getFirst().files() == 2 && window.tools().library().files().size() == 2
                && !window.tools().library().indexingProperty().get());
        assertEquals("2 files · 2 passages", lookup("#library-counts").queryAs(Label.class).getText());
        assertTrue(lookup("#library-progress-text").queryAs(Label.class).getText().startsWith("Notes is up to date: 2 files read"),
                lookup("#library-progress-text").queryAs(Label.class).getText());
        interact(() -> window.tools().libraryView().getScene().getWindow().hide());

        MenuButton chooser = lookup("#library-chooser").queryAs(MenuButton.class);
        waitUntil(() -> chooser.getItems().stream().anyMatch(i -> i instanceof CheckMenuItem));
        interact(() -> chooser.getItems().stream().filter(i -> i instanceof CheckMenuItem).map(CheckMenuItem.class::cast)
                .findFirst().orElseThrow().setSelected(true));
        assertEquals("Documents (1)", chooser.getText());

        clickOn("#composer").write("At what temperature does glycerol boil?").type(KeyCode.ENTER);
        waitUntil(() -> window.chat().messages().size() == 2 && !window.chat().generatingProperty().get()
                && !window.chat().messages().getLast().sourcesProperty().get().isEmpty());
        List<Citation> sources = window.chat().messages().getLast().sourcesProperty().get();
        assertEquals("boiling.txt", sources.getFirst().file().getFileName().toString(), "the passage that answers comes first");
        assertEquals("[1] boiling.txt", lookup("#source-1").queryAs(Hyperlink.class).getText());

        clickOn("#source-1");
        waitUntil(() -> lookup("#source-passage").tryQuery().isPresent());
        assertTrue(lookup("#source-passage").queryAs(TextArea.class).getText().contains("Glycerol boils at 290 degrees Celsius"));
        clickOn("#source-close");

        MainWindow first = window;
        FxToolkit.setupFixture(() -> {
            first.close();
            first.stage().close();
        });
        window = null;
        open();
        waitUntil(() -> window.chat().messages().size() == 2);
        MessageItem reply = window.chat().messages().getLast();
        assertEquals(sources, reply.sourcesProperty().get(), "the sources are stored with the answer");
        waitUntil(() -> lookup("#library-chooser").queryAs(MenuButton.class).getText().equals("Documents (1)"));
    }

    @Test
    void privacyViewSaysThereWereNoConnectionsThenShowsAModelDownload() throws Exception {
        byte[] bytes = Files.readAllBytes(model);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/models/tiny.gguf", exchange -> {
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
        try {
            open();
            waitUntil(() -> lookup("#download-link").tryQuery().isPresent());
            clickOn("#privacy-footer");
            waitUntil(() -> lookup("#privacy-none").tryQuery().isPresent());
            assertTrue(lookup("#privacy-none").query().isVisible());
            assertEquals("Hearth has made no network connections.", lookup("#privacy-none").queryAs(Label.class).getText());
            interact(() -> window.tools().privacyView().getScene().getWindow().hide());

            String link = "http://127.0.0.1:" + server.getAddress().getPort() + "/models/tiny.gguf";
            clickOn("#download-link").write(link);
            clickOn("#download");
            waitUntil(() -> lookup("#load-model").tryQuery().map(n -> n.isVisible()).orElse(false));

            clickOn("#privacy-footer");
            waitUntil(() -> !window.tools().privacyView().shown().isEmpty());
            ConnectionLog.Connection download = window.tools().privacyView().shown().getFirst();
            assertEquals(ConnectionLog.Direction.OUTBOUND, download.direction());
            assertEquals("model download", download.purpose());
            assertEquals("127.0.0.1:" + server.getAddress().getPort(), download.address());
            assertEquals("GET /models/tiny.gguf → 200", download.detail());
            assertFalse(lookup("#privacy-none").query().isVisible());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void localApiSwitchServesWithTheShownTokenAndRefusesConnectionsWhenOff() throws Exception {
        presetModel();
        open();
        waitUntil(() -> !lookup("#composer").query().isDisabled());
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        Platform.runLater(window::openSettings);
        waitUntil(() -> lookup("#api-switch").tryQuery().isPresent());
        @SuppressWarnings("unchecked")
        Spinner<Integer> portField = lookup("#api-port").queryAs(Spinner.class);
        interact(() -> portField.getValueFactory().setValue(port));
        clickOn("#api-switch");
        waitUntil(() -> !lookup("#api-url").queryAs(TextField.class).getText().isEmpty());
        String url = lookup("#api-url").queryAs(TextField.class).getText();
        String token = lookup("#api-token").queryAs(TextField.class).getText();
        assertEquals("http://127.0.0.1:" + port + "/v1", url);

        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            HttpRequest models = HttpRequest.newBuilder(URI.create(url + "/models")).header("Authorization", "Bearer " + token).GET().build();
            HttpResponse<String> answer = client.send(models, HttpResponse.BodyHandlers.ofString());
            assertEquals(200, answer.statusCode());
            assertTrue(answer.body().contains("\"tiny\""), answer.body());

            clickOn("#api-switch");
            waitUntil(() -> !window.tools().localApi().runningProperty().get() && !window.tools().localApi().busyProperty().get());
            assertThrows(ConnectException.class, () -> client.send(models, HttpResponse.BodyHandlers.ofString()));
        }
        List<String> logged = window.tools().connections().entries().stream().map(c -> c.direction() + " " + c.detail()).toList();
        assertEquals(List.of("LISTENING started, loopback only", "INBOUND GET /v1/models → 200", "LISTENING stopped"), logged);
        clickOn("Cancel");
    }
}
