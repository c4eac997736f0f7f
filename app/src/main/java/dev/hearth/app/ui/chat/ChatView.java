package dev.hearth.app.ui.chat;

import dev.hearth.app.store.Role;
import dev.hearth.app.ui.I18n;
import dev.hearth.engine.session.GenerationEvent;
import javafx.application.Platform;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanExpression;
import javafx.beans.value.ObservableIntegerValue;
import javafx.collections.ListChangeListener;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.TextArea;
import javafx.scene.control.ToggleButton;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyEvent;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Pane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.kordamp.ikonli.feather.Feather;
import org.kordamp.ikonli.javafx.FontIcon;

/** The open conversation and the composer under it. */
public final class ChatView extends BorderPane {

    private final ChatViewModel vm;
    private final I18n i18n;
    private final VBox list = new VBox(14);
    private final ScrollPane scroll = new ScrollPane(list);
    private final TextArea composer = new TextArea();
    private final HBox tools = new HBox(6);
    private final HBox titleBar = new HBox(8);
    private boolean followBottom = true;

    /** Never shown: what {@link #preparationSteps} builds, every kind of block an answer can have. */
    private static final String SAMPLE_QUESTION = "How do I read a file line by line?";
    private static final String SAMPLE_ANSWER = """
            ## Reading a file

            Use **`Files.lines`**, or *a reader* for [large files](files.md):

            - open the file
            - read each line

            1. first
            2. second

            > Close what you open.

            ```java
            try (var lines = Files.lines(path)) {
                lines.forEach(System.out::println);
            }
            ```

            | Method | Memory |
            | --- | --- |
            | `readAllLines` | whole file |

            ---
            """;

    /**
     * @param modelReady  whether a model is loaded (the composer is disabled only while it is not)
     * @param contextSize tokens of context of the loaded model
     */
    public ChatView(ChatViewModel vm, I18n i18n, BooleanExpression modelReady, ObservableIntegerValue contextSize) {
        this.vm = vm;
        this.i18n = i18n;
        getStyleClass().add("chat");
        list.getStyleClass().add("message-list");
        list.setFillWidth(true);
        scroll.setFitToWidth(true);
        scroll.getStyleClass().add("chat-scroll");
        scroll.vvalueProperty().addListener((o, was, now) -> followBottom = now.doubleValue() >= scroll.getVmax() - 0.02);
        list.heightProperty().addListener((o, was, now) -> {
            if (followBottom) scroll.setVvalue(scroll.getVmax());
        });

        Label empty = new Label();
        empty.textProperty().bind(i18n.text("chat.empty"));
        empty.getStyleClass().add("chat-empty");
        empty.visibleProperty().bind(Bindings.isEmpty(vm.messages()));
        StackPane center = new StackPane(scroll, empty);
        setCenter(center);
        setTop(header());

        vm.messages().addListener((ListChangeListener<MessageItem>) change -> rebuild());
        vm.focusedMessageProperty().addListener((o, was, id) -> {
            if (id != null) Platform.runLater(() -> scrollTo(id));
        });

        composer.setId("composer");
        composer.setWrapText(true);
        composer.setPrefRowCount(3);
        composer.promptTextProperty().bind(i18n.text("composer.prompt"));
        composer.disableProperty().bind(modelReady.not());
        composer.addEventFilter(KeyEvent.KEY_PRESSED, e -> {
            if (e.getCode() == KeyCode.ENTER && !e.isShiftDown()) {
                e.consume();
                send();
            } else if (e.getCode() == KeyCode.ENTER) {
                e.consume();
                composer.insertText(composer.getCaretPosition(), "\n");
            }
        });
        HBox.setHgrow(composer, Priority.ALWAYS);

        Button send = new Button();
        send.setId("send");
        send.setGraphic(new FontIcon(Feather.SEND));
        send.textProperty().bind(i18n.text("composer.send"));
        send.getStyleClass().add("accent");
        send.setOnAction(e -> send());
        send.disableProperty().bind(modelReady.not().or(composer.textProperty().isEmpty()));
        Button stop = new Button();
        stop.setId("stop");
        stop.setGraphic(new FontIcon(Feather.SQUARE));
        stop.textProperty().bind(i18n.text("composer.stop"));
        stop.getStyleClass().add("danger");
        stop.setOnAction(e -> vm.stop());
        send.visibleProperty().bind(vm.generatingProperty().not());
        send.managedProperty().bind(send.visibleProperty());
        stop.visibleProperty().bind(vm.generatingProperty());
        stop.managedProperty().bind(stop.visibleProperty());

        Label tokens = new Label();
        tokens.setId("context-usage");
        tokens.getStyleClass().add("composer-tokens");
        tokens.textProperty().bind(i18n.bind("composer.context", vm.contextUsedProperty(), contextSize));
        VBox buttons = new VBox(6, send, stop);
        buttons.setAlignment(Pos.BOTTOM_RIGHT);
        HBox row = new HBox(8, composer, buttons);
        row.setAlignment(Pos.BOTTOM_LEFT);
        HBox.setHgrow(tokens, Priority.ALWAYS);
        tokens.setMaxWidth(Double.MAX_VALUE);
        VBox bottom = new VBox(4, row, new HBox(8, tokens, tools));
        bottom.getStyleClass().add("composer");
        setBottom(bottom);
    }

