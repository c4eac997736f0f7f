package dev.hearth.app.ui.privacy;

import dev.hearth.app.privacy.ConnectionLog;
import dev.hearth.app.privacy.ConnectionLog.Connection;
import dev.hearth.app.ui.I18n;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import org.kordamp.ikonli.feather.Feather;
import org.kordamp.ikonli.javafx.FontIcon;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/** Every network connection Hearth made or accepted, newest first, from the connection log; normally a sentence saying there were none. */
public final class PrivacyView extends VBox {

    private final ConnectionLog log;
    private final I18n i18n;
    private final TableView<Connection> table = new TableView<>();
    private final Label none = new Label();
    private final Label total = new Label();

    public PrivacyView(ConnectionLog log, I18n i18n) {
        this.log = log;
        this.i18n = i18n;
        getStyleClass().add("privacy");
        setSpacing(10);
        setPadding(new javafx.geometry.Insets(16));
        Label heading = new Label();
        heading.textProperty().bind(i18n.text("privacy.heading"));
        heading.getStyleClass().add("title-3");
        Label explanation = new Label();
        explanation.textProperty().bind(i18n.text("privacy.explanation"));
        explanation.setWrapText(true);
        explanation.setMinHeight(Region.USE_PREF_SIZE);
        Button refresh = new Button();
        refresh.setId("privacy-refresh");
        refresh.setGraphic(new FontIcon(Feather.REFRESH_CW));
        refresh.textProperty().bind(i18n.text("privacy.refresh"));
        refresh.setOnAction(e -> refresh());
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox top = new HBox(8, heading, spacer, refresh);

        table.setId("privacy-connections");
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        DateTimeFormatter time = DateTimeFormatter.ofLocalizedDateTime(FormatStyle.SHORT, FormatStyle.MEDIUM).withZone(ZoneId.systemDefault());
        table.getColumns().setAll(List.of(
                column("privacy.time", c -> time.withLocale(i18n.locale()).format(c.time())),
                column("privacy.direction", c -> i18n.get("privacy.direction." + c.direction().name().toLowerCase(Locale.ROOT))),
                column("privacy.purpose", Connection::purpose),
                column("privacy.address", Connection::address),
                column("privacy.detail", Connection::detail)));
        none.setId("privacy-none");
        none.textProperty().bind(i18n.text("privacy.none"));
        none.setWrapText(true);
        none.getStyleClass().add("privacy-none");
        StackPane body = new StackPane(table, none);
        VBox.setVgrow(body, Priority.ALWAYS);
        total.setId("privacy-total");
        getChildren().addAll(top, explanation, body, total);
        i18n.localeProperty().addListener((o, was, now) -> refresh());
        refresh();
    }

    private TableColumn<Connection, String> column(String key, Function<Connection, String> value) {
        TableColumn<Connection, String> column = new TableColumn<>();
        column.textProperty().bind(i18n.text(key));
        column.setCellValueFactory(cell -> new ReadOnlyStringWrapper(value.apply(cell.getValue())));
        column.setSortable(false);
        return column;
    }

    /** Shows the log as it is now. */
    public void refresh() {
        List<Connection> entries = log.entries().reversed();
        table.setItems(FXCollections.observableArrayList(entries));
        table.refresh();
        boolean empty = entries.isEmpty();
        none.setVisible(empty);
        table.setVisible(!empty);
        total.setText(empty ? "" : i18n.get("privacy.total", log.total()));
    }

    /** The rows shown, newest first (for tests). */
    public List<Connection> shown() {
        return table.getItems();
    }
}
