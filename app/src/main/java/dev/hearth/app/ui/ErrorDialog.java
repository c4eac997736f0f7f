package dev.hearth.app.ui;

import javafx.scene.control.Alert;
import javafx.scene.control.ButtonType;
import javafx.scene.control.TextArea;
import javafx.stage.Window;

import java.util.Optional;

/** A problem told as a sentence, with the technical details one click away. */
public final class ErrorDialog {
    private ErrorDialog() {}

    public static Alert create(I18n i18n, Window owner, UiProblem problem, ButtonType... buttons) {
        Alert alert = new Alert(Alert.AlertType.ERROR, "", buttons.length == 0 ? new ButtonType[]{ButtonType.OK} : buttons);
        if (owner != null) alert.initOwner(owner);
        alert.setTitle(i18n.get("app.name"));
        alert.setHeaderText(i18n.get(problem.key(), problem.args()));
        alert.setContentText(i18n.get("error.hint"));
        if (problem.detail() != null && !problem.detail().isBlank()) {
            TextArea details = new TextArea(problem.detail());
            details.setEditable(false);
            details.setWrapText(true);
            details.setPrefRowCount(6);
            alert.getDialogPane().setExpandableContent(details);
        }
        for (ButtonType type : alert.getButtonTypes()) {
            if (type == ButtonType.OK) ((javafx.scene.control.Button) alert.getDialogPane().lookupButton(type)).setText(i18n.get("common.ok"));
            if (type == ButtonType.CANCEL) ((javafx.scene.control.Button) alert.getDialogPane().lookupButton(type)).setText(i18n.get("common.cancel"));
        }
        return alert;
    }

    public static void show(I18n i18n, Window owner, UiProblem problem) {
        create(i18n, owner, problem).show();
    }

    public static Optional<ButtonType> ask(I18n i18n, Window owner, UiProblem problem, ButtonType... buttons) {
        return create(i18n, owner, problem, buttons).showAndWait();
    }
}
