package dev.hearth.app.ui;

import atlantafx.base.theme.PrimerDark;
import atlantafx.base.theme.PrimerLight;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.app.assistant.Assistant;
import dev.hearth.app.assistant.ModelFacts;
import dev.hearth.app.privacy.ConnectionLog;
import dev.hearth.app.store.ConversationStore;
import dev.hearth.app.store.DataDir;
import dev.hearth.app.store.StoreException;
import dev.hearth.app.ui.chat.ChatView;
import dev.hearth.app.ui.chat.ChatViewModel;
import dev.hearth.app.ui.settings.AppSettings;
import dev.hearth.app.ui.settings.SettingsDialog;
import dev.hearth.app.ui.settings.SettingsRepository;
import dev.hearth.app.ui.sidebar.SidebarView;
import dev.hearth.app.ui.sidebar.SidebarViewModel;
import dev.hearth.app.ui.status.StatusBar;
import dev.hearth.app.ui.welcome.WelcomeView;
import dev.hearth.app.ui.welcome.WelcomeViewModel;
import dev.hearth.engine.model.WorkerPool;
import javafx.application.Application;
import javafx.application.ColorScheme;
import javafx.application.Platform;
import javafx.beans.binding.Bindings;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.geometry.Rectangle2D;
import javafx.scene.Scene;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.SplitPane;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.scene.text.Font;
import javafx.stage.DirectoryChooser;
import javafx.stage.Screen;
import javafx.stage.Stage;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The Hearth window. It shows at once; the store opens, settings load and the model loads in the
 * background, each filling in its part when ready. Threads: the FX thread only builds and updates nodes;
 * {@code hearth-io} runs SQL and file work; the assistant's {@code hearth-generation} thread runs the model.
 */
public final class MainWindow {

