package dev.hearth.app.ui.chat;

import dev.hearth.app.store.Role;
import dev.hearth.app.ui.I18n;
import dev.hearth.app.ui.library.SourcesView;
import dev.hearth.engine.session.GenerationEvent;
import javafx.beans.binding.Bindings;
import javafx.beans.property.ObjectProperty;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.TextArea;
import javafx.scene.control.Tooltip;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import org.kordamp.ikonli.feather.Feather;
import org.kordamp.ikonli.javafx.FontIcon;

/** One message: its text (Markdown for answers), and on hover copy, edit or regenerate, branch arrows and stats. */
final class MessageView extends VBox {

    private final MessageItem item;
    private final ChatViewModel vm;
    private final I18n i18n;
    private final MarkdownView text;

    MessageView(MessageItem item, ChatViewModel vm, I18n i18n) {
        this.item = item;
        this.vm = vm;
        this.i18n = i18n;
        this.text = new MarkdownView(i18n);
        getStyleClass().addAll("message", item.role() == Role.USER ? "message-user" : "message-assistant");
        setUserData(item.id());
        Label who = new Label();
        who.textProperty().bind(i18n.text(item.role() == Role.USER ? "chat.you" : "chat.assistant"));
        who.getStyleClass().add("message-author");
        Label stopped = new Label();
        stopped.textProperty().bind(i18n.text("chat.stopped"));
        stopped.getStyleClass().add("message-stopped");
        stopped.visibleProperty().bind(item.interruptedProperty());
        stopped.managedProperty().bind(stopped.visibleProperty());
        HBox header = new HBox(8, who, stopped);
        header.setAlignment(Pos.CENTER_LEFT);

        text.getStyleClass().add("message-text");
        VBox body = new VBox(text);
        if (item.role() == Role.USER) {
            text.setPlainText(item.content());
            item.contentProperty().addListener((o, was, now) -> text.setPlainText(now));
        } else {
            if (item.streamingProperty().get()) body.getChildren().addFirst(readingIndicator());
            // Tokens arrive here at most once per frame; MarkdownView rebuilds only the block that changed.
            text.setMarkdown(item.content());
            item.contentProperty().addListener((o, was, now) -> text.setMarkdown(now));
        }
        getChildren().addAll(header, body);
        if (item.role() != Role.USER) getChildren().add(new SourcesView(item.sourcesProperty(), i18n));
        getChildren().add(actions(body));
        setSpacing(4);
    }

    MessageItem item() {
        return item;
    }

    /**
     * Before the first token of a reply: the model is reading the prompt, which takes seconds for a long one on a
     * large model, and how far it has got. Gives way to the text as soon as some arrives.
     */
    private HBox readingIndicator() {
        ObjectProperty<GenerationEvent.Prefill> progress = item.promptProgressProperty();
        Label label = new Label();
        label.setId("reading-" + item.id());
        label.getStyleClass().add("message-reading");
        label.textProperty().bind(Bindings.createStringBinding(() -> progress.get() == null ? i18n.get("chat.reading")
                : i18n.get("chat.readingProgress", progress.get().done(), progress.get().total()), progress, i18n.localeProperty()));
        ProgressBar bar = new ProgressBar();
        bar.getStyleClass().add("message-reading-bar");
        bar.progressProperty().bind(Bindings.createDoubleBinding(() -> progress.get() == null ? 0
                : progress.get().done() / (double) progress.get().total(), progress));
        bar.visibleProperty().bind(progress.isNotNull());
        HBox box = new HBox(8, label, bar);
        box.setAlignment(Pos.CENTER_LEFT);
        box.visibleProperty().bind(item.streamingProperty().and(item.contentProperty().isEmpty()));
        box.managedProperty().bind(box.visibleProperty());
        return box;
    }