    /** The chat's title and its own system prompt, edited in a panel that opens under the title. */
    private VBox header() {
        Label title = new Label();
        title.setId("chat-title");
        title.getStyleClass().add("chat-title");
        title.setTextOverrun(javafx.scene.control.OverrunStyle.ELLIPSIS);
        title.setMinWidth(0);
        title.textProperty().bind(Bindings.createStringBinding(() -> vm.conversationProperty().get() == null
                ? i18n.get("chat.newChatTitle") : vm.conversationProperty().get().title(), vm.conversationProperty(), i18n.localeProperty()));
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        ToggleButton toggle = new ToggleButton();
        toggle.setId("system-prompt-toggle");
        toggle.setGraphic(new FontIcon(Feather.SLIDERS));
        toggle.getStyleClass().addAll("flat", "small");
        toggle.textProperty().bind(Bindings.when(vm.systemPromptProperty().isEmpty())
                .then(i18n.text("chat.systemPrompt")).otherwise(i18n.text("chat.systemPromptCustom")));
        titleBar.getChildren().setAll(title, spacer, toggle);
        titleBar.setAlignment(Pos.CENTER_LEFT);
        titleBar.getStyleClass().add("chat-header");

        Label hint = new Label();
        hint.textProperty().bind(i18n.text("chat.systemPromptHint"));
        hint.setWrapText(true);
        hint.getStyleClass().add("chat-system-hint");
        TextArea prompt = new TextArea();
        prompt.setId("system-prompt");
        prompt.setWrapText(true);
        prompt.setPrefRowCount(3);
        Button save = new Button();
        save.setId("system-prompt-save");
        save.textProperty().bind(i18n.text("common.save"));
        save.getStyleClass().add("accent");
        Button useDefault = new Button();
        useDefault.setId("system-prompt-default");
        useDefault.textProperty().bind(i18n.text("chat.systemPromptDefault"));
        HBox buttons = new HBox(6, useDefault, save);
        buttons.setAlignment(Pos.CENTER_RIGHT);
        VBox panel = new VBox(6, hint, prompt, buttons);
        panel.setId("system-prompt-panel");
        panel.getStyleClass().add("chat-system-panel");
        panel.visibleProperty().bind(toggle.selectedProperty());
        panel.managedProperty().bind(panel.visibleProperty());
        toggle.selectedProperty().addListener((o, was, open) -> {
            if (open) {
                prompt.setText(vm.systemPromptProperty().get());
                prompt.requestFocus();
            }
        });
        vm.conversationProperty().addListener((o, was, now) -> {
            if (was == null || now == null || was.id() != now.id()) toggle.setSelected(false);
        });
        save.setOnAction(e -> {
            vm.setSystemPrompt(prompt.getText());
            toggle.setSelected(false);
        });
        useDefault.setOnAction(e -> {
            vm.setSystemPrompt("");
            toggle.setSelected(false);
        });
        return new VBox(titleBar, panel);
    }

    private void send() {
        if (vm.send(composer.getText())) {
            composer.clear();
            followBottom = true;
        }
    }

    /** Adds a control (e.g. the documents menu) under the composer, right of the context line. */
    public void addComposerTool(Node tool) {
        tools.getChildren().add(tool);
    }

    /** Puts the keyboard focus in the composer. */
    public void focusComposer() {
        composer.requestFocus();
    }

    /**
     * Work the window can do ahead of the first reply, one step per frame while it is idle (the model loading, say):
     * build a sample exchange out of sight, so the first real reply does not pay, all in one frame, for loading the
     * code of the message views, the Markdown parser and text layout, and for matching their styles (50–80 ms of the
     * UI thread on a 2-core machine). Each view is attached only while its styles are applied and it is laid out, so
     * it is never drawn and never seen.
     */
    public List<Runnable> preparationSteps() {
        MessageItem question = new MessageItem(-1, Role.USER, SAMPLE_QUESTION, 1, 1);
        MessageItem answer = new MessageItem(-2, Role.ASSISTANT, "", 1, 1);
        answer.streamingProperty().set(true);
        MessageView[] answerView = new MessageView[1];
        return List.of(
                () -> {
                    styleAndLayOut(new MessageView(question, vm, i18n), list);
                    Label title = new Label(SAMPLE_QUESTION);
                    title.getStyleClass().add("chat-title");
                    styleAndLayOut(title, titleBar);
                },
                () -> {
                    answer.promptProgressProperty().set(new GenerationEvent.Prefill(1, 2));
                    answerView[0] = new MessageView(answer, vm, i18n);
                    styleAndLayOut(answerView[0], list);
                },
                () -> {
                    answer.contentProperty().set(SAMPLE_ANSWER);
                    answer.streamingProperty().set(false);
                    styleAndLayOut(answerView[0], list);
                });
    }

    private static void styleAndLayOut(Region view, Pane parent) {
        view.setManaged(false);
        parent.getChildren().add(view);
        try {
            view.applyCss();
            double width = Math.max(parent.getWidth(), 400);
            view.resize(width, view.prefHeight(width));
            view.layout();
        } finally {
            parent.getChildren().remove(view);
        }
    }

    /** Shows the messages, keeping the view of every item that is still there. */
    private void rebuild() {
        Map<MessageItem, Node> shown = new IdentityHashMap<>();
        for (Node node : list.getChildren()) if (node instanceof MessageView view) shown.put(view.item(), view);
        list.getChildren().setAll(vm.messages().stream().map(m -> shown.containsKey(m) ? shown.get(m) : new MessageView(m, vm, i18n)).toList());
        followBottom = true;
    }

    private void scrollTo(long messageId) {
        for (Node node : list.getChildren()) {
            if (Long.valueOf(messageId).equals(node.getUserData())) {
                node.getStyleClass().add("message-found");
                list.layout();
                double y = node.getBoundsInParent().getMinY();
                double range = list.getHeight() - scroll.getViewportBounds().getHeight();
                followBottom = false;
                scroll.setVvalue(range <= 0 ? 0 : Math.min(1, y / range) * scroll.getVmax());
            }
        }
    }
}
