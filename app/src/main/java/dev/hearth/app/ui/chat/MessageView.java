package dev.hearth.app.ui.chat;

import dev.hearth.app.store.Role;
import dev.hearth.app.ui.I18n;
import dev.hearth.app.ui.library.SourcesView;
import javafx.animation.PauseTransition;
import javafx.beans.binding.Bindings;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TextArea;
import javafx.scene.control.Tooltip;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.util.Duration;
import org.kordamp.ikonli.feather.Feather;
import org.kordamp.ikonli.javafx.FontIcon;

/** One message: its text (Markdown for answers), and on hover copy, edit or regenerate, branch arrows and stats. */
final class MessageView extends VBox {

    /** While streaming, the Markdown is re-laid out at most this often; the final text is always shown. */
    private static final Duration STREAM_RENDER_INTERVAL = Duration.millis(80);

    private final MessageItem item;
    private final ChatViewModel vm;
    private final I18n i18n;
    private final MarkdownView markdown;
    private final Label plain = new Label();
    private final PauseTransition renderLater = new PauseTransition(STREAM_RENDER_INTERVAL);
    private boolean renderPending;

    MessageView(MessageItem item, ChatViewModel vm, I18n i18n) {
        this.item = item;
        this.vm = vm;
        this.i18n = i18n;
        this.markdown = new MarkdownView(i18n);
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

        plain.setWrapText(true);
        plain.getStyleClass().add("message-text");
        VBox body = new VBox();
        if (item.role() == Role.USER) {
            plain.textProperty().bind(item.contentProperty());
            body.getChildren().add(plain);
        } else {
            markdown.setMarkdown(item.content());
            renderLater.setOnFinished(e -> {
                renderPending = false;
                markdown.setMarkdown(item.content());
            });
            item.contentProperty().addListener((o, was, now) -> {
                if (!item.streamingProperty().get()) {
                    markdown.setMarkdown(now);
                } else if (!renderPending) {
                    renderPending = true;
                    renderLater.playFromStart();
                }
            });
            item.streamingProperty().addListener((o, was, now) -> {
                if (!now) markdown.setMarkdown(item.content());
            });
            body.getChildren().add(markdown);
        }
        getChildren().addAll(header, body);
        if (item.role() != Role.USER) getChildren().add(new SourcesView(item.sourcesProperty(), i18n));
        getChildren().add(actions(body));
        setSpacing(4);
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
        } else if (vm.isLast(item)) {
            Button regenerate = iconButton(Feather.REFRESH_CW, "chat.regenerate");
            regenerate.setOnAction(e -> vm.regenerate());
            regenerate.disableProperty().bind(vm.generatingProperty());
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
        cancel.setOnAction(e -> body.getChildren().setAll(plain));
        save.setOnAction(e -> vm.edit(item, editor.getText()));
        editor.requestFocus();
    }

}