    private HBox actions(VBox body) {
        HBox bar = new HBox(4);
        bar.getStyleClass().add("message-actions");
        bar.setAlignment(Pos.CENTER_LEFT);
        if (item.branches() > 1) {
            Button previous = iconButton(Feather.CHEVRON_LEFT, "chat.previousBranch");
            previous.setOnAction(e -> vm.switchBranch(item, -1));
            Label position = new Label();
            position.textProperty().bind(i18n.text("chat.branchPosition", item.branch(), item.branches()));
            position.getStyleClass().add("branch-position");
            Button next = iconButton(Feather.CHEVRON_RIGHT, "chat.nextBranch");
            next.setOnAction(e -> vm.switchBranch(item, +1));
            bar.getChildren().addAll(previous, position, next);
        }
        Button copy = iconButton(Feather.COPY, "chat.copyMessage");
        copy.setOnAction(e -> {
            ClipboardContent content = new ClipboardContent();
            content.putString(item.content());
            Clipboard.getSystemClipboard().setContent(content);
        });
        bar.getChildren().add(copy);
        if (item.role() == Role.USER) {
            Button edit = iconButton(Feather.EDIT_2, "chat.edit");
            edit.setOnAction(e -> startEditing(body));
            edit.disableProperty().bind(vm.generatingProperty());
            bar.getChildren().add(edit);
        } else {
            // A view outlives changes of the list, so whether its message is the last one is followed, not fixed.
            Button regenerate = iconButton(Feather.REFRESH_CW, "chat.regenerate");
            regenerate.setOnAction(e -> vm.regenerate());
            regenerate.disableProperty().bind(vm.generatingProperty());
            regenerate.visibleProperty().bind(Bindings.createBooleanBinding(() -> vm.isLast(item), vm.messages()));
            regenerate.managedProperty().bind(regenerate.visibleProperty());
            bar.getChildren().add(regenerate);
        }
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        Label stats = new Label();
        stats.getStyleClass().add("message-stats");
        stats.textProperty().bind(Bindings.createStringBinding(() -> {
            Integer tokens = item.tokensProperty().get();
            Double speed = item.tokensPerSecondProperty().get();
            if (tokens == null || item.streamingProperty().get()) return "";
            return i18n.get("chat.stats", tokens, speed == null ? 0.0 : speed);
        }, item.tokensProperty(), item.tokensPerSecondProperty(), item.streamingProperty(), i18n.localeProperty()));
        bar.getChildren().addAll(spacer, stats);
        // Actions show on hover, except where the branch arrows tell the user there are alternatives.
        if (item.branches() <= 1) {
            bar.opacityProperty().bind(Bindings.when(hoverProperty()).then(1.0).otherwise(0.0));
        }
        return bar;
    }

    private Button iconButton(Feather icon, String tooltipKey) {
        Button button = new Button();
        button.setGraphic(new FontIcon(icon));
        button.getStyleClass().addAll("flat", "small", "button-icon");
        Tooltip tip = new Tooltip();
        tip.textProperty().bind(i18n.text(tooltipKey));
        button.setTooltip(tip);
        button.setAccessibleText(tooltipKey);
        button.setId(tooltipKey.replace('.', '-') + "-" + item.id());
        return button;
    }

    private void startEditing(VBox body) {
        TextArea editor = new TextArea(item.content());
        editor.setWrapText(true);
        editor.setPrefRowCount(3);
        editor.setId("edit-area-" + item.id());
        Button save = new Button();
        save.textProperty().bind(i18n.text("chat.saveAndSend"));
        save.getStyleClass().add("accent");
        save.setId("edit-save-" + item.id());
        Button cancel = new Button();
        cancel.textProperty().bind(i18n.text("common.cancel"));
        HBox buttons = new HBox(6, save, cancel);
        buttons.setAlignment(Pos.CENTER_RIGHT);
        VBox editing = new VBox(6, editor, buttons);
        body.getChildren().setAll(editing);
        cancel.setOnAction(e -> body.getChildren().setAll(text));
        save.setOnAction(e -> vm.edit(item, editor.getText()));
        editor.requestFocus();
    }

}
