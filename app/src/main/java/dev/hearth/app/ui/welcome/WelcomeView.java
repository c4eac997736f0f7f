package dev.hearth.app.ui.welcome;

import dev.hearth.app.assistant.ModelFacts;
import dev.hearth.app.models.DownloadProgress;
import dev.hearth.app.models.ModelDownload;
import dev.hearth.app.ui.I18n;
import dev.hearth.engine.model.MemoryPlan;
import javafx.beans.binding.Bindings;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.TextField;
import javafx.scene.control.TitledPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import org.kordamp.ikonli.feather.Feather;
import org.kordamp.ikonli.javafx.FontIcon;

import java.io.File;
import java.util.function.Supplier;

/** The first-run screen: what to download, pick a local file, or paste a link; then the chosen model's facts. */
public final class WelcomeView extends ScrollPane {

    private final WelcomeViewModel vm;
    private final I18n i18n;

    /** @param chooseFile asks the user for a file (a FileChooser in the app; tests give a file directly) */
    public WelcomeView(WelcomeViewModel vm, I18n i18n, Supplier<File> chooseFile) {
        this.vm = vm;
        this.i18n = i18n;
        getStyleClass().add("welcome");
        setFitToWidth(true);

        Label title = label("welcome.title", "title-1");
        Label intro = label("welcome.intro", "welcome-text");
        Label recommend = label("welcome.recommend", "welcome-text");

        Button pick = new Button();
        pick.setId("pick-model");
        pick.setGraphic(new FontIcon(Feather.FOLDER));
        pick.textProperty().bind(i18n.text("welcome.pick"));
        pick.getStyleClass().add("accent");
        pick.setOnAction(e -> {
            File file = chooseFile.get();
            if (file != null) vm.pick(file.toPath());
        });
        pick.disableProperty().bind(vm.busyProperty());

        TextField link = new TextField();
        link.setId("download-link");
        link.promptTextProperty().bind(i18n.text("welcome.linkPrompt"));
        HBox.setHgrow(link, Priority.ALWAYS);
        TextField sha = new TextField();
        sha.setId("download-sha");
        sha.promptTextProperty().bind(i18n.text("welcome.shaPrompt"));
        Button download = new Button();
        download.setId("download");
        download.setGraphic(new FontIcon(Feather.DOWNLOAD));
        download.textProperty().bind(i18n.text("welcome.download"));
        download.setOnAction(e -> vm.startDownload(link.getText(), sha.getText()));
        download.disableProperty().bind(vm.busyProperty().or(link.textProperty().isEmpty()));
        HBox linkRow = new HBox(8, link, download);

        VBox downloadBox = downloadProgress();
        VBox factsBox = facts();

        Label problem = new Label();
        problem.setId("welcome-problem");
        problem.setWrapText(true);
        problem.getStyleClass().add("problem");
        Label detail = new Label();
        detail.setWrapText(true);
        TitledPane details = new TitledPane();
        details.textProperty().bind(i18n.text("common.details"));
        details.setContent(detail);
        details.setExpanded(false);
        VBox problemBox = new VBox(6, problem, details);
        problemBox.visibleProperty().bind(vm.problemProperty().isNotNull());
        problemBox.managedProperty().bind(problemBox.visibleProperty());
        vm.problemProperty().addListener((o, was, p) -> {
            problem.textProperty().unbind();
            if (p != null) {
                problem.textProperty().bind(i18n.text(p.key(), p.args()));
                detail.setText(p.detail());
            }
        });

        VBox content = new VBox(14, title, intro, unfinished(), recommend, pick, label("welcome.orLink", "welcome-text"), linkRow, sha,
                downloadBox, problemBox, factsBox);
        content.getStyleClass().add("welcome-content");
        content.setMaxWidth(640);
        VBox outer = new VBox(content);
        outer.setAlignment(Pos.TOP_CENTER);
        setContent(outer);
    }

    private Label label(String key, String style) {
        Label label = new Label();
        label.textProperty().bind(i18n.text(key));
        label.setWrapText(true);
        label.getStyleClass().add(style);
        return label;
    }

    /** Downloads an earlier run left unfinished, each with Resume. */
    private VBox unfinished() {
        VBox box = new VBox(6);
        box.setId("unfinished-downloads");
        box.getStyleClass().add("card");
        Runnable fill = () -> {
            box.getChildren().clear();
            for (ModelDownload earlier : vm.unfinished()) {
                Label what = new Label();
                String key = earlier.target().getFileName().toString().replaceAll("[^A-Za-z0-9]", "-");
                what.setId("unfinished-" + key);
                what.setWrapText(true);
                what.textProperty().bind(i18n.text("welcome.unfinished", earlier.target().getFileName().toString(),
                        MemoryPlan.human(earlier.receivedBytes())));
                HBox.setHgrow(what, Priority.ALWAYS);
                what.setMaxWidth(Double.MAX_VALUE);
                Button resume = new Button();
                resume.setId("resume-earlier-" + key);
                resume.setGraphic(new FontIcon(Feather.DOWNLOAD));
                resume.textProperty().bind(i18n.text("welcome.resume"));
                resume.getStyleClass().add("accent");
                resume.disableProperty().bind(vm.busyProperty());
                resume.setOnAction(e -> vm.resume(earlier));
                HBox row = new HBox(8, what, resume);
                row.setAlignment(Pos.CENTER_LEFT);
                box.getChildren().add(row);
            }
        };
        vm.unfinished().addListener((javafx.collections.ListChangeListener<ModelDownload>) c -> fill.run());
        fill.run();
        box.visibleProperty().bind(Bindings.isNotEmpty(vm.unfinished()));
        box.managedProperty().bind(box.visibleProperty());
        return box;
    }

