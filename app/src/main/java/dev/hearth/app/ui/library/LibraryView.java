package dev.hearth.app.ui.library;

import dev.hearth.app.docs.IndexProgress;
import dev.hearth.app.ui.I18n;
import dev.hearth.app.ui.library.LibraryViewModel.FileRow;
import dev.hearth.app.ui.library.LibraryViewModel.LibraryRow;
import javafx.beans.binding.Bindings;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.stage.DirectoryChooser;
import javafx.stage.FileChooser;
import org.kordamp.ikonli.feather.Feather;
import org.kordamp.ikonli.javafx.FontIcon;

import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/** The document libraries: create one, add files and folders, watch indexing (with pause), see every file and what went wrong. */
public final class LibraryView extends SplitPane {

    private final LibraryViewModel vm;
    private final I18n i18n;
    private Supplier<List<File>> fileChooser;
    private Supplier<File> folderChooser;

    public LibraryView(LibraryViewModel vm, I18n i18n) {
        this.vm = vm;
        this.i18n = i18n;
        getStyleClass().add("library");
        fileChooser = () -> {
            FileChooser chooser = new FileChooser();
            chooser.setTitle(i18n.get("library.addFiles"));
            chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter(i18n.get("library.documents"),
                    "*.txt", "*.md", "*.markdown", "*.html", "*.htm", "*.pdf", "*.docx"));
            return chooser.showOpenMultipleDialog(getScene().getWindow());
        };
        folderChooser = () -> {
            DirectoryChooser chooser = new DirectoryChooser();
            chooser.setTitle(i18n.get("library.addFolder"));
            return chooser.showDialog(getScene().getWindow());
        };
        getItems().addAll(libraryList(), libraryDetail());
        setDividerPositions(0.3);
    }

    /** Lets tests answer the file and folder choosers. */
    public void setChoosers(Supplier<List<File>> files, Supplier<File> folder) {
        this.fileChooser = files;
        this.folderChooser = folder;
    }

    private VBox libraryList() {
        Label heading = new Label();
        heading.textProperty().bind(i18n.text("library.libraries"));
        heading.getStyleClass().add("title-4");
        ListView<LibraryRow> list = new ListView<>(vm.libraries());
        list.setId("library-list");
        list.setCellFactory(v -> new ListCell<>() {
            @Override
            protected void updateItem(LibraryRow row, boolean empty) {
                super.updateItem(row, empty);
                textProperty().unbind();
                if (empty || row == null) {
                    setText(null);
                } else {
                    textProperty().bind(i18n.text("library.row", row.name(), row.files()));
                }
            }
        });
        vm.selectedProperty().addListener((o, was, now) -> {
            if (now != null && !now.equals(list.getSelectionModel().getSelectedItem())) list.getSelectionModel().select(now);
        });
        list.getSelectionModel().selectedItemProperty().addListener((o, was, now) -> {
            if (now != null) vm.selectedProperty().set(now);
        });
        VBox.setVgrow(list, Priority.ALWAYS);
        TextField name = new TextField();
        name.setId("library-name");
        name.promptTextProperty().bind(i18n.text("library.newName"));
        Button create = new Button();
        create.setId("library-create");
        create.textProperty().bind(i18n.text("library.create"));
        create.disableProperty().bind(name.textProperty().isEmpty());
        create.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        Runnable createNow = () -> {
            vm.create(name.getText());
            name.clear();
        };
        create.setOnAction(e -> createNow.run());
        name.setOnAction(e -> createNow.run());
        HBox.setHgrow(name, Priority.ALWAYS);
        VBox box = new VBox(8, heading, list, new HBox(6, name, create));
        box.getStyleClass().add("library-list");
        box.setPadding(new Insets(12));
        return box;
    }

    private StackPane libraryDetail() {
        Label title = new Label();
        title.setId("library-title");
        title.getStyleClass().add("title-3");
        title.textProperty().bind(Bindings.createStringBinding(() -> vm.selectedProperty().get() == null ? "" : vm.selectedProperty().get().name(),
                vm.selectedProperty()));
        Label counts = new Label();
        counts.setId("library-counts");
        counts.textProperty().bind(Bindings.createStringBinding(() -> {
            LibraryRow row = vm.selectedProperty().get();
            if (row == null) return "";
            return row.failed() == 0 ? i18n.get("library.counts", row.files(), row.chunks())
                    : i18n.get("library.countsWithFailures", row.files(), row.chunks(), row.failed());
        }, vm.selectedProperty(), i18n.localeProperty()));

        Button addFiles = new Button();
        addFiles.setId("library-add-files");
        addFiles.setGraphic(new FontIcon(Feather.FILE_PLUS));
        addFiles.textProperty().bind(i18n.text("library.addFiles"));
        addFiles.setOnAction(e -> {
            List<File> chosen = fileChooser.get();
            if (chosen != null) vm.add(chosen.stream().map(File::toPath).toList());
        });
        Button addFolder = new Button();
        addFolder.setId("library-add-folder");
        addFolder.setGraphic(new FontIcon(Feather.FOLDER_PLUS));
        addFolder.textProperty().bind(i18n.text("library.addFolder"));
        addFolder.setOnAction(e -> {
            File chosen = folderChooser.get();
            if (chosen != null) vm.add(List.of(chosen.toPath()));
        });
        HBox actions = new HBox(8, addFiles, addFolder);

        ProgressBar bar = new ProgressBar();
        bar.setId("library-progress");
        bar.setMaxWidth(Double.MAX_VALUE);
        bar.progressProperty().bind(Bindings.createDoubleBinding(() -> {
            IndexProgress p = vm.progressProperty().get();
            return p == null || p.filesTotal() == 0 ? 1.0 : (double) p.filesDone() / p.filesTotal();
        }, vm.progressProperty()));
        HBox.setHgrow(bar, Priority.ALWAYS);
        Button pause = new Button();
        pause.setId("library-pause");
        pause.textProperty().bind(Bindings.when(vm.pausedProperty()).then(i18n.text("library.resume")).otherwise(i18n.text("library.pause")));
        pause.disableProperty().bind(vm.indexingProperty().not().and(vm.pausedProperty().not()));
        pause.setOnAction(e -> {
            if (vm.pausedProperty().get()) vm.resume();
            else vm.pause();
        });
        Label status = new Label();
        status.setId("library-progress-text");
        status.textProperty().bind(Bindings.createStringBinding(() -> progressText(vm.progressProperty().get(), vm.pausedProperty().get()),
                vm.progressProperty(), vm.pausedProperty(), i18n.localeProperty()));
        HBox progressRow = new HBox(8, bar, pause);
        progressRow.setAlignment(Pos.CENTER_LEFT);
        VBox progress = new VBox(4, progressRow, status);
        // The last scan's report shows with the library it was about, or while any scan runs.
        progress.visibleProperty().bind(Bindings.createBooleanBinding(() -> {
            IndexProgress p = vm.progressProperty().get();
            LibraryRow row = vm.selectedProperty().get();
            return p != null && (vm.indexingProperty().get() || row != null && row.name().equals(p.library()));
        }, vm.progressProperty(), vm.selectedProperty(), vm.indexingProperty()));
        progress.managedProperty().bind(progress.visibleProperty());

        ListView<FileRow> files = new ListView<>(vm.files());
        files.setId("library-files");
        files.setCellFactory(v -> new FileCell());
        VBox.setVgrow(files, Priority.ALWAYS);

        VBox detail = new VBox(10, title, counts, actions, progress, files);
        detail.getStyleClass().add("library-detail");
        detail.setPadding(new Insets(12));
        detail.visibleProperty().bind(vm.selectedProperty().isNotNull());

        Label empty = new Label();
        empty.setId("library-empty");
        empty.setWrapText(true);
        empty.textProperty().bind(i18n.text("library.empty"));
        empty.getStyleClass().add("chat-empty");
        empty.visibleProperty().bind(vm.selectedProperty().isNull());
        return new StackPane(detail, empty);
    }

    private String progressText(IndexProgress p, boolean paused) {
        if (p == null) return "";
        if (paused || p.paused()) return i18n.get("library.paused", p.filesDone(), p.filesTotal());
        if (p.filesDone() >= p.filesTotal()) return i18n.get("library.upToDate", p.library(), p.filesTotal(), p.pagesDone());
        String current = p.currentFile() == null ? "" : p.currentFile().getFileName().toString();
        return p.remaining() == null
                ? i18n.get("library.indexing", p.filesDone(), p.filesTotal(), p.pagesDone(), current)
                : i18n.get("library.indexingEta", p.filesDone(), p.filesTotal(), p.pagesDone(), current, eta(p.remaining()));
    }

    private String eta(Duration left) {
        long seconds = Math.max(1, left.toSeconds());
        return seconds < 60 ? i18n.get("library.eta.seconds", seconds) : i18n.get("library.eta.minutes", seconds / 60, seconds % 60);
    }

    /** A file: its name, then pages and passages, or in red the reason it could not be read. */
    private final class FileCell extends ListCell<FileRow> {
        @Override
        protected void updateItem(FileRow row, boolean empty) {
            super.updateItem(row, empty);
            getStyleClass().remove("library-file-failed");
            if (empty || row == null) {
                setText(null);
                setGraphic(null);
                setTooltip(null);
                return;
            }
            Path name = row.path().getFileName();
            Label file = new Label(name == null ? row.path().toString() : name.toString());
            file.getStyleClass().add("library-file-name");
            Label detail = new Label(row.error() != null ? i18n.get("library.fileFailed", row.error())
                    : row.pages() == null ? i18n.get("library.fileChunks", row.chunks()) : i18n.get("library.filePages", row.pages(), row.chunks()));
            detail.getStyleClass().add(row.error() != null ? "library-file-error" : "library-file-detail");
            detail.setWrapText(true);
            detail.setMinHeight(javafx.scene.layout.Region.USE_PREF_SIZE);
            if (row.error() != null) getStyleClass().add("library-file-failed");
            setText(null);
            VBox box = new VBox(2, file, detail);
            box.maxWidthProperty().bind(getListView().widthProperty().subtract(32));
            setGraphic(box);
            setTooltip(new Tooltip(row.path().toString()));
        }
    }
}
