package dev.hearth.app.ui;

import dev.hearth.app.store.ConversationStore;
import dev.hearth.app.store.DataDir;
import dev.hearth.app.store.Role;
import dev.hearth.app.ui.chat.MessageItem;
import dev.hearth.app.ui.settings.AppSettings;
import dev.hearth.app.ui.settings.SettingsRepository;
import dev.hearth.app.ui.sidebar.SidebarRow;
import dev.hearth.engine.model.QuantMix;
import dev.hearth.engine.model.SyntheticModel;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.TextArea;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.input.KeyEvent;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

import com.sun.net.httpserver.HttpServer;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The main flows on a real window (headless glass), with a real store in a temp folder and a tiny real model. */
class MainWindowTest extends RealWindowTest {

    private final AtomicReference<File> chooserAnswer = new AtomicReference<>();

    private void presetModel(int maxTokens) {
        presetModel(maxTokens, 512);
    }

    private void presetModel(int maxTokens, int context) {
        presetModel(model, maxTokens, context);
    }

    private void presetModel(Path modelFile, int maxTokens, int context) {
        try (ConversationStore store = ConversationStore.open(DataDir.prepare(dataDir))) {
            AppSettings d = AppSettings.defaults(Locale.ENGLISH).withModelPath(modelFile.toString());
            new SettingsRepository(store, Locale.ENGLISH).save(new AppSettings(d.systemPrompt(), d.temperature(), d.topP(), d.topK(),
                    d.minP(), d.repeatPenalty(), 5, maxTokens, context, 1, d.theme(), d.language(), d.modelPath()));
        }
    }

    private void open() throws Exception {
        FxToolkit.setupStage(Stage::hide);
        FxToolkit.setupFixture(() -> {
            Stage stage = new Stage();
            window = new MainWindow(stage, dataDir);
            window.setFileChooser(chooserAnswer::get);
            window.show();
        });
        waitUntil(() -> window.chat() != null);
    }

