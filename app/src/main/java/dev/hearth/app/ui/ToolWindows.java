package dev.hearth.app.ui;

import dev.hearth.app.assistant.Assistant;
import dev.hearth.app.privacy.ConnectionLog;
import dev.hearth.app.store.ConversationStore;
import dev.hearth.app.ui.chat.ChatViewModel;
import dev.hearth.app.ui.library.DocumentChat;
import dev.hearth.app.ui.library.LibraryChooser;
import dev.hearth.app.ui.library.LibraryView;
import dev.hearth.app.ui.library.LibraryViewModel;
import dev.hearth.app.ui.privacy.LocalApi;
import dev.hearth.app.ui.privacy.LocalApiPane;
import dev.hearth.app.ui.privacy.PrivacyView;
import javafx.application.Platform;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.stage.Stage;
import org.kordamp.ikonli.feather.Feather;
import org.kordamp.ikonli.javafx.FontIcon;

import java.util.concurrent.Executor;

/**
 * The Library and Privacy windows and what runs behind them: document indexing, the chat's document answers,
 * the connection log and the local API switch. The main window creates it once the store is open and hooks
 * it in at four places: the buttons under the sidebar, the composer's documents menu, the settings' privacy
 * section, and closing.
 */
public final class ToolWindows {

    private final Stage owner;
    private final I18n i18n;
    private final StackPane mainRoot;
    private final ConnectionLog connections;
    private final LibraryViewModel library;
    private final DocumentChat documentChat;
    private final LocalApi localApi;
    private final Executor io;
    private Stage libraryStage;
    private LibraryView libraryView;
    private Stage privacyStage;
    private PrivacyView privacyView;

    ToolWindows(Stage owner, StackPane mainRoot, I18n i18n, ConversationStore store, ConnectionLog connections, Assistant assistant,
                Executor io) {
        this.owner = owner;
        this.mainRoot = mainRoot;
        this.i18n = i18n;
        this.connections = connections;
        this.io = io;
        this.library = new LibraryViewModel(store.documents(), io, Platform::runLater);
        this.documentChat = new DocumentChat(store.documents(), assistant);
        this.localApi = new LocalApi(store, connections, assistant::loaded, io, Platform::runLater);
        library.problemProperty().addListener((o, was, p) -> {
            if (p != null) ErrorDialog.show(i18n, libraryStage != null && libraryStage.isShowing() ? libraryStage : owner, p);
            library.problemProperty().set(null);
        });
        localApi.problemProperty().addListener((o, was, p) -> {
            if (p != null) ErrorDialog.show(i18n, owner, p);
            localApi.problemProperty().set(null);
        });
    }

    /** Lets the chat answer from libraries, adds its documents menu, and starts indexing (resuming what a quit interrupted). */
    void attach(ChatViewModel chat, java.util.function.Consumer<Node> composerTools) {
        chat.useDocuments(documentChat);
        LibraryChooser chooser = new LibraryChooser(documentChat, chat.conversationProperty(), io, Platform::runLater, i18n, this::openLibrary);
        library.libraries().addListener((javafx.collections.ListChangeListener<LibraryViewModel.LibraryRow>) c -> chooser.reload());
        composerTools.accept(chooser);
        library.start();
    }

    /** The sidebar with the Library and Privacy buttons under it. */
    VBox withButtons(Node sidebar) {
        Button libraryButton = footerButton("library-open", Feather.BOOK, "library.title", this::openLibrary);
        Button privacyButton = footerButton("privacy-footer", Feather.SHIELD, "privacy.title", this::openPrivacy);
        HBox footer = new HBox(4, libraryButton, privacyButton);
        footer.getStyleClass().add("sidebar-footer");
        footer.setPadding(new Insets(6));
        VBox.setVgrow(sidebar, Priority.ALWAYS);
        return new VBox(sidebar, footer);
    }

    private Button footerButton(String id, Feather icon, String key, Runnable action) {
        Button button = new Button();
        button.setId(id);
        button.setGraphic(new FontIcon(icon));
        button.textProperty().bind(i18n.text(key));
        button.getStyleClass().addAll("flat", "small");
        Tooltip tip = new Tooltip();
        tip.textProperty().bind(i18n.text(key));
        button.setTooltip(tip);
        button.setOnAction(e -> action.run());
        return button;
    }

    /** The settings' privacy section. */
    Node settingsSection() {
        return new LocalApiPane(localApi, i18n, this::openPrivacy);
    }

    /** Shows the Library window (created on first use). */
    public void openLibrary() {
        if (libraryStage == null) {
            libraryView = new LibraryView(library, i18n);
            libraryStage = window("library.title", libraryView, 900, 600);
        }
        library.refresh();
        libraryStage.show();
        libraryStage.toFront();
    }

    /** Shows the Privacy window with the connection log as it is now. */
    public void openPrivacy() {
        if (privacyStage == null) {
            privacyView = new PrivacyView(connections, i18n);
            privacyStage = window("privacy.title", privacyView, 820, 480);
        }
        privacyView.refresh();
        privacyStage.show();
        privacyStage.toFront();
    }

    /** A window styled like the main one (same stylesheet, theme and font), following its theme changes. */
    private Stage window(String titleKey, Parent content, double width, double height) {
        StackPane root = new StackPane(content);
        Runnable follow = () -> {
            root.getStyleClass().setAll(mainRoot.getStyleClass());
            root.getStyleClass().add("tool-window");
        };
        follow.run();
        root.styleProperty().bind(mainRoot.styleProperty());
        mainRoot.getStyleClass().addListener((javafx.collections.ListChangeListener<String>) c -> follow.run());
        Scene scene = new Scene(root, width, height);
        scene.getStylesheets().add(MainWindow.stylesheet());
        Stage stage = new Stage();
        stage.initOwner(owner);
        stage.titleProperty().bind(i18n.text(titleKey));
        stage.setScene(scene);
        return stage;
    }

    public LibraryViewModel library() {
        return library;
    }

    /** The Library window's view (null until first opened). */
    public LibraryView libraryView() {
        return libraryView;
    }

    /** The Privacy window's view (null until first opened). */
    public PrivacyView privacyView() {
        return privacyView;
    }

    public LocalApi localApi() {
        return localApi;
    }

    public ConnectionLog connections() {
        return connections;
    }

    /** Stops the API, the folder watcher and the indexer (after the file being read), and closes the windows. */
    void close() {
        localApi.close();
        library.close();
        if (libraryStage != null) libraryStage.close();
        if (privacyStage != null) privacyStage.close();
    }
}
