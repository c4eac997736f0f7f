package dev.hearth.app.ui.library;

import dev.hearth.app.store.Conversation;
import dev.hearth.app.store.DocumentStore.Library;
import dev.hearth.app.ui.I18n;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.value.ObservableObjectValue;
import javafx.scene.control.CheckMenuItem;
import javafx.scene.control.MenuButton;
import javafx.scene.control.MenuItem;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.Tooltip;
import org.kordamp.ikonli.feather.Feather;
import org.kordamp.ikonli.javafx.FontIcon;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * The composer's "Documents" menu: a check box per library, choosing which libraries the open chat answers from
 * (saved with the chat at once; for a new chat when it is created), and a way to the Library window.
 */
public final class LibraryChooser extends MenuButton {

    private final DocumentChat documents;
    private final ObservableObjectValue<Conversation> conversation;
    private final Executor io;
    private final Executor ui;
    private final I18n i18n;
    private final Runnable openLibrary;
    private final IntegerProperty chosen = new SimpleIntegerProperty();

    public LibraryChooser(DocumentChat documents, ObservableObjectValue<Conversation> conversation, Executor io, Executor ui, I18n i18n,
                          Runnable openLibrary) {
        this.documents = documents;
        this.conversation = conversation;
        this.io = io;
        this.ui = ui;
        this.i18n = i18n;
        this.openLibrary = openLibrary;
        setId("library-chooser");
        setGraphic(new FontIcon(Feather.BOOK_OPEN));
        getStyleClass().addAll("flat", "small");
        textProperty().bind(i18n.bind("chat.documents", chosen));
        Tooltip tip = new Tooltip();
        tip.textProperty().bind(i18n.text("chat.documentsTip"));
        setTooltip(tip);
        setOnShowing(e -> reload());
        conversation.addListener((o, was, now) -> reload());
        reload();
    }

    /** Reads the libraries and the open chat's choice (off the UI thread) and rebuilds the menu. */
    public void reload() {
        Conversation open = conversation.get();
        Long id = open == null ? null : open.id();
        io.execute(() -> {
            try {
                List<Library> all = documents.libraries();
                Set<Long> used = new HashSet<>();
                for (Library l : documents.librariesOf(id)) used.add(l.id());
                ui.execute(() -> show(id, all, used));
            } catch (RuntimeException e) {
                // The store is closing; the menu keeps what it showed.
            }
        });
    }

    private void show(Long conversationId, List<Library> all, Set<Long> used) {
        Conversation open = conversation.get();
        if (!java.util.Objects.equals(conversationId, open == null ? null : open.id())) return;
        getItems().clear();
        Set<Long> choice = new HashSet<>(used);
        for (Library library : all) {
            CheckMenuItem item = new CheckMenuItem(library.name());
            item.setId("library-choice-" + library.id());
            item.setSelected(used.contains(library.id()));
            item.selectedProperty().addListener((o, was, now) -> {
                if (now) choice.add(library.id());
                else choice.remove(library.id());
                chosen.set(choice.size());
                Set<Long> ids = Set.copyOf(choice);
                io.execute(() -> documents.choose(conversationId, ids));
            });
            getItems().add(item);
        }
        if (all.isEmpty()) {
            MenuItem none = new MenuItem();
            none.textProperty().bind(i18n.text("chat.noLibraries"));
            none.setDisable(true);
            getItems().add(none);
        }
        MenuItem manage = new MenuItem();
        manage.setId("library-manage");
        manage.textProperty().bind(i18n.text("chat.manageLibraries"));
        manage.setOnAction(e -> openLibrary.run());
        getItems().addAll(new SeparatorMenuItem(), manage);
        chosen.set(choice.size());
    }
}