    private static void waitUntil(Callable<Boolean> condition) throws Exception {
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, condition);
        WaitForAsyncUtils.waitForFxEvents();
    }

    private void openWithModel(int maxTokens) throws Exception {
        presetModel(maxTokens);
        open();
        waitUntil(() -> !lookup("#composer").query().isDisabled());
    }

    private void send(String text) throws Exception {
        clickOn("#composer").write(text).type(KeyCode.ENTER);
        waitUntil(() -> !window.chat().generatingProperty().get() && window.chat().messages().size() >= 2
                && !window.chat().messages().getLast().streamingProperty().get());
    }

    @Test
    void firstRunRefusesABadFileThenDescribesAndLoadsAGoodOne() throws Exception {
        open();
        waitUntil(() -> lookup("#pick-model").tryQuery().isPresent());
        Path bad = Files.writeString(dataDir.resolve("notes.gguf"), "these are notes, not a model");
        chooserAnswer.set(bad.toFile());
        clickOn("#pick-model");
        waitUntil(() -> lookup("#welcome-problem").query().getParent().isVisible());
        assertEquals("Hearth cannot use notes.gguf.", lookup("#welcome-problem").queryAs(Label.class).getText());

        chooserAnswer.set(model.toFile());
        clickOn("#pick-model");
        waitUntil(() -> lookup("#load-model").query().isVisible());
        assertEquals("Q8_0", lookup("#fact-model-quant").queryAs(Label.class).getText());
        assertFalse(lookup("#welcome-problem").query().getParent().isVisible(), "the earlier problem is cleared");

        clickOn("#load-model");
        waitUntil(() -> !lookup("#composer").query().isDisabled());
        assertTrue(lookup("#status-model").queryAs(Label.class).getText().contains("Q8_0"));
    }

    @Test
    void sendsStreamsAndStopsWithEscape() throws Exception {
        // The full 128,256-token vocabulary: a random model then draws one of its 3 end-of-turn tokens
        // about once in 40,000 tokens, so the reply is still streaming when Esc arrives, however loaded
        // the machine is (the small vocabulary's ~300 tokens end a turn every hundred or so).
        Path fullVocabulary = shared.resolve("tiny-full.gguf");
        if (!Files.exists(fullVocabulary)) {
            SyntheticModel.write(fullVocabulary, SyntheticModel.Shape.TINY, QuantMix.Q8_0, 11, false);
        }
        presetModel(fullVocabulary, 100_000, 8192);
        open();
        waitUntil(() -> !lookup("#composer").query().isDisabled());
        clickOn("#composer").write("Tell me a long story").type(KeyCode.ENTER);
        waitUntil(() -> window.chat().messages().size() == 2 && !window.chat().messages().getLast().content().isEmpty());
        assertTrue(lookup("#stop").query().isVisible(), "Stop shows while the reply streams");
        type(KeyCode.ESCAPE);
        waitUntil(() -> !window.chat().generatingProperty().get());

        MessageItem reply = window.chat().messages().getLast();
        assertTrue(reply.interruptedProperty().get(), "a stopped reply is marked as stopped");
        assertEquals("", lookup("#composer").queryAs(TextArea.class).getText(), "the composer was cleared on send");
        try (ConversationStore store = ConversationStore.open(dataDir.resolve(DataDir.DATABASE_FILE))) {
            var conversation = store.listConversations().getFirst();
            assertEquals("Tell me a long story", conversation.title());
        } catch (dev.hearth.app.store.StoreException e) {
            // The window holds the database; reading through the window's own view-model is the check then.
            assertEquals(Role.ASSISTANT, reply.role());
        }
    }

    @Test
    void regenerateAddsABranchAndEditingAMessageBranchesToo() throws Exception {
        openWithModel(12);
        send("first question");
        MessageItem firstReply = window.chat().messages().getLast();

        interact(() -> window.chat().regenerate());
        waitUntil(() -> window.chat().messages().getLast().id() != firstReply.id() && !window.chat().generatingProperty().get()
                && !window.chat().messages().getLast().streamingProperty().get());
        assertEquals(2, window.chat().messages().getLast().branches());
        assertEquals(2, window.chat().messages().getLast().branch());

        MessageItem user = window.chat().messages().getFirst();
        clickOn("#chat-edit-" + user.id());
        lookup("#edit-area-" + user.id()).queryAs(TextArea.class);
        interact(() -> lookup("#edit-area-" + user.id()).queryAs(TextArea.class).setText("second question"));
        clickOn("#edit-save-" + user.id());
        waitUntil(() -> window.chat().messages().size() == 2 && window.chat().messages().getFirst().content().equals("second question")
                && !window.chat().generatingProperty().get() && !window.chat().messages().getLast().streamingProperty().get());
        MessageItem edited = window.chat().messages().getFirst();
        assertEquals(2, edited.branches());

        clickOn("#chat-previousBranch-" + edited.id());
        waitUntil(() -> window.chat().messages().getFirst().content().equals("first question"));
        assertEquals(1, window.chat().messages().getFirst().branch());
        assertEquals(2, window.chat().messages().getLast().branches(), "the first question keeps both of its answers");
    }

    @Test
    void searchJumpsToTheMessageAndDeleteCanBeUndone() throws Exception {
        openWithModel(8);
        send("zebras are striped");
        interact(() -> window.chat().newChat());
        send("penguins live in the south");
        waitUntil(() -> window.sidebar().rows().stream().filter(r -> r instanceof SidebarRow.Chat).count() == 2);

        clickOn("#search").write("zebras");
        waitUntil(() -> !window.sidebar().rows().isEmpty() && window.sidebar().rows().getFirst() instanceof SidebarRow.Hit);
        SidebarRow.Hit hit = (SidebarRow.Hit) window.sidebar().rows().getFirst();
        assertTrue(hit.hit().snippet("[", "]").contains("[zebras]"), hit.hit().snippet());
        clickOn(lookup(".sidebar-hit").<Node>query());
        waitUntil(() -> window.chat().focusedMessageProperty().get() != null
                && window.chat().messages().stream().anyMatch(m -> m.content().equals("zebras are striped")));
        assertEquals(hit.hit().messageId(), window.chat().focusedMessageProperty().get());

        interact(() -> window.sidebar().queryProperty().set(""));
        waitUntil(() -> window.sidebar().rows().stream().filter(r -> r instanceof SidebarRow.Chat).count() == 2);
        var penguins = window.sidebar().rows().stream().filter(r -> r instanceof SidebarRow.Chat c && c.summary().title().startsWith("penguins"))
                .map(r -> ((SidebarRow.Chat) r).summary()).findFirst().orElseThrow();
        interact(() -> window.sidebar().delete(penguins));
        waitUntil(() -> lookup("#undo-delete").query().getParent().isVisible());
        assertEquals(1, window.sidebar().rows().stream().filter(r -> r instanceof SidebarRow.Chat).count());
        clickOn("#undo-delete");
        waitUntil(() -> window.sidebar().rows().stream().filter(r -> r instanceof SidebarRow.Chat).count() == 2);
        assertFalse(lookup("#undo-delete").query().getParent().isVisible(), "the undo bar goes away");
    }

    @Test
    void settingsAndTheOpenChatSurviveARestart() throws Exception {
        openWithModel(8);
        send("remember me");
        long conversation = window.chat().conversationProperty().get().id();
        AppSettings s = window.settings();
        AppSettings changed = new AppSettings("Answer briefly.", 0.3f, 0.8f, 40, 0.05f, 1.1f, 42, 256, 512, 1,
                AppSettings.Theme.DARK, Locale.JAPANESE, s.modelPath());
        interact(() -> window.applySettings(changed));
        assertEquals("新しいチャット", lookup("#new-chat").queryAs(javafx.scene.control.Button.class).getText(), "the language switches at once");
        closeWindow();
        window = null;

        open();
        waitUntil(() -> window.chat().conversationProperty().get() != null);
        assertEquals(changed, window.settings());
        assertEquals(conversation, window.chat().conversationProperty().get().id(), "the last open chat is open again");
        assertEquals("新しいチャット", lookup("#new-chat").queryAs(javafx.scene.control.Button.class).getText());
    }

    @Test
    void aChatsOwnSystemPromptIsStoredAndUsedFromTheNextReplyOn() throws Exception {
        openWithModel(4);
        send("hello there");
        int before = promptTokens();

        clickOn("#system-prompt-toggle");
        String prompt = "You are a patient tutor. ".repeat(12).strip();
        interact(() -> lookup("#system-prompt").queryAs(TextArea.class).setText(prompt));
        clickOn("#system-prompt-save");
        waitUntil(() -> prompt.equals(window.chat().conversationProperty().get().systemPrompt()));
        assertFalse(lookup("#system-prompt-panel").query().isVisible(), "the panel closes on save");
        assertEquals("System prompt (this chat)", lookup("#system-prompt-toggle").queryAs(javafx.scene.control.ToggleButton.class).getText());

        int used = window.chat().contextUsedProperty().get();
        interact(() -> window.chat().regenerate());
        waitUntil(() -> !window.chat().generatingProperty().get() && window.chat().contextUsedProperty().get() != used);
        assertTrue(promptTokens() > before + 100, "the next reply's prompt carries the chat's system prompt: " + before + " → " + promptTokens());

        closeWindow();
        window = null;
        open();
        waitUntil(() -> window.chat().conversationProperty().get() != null);
        assertEquals(prompt, window.chat().systemPromptProperty().get(), "kept across a restart");
        clickOn("#system-prompt-toggle");
        assertEquals(prompt, lookup("#system-prompt").queryAs(TextArea.class).getText());
    }

    @Test
    void aReplyShowsHowMuchOfThePromptIsReadUntilItsTextArrives() throws Exception {
        presetModel(6, 2048);
        open();
        waitUntil(() -> !lookup("#composer").query().isDisabled());
        // Another job holds the model's one thread (as a document answer would), so the reply waits with its indicator up.
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch holding = new CountDownLatch(1);
        window.assistant().withSession(session -> {
            holding.countDown();
            try {
                return release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertTrue(holding.await(20, TimeUnit.SECONDS));
        interact(() -> window.chat().send("Tell me about the llamas that live high in the mountains. ".repeat(14)));
        waitUntil(() -> window.chat().messages().size() == 2
                && lookup("#reading-" + window.chat().messages().getLast().id()).tryQuery().isPresent());
        MessageItem reply = window.chat().messages().getLast();
        Label reading = lookup("#reading-" + reply.id()).queryAs(Label.class);
        Label status = lookup("#status-reading").queryAs(Label.class);
        assertTrue(reading.getParent().isVisible(), "the reply says what the model is doing before any text");
        assertEquals("Reading your message…", reading.getText());
        assertEquals("", reply.content());

        List<String> shown = new CopyOnWriteArrayList<>();
        List<String> statusShown = new CopyOnWriteArrayList<>();
        interact(() -> {
            reading.textProperty().addListener((o, was, now) -> {
                if (reading.getParent().isVisible()) shown.add(now);
            });
            status.textProperty().addListener((o, was, now) -> {
                if (!now.isEmpty()) statusShown.add(now);
            });
        });
        release.countDown();
        waitUntil(() -> !window.chat().generatingProperty().get() && !reply.streamingProperty().get());

        assertFalse(shown.isEmpty(), "the progress was shown");
        Pattern progress = Pattern.compile("Reading your message… (\\d+) / (\\d+) tokens");
        int done = 0;
        for (String text : shown) {
            Matcher m = progress.matcher(text);
            assertTrue(m.matches(), text);
            assertTrue(Integer.parseInt(m.group(1)) >= done, "progress only grows: " + shown);
            done = Integer.parseInt(m.group(1));
        }
        Matcher last = progress.matcher(shown.getLast());
        assertTrue(last.matches());
        assertEquals(last.group(2), last.group(1), "the whole prompt was read before the text came: " + shown);
        int total = Integer.parseInt(last.group(2));
        assertTrue(total > dev.hearth.engine.model.Forward.BATCH, "a prompt of several batches, " + total + " tokens");
        assertEquals("Reading " + total + " / " + total + " tokens", statusShown.getLast(), "the status bar says it too");

        assertFalse(reading.getParent().isVisible(), "the indicator gave way to the text");
        assertFalse(status.isVisible());
        assertFalse(reply.content().isEmpty());
    }

    /**
     * Tokens of the last reply's prompt: the context used (what the model's cache holds) minus the reply's tokens; one
     * less when the reply stopped at its token limit, whose last token is never evaluated.
     */
    private int promptTokens() throws Exception {
        waitUntil(() -> window.chat().messages().getLast().tokensProperty().get() != null);
        return window.chat().contextUsedProperty().get() - window.chat().messages().getLast().tokensProperty().get();
    }

    @Test
    void messageTextCanBeSelectedWithTheMouseAndCopied() throws Exception {
        openWithModel(4);
        send("zebras are striped");
        javafx.scene.text.TextFlow userText = lookup(".message-user .md-selectable").queryAs(javafx.scene.text.TextFlow.class);
        javafx.geometry.Bounds b = userText.localToScreen(userText.getLayoutBounds());
        drag(new javafx.geometry.Point2D(b.getMinX() + 1, b.getCenterY()), javafx.scene.input.MouseButton.PRIMARY)
                .moveTo(new javafx.geometry.Point2D(b.getMaxX() - 1, b.getCenterY())).release(javafx.scene.input.MouseButton.PRIMARY);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals("zebras are striped", lookup(".message-user .markdown").queryAs(dev.hearth.app.ui.chat.MarkdownView.class).selectedText());
        press(KeyCode.CONTROL).type(KeyCode.C).release(KeyCode.CONTROL);
        WaitForAsyncUtils.waitForFxEvents();
        AtomicReference<String> copied = new AtomicReference<>();
        interact(() -> copied.set(javafx.scene.input.Clipboard.getSystemClipboard().getString()));
        assertEquals("zebras are striped", copied.get());
    }

    @Test
    void aDamagedDatabaseIsMovedAsideOnlyWhenTheUserAgrees() throws Exception {
        Path db = dataDir.resolve(DataDir.DATABASE_FILE);
        byte[] garbage = "this is not a database, only noise; ".repeat(300).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Files.write(db, garbage);
        FxToolkit.setupStage(Stage::hide);
        FxToolkit.setupFixture(() -> {
            window = new MainWindow(new Stage(), dataDir);
            window.show();
        });
        waitUntil(() -> lookup(".dialog-pane").tryQuery().isPresent());
        var pane = lookup(".dialog-pane").queryAs(javafx.scene.control.DialogPane.class);
        assertEquals("The chat database " + db + " cannot be opened.", pane.getHeaderText());
        assertTrue(lookup("Move it aside and start fresh").tryQuery().isPresent(), "the dialog offers to move the file aside");
        org.junit.jupiter.api.Assertions.assertArrayEquals(garbage, Files.readAllBytes(db), "the file is untouched while the user decides");

        clickOn("Move it aside and start fresh");
        waitUntil(() -> window.chat() != null);
        Path aside;
        try (var files = Files.list(dataDir)) {
            aside = files.filter(f -> f.getFileName().toString().startsWith(DataDir.DATABASE_FILE + ".corrupt-")).findFirst().orElseThrow();
        }
        org.junit.jupiter.api.Assertions.assertArrayEquals(garbage, Files.readAllBytes(aside), "the damaged file is kept, renamed");
        assertTrue(lookup("#pick-model").tryQuery().isPresent(), "a fresh start: the first-run screen");
    }

    @Test
    void windowSizeAndPositionAreRestoredAfterARestart() throws Exception {
        openWithModel(4);
        interact(() -> {
            window.stage().setX(40);
            window.stage().setY(30);
            window.stage().setWidth(900);
            window.stage().setHeight(610);
        });
        closeWindow();
        window = null;

        open();
        waitUntil(() -> window.stage().getWidth() == 900);
        Stage stage = window.stage();
        assertEquals(List.of(40.0, 30.0, 900.0, 610.0), List.of(stage.getX(), stage.getY(), stage.getWidth(), stage.getHeight()));
    }

    @Test
    void welcomeShowsDownloadProgressAndOffersToResumeAfterARestart() throws Exception {
        byte[] bytes = Files.readAllBytes(model);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/models/served.gguf", exchange -> {
            String range = exchange.getRequestHeaders().getFirst("Range");
            int from = range == null ? 0 : Integer.parseInt(range.substring("bytes=".length(), range.indexOf('-')));
            if (from > 0) {
                exchange.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + (bytes.length - 1) + "/" + bytes.length);
                exchange.sendResponseHeaders(206, bytes.length - from);
            } else {
                exchange.sendResponseHeaders(200, bytes.length);
            }
            try (var out = exchange.getResponseBody()) {
                for (int i = from; i < bytes.length; i += 16 * 1024) {
                    out.write(bytes, i, Math.min(16 * 1024, bytes.length - i));
                    out.flush();
                    Thread.sleep(range == null ? 10 : 0);
                }
            } catch (InterruptedException | IOException e) {
                exchange.close();
            }
        });
        server.start();
        try {
            open();
            waitUntil(() -> lookup("#download-link").tryQuery().isPresent());
            String link = "http://127.0.0.1:" + server.getAddress().getPort() + "/models/served.gguf";
            interact(() -> lookup("#download-link").queryAs(javafx.scene.control.TextField.class).setText(link));
            clickOn("#download");
            waitUntil(() -> !lookup("#download-progress").queryAs(Label.class).getText().isEmpty());
            String progress = lookup("#download-progress").queryAs(Label.class).getText();
            assertTrue(progress.matches("\\d+ MiB of 3 MiB · \\d+ MiB/s · \\d:\\d\\d:\\d\\d left"), progress);
            interact(() -> window.welcome().pause());
            waitUntil(() -> !lookup("#download").query().isDisabled());
            closeWindow();
            window = null;

            open();
            waitUntil(() -> lookup("#unfinished-downloads").tryQuery().map(Node::isVisible).orElse(false));
            String offer = lookup("#unfinished-served-gguf").queryAs(Label.class).getText();
            assertTrue(offer.startsWith("An earlier download of served.gguf stopped after "), offer);
            clickOn("#resume-earlier-served-gguf");
            waitUntil(() -> lookup("#fact-model-quant").tryQuery().isPresent());
            assertEquals("Q8_0", lookup("#fact-model-quant").queryAs(Label.class).getText());
            org.junit.jupiter.api.Assertions.assertArrayEquals(bytes, Files.readAllBytes(dataDir.resolve(DataDir.MODELS_DIR).resolve("served.gguf")));
            assertFalse(lookup("#unfinished-downloads").query().isVisible(), "nothing left to resume");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void longChatTitlesEndInAnEllipsisWithoutAHorizontalScrollBar() throws Exception {
        String longTitle = "A very long conversation title about sourdough starters, hydration, folding and baking times";
        try (ConversationStore store = ConversationStore.open(DataDir.prepare(dataDir))) {
            store.createConversation(dev.hearth.app.store.NewConversation.titled(longTitle));
        }
        openWithModel(4);
        waitUntil(() -> lookup(".sidebar-chat").tryQuery().isPresent());
        javafx.scene.control.ListCell<?> cell = lookup(".sidebar-chat").queryAs(javafx.scene.control.ListCell.class);
        String shown = from(cell).lookup(".text").queryAs(javafx.scene.text.Text.class).getText();
        assertTrue(shown.endsWith("…") && shown.length() < longTitle.length(), shown);
        assertTrue(lookup(".conversation-list .scroll-bar").queryAll().stream()
                .noneMatch(b -> ((javafx.scene.control.ScrollBar) b).getOrientation() == javafx.geometry.Orientation.HORIZONTAL && b.isVisible()),
                "no horizontal scroll bar in the chat list");
    }

    @Test
    void aNewChatRightAfterSendingStaysOnScreenWhenTheSendComesBackFromTheStore() throws Exception {
        openWithModel(8);
        TextArea composer = lookup("#composer").queryAs(TextArea.class);
        Runnable newChatShortcut = window.stage().getScene().getAccelerators()
                .get(new KeyCodeCombination(KeyCode.N, KeyCombination.SHORTCUT_DOWN));
        // Enter, then Ctrl+N before the FX thread does anything else: the send's store round trip returns after both.
        interact(() -> {
            composer.setText("a question left at once");
            composer.fireEvent(new KeyEvent(KeyEvent.KEY_PRESSED, "", "", KeyCode.ENTER, false, false, false, false));
            newChatShortcut.run();
        });
        waitUntil(() -> !window.chat().generatingProperty().get()
                && window.sidebar().rows().stream().filter(r -> r instanceof SidebarRow.Chat).count() == 1);
        WaitForAsyncUtils.waitForFxEvents();

        assertEquals(null, window.chat().conversationProperty().get(), "the new chat is still the one on screen");
        assertTrue(window.chat().messages().isEmpty(), "and it is empty: " + window.chat().messages());
        assertEquals("New chat", lookup("#chat-title").queryAs(Label.class).getText());
        var left = window.sidebar().rows().stream().filter(r -> r instanceof SidebarRow.Chat).map(r -> ((SidebarRow.Chat) r).summary())
                .findFirst().orElseThrow();
        assertEquals("a question left at once", left.title(), "the message sent is kept in the chat left");

        send("a question for the new chat");
        assertEquals("a question for the new chat", window.chat().messages().getFirst().content());
        assertEquals(2, window.chat().messages().size());
        interact(() -> window.chat().open(left.id(), null));
        waitUntil(() -> window.chat().conversationProperty().get() != null && window.chat().conversationProperty().get().id() == left.id());
        assertEquals(List.of("a question left at once"), window.chat().messages().stream().map(MessageItem::content).toList(),
                "the chat left keeps its message, unanswered: leaving a chat stops its reply");
    }

    @Test
    void theContextUsedIsWhatTheModelHoldsThePromptAndTheReplysTokens() throws Exception {
        presetModel(400, 1024);
        open();
        waitUntil(() -> !lookup("#composer").query().isDisabled());
        List<Integer> shown = new java.util.concurrent.CopyOnWriteArrayList<>();
        interact(() -> window.chat().contextUsedProperty().addListener((o, was, now) -> shown.add(now.intValue())));
        send("hello there");
        MessageItem reply = window.chat().messages().getLast();
        waitUntil(() -> reply.tokensProperty().get() != null);
        int replyTokens = reply.tokensProperty().get();
        assertTrue(replyTokens < 400, "the reply ended on its stop token, not at the limit: " + replyTokens + " tokens");
        assertTrue(replyTokens > 8, "a reply long enough to show its progress: " + replyTokens + " tokens");

        int used = window.chat().contextUsedProperty().get();
        int inCache = window.assistant().withSession(dev.hearth.engine.session.GenerationSession::cachedTokens).get(20, TimeUnit.SECONDS);
        int prompt = window.assistant().countTokens(List.of(new dev.hearth.engine.chat.ChatMessage(dev.hearth.engine.chat.Role.USER,
                "hello there"))).get(20, TimeUnit.SECONDS);
        assertEquals(inCache, used, "the context used is what the model's cache holds");
        assertEquals(prompt + replyTokens, used, "the prompt and the reply's tokens (the stop token is neither text nor cached)");
        assertTrue(shown.contains(prompt + 8), "while the reply streamed the count grew with it: " + shown + ", prompt " + prompt);
        assertEquals(used + " of 1,024 context tokens used", lookup("#context-usage").queryAs(Label.class).getText());
        assertEquals("Context " + used + " / 1,024", lookup("#status-context").queryAs(Label.class).getText());

        long chat = window.chat().conversationProperty().get().id();
        interact(() -> window.chat().newChat());
        assertEquals("0 of 1,024 context tokens used", lookup("#context-usage").queryAs(Label.class).getText());
        interact(() -> window.chat().open(chat, null));
        int whole = window.assistant().countTokens(List.of(
                new dev.hearth.engine.chat.ChatMessage(dev.hearth.engine.chat.Role.USER, "hello there"),
                new dev.hearth.engine.chat.ChatMessage(dev.hearth.engine.chat.Role.ASSISTANT, reply.content()))).get(20, TimeUnit.SECONDS);
        assertTrue(whole > prompt, "the chat takes more than its first message: " + whole + " tokens");
        waitUntil(() -> lookup("#context-usage").queryAs(Label.class).getText().equals(whole + " of 1,024 context tokens used"));
        assertEquals("Context " + whole + " / 1,024", lookup("#status-context").queryAs(Label.class).getText(),
                "an opened chat shows what it takes of the context");
    }
}
