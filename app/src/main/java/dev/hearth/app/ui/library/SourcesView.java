package dev.hearth.app.ui.library;

import dev.hearth.app.docs.Citation;
import dev.hearth.app.ui.ErrorDialog;
import dev.hearth.app.ui.I18n;
import dev.hearth.app.ui.UiProblem;
import javafx.application.Platform;
import javafx.beans.value.ObservableValue;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Dialog;
import javafx.scene.control.Hyperlink;
import javafx.scene.control.Label;
import javafx.scene.control.TextArea;
import javafx.scene.layout.VBox;
import javafx.stage.Window;

import java.awt.Desktop;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The "Sources" list under an answer grounded in documents: {@code [n] file · page · heading} with the start of
 * the passage. A click shows the whole passage, with a button that opens the file in the desktop's own application.
 */
public final class SourcesView extends VBox {

    private static final int SNIPPET_CHARS = 160;

    private final I18n i18n;

    public SourcesView(ObservableValue<List<Citation>> sources, I18n i18n) {
        this.i18n = i18n;
        getStyleClass().add("message-sources");
        setSpacing(2);
        show(sources.getValue());
        sources.addListener((o, was, now) -> show(now));
    }

    private void show(List<Citation> sources) {
        getChildren().clear();
        boolean any = sources != null && !sources.isEmpty();
        setVisible(any);
        setManaged(any);
        if (!any) return;
        Label heading = new Label();
        heading.textProperty().bind(i18n.text("chat.sources"));
        heading.getStyleClass().add("message-sources-heading");
        getChildren().add(heading);
        for (int i = 0; i < sources.size(); i++) {
            int number = i + 1;
            Citation source = sources.get(i);
            Hyperlink link = new Hyperlink(label(number, source));
            link.setId("source-" + number);
            link.getStyleClass().add("message-source");
            link.setOnAction(e -> showPassage(number, source));
            Label snippet = new Label(shorten(source.snippet()));
            snippet.getStyleClass().add("message-source-snippet");
            snippet.setWrapText(true);
            getChildren().add(new VBox(link, snippet));
        }
    }

    /** {@code [n] file · p. 3 · Heading}, the parts a source has. */
    String label(int number, Citation source) {
        StringBuilder text = new StringBuilder("[").append(number).append("] ").append(fileName(source.file()));
        if (source.page() != null) text.append(" · ").append(i18n.get("chat.sourcePage", source.page()));
        if (source.heading() != null && !source.heading().isBlank()) text.append(" · ").append(source.heading());
        return text.toString();
    }

    private static String fileName(Path file) {
        return file.getFileName() == null ? file.toString() : file.getFileName().toString();
    }

    private static String shorten(String text) {
        String flat = text.strip().replaceAll("\\s+", " ");
        return flat.length() <= SNIPPET_CHARS ? flat : flat.substring(0, SNIPPET_CHARS - 1).strip() + "…";
    }

    private void showPassage(int number, Citation source) {
        Dialog<ButtonType> dialog = new Dialog<>();
        dialog.initOwner(getScene().getWindow());
        dialog.setTitle(label(number, source));
        dialog.getDialogPane().getStyleClass().add("source-passage");
        TextArea passage = new TextArea(source.snippet());
        passage.setId("source-passage");
        passage.setEditable(false);
        passage.setWrapText(true);
        passage.setPrefRowCount(12);
        Label where = new Label(source.file().toString());
        where.getStyleClass().add("message-source-path");
        dialog.getDialogPane().setContent(new VBox(8, where, passage));
        ButtonType open = new ButtonType(i18n.get("chat.openFile"), ButtonBar.ButtonData.LEFT);
        dialog.getDialogPane().getButtonTypes().addAll(open, ButtonType.CLOSE);
        dialog.getDialogPane().lookupButton(ButtonType.CLOSE).setId("source-close");
        dialog.getDialogPane().lookupButton(open).setId("source-open");
        dialog.getDialogPane().lookupButton(open).addEventFilter(javafx.event.ActionEvent.ACTION, e -> {
            e.consume();
            openFile(source.file(), dialog.getOwner());
        });
        ((javafx.scene.control.Button) dialog.getDialogPane().lookupButton(ButtonType.CLOSE)).textProperty().bind(i18n.text("common.close"));
        dialog.show();
    }

    /** Opens the file with the desktop's application for it, off the FX thread (that call can block). */
    private void openFile(Path file, Window owner) {
        Thread.ofVirtual().name("hearth-open-file").start(() -> {
            try {
                if (Desktop.isDesktopSupported() && Desktop.getDesktop().isSupported(Desktop.Action.OPEN)) {
                    Desktop.getDesktop().open(file.toFile());
                } else {
                    new ProcessBuilder("xdg-open", file.toString()).inheritIO().start();
                }
            } catch (IOException | RuntimeException e) {
                Platform.runLater(() -> ErrorDialog.show(i18n, owner, new UiProblem("error.openFile", UiProblem.describe(e), file)));
            }
        });
    }
}
