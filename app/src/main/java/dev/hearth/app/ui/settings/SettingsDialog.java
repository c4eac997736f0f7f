package dev.hearth.app.ui.settings;

import dev.hearth.app.ui.I18n;
import dev.hearth.engine.model.LlamaConfig;
import dev.hearth.engine.model.MemoryPlan;
import javafx.beans.binding.Bindings;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.Spinner;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Region;

import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Function;

/**
 * The settings form. It returns the edited {@link AppSettings}; the window saves them (off the FX thread)
 * and applies theme and language at once.
 */
public final class SettingsDialog extends Dialog<AppSettings> {

    private final GridPane form = new GridPane();

    /**
     * @param model        the loaded model's shape and weight size for the memory estimate, or null
     * @param openFolder   opens the data folder in the desktop's file manager
     * @param exportChats  asks where to and exports every chat
     */
    private final I18n i18n;

    public SettingsDialog(I18n i18n, AppSettings current, Path dataDir, LlamaConfig model, long weightBytes,
                          Runnable openFolder, Runnable exportChats) {
        this.i18n = i18n;
        titleProperty().bind(i18n.text("settings.title"));
        getDialogPane().getStyleClass().add("settings");
        ButtonType save = new ButtonType("save", ButtonBar.ButtonData.OK_DONE);
        getDialogPane().getButtonTypes().addAll(save, ButtonType.CANCEL);

        TextArea system = new TextArea(current.systemPrompt());
        system.setId("settings-system-prompt");
        system.setPrefRowCount(3);
        system.setWrapText(true);
        Spinner<Double> temperature = decimal(0, 2, current.temperature(), 0.05);
        temperature.setId("settings-temperature");
        Spinner<Double> topP = decimal(0.01, 1, current.topP(), 0.05);
        Spinner<Integer> topK = new Spinner<>(0, 1000, current.topK());
        Spinner<Double> minP = decimal(0, 0.99, current.minP(), 0.01);
        Spinner<Double> repeat = decimal(0.5, 2, current.repeatPenalty(), 0.05);
        TextField seed = new TextField(Long.toString(current.seed()));
        Spinner<Integer> maxTokens = new Spinner<>(16, 32768, current.maxTokens(), 64);
        Spinner<Integer> context = new Spinner<>(0, 131072, current.context(), 512);
        Spinner<Integer> threads = new Spinner<>(0, Runtime.getRuntime().availableProcessors(), current.threads());
        for (Spinner<?> s : new Spinner<?>[]{temperature, topP, topK, minP, repeat, maxTokens, context, threads}) s.setEditable(true);
        Label memory = new Label();
        memory.setWrapText(true);
        memory.setMaxWidth(300);
        memory.textProperty().bind(Bindings.createStringBinding(() -> {
            if (model == null) return i18n.get("settings.memoryUnknown");
            int ctx = context.getValue() == 0 ? MemoryPlan.defaultContext(model, weightBytes, 1) : context.getValue();
            MemoryPlan plan = MemoryPlan.of(model, weightBytes, ctx, 1);
            return i18n.get(plan.fits() ? "settings.memoryFits" : "settings.memoryTooMuch", ctx, MemoryPlan.human(plan.totalBytes()),
                    MemoryPlan.human(plan.availableBytes()));
        }, context.valueProperty(), i18n.localeProperty()));

        ComboBox<AppSettings.Theme> theme = new ComboBox<>();
        theme.setId("settings-theme");
        theme.getItems().setAll(AppSettings.Theme.values());
        theme.setValue(current.theme());
        named(theme, t -> i18n.get("settings.theme." + t.name().toLowerCase(Locale.ROOT)));
        ComboBox<Locale> language = new ComboBox<>();
        language.setId("settings-language");
        language.getItems().setAll(I18n.LANGUAGES);
        language.setValue(current.language());
        named(language, l -> l.getDisplayLanguage(l));

        Label folder = new Label(dataDir.toString());
        Button open = button(i18n, "settings.openFolder", openFolder);
        Button export = button(i18n, "settings.exportAll", exportChats);

        form.setHgap(12);
        form.setVgap(8);
        int row = 0;
        form.addRow(row++, label(i18n, "settings.systemPrompt"), system);
        form.addRow(row++, label(i18n, "settings.temperature"), temperature);
        form.addRow(row++, label(i18n, "settings.topP"), topP);
        form.addRow(row++, label(i18n, "settings.topK"), topK);
        form.addRow(row++, label(i18n, "settings.minP"), minP);
        form.addRow(row++, label(i18n, "settings.repeatPenalty"), repeat);
        form.addRow(row++, label(i18n, "settings.seed"), seed);
        form.addRow(row++, label(i18n, "settings.maxTokens"), maxTokens);
        form.addRow(row++, label(i18n, "settings.context"), new HBox(8, context, memory));
        form.addRow(row++, label(i18n, "settings.threads"), threads);
        form.addRow(row++, label(i18n, "settings.theme"), theme);
        form.addRow(row++, label(i18n, "settings.language"), language);
        form.addRow(row++, label(i18n, "settings.dataFolder"), new HBox(8, folder, open));
        form.addRow(row, label(i18n, "settings.chats"), export);
        getDialogPane().setContent(form);
        ((Button) getDialogPane().lookupButton(save)).textProperty().bind(i18n.text("common.save"));
        ((Button) getDialogPane().lookupButton(ButtonType.CANCEL)).textProperty().bind(i18n.text("common.cancel"));

        setResultConverter(button -> {
            if (button != save) return null;
            long seedValue;
            try {
                seedValue = Long.parseLong(seed.getText().strip());
            } catch (NumberFormatException e) {
                seedValue = current.seed();
            }
            return new AppSettings(system.getText(), temperature.getValue().floatValue(), topP.getValue().floatValue(), topK.getValue(),
                    minP.getValue().floatValue(), repeat.getValue().floatValue(), seedValue, maxTokens.getValue(), context.getValue(),
                    threads.getValue(), theme.getValue(), language.getValue(), current.modelPath());
        });
    }

    /** Adds a labelled section under the form (another pane's settings that act at once, not on Save). */
    public void addSection(String labelKey, Node content) {
        form.addRow(form.getRowCount(), label(i18n, labelKey), content);
    }

    private static Spinner<Double> decimal(double min, double max, double value, double step) {
        return new Spinner<>(min, max, Math.round(value * 100) / 100.0, step);
    }

    private static Label label(I18n i18n, String key) {
        Label label = new Label();
        label.textProperty().bind(i18n.text(key));
        label.setMinWidth(Region.USE_PREF_SIZE);
        return label;
    }

    private static Button button(I18n i18n, String key, Runnable action) {
        Button button = new Button();
        button.textProperty().bind(i18n.text(key));
        button.setOnAction(e -> action.run());
        return button;
    }

    private static <T> void named(ComboBox<T> box, Function<T, String> name) {
        box.setCellFactory(v -> new ListCell<>() {
            @Override
            protected void updateItem(T item, boolean empty) {
                super.updateItem(item, empty);
                setText(empty || item == null ? null : name.apply(item));
            }
        });
        box.setButtonCell(box.getCellFactory().call(null));
    }
}
