package dev.hearth.app.ui.sidebar;

import dev.hearth.app.store.ConversationSummary;
import dev.hearth.app.store.SearchHit;
import dev.hearth.app.ui.I18n;
import javafx.animation.PauseTransition;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.OverrunStyle;
import javafx.scene.control.ListView;
import javafx.scene.control.MenuItem;
import javafx.scene.control.TextField;
import javafx.scene.control.TextInputDialog;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.scene.text.Text;
import javafx.scene.text.TextFlow;
import javafx.util.Duration;
import org.kordamp.ikonli.feather.Feather;
import org.kordamp.ikonli.javafx.FontIcon;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;

/** New chat, search box, the grouped conversation list, and the undo bar after a delete. */
public final class SidebarView extends VBox {

    /** How long the Undo bar stays after a delete. */
    static final Duration UNDO_TIME = Duration.seconds(6);
    /** Never shown: the row {@link #preparationSteps} lays out. */
    private static final String SAMPLE_TITLE = "How do I read a file line by line?";

    private final SidebarViewModel vm;
    private final I18n i18n;
    private final TextField search = new TextField();
    private final ListView<SidebarRow> list = new ListView<>();

    /**
     * @param open called with a conversation id and the message to show (null for the current branch)
     */
    public SidebarView(SidebarViewModel vm, I18n i18n, Runnable newChat, BiConsumer<Long, Long> open) {
        this.vm = vm;
        this.i18n = i18n;
        getStyleClass().add("sidebar");
        setSpacing(8);

        Button create = new Button();
        create.setId("new-chat");
        create.setGraphic(new FontIcon(Feather.PLUS));
        create.textProperty().bind(i18n.text("sidebar.newChat"));
        create.setMaxWidth(Double.MAX_VALUE);
        create.setOnAction(e -> newChat.run());

        search.setId("search");
        search.promptTextProperty().bind(i18n.text("sidebar.search"));
        search.textProperty().bindBidirectional(vm.queryProperty());

        list.setId("conversations");
        list.setItems(vm.rows());
        list.getStyleClass().add("conversation-list");
        list.setCellFactory(v -> new RowCell());
        list.getSelectionModel().selectedItemProperty().addListener((o, was, row) -> {
            switch (row) {
                case SidebarRow.Chat chat -> open.accept(chat.summary().id(), null);
                case SidebarRow.Hit hit -> open.accept(hit.hit().conversationId(), hit.hit().messageId());
                case null, default -> { }
            }
        });
        VBox.setVgrow(list, Priority.ALWAYS);

        Label deleted = new Label();
        deleted.textProperty().bind(i18n.text("sidebar.deleted"));
        Button undo = new Button();
        undo.setId("undo-delete");
        undo.textProperty().bind(i18n.text("sidebar.undo"));
        undo.getStyleClass().addAll("flat", "accent");
        undo.setOnAction(e -> vm.undoDelete());
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox snackbar = new HBox(8, deleted, spacer, undo);
        snackbar.setAlignment(Pos.CENTER_LEFT);
        snackbar.getStyleClass().add("snackbar");
        snackbar.visibleProperty().bind(vm.pendingDeleteProperty().isNotNull());
        snackbar.managedProperty().bind(snackbar.visibleProperty());
        PauseTransition timer = new PauseTransition(UNDO_TIME);
        timer.setOnFinished(e -> vm.commitDelete());
        vm.pendingDeleteProperty().addListener((o, was, now) -> {
            if (now != null) timer.playFromStart(); else timer.stop();
        });

        getChildren().addAll(create, search, list, snackbar);
    }

    /**
     * Work the window can do ahead of time (see {@code ChatView.preparationSteps}). An empty list (a new user's)
     * has no cells yet; the first chat would create them all at once, one per row the sidebar has room for, some
     * 30 ms in that frame. Showing a sample row for the length of one layout makes them now; the list keeps them.
     */
    public List<Runnable> preparationSteps() {
        return List.of(() -> {
            if (!list.getItems().isEmpty()) return;
            Instant now = Instant.now();
            ObservableList<SidebarRow> rows = list.getItems();
            list.setItems(FXCollections.observableArrayList(new SidebarRow.Heading(SidebarRow.Group.TODAY),
                    new SidebarRow.Chat(new ConversationSummary(-1, "", SAMPLE_TITLE, now, now, false, 1))));
            try {
                list.applyCss();
                list.layout();
            } finally {
                list.setItems(rows);
                list.layout();
            }
        });
    }

    /** Puts the keyboard focus in the search box. */
    public void focusSearch() {
        search.requestFocus();
        search.selectAll();
    }

    /** Clears the selection so clicking the same chat again opens it. */
    public void clearSelection() {
        list.getSelectionModel().clearSelection();
    }

