package dev.hearth.app.ui.status;

import dev.hearth.app.ui.I18n;
import dev.hearth.engine.session.GenerationEvent;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.beans.binding.Bindings;
import javafx.beans.property.LongProperty;
import javafx.beans.property.SimpleLongProperty;
import javafx.beans.value.ObservableBooleanValue;
import javafx.beans.value.ObservableNumberValue;
import javafx.beans.value.ObservableObjectValue;
import javafx.beans.value.ObservableStringValue;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.util.Duration;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Model and quantization, context used of total, how much of the prompt the model has read before a reply's first
 * token, speed while generating, and the memory the process holds.
 */
public final class StatusBar extends HBox {

    private final LongProperty residentBytes = new SimpleLongProperty(residentMemory());

    public StatusBar(I18n i18n, ObservableStringValue model, ObservableNumberValue contextUsed, ObservableNumberValue contextTotal,
                     ObservableNumberValue tokensPerSecond, ObservableBooleanValue generating,
                     ObservableObjectValue<GenerationEvent.Prefill> reading) {
        getStyleClass().add("status-bar");
        setAlignment(Pos.CENTER_LEFT);
        setSpacing(16);
        Label modelLabel = new Label();
        modelLabel.setId("status-model");
        modelLabel.textProperty().bind(model);
        Label context = new Label();
        context.setId("status-context");
        context.textProperty().bind(i18n.bind("status.context", contextUsed, contextTotal));
        Label speed = new Label();
        speed.setId("status-speed");
        speed.textProperty().bind(i18n.bind("status.speed", tokensPerSecond));
        speed.visibleProperty().bind(Bindings.createBooleanBinding(() -> reading.get() == null
                && (generating.get() || tokensPerSecond.doubleValue() > 0), generating, tokensPerSecond, reading));
        speed.managedProperty().bind(speed.visibleProperty());
        Label prompt = new Label();
        prompt.setId("status-reading");
        prompt.textProperty().bind(Bindings.createStringBinding(() -> reading.get() == null ? ""
                : i18n.get("status.reading", reading.get().done(), reading.get().total()), reading, i18n.localeProperty()));
        prompt.visibleProperty().bind(Bindings.isNotNull(reading));
        prompt.managedProperty().bind(prompt.visibleProperty());
        Label memory = new Label();
        memory.setId("status-memory");
        memory.textProperty().bind(i18n.bind("status.memory", Bindings.createDoubleBinding(
                () -> residentBytes.get() / (double) (1L << 30), residentBytes)));
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        getChildren().addAll(modelLabel, context, prompt, speed, spacer, memory);
        // Reading /proc is a tiny file read; twice a second keeps the number honest without a thread of its own.
        Timeline refresh = new Timeline(new KeyFrame(Duration.millis(500), e -> residentBytes.set(residentMemory())));
        refresh.setCycleCount(Timeline.INDEFINITE);
        refresh.play();
    }

    /** Resident set size of this process (VmRSS), which includes the mapped model pages in use; 0 when unknown. */
    static long residentMemory() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        } catch (IOException | NumberFormatException e) {
            return Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
        }
        return 0;
    }
}
