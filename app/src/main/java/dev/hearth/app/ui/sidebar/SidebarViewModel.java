package dev.hearth.app.ui.sidebar;

import dev.hearth.app.store.ConversationStore;
import dev.hearth.app.store.ConversationSummary;
import dev.hearth.app.store.SearchHit;
import dev.hearth.app.ui.UiProblem;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The conversation list grouped by date with pinned chats on top, live search over every message, and
 * delete with undo: a deleted chat disappears at once but is only removed from the store when the undo
 * time passes ({@link #commitDelete}) or another chat is deleted.
 */
public final class SidebarViewModel {

    static final int SEARCH_LIMIT = 50;

    private final ConversationStore store;
    private final Executor io;
    private final Executor ui;
    private final Clock clock;
    private final ObservableList<SidebarRow> rows = FXCollections.observableArrayList();
    private final StringProperty query = new SimpleStringProperty("");
    private final ObjectProperty<ConversationSummary> pendingDelete = new SimpleObjectProperty<>();
    private final ObjectProperty<UiProblem> problem = new SimpleObjectProperty<>();
    private final AtomicLong searchGeneration = new AtomicLong();
    private List<ConversationSummary> all = List.of();

    public SidebarViewModel(ConversationStore store, Executor io, Executor ui, Clock clock) {
        this.store = store;
        this.io = io;
        this.ui = ui;
        this.clock = clock;
        query.addListener((o, was, now) -> search(now));
    }

    public ObservableList<SidebarRow> rows() {
        return rows;
    }

    public StringProperty queryProperty() {
        return query;
    }

    /** The chat waiting for its undo time to pass, or null. */
    public ObjectProperty<ConversationSummary> pendingDeleteProperty() {
        return pendingDelete;
    }

    public ObjectProperty<UiProblem> problemProperty() {
        return problem;
    }

    /** Reads the list again from the store. */
    public void refresh() {
        io.execute(() -> {
            try {
                List<ConversationSummary> list = store.listConversations();
                ui.execute(() -> {
                    all = list;
                    if (query.get().isBlank()) show();
                });
            } catch (RuntimeException e) {
                ui.execute(() -> problem.set(UiProblem.of("error.store.read", e)));
            }
        });
    }

    private void show() {
        ConversationSummary hidden = pendingDelete.get();
        List<ConversationSummary> visible = all.stream().filter(c -> hidden == null || c.id() != hidden.id()).toList();
        rows.setAll(group(visible, LocalDate.now(clock), clock.getZone()));
    }

    /** Headings and chats: pinned first, then Today, Yesterday, Previous 7 days, Older; newest first within each. */
    static List<SidebarRow> group(List<ConversationSummary> chats, LocalDate today, ZoneId zone) {
        Map<SidebarRow.Group, List<ConversationSummary>> groups = new EnumMap<>(SidebarRow.Group.class);
        for (ConversationSummary c : chats) {
            groups.computeIfAbsent(groupOf(c, today, zone), g -> new ArrayList<>()).add(c);
        }
        List<SidebarRow> out = new ArrayList<>();
        for (var entry : groups.entrySet()) {
            out.add(new SidebarRow.Heading(entry.getKey()));
            entry.getValue().stream()
                    .sorted((a, b) -> b.updated().compareTo(a.updated()))
                    .forEach(c -> out.add(new SidebarRow.Chat(c)));
        }
        return out;
    }

    static SidebarRow.Group groupOf(ConversationSummary c, LocalDate today, ZoneId zone) {
        if (c.pinned()) return SidebarRow.Group.PINNED;
        LocalDate day = c.updated().atZone(zone).toLocalDate();
        if (!day.isBefore(today)) return SidebarRow.Group.TODAY;
        if (day.equals(today.minusDays(1))) return SidebarRow.Group.YESTERDAY;
        if (day.isAfter(today.minusDays(8))) return SidebarRow.Group.PREVIOUS_7_DAYS;
        return SidebarRow.Group.OLDER;
    }

    private void search(String text) {
        long generation = searchGeneration.incrementAndGet();
        if (text == null || text.isBlank()) {
            show();
            return;
        }
        io.execute(() -> {
            if (generation != searchGeneration.get()) return;
            try {
                List<SearchHit> hits = store.search(text, SEARCH_LIMIT);
                ui.execute(() -> {
                    if (generation != searchGeneration.get()) return;
                    ConversationSummary hidden = pendingDelete.get();
                    rows.setAll(hits.stream().filter(h -> hidden == null || h.conversationId() != hidden.id())
                            .<SidebarRow>map(SidebarRow.Hit::new).toList());
                });
            } catch (RuntimeException e) {
                ui.execute(() -> problem.set(UiProblem.of("error.store.search", e)));
            }
        });
    }

    public void rename(long id, String title) {
        String trimmed = title.strip();
        if (trimmed.isEmpty()) return;
        io.execute(() -> {
            try {
                store.renameConversation(id, trimmed);
            } catch (RuntimeException e) {
                ui.execute(() -> problem.set(UiProblem.of("error.store.write", e)));
            }
            refresh();
        });
    }

    public void setPinned(long id, boolean pinned) {
        io.execute(() -> {
            try {
                store.setPinned(id, pinned);
            } catch (RuntimeException e) {
                ui.execute(() -> problem.set(UiProblem.of("error.store.write", e)));
            }
            refresh();
        });
    }

    /** Hides the chat now; it is deleted for good by {@link #commitDelete} unless {@link #undoDelete} comes first. */
    public void delete(ConversationSummary chat) {
        commitDelete();
        pendingDelete.set(chat);
        rows.removeIf(r -> r instanceof SidebarRow.Chat c && c.summary().id() == chat.id()
                || r instanceof SidebarRow.Hit h && h.hit().conversationId() == chat.id());
        rows.removeIf(r -> r instanceof SidebarRow.Heading && isEmptyHeading(r));
    }

    private boolean isEmptyHeading(SidebarRow heading) {
        int at = rows.indexOf(heading);
        return at == rows.size() - 1 || rows.get(at + 1) instanceof SidebarRow.Heading;
    }

    public void undoDelete() {
        if (pendingDelete.get() == null) return;
        pendingDelete.set(null);
        if (query.get().isBlank()) show(); else search(query.get());
    }

    /** Deletes the hidden chat from the store (when the undo time is over, or at exit). */
    public void commitDelete() {
        ConversationSummary chat = pendingDelete.get();
        if (chat == null) return;
        pendingDelete.set(null);
        io.execute(() -> {
            try {
                store.deleteConversation(chat.id());
            } catch (RuntimeException e) {
                ui.execute(() -> problem.set(UiProblem.of("error.store.write", e)));
            }
            refresh();
        });
    }

    /** The conversation with {@code id} in the loaded list, if shown. */
    public ConversationSummary find(long id) {
        return all.stream().filter(c -> c.id() == id).findFirst().orElse(null);
    }
}