    private VBox downloadProgress() {
        ProgressBar bar = new ProgressBar();
        bar.setMaxWidth(Double.MAX_VALUE);
        Label text = new Label();
        text.setId("download-progress");
        Button pause = new Button();
        pause.textProperty().bind(i18n.text("welcome.pause"));
        pause.setOnAction(e -> vm.pause());
        pause.disableProperty().bind(vm.busyProperty().not());
        Button resume = new Button();
        resume.textProperty().bind(i18n.text("welcome.resume"));
        resume.setOnAction(e -> vm.resume(vm.downloadProperty().get()));
        resume.disableProperty().bind(vm.busyProperty());
        Button cancel = new Button();
        cancel.textProperty().bind(i18n.text("common.cancel"));
        cancel.setOnAction(e -> vm.cancel());
        vm.progressProperty().addListener((o, was, p) -> {
            if (p == null) return;
            bar.setProgress(p.phase() == DownloadProgress.Phase.VERIFYING ? -1 : p.fraction());
            text.setText(p.phase() == DownloadProgress.Phase.VERIFYING ? i18n.get("welcome.verifying")
                    : i18n.get("welcome.progress", MemoryPlan.human(p.receivedBytes()),
                    p.totalBytes() > 0 ? MemoryPlan.human(p.totalBytes()) : "?",
                    MemoryPlan.human((long) p.bytesPerSecond()),
                    p.remaining().map(d -> String.format("%d:%02d:%02d", d.toHours(), d.toMinutesPart(), d.toSecondsPart())).orElse("–")));
        });
        VBox box = new VBox(6, bar, text, new HBox(8, pause, resume, cancel));
        box.visibleProperty().bind(vm.downloadProperty().isNotNull());
        box.managedProperty().bind(box.visibleProperty());
        return box;
    }

    private VBox facts() {
        GridPane grid = new GridPane();
        grid.setHgap(16);
        grid.setVgap(6);
        grid.getStyleClass().add("model-facts");
        Label fits = new Label();
        fits.setId("model-fits");
        fits.setWrapText(true);
        Button load = new Button();
        load.setId("load-model");
        load.setGraphic(new FontIcon(Feather.PLAY));
        load.textProperty().bind(i18n.text("welcome.load"));
        load.getStyleClass().add("accent");
        load.setOnAction(e -> vm.load());
        vm.factsProperty().addListener((o, was, f) -> {
            grid.getChildren().clear();
            if (f == null) return;
            row(grid, 0, "model.name", f.name());
            row(grid, 1, "model.parameters", f.parameterLabel());
            row(grid, 2, "model.quant", f.quant());
            row(grid, 3, "model.size", MemoryPlan.human(f.fileBytes()));
            row(grid, 4, "model.context", i18n.get("model.contextValue", f.context(), f.trainedContext()));
            row(grid, 5, "model.memory", MemoryPlan.human(f.plan().totalBytes()));
            fits.textProperty().unbind();
            fits.textProperty().bind(fitsText(f));
            fits.getStyleClass().setAll("label", f.plan().fits() ? "fits" : "problem");
        });
        VBox box = new VBox(10, grid, fits, load);
        box.getStyleClass().add("card");
        box.visibleProperty().bind(vm.factsProperty().isNotNull());
        box.managedProperty().bind(box.visibleProperty());
        return box;
    }

    private javafx.beans.binding.StringBinding fitsText(ModelFacts f) {
        return f.plan().fits()
                ? i18n.text("model.fits", MemoryPlan.human(f.plan().availableBytes()))
                : i18n.text("model.doesNotFit", MemoryPlan.human(f.plan().totalBytes()), MemoryPlan.human(f.plan().availableBytes()));
    }

    private void row(GridPane grid, int row, String key, String value) {
        Label name = new Label();
        name.textProperty().bind(i18n.text(key));
        name.getStyleClass().add("text-muted");
        Label v = new Label(value);
        v.setId("fact-" + key.replace('.', '-'));
        grid.addRow(row, name, v);
    }

    /** The default file chooser for GGUF files. */
    public static Supplier<File> fileChooser(I18n i18n, javafx.stage.Window owner) {
        return () -> {
            FileChooser chooser = new FileChooser();
            chooser.setTitle(i18n.get("welcome.pick"));
            chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter(i18n.get("welcome.ggufFiles"), "*.gguf"));
            return chooser.showOpenDialog(owner);
        };
    }
}