    static final String WINDOW_KEY = "ui.window";
    static final String LAST_CONVERSATION_KEY = "ui.lastConversation";
    /** Preparation for the first reply waits past the chat's own first frames, which are costly enough. */
    private static final long PREPARE_DELAY_NANOS = 300_000_000L;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Stage stage;
    private final Path dataDir;
    private final I18n i18n = new I18n(Locale.getDefault());
    private final ExecutorService io = Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().name("hearth-io").daemon().unstarted(r));
    private final Assistant assistant = new Assistant();
    private final NextFrame frame = new NextFrame();
    private final StackPane root = new StackPane();
    private final StackPane content = new StackPane();
    private final VBox notices = new VBox();
    private final StringProperty modelLabel = new SimpleStringProperty("");
    private final IntegerProperty contextSize = new SimpleIntegerProperty();
    private final BooleanProperty modelReady = new SimpleBooleanProperty();
    private final ObjectProperty<AppSettings> settings = new SimpleObjectProperty<>(AppSettings.defaults(Locale.getDefault()));
    private Supplier<File> fileChooser;
    private ConversationStore store;
    private SettingsRepository settingsRepository;
    private ChatViewModel chat;
    private SidebarViewModel sidebar;
    private SidebarView sidebarView;
    private ChatView chatView;
    private WelcomeViewModel welcome;
    private CrashReporter crashReporter;
    private ConnectionLog connections;
    private ToolWindows tools;
    /** Whether the views have prepared for the first reply (see {@link #showChat}). */
    private boolean prepared;

    public MainWindow(Stage stage, Path dataDir) {
        this.stage = stage;
        this.dataDir = dataDir;
    }

    /** Lets tests answer the file chooser. */
    public void setFileChooser(Supplier<File> chooser) {
        this.fileChooser = chooser;
    }

    public I18n i18n() {
        return i18n;
    }

    /** Shows the window now and starts opening the store in the background. */
    public void show() {
        crashReporter = CrashReporter.install(dataDir, error -> Platform.runLater(() ->
                ErrorDialog.show(i18n, stage, new UiProblem("error.unexpected", UiProblem.describe(error), dataDir.resolve(CrashReporter.LOG_FILE)))));
        applyTheme(settings.get().theme());
        ProgressBar starting = new ProgressBar();
        starting.setId("starting");
        root.getChildren().add(starting);
        root.getStyleClass().add("hearth");
        Scene scene = new Scene(root, 1100, 720);
        scene.getStylesheets().add(stylesheet());
        stage.setScene(scene);
        stage.titleProperty().bind(i18n.text("app.name"));
        stage.setMinWidth(640);
        stage.setMinHeight(420);
        stage.setOnCloseRequest(e -> close());
        stage.show();
        openStore();
    }

    static String stylesheet() {
        return java.util.Objects.requireNonNull(MainWindow.class.getResource("/dev/hearth/app/ui/theme/hearth.css"),
                "hearth.css is missing from the ui-resources jar").toExternalForm();
    }

    private void openStore() {
        io.execute(() -> {
            Path db = dataDir.resolve(DataDir.DATABASE_FILE);
            try {
                DataDir.prepare(dataDir);
                store = ConversationStore.open(db);
                connections = ConnectionLog.open(store);
                AppSettings loaded = new SettingsRepository(store, Locale.getDefault()).load();
                Optional<JsonNode> geometry = store.setting(WINDOW_KEY);
                Optional<JsonNode> last = store.setting(LAST_CONVERSATION_KEY);
                Platform.runLater(() -> started(loaded, geometry, last));
            } catch (StoreException e) {
                Platform.runLater(() -> databaseProblem(db, e));
            }
        });
    }

    private void databaseProblem(Path db, StoreException e) {
        ButtonType moveAside = new ButtonType(i18n.get("error.database.moveAside"), ButtonBar.ButtonData.OK_DONE);
        ButtonType quit = new ButtonType(i18n.get("common.quit"), ButtonBar.ButtonData.CANCEL_CLOSE);
        var answer = ErrorDialog.ask(i18n, stage, new UiProblem("error.database.open", UiProblem.describe(e), db), moveAside, quit);
        if (answer.isPresent() && answer.get() == moveAside) {
            io.execute(() -> {
                try {
                    Path aside = ConversationStore.moveAside(db);
                    crashReporter.write("database", new IllegalStateException("moved the unreadable database to " + aside, e));
                } catch (StoreException again) {
                    Platform.runLater(() -> ErrorDialog.show(i18n, stage, UiProblem.of("error.database.open", again)));
                    return;
                }
                openStore();
            });
        } else {
            close();
            Platform.exit();
        }
    }

    private void started(AppSettings loaded, Optional<JsonNode> geometry, Optional<JsonNode> last) {
        settingsRepository = new SettingsRepository(store, Locale.getDefault());
        settings.set(loaded);
        i18n.localeProperty().set(loaded.language());
        applyTheme(loaded.theme());
        geometry.ifPresent(this::restoreGeometry);

        chat = new ChatViewModel(store, assistant, io, Platform::runLater, frame, settings::get);
        sidebar = new SidebarViewModel(store, io, Platform::runLater, Clock.systemDefaultZone());
        int threads = threads(loaded);
        welcome = new WelcomeViewModel(io, Platform::runLater, dataDir.resolve(DataDir.MODELS_DIR), threads, connections);
        welcome.setOnChosen(this::chooseModel);

        chatView = new ChatView(chat, i18n, modelReady, contextSize);
        sidebarView = new SidebarView(sidebar, i18n, this::newChat, (id, focus) -> chat.open(id, focus));
        StatusBar status = new StatusBar(i18n, modelLabel, chat.contextUsedProperty(), contextSize, chat.tokensPerSecondProperty(), chat.generatingProperty(),
                chat.promptProgressProperty());
        chat.setOnChanged(sidebar::refresh);
        chat.problemProperty().addListener((o, was, p) -> {
            if (p != null) ErrorDialog.show(i18n, stage, p);
            chat.problemProperty().set(null);
        });
        sidebar.problemProperty().addListener((o, was, p) -> {
            if (p != null) ErrorDialog.show(i18n, stage, p);
            sidebar.problemProperty().set(null);
        });
        stage.titleProperty().unbind();
        stage.titleProperty().bind(Bindings.createStringBinding(() -> chat.conversationProperty().get() == null
                        ? i18n.get("app.name") : i18n.get("app.titleWithChat", chat.conversationProperty().get().title()),
                chat.conversationProperty(), i18n.localeProperty()));

        tools = new ToolWindows(stage, root, i18n, store, connections, assistant, io);
        tools.attach(chat, chatView::addComposerTool);
        var left = tools.withButtons(sidebarView);
        SplitPane split = new SplitPane(left, content);
        split.setDividerPositions(0.24);
        SplitPane.setResizableWithParent(left, false);
        BorderPane layout = new BorderPane(split);
        layout.setTop(notices);
        layout.setBottom(status);
        root.getChildren().setAll(layout);
        fontNotice();
        i18n.localeProperty().addListener((o, was, now) -> fontNotice());

        installShortcuts(stage.getScene());
        sidebar.refresh();
        last.filter(JsonNode::canConvertToLong).ifPresent(id -> chat.open(id.asLong(), null));

        String model = loaded.modelPath();
        if (model != null && Files.isRegularFile(Path.of(model))) {
            loadModel(Path.of(model), loaded.context(), threads);
        } else {
            showWelcome();
        }
    }

    private void showWelcome() {
        if (fileChooser == null) fileChooser = WelcomeView.fileChooser(i18n, stage);
        content.getChildren().setAll(new WelcomeView(welcome, i18n, fileChooser));
        welcome.findUnfinished();
        modelLabel.bind(i18n.text("status.noModel"));
    }

    private void showChat() {
        content.getChildren().setAll(chatView);
        chatView.focusComposer();
        if (!prepared) {
            prepared = true;
            List<Runnable> steps = new ArrayList<>(chatView.preparationSteps());
            steps.addAll(sidebarView.preparationSteps());
            FrameSteps.start(PREPARE_DELAY_NANOS, steps);
        }
    }

    private void chooseModel(ModelFacts facts) {
        AppSettings next = settings.get().withModelPath(facts.file().toString());
        settings.set(next);
        io.execute(() -> settingsRepository.save(next));
        loadModel(facts.file(), next.context(), threads(next));
    }

    private void loadModel(Path file, int context, int threads) {
        modelReady.set(false);
        showChat();
        modelLabel.unbind();
        modelLabel.bind(i18n.text("status.loading", file.getFileName().toString()));
        assistant.load(file, context, threads)
                .whenComplete((loaded, error) -> Platform.runLater(() -> {
                    if (error != null) {
                        modelLabel.unbind();
                        modelLabel.bind(i18n.text("status.noModel"));
                        ErrorDialog.show(i18n, stage, new UiProblem("error.model.load", UiProblem.describe(error), file.getFileName().toString()));
                        showWelcome();
                        return;
                    }
                    modelLabel.unbind();
                    modelLabel.set(i18n.get("status.model", loaded.facts().name(), loaded.facts().quant()));
                    contextSize.set(loaded.context());
                    modelReady.set(true);
                    chatView.focusComposer();
                }));
    }

    /**
     * The user's thread count, or by default one fewer than the physical cores: the engine's workers spin between
     * jobs, and the FX thread needs a core of its own to keep the window smooth while a reply streams.
     */
    static int threads(AppSettings s) {
        return s.threads() > 0 ? s.threads() : Math.max(1, WorkerPool.physicalCores() - 1);
    }

    private void newChat() {
        chat.newChat();
        sidebarView.clearSelection();
        if (modelReady.get() || assistant.loaded() != null) showChat();
        chatView.focusComposer();
    }

    private void installShortcuts(Scene scene) {
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.N, KeyCombination.SHORTCUT_DOWN), this::newChat);
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.F, KeyCombination.SHORTCUT_DOWN), () -> sidebarView.focusSearch());
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.ESCAPE), () -> chat.stop());
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.COMMA, KeyCombination.SHORTCUT_DOWN), this::openSettings);
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.L, KeyCombination.SHORTCUT_DOWN), () -> tools.openLibrary());
    }

    /** Opens the settings; saved changes are stored off the FX thread and applied at once. */
    public void openSettings() {
        var loaded = assistant.loaded();
        SettingsDialog dialog = new SettingsDialog(i18n, settings.get(), dataDir,
                loaded == null ? null : loaded.facts().config(), loaded == null ? 0 : loaded.facts().plan().weightBytes(),
                this::openDataFolder, this::exportChats);
        dialog.initOwner(stage);
        dialog.addSection("settings.privacy", tools.settingsSection());
        dialog.showAndWait().ifPresent(this::applySettings);
    }

    /** Applies and saves new settings (the dialog's result, or a test's). */
    public void applySettings(AppSettings next) {
        settings.set(next);
        i18n.localeProperty().set(next.language());
        applyTheme(next.theme());
        io.execute(() -> {
            try {
                settingsRepository.save(next);
            } catch (StoreException e) {
                Platform.runLater(() -> ErrorDialog.show(i18n, stage, UiProblem.of("error.store.write", e)));
            }
        });
    }

    public AppSettings settings() {
        return settings.get();
    }

    private void openDataFolder() {
        io.execute(() -> {
            try {
                new ProcessBuilder("xdg-open", dataDir.toString()).inheritIO().start();
            } catch (java.io.IOException | RuntimeException e) {
                Platform.runLater(() -> ErrorDialog.show(i18n, stage, new UiProblem("error.openFolder", UiProblem.describe(e), dataDir)));
            }
        });
    }

    private void exportChats() {
        DirectoryChooser chooser = new DirectoryChooser();
        chooser.setTitle(i18n.get("settings.exportAll"));
        File folder = chooser.showDialog(stage);
        if (folder == null) return;
        io.execute(() -> {
            try {
                store.exportJson(folder.toPath().resolve("hearth-chats.json"), Optional.empty());
            } catch (StoreException e) {
                Platform.runLater(() -> ErrorDialog.show(i18n, stage, UiProblem.of("error.export", e)));
            }
        });
    }

    private void applyTheme(AppSettings.Theme theme) {
        boolean dark = switch (theme) {
            case DARK -> true;
            case LIGHT -> false;
            case SYSTEM -> Platform.getPreferences().getColorScheme() == ColorScheme.DARK;
        };
        Application.setUserAgentStylesheet(dark ? new PrimerDark().getUserAgentStylesheet() : new PrimerLight().getUserAgentStylesheet());
        root.getStyleClass().removeAll("theme-dark", "theme-light");
        root.getStyleClass().add(dark ? "theme-dark" : "theme-light");
    }

    /** Japanese needs a CJK font; pick one if installed, else say so instead of showing boxes. */
    private void fontNotice() {
        notices.getChildren().clear();
        root.setStyle("");
        if (!i18n.locale().getLanguage().equals("ja")) return;
        Optional<String> cjk = cjkFont(Font.getFamilies());
        if (cjk.isPresent()) {
            root.setStyle("-fx-font-family: \"" + cjk.get() + "\";");
        } else {
            Label notice = new Label();
            notice.setId("font-notice");
            notice.textProperty().bind(i18n.text("notice.noCjkFont"));
            notice.getStyleClass().add("notice");
            notice.setMaxWidth(Double.MAX_VALUE);
            notices.getChildren().add(notice);
        }
    }

    static Optional<String> cjkFont(List<String> families) {
        for (String preferred : List.of("Noto Sans CJK JP", "Noto Sans JP", "Source Han Sans JP", "IPAexGothic", "IPAGothic",
                "TakaoGothic", "VL Gothic", "Droid Sans Japanese", "Noto Sans CJK SC")) {
            if (families.contains(preferred)) return Optional.of(preferred);
        }
        return families.stream().filter(f -> f.contains("CJK")).findFirst();
    }

    private void restoreGeometry(JsonNode g) {
        double x = g.path("x").asDouble(), y = g.path("y").asDouble(), w = g.path("width").asDouble(), h = g.path("height").asDouble();
        if (w < 200 || h < 200) return;
        boolean visible = Screen.getScreensForRectangle(new Rectangle2D(x, y, w, h)).stream().findAny().isPresent();
        if (visible) {
            stage.setX(x);
            stage.setY(y);
        }
        stage.setWidth(w);
        stage.setHeight(h);
        stage.setMaximized(g.path("maximized").asBoolean(false));
    }

    /** Saves the window and the open conversation, ends the pending delete, stops generation, closes the store. */
    public void close() {
        if (store == null) {
            io.shutdownNow();
            return;
        }
        ObjectNode g = JSON.createObjectNode();
        g.put("x", stage.getX()).put("y", stage.getY()).put("width", stage.getWidth()).put("height", stage.getHeight())
                .put("maximized", stage.isMaximized());
        var open = chat.conversationProperty().get();
        chat.stop();
        welcome.pause();
        sidebar.commitDelete();
        tools.close();
        io.execute(() -> {
            store.putSetting(WINDOW_KEY, g);
            if (open != null) store.putSetting(LAST_CONVERSATION_KEY, JSON.getNodeFactory().numberNode(open.id()));
        });
        assistant.close();
        io.shutdown();
        try {
            if (!io.awaitTermination(5, TimeUnit.SECONDS)) io.shutdownNow();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        store.close();
        store = null;
    }

    /** For tests and the benchmark: the view-models behind the window (null until the store is open). */
    public ChatViewModel chat() {
        return chat;
    }

    /** The model and its generation thread. */
    public Assistant assistant() {
        return assistant;
    }

    public WelcomeViewModel welcome() {
        return welcome;
    }

    /** The Library and Privacy windows and the services behind them (null until the store is open). */
    public ToolWindows tools() {
        return tools;
    }

    public SidebarViewModel sidebar() {
        return sidebar;
    }

    public Stage stage() {
        return stage;
    }
}
