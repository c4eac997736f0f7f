package dev.hearth.app.ui.privacy;

import atlantafx.base.controls.ToggleSwitch;
import dev.hearth.app.api.ApiServer;
import dev.hearth.app.ui.I18n;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Spinner;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import org.kordamp.ikonli.feather.Feather;
import org.kordamp.ikonli.javafx.FontIcon;

/** The settings' privacy section: the local API switch with its port, URL and token, and the way to the connection list. */
public final class LocalApiPane extends VBox {

    public LocalApiPane(LocalApi api, I18n i18n, Runnable showConnections) {
        setSpacing(6);
        getStyleClass().add("local-api");
        ToggleSwitch toggle = new ToggleSwitch();
        toggle.setId("api-switch");
        toggle.textProperty().bind(i18n.text("api.switch"));
        toggle.setSelected(api.runningProperty().get());
        toggle.disableProperty().bind(api.busyProperty());
        Spinner<Integer> port = new Spinner<>(1024, 65535, ApiServer.DEFAULT_PORT);
        port.setId("api-port");
        port.setEditable(true);
        port.setPrefWidth(110);
        port.disableProperty().bind(api.runningProperty().or(api.busyProperty()));
        Label portLabel = new Label();
        portLabel.textProperty().bind(i18n.text("api.port"));
        toggle.selectedProperty().addListener((o, was, on) -> {
            if (on && !api.runningProperty().get()) api.start(port.getValue());
            else if (!on && api.runningProperty().get()) api.stop();
        });
        api.runningProperty().addListener((o, was, now) -> toggle.setSelected(now));
        api.busyProperty().addListener((o, was, now) -> {
            if (!now) toggle.setSelected(api.runningProperty().get());
        });
        HBox switchRow = new HBox(12, toggle, portLabel, port);
        switchRow.setAlignment(Pos.CENTER_LEFT);

        Label note = new Label();
        note.textProperty().bind(i18n.text("api.note"));
        note.setWrapText(true);
        note.getStyleClass().add("text-muted");

        Label urlLabel = new Label();
        urlLabel.textProperty().bind(i18n.text("api.url"));
        TextField url = new TextField();
        url.setId("api-url");
        url.setEditable(false);
        url.textProperty().bind(api.urlProperty());
        Label tokenLabel = new Label();
        tokenLabel.textProperty().bind(i18n.text("api.token"));
        TextField token = new TextField();
        token.setId("api-token");
        token.setEditable(false);
        token.setPrefColumnCount(32);
        token.textProperty().bind(api.tokenProperty());
        Button copy = new Button();
        copy.setId("api-copy");
        copy.setGraphic(new FontIcon(Feather.COPY));
        copy.getStyleClass().add("button-icon");
        Tooltip tip = new Tooltip();
        tip.textProperty().bind(i18n.text("api.copyToken"));
        copy.setTooltip(tip);
        copy.setOnAction(e -> {
            ClipboardContent content = new ClipboardContent();
            content.putString(api.tokenProperty().get());
            Clipboard.getSystemClipboard().setContent(content);
        });
        GridPane details = new GridPane();
        details.setHgap(8);
        details.setVgap(6);
        details.addRow(0, urlLabel, url);
        details.addRow(1, tokenLabel, new HBox(6, token, copy));
        details.visibleProperty().bind(api.runningProperty());
        details.managedProperty().bind(details.visibleProperty());

        Button connections = new Button();
        connections.setId("privacy-open");
        connections.setGraphic(new FontIcon(Feather.SHIELD));
        connections.textProperty().bind(i18n.text("privacy.open"));
        connections.setOnAction(e -> showConnections.run());
        getChildren().addAll(switchRow, note, details, connections);
    }
}