    private final class RowCell extends ListCell<SidebarRow> {
        RowCell() {
            // A cell asks for no width of its own: the list is as wide as the sidebar and long titles end in "…"
            // instead of a horizontal scroll bar.
            setPrefWidth(0);
            setTextOverrun(OverrunStyle.ELLIPSIS);
            setEllipsisString("…");
            // The menu is built when asked for, not with every row each time the list refreshes (it does after every reply).
            setOnContextMenuRequested(e -> {
                if (getItem() instanceof SidebarRow.Chat chat) {
                    menu(chat.summary()).show(this, e.getScreenX(), e.getScreenY());
                    e.consume();
                }
            });
        }

        @Override
        protected void updateItem(SidebarRow row, boolean empty) {
            super.updateItem(row, empty);
            textProperty().unbind();
            getStyleClass().removeAll("sidebar-heading", "sidebar-chat", "sidebar-hit");
            setGraphic(null);
            setText(null);
            setDisable(false);
            if (empty || row == null) return;
            switch (row) {
                case SidebarRow.Heading h -> {
                    getStyleClass().add("sidebar-heading");
                    textProperty().bind(i18n.text("sidebar.group." + h.group().name().toLowerCase(Locale.ROOT)));
                    setMouseTransparent(true);
                }
                case SidebarRow.Chat c -> {
                    setMouseTransparent(false);
                    getStyleClass().add("sidebar-chat");
                    setText(c.summary().title() == null || c.summary().title().isBlank() ? i18n.get("sidebar.untitled") : c.summary().title());
                    setGraphic(c.summary().pinned() ? new FontIcon(Feather.STAR) : null);
                }
                case SidebarRow.Hit hit -> {
                    setMouseTransparent(false);
                    getStyleClass().add("sidebar-hit");
                    Label title = new Label(hit.hit().conversationTitle());
                    title.setMinWidth(0);
                    title.getStyleClass().add("hit-title");
                    VBox box = new VBox(2, title, snippet(hit.hit().snippet()));
                    setGraphic(box);
                }
            }
        }

        private ContextMenu menu(ConversationSummary chat) {
            MenuItem rename = new MenuItem();
            rename.textProperty().bind(i18n.text("sidebar.rename"));
            rename.setOnAction(e -> {
                TextInputDialog dialog = new TextInputDialog(chat.title());
                dialog.titleProperty().bind(i18n.text("sidebar.rename"));
                dialog.headerTextProperty().bind(i18n.text("sidebar.renameHeader"));
                dialog.showAndWait().ifPresent(title -> vm.rename(chat.id(), title));
            });
            MenuItem pin = new MenuItem();
            pin.textProperty().bind(i18n.text(chat.pinned() ? "sidebar.unpin" : "sidebar.pin"));
            pin.setOnAction(e -> vm.setPinned(chat.id(), !chat.pinned()));
            MenuItem delete = new MenuItem();
            delete.textProperty().bind(i18n.text("sidebar.delete"));
            delete.setOnAction(e -> vm.delete(chat));
            return new ContextMenu(rename, pin, delete);
        }
    }

    /**
     * A search hit's excerpt as one line of plain text, its matches highlighted: the store marks them
     * ({@link SearchHit#MATCH_START}, {@link SearchHit#MATCH_END}), and the Markdown an answer is written in is left out
     * (heading and quote marks, list bullets, emphasis, code ticks and fences, link targets), as are line breaks.
     */
    static TextFlow snippet(String marked) {
        TextFlow flow = new TextFlow();
        flow.getStyleClass().add("hit-snippet");
        String plain = plainText(marked);
        int from = 0;
        boolean inMatch = false;
        for (int i = 0; i <= plain.length(); i++) {
            if (i == plain.length() || plain.charAt(i) == (inMatch ? SearchHit.MATCH_END : SearchHit.MATCH_START)) {
                if (i > from) flow.getChildren().add(piece(plain.substring(from, i), inMatch));
                from = i + 1;
                if (i < plain.length()) inMatch = !inMatch;
            }
        }
        return flow;
    }

    private static final Pattern LINE_MARKUP = Pattern.compile("(?m)^[ \t]*(?:#{1,6}[ \t]+|>[ \t]?|[-*+][ \t]+|\\d{1,9}[.)][ \t]+|```\\S*|~~~\\S*)");
    private static final Pattern LINK = Pattern.compile("!?\\[([^\\]\\n]*)\\]\\([^)\\s]*\\)");
    private static final Pattern EMPHASIS = Pattern.compile("\\*\\*|`+");

    /** {@code markdown} as plain text on one line (the match marks are kept). */
    static String plainText(String markdown) {
        String text = LINE_MARKUP.matcher(markdown).replaceAll("");
        text = LINK.matcher(text).replaceAll("$1");
        text = EMPHASIS.matcher(text).replaceAll("");
        return text.replaceAll("\\s+", " ").strip();
    }

    private static Text piece(String s, boolean match) {
        Text text = new Text(s);
        text.getStyleClass().add(match ? "hit-match" : "hit-text");
        return text;
    }
}
