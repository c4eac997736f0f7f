package dev.hearth.app.ui.chat;

import dev.hearth.app.assistant.Assistant;
import dev.hearth.app.docs.Citation;
import dev.hearth.app.store.Conversation;
import dev.hearth.app.store.DocumentStore.Library;
import dev.hearth.app.store.ConversationStore;
import dev.hearth.app.store.Message;
import dev.hearth.app.store.MessageStatus;
import dev.hearth.app.store.NewConversation;
import dev.hearth.app.store.ReplyStats;
import dev.hearth.app.store.ReplyWriter;
import dev.hearth.app.store.Role;
import dev.hearth.app.store.StoreException;
import dev.hearth.app.ui.LatestValue;
import dev.hearth.app.ui.StreamBuffer;
import dev.hearth.app.ui.UiProblem;
import dev.hearth.app.ui.library.DocumentChat;
import dev.hearth.app.ui.settings.AppSettings;
import dev.hearth.engine.chat.ChatMessage;
import dev.hearth.engine.session.Cancellation;
import dev.hearth.engine.session.GenerationEvent;
import dev.hearth.engine.session.GenerationResult;
import dev.hearth.engine.session.StopReason;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The conversation on screen and what the user does with it: send, stop, regenerate, edit (a new branch),
 * switch branches. Methods are called on the UI thread; SQL runs on {@code io}, inference on the
 * assistant's thread, and results come back through {@code ui}. Streamed tokens reach {@link MessageItem}
 * through {@code frame} (at most once per frame in the window).
 */
public final class ChatViewModel {

    /** Longest title taken from the first message of a new chat. */
    static final int TITLE_LENGTH = 60;

    private final ConversationStore store;
    private final Assistant assistant;
    private final Executor io;
    private final Executor ui;
    private final Executor frame;
    private final Supplier<AppSettings> settings;

    private final ObservableList<MessageItem> messages = FXCollections.observableArrayList();
    private final ObjectProperty<Conversation> conversation = new SimpleObjectProperty<>();
    private final BooleanProperty generating = new SimpleBooleanProperty();
    private final IntegerProperty contextUsed = new SimpleIntegerProperty();
    private final DoubleProperty tokensPerSecond = new SimpleDoubleProperty();
    private final ObjectProperty<GenerationEvent.Prefill> promptProgress = new SimpleObjectProperty<>();
    private final ObjectProperty<UiProblem> problem = new SimpleObjectProperty<>();
    private final ObjectProperty<Long> focusedMessage = new SimpleObjectProperty<>();
    /** This chat's own system prompt ("" = the default from Settings); for a new chat, kept until its first message. */
    private final StringProperty systemPrompt = new SimpleStringProperty("");
    private Runnable onChanged = () -> {};
    private volatile Cancellation cancellation;
    /**
     * Counts the user's moves to another chat (New chat, opening one). Work for the chat on screen notes it before going to
     * {@code io} and checks it on return, so a slow store round trip never brings back a chat the user has just left.
     */
    private final AtomicLong view = new AtomicLong();
    private DocumentChat documents;

    public ChatViewModel(ConversationStore store, Assistant assistant, Executor io, Executor ui, Executor frame,
                         Supplier<AppSettings> settings) {
        this.store = store;
        this.assistant = assistant;
        this.io = io;
        this.ui = ui;
        this.frame = frame;
        this.settings = settings;
    }

    public ObservableList<MessageItem> messages() {
        return messages;
    }

    public ObjectProperty<Conversation> conversationProperty() {
        return conversation;
    }

    public BooleanProperty generatingProperty() {
        return generating;
    }

    public IntegerProperty contextUsedProperty() {
        return contextUsed;
    }

    public DoubleProperty tokensPerSecondProperty() {
        return tokensPerSecond;
    }

    /** How much of the prompt the model has read while a reply waits for its first token; null otherwise. */
    public ReadOnlyObjectProperty<GenerationEvent.Prefill> promptProgressProperty() {
        return promptProgress;
    }

    public ObjectProperty<UiProblem> problemProperty() {
        return problem;
    }

    /** The message a search result asked to show; the view scrolls to it. */
    public ObjectProperty<Long> focusedMessageProperty() {
        return focusedMessage;
    }

    /** The open chat's own system prompt, "" when it uses the default from Settings. */
    public ReadOnlyStringProperty systemPromptProperty() {
        return systemPrompt;
    }

    /**
     * Sets the open chat's system prompt (blank: back to the default from Settings); the next reply uses it. A chat
     * not yet in the store keeps it and is created with it.
     */
    public void setSystemPrompt(String prompt) {
        String value = prompt == null ? "" : prompt.strip();
        systemPrompt.set(value);
        Conversation c = conversation.get();
        if (c == null) return;
        onIo(() -> {
            store.configureConversation(c.id(), c.model(), value.isEmpty() ? null : value, c.samplingJson());
            Conversation updated = store.conversation(c.id());
            return () -> {
                if (conversation.get() != null && conversation.get().id() == updated.id()) conversation.set(updated);
            };
        }, "error.store.write");
    }

    /** Called (on the UI thread) after a change the conversation list should show: a new chat, a new title, new messages. */
    public void setOnChanged(Runnable onChanged) {
        this.onChanged = onChanged;
    }

    /** Lets chats that use document libraries answer from them (with sources) instead of the plain chat. */
    public void useDocuments(DocumentChat documents) {
        this.documents = documents;
    }

    /** Shows an empty new chat; it is created in the store with its first message. */
    public void newChat() {
        view.incrementAndGet();
        if (generating.get()) stop();
        conversation.set(null);
        systemPrompt.set("");
        messages.clear();
        contextUsed.set(0);
    }

    /** Opens a stored conversation on its current branch, and marks {@code focus} (a message id, or null) for the view. */
    public void open(long conversationId, Long focus) {
        long at = view.incrementAndGet();
        if (generating.get()) stop();
        onIo(() -> {
            Conversation c = store.conversation(conversationId);
            if (focus != null) store.selectBranch(focus);
            List<MessageItem> items = items(conversationId);
            return () -> {
                if (view.get() != at) return;
                conversation.set(c);
                systemPrompt.set(c.systemPrompt() == null ? "" : c.systemPrompt());
                messages.setAll(items);
                focusedMessage.set(focus);
                contextUsed.set(0);
                if (assistant.loaded() != null && !items.isEmpty()) {
                    // What the chat takes of the context, counted on the model's thread (its tokenizer is not shared).
                    assistant.countTokens(history(c, items)).thenAccept(tokens -> ui.execute(() -> {
                        if (view.get() == at && !generating.get()) contextUsed.set(tokens);
                    }));
                }
            };
        }, "error.store.read");
    }

    /**
     * Sends the user's text as the next message and streams the reply. Refused while a reply is streaming. If the user
     * goes to another chat before the message is stored, it is kept but not answered (as a reply is stopped then).
     */
    public boolean send(String text) {
        String trimmed = text.strip();
        if (trimmed.isEmpty() || generating.get() || assistant.loaded() == null) return false;
        Conversation current = conversation.get();
        String pendingPrompt = systemPrompt.get();
        Long parent = messages.isEmpty() ? null : messages.getLast().id();
        long at = view.get();
        beginGenerating();
        onIo(() -> {
            Conversation c = current != null ? current : store.createConversation(new NewConversation(title(trimmed),
                    assistant.loaded().facts().name(), pendingPrompt.isEmpty() ? null : pendingPrompt, null));
            if (current == null && documents != null) documents.created(c.id());
            Message user = store.addUserMessage(c.id(), parent, trimmed);
            return startReply(c, user.id(), at);
        }, "error.store.write");
        return true;
    }

    /** Answers the last user message again; the earlier answer stays as another branch. */
    public void regenerate() {
        if (generating.get() || messages.isEmpty() || assistant.loaded() == null) return;
        MessageItem last = messages.getLast();
        long parent = last.role() == Role.USER ? last.id() : messages.size() >= 2 ? messages.get(messages.size() - 2).id() : -1;
        if (parent < 0 || conversation.get() == null) return;
        Conversation c = conversation.get();
        long at = view.get();
        beginGenerating();
        onIo(() -> startReply(c, parent, at), "error.store.write");
    }

    /** Replaces a user message with {@code newText} as a new branch beside it, and answers that. */
    public void edit(MessageItem item, String newText) {
        String trimmed = newText.strip();
        if (item.role() != Role.USER || trimmed.isEmpty() || generating.get() || assistant.loaded() == null) return;
        Conversation c = conversation.get();
        int at = messages.indexOf(item);
        Long parent = at > 0 ? messages.get(at - 1).id() : null;
        long shown = view.get();
        beginGenerating();
        onIo(() -> {
            Message user = store.addUserMessage(c.id(), parent, trimmed);
            return startReply(c, user.id(), shown);
        }, "error.store.write");
    }

    /** Shows the previous ({@code -1}) or next ({@code +1}) alternative of a message, with the newest reply below it. */
    public void switchBranch(MessageItem item, int step) {
        if (generating.get() || conversation.get() == null) return;
        long conversationId = conversation.get().id();
        long at = view.get();
        onIo(() -> {
            List<Message> siblings = store.siblings(item.id());
            int index = Math.floorMod(indexOf(siblings, item.id()) + step, siblings.size());
            store.selectBranch(siblings.get(index).id());
            List<MessageItem> items = items(conversationId);
            return () -> {
                if (view.get() == at) show(items);
            };
        }, "error.store.read");
    }

    private void beginGenerating() {
        generating.set(true);
        tokensPerSecond.set(0);
    }

    /** Stops the streaming reply; what was written so far stays, marked as stopped. */
    public void stop() {
        Cancellation c = cancellation;
        if (c != null) c.cancel();
    }

    /**
     * Runs on {@code io}: starts the reply row, then hands generation to the assistant; returns the UI update. The
     * conversation is read again so a system prompt set just before (queued on {@code io} too) is the one used.
     * {@code at} is the {@link #view} the request was made in: if the user has gone to another chat since, the reply
     * does not start, and if they go later, it is stopped (by {@link #newChat} or {@link #open}) and not shown.
     */
    private Runnable startReply(Conversation stale, long parentId, long at) {
        Cancellation stop = new Cancellation();
        // Set before the check: a move to another chat after it finds this to stop, one before it is seen here.
        cancellation = stop;
        if (view.get() != at) {
            cancellation = null;
            return () -> {
                generating.set(false);
                onChanged.run();
            };
        }
        Conversation c = store.conversation(stale.id());
        ReplyWriter writer = store.beginReply(c.id(), parentId, assistant.loaded().facts().name());
        List<MessageItem> items = items(c.id());
        List<ChatMessage> history = history(c, items.subList(0, items.size() - 1));
        MessageItem reply = items.getLast();
        reply.streamingProperty().set(true);
        StreamBuffer buffer = new StreamBuffer(frame, text -> reply.contentProperty().set(reply.content() + text));
        LatestValue<GenerationEvent.Prefill> reading = new LatestValue<>(frame, progress -> {
            reply.promptProgressProperty().set(progress);
            if (view.get() != at) return;
            promptProgress.set(progress);
            contextUsed.set(progress.total());
        });
        AppSettings s = settings.get();
        List<Library> libraries = documents == null ? List.of() : documents.librariesOf(c.id());
        long[] firstToken = {0};
        int[] count = {0};
        int[] promptTokens = {0};
        Consumer<GenerationEvent> events = event -> {
            switch (event) {
                case GenerationEvent.Prefill progress -> {
                    promptTokens[0] = progress.total();
                    reading.set(progress);
                }
                case GenerationEvent.Token token -> {
                    int n = ++count[0];
                    if (n == 1) {
                        firstToken[0] = System.nanoTime();
                        // The reply's own indicator stays until text shows (a first token may hold half a character).
                        frame.execute(() -> promptProgress.set(null));
                    }
                    buffer.add(token.text());
                    appendQuietly(writer, token.text());
                    if (n % 8 == 0) {
                        double seconds = (System.nanoTime() - firstToken[0]) / 1e9;
                        int used = promptTokens[0] + n;
                        frame.execute(() -> {
                            tokensPerSecond.set((n - 1) / Math.max(seconds, 1e-3));
                            if (view.get() == at) contextUsed.set(used);
                        });
                    }
                }
                case GenerationEvent.Done done -> {
                    endWriter(writer, done.result());
                    frame.execute(() -> {
                        buffer.drain();
                        finish(reply, done.result(), view.get() == at);
                    });
                }
                case GenerationEvent.Failed failed -> {
                    failQuietly(writer, failed.message());
                    frame.execute(() -> {
                        buffer.drain();
                        readingEnded(reply);
                        reply.streamingProperty().set(false);
                        reply.interruptedProperty().set(true);
                        generating.set(false);
                        problem.set(new UiProblem("error.generation", failed.message()));
                    });
                }
            }
        };
        // The model starts reading the prompt once the window has built the two message views and laid them out: on two
        // cores, the engine would otherwise take the core the UI thread, the renderer and the JIT share for those frames.
        CompletableFuture<Void> laidOut = new CompletableFuture<>();
        CompletableFuture<?> generation = libraries.isEmpty()
                ? assistant.reply(history, s.sampler(), s.maxTokens(), stop, events, laidOut)
                : documents.answer(items.get(items.size() - 2).content(), libraries, s.sampler(), s.maxTokens(), stop, events, laidOut)
                        .thenApply(answer -> {
                            if (answer == null) return null;
                            io.execute(() -> saveSources(writer.messageId(), answer.citations()));
                            ui.execute(() -> reply.sourcesProperty().set(answer.citations()));
                            return null;
                        });
        generation.whenComplete((result, error) -> {
            if (error != null) {
                failQuietly(writer, UiProblem.describe(error));
                ui.execute(() -> {
                    readingEnded(reply);
                    reply.streamingProperty().set(false);
                    reply.interruptedProperty().set(true);
                    generating.set(false);
                    problem.set(UiProblem.of("error.generation", error));
                });
            }
        });
        return () -> {
            if (view.get() == at) {
                conversation.set(c);
                show(items);
            }
            onChanged.run();
            // The views made just now get their styles and layout in the next pulse; the model starts in the one after.
            frame.execute(() -> ui.execute(() -> frame.execute(() -> laidOut.complete(null))));
        };
    }

    /** The reply ended: whatever it said about reading the prompt is over. */
    private void readingEnded(MessageItem reply) {
        reply.promptProgressProperty().set(null);
        promptProgress.set(null);
    }

    /**
     * Shows {@code items}, keeping the ones already on screen (same message at the same branch position) so their
     * views are kept too: sending in a long chat adds two views instead of rebuilding every message.
     */
    private void show(List<MessageItem> items) {
        Map<Long, MessageItem> shown = new HashMap<>();
        for (MessageItem m : messages) shown.put(m.id(), m);
        List<MessageItem> next = new ArrayList<>(items.size());
        for (MessageItem item : items) {
            MessageItem same = shown.get(item.id());
            if (same != null && same.branch() == item.branch() && same.branches() == item.branches() && !item.streamingProperty().get()
                    && Objects.equals(same.content(), item.content())) {
                same.tokensProperty().set(item.tokensProperty().get());
                same.tokensPerSecondProperty().set(item.tokensPerSecondProperty().get());
                same.interruptedProperty().set(item.interruptedProperty().get());
                same.sourcesProperty().set(item.sourcesProperty().get());
                next.add(same);
            } else {
                next.add(item);
            }
        }
        messages.setAll(next);
    }

    private void saveSources(long messageId, List<Citation> citations) {
        try {
            documents.saveSources(messageId, citations);
        } catch (StoreException e) {
            ui.execute(() -> problem.set(UiProblem.of("error.store.write", e)));
        }
    }

    /**
     * The reply ended. Its token count is its text's (the stop token that ended it is not part of it), and the context
     * used becomes what the model's cache now holds, if the reply's chat is still the one on screen.
     */
    private void finish(MessageItem reply, GenerationResult result, boolean onScreen) {
        readingEnded(reply);
        reply.streamingProperty().set(false);
        reply.interruptedProperty().set(result.stopReason() == StopReason.CANCELLED);
        reply.tokensProperty().set(result.replyTokens());
        if (onScreen) contextUsed.set(result.cachedTokens());
        reply.tokensPerSecondProperty().set(result.stats().decodeTokensPerSecond());
        tokensPerSecond.set(result.stats().decodeTokensPerSecond());
        generating.set(false);
        cancellation = null;
        onChanged.run();
    }

    private void appendQuietly(ReplyWriter writer, String text) {
        try {
            writer.append(text);
        } catch (StoreException | IllegalStateException e) {
            ui.execute(() -> problem.set(UiProblem.of("error.store.write", e)));
        }
    }

    private void endWriter(ReplyWriter writer, GenerationResult result) {
        try {
            if (result.stopReason() == StopReason.CANCELLED) {
                writer.cancel();
            } else {
                writer.finish(new ReplyStats(result.replyTokens(), result.stats().decodeTokensPerSecond(),
                        result.stopReason().name().toLowerCase(Locale.ROOT)));
            }
        } catch (StoreException | IllegalStateException e) {
            ui.execute(() -> problem.set(UiProblem.of("error.store.write", e)));
        }
    }

    private void failQuietly(ReplyWriter writer, String reason) {
        try {
            writer.fail(reason);
        } catch (StoreException | IllegalStateException e) {
            // The reply is already ended or the database is gone; the generation problem is what the user sees.
        }
    }

    /** The current branch with each message's place among its alternatives. Runs on {@code io}. */
    private List<MessageItem> items(long conversationId) {
        List<Message> all = store.messages(conversationId);
        Map<Long, List<Long>> childrenOf = new HashMap<>();
        for (Message m : all) childrenOf.computeIfAbsent(m.parentId() == null ? -1L : m.parentId(), k -> new ArrayList<>()).add(m.id());
        Map<Long, List<Citation>> sources = documents == null ? Map.of() : documents.sourcesOf(conversationId);
        List<MessageItem> items = new ArrayList<>();
        for (Message m : store.currentBranch(conversationId)) {
            if (m.role() == Role.SYSTEM || m.role() == Role.TOOL) continue;
            List<Long> siblings = childrenOf.getOrDefault(m.parentId() == null ? -1L : m.parentId(), List.of(m.id()));
            MessageItem item = new MessageItem(m.id(), m.role(), m.content(), siblings.indexOf(m.id()) + 1, siblings.size());
            item.tokensProperty().set(m.tokens());
            item.tokensPerSecondProperty().set(m.tokensPerSecond());
            item.interruptedProperty().set(m.status() == MessageStatus.INTERRUPTED);
            item.sourcesProperty().set(sources.getOrDefault(m.id(), List.of()));
            items.add(item);
        }
        return items;
    }

    /** The conversation as the model reads it: the system prompt in use, then {@code items}. */
    private List<ChatMessage> history(Conversation c, List<MessageItem> items) {
        List<ChatMessage> turns = new ArrayList<>();
        String system = c.systemPrompt() != null && !c.systemPrompt().isBlank() ? c.systemPrompt() : settings.get().systemPrompt();
        if (system != null && !system.isBlank()) turns.add(new ChatMessage(dev.hearth.engine.chat.Role.SYSTEM, system));
        for (MessageItem item : items) {
            var role = item.role() == Role.USER ? dev.hearth.engine.chat.Role.USER : dev.hearth.engine.chat.Role.ASSISTANT;
            turns.add(new ChatMessage(role, item.content()));
        }
        return turns;
    }

    static String title(String firstMessage) {
        String line = firstMessage.strip().lines().findFirst().orElse("").strip();
        return line.length() <= TITLE_LENGTH ? line : line.substring(0, TITLE_LENGTH - 1).strip() + "…";
    }

    private static int indexOf(List<Message> messages, long id) {
        for (int i = 0; i < messages.size(); i++) if (messages.get(i).id() == id) return i;
        return 0;
    }

    /** Runs {@code work} on {@code io} and its result on {@code ui}; a failure becomes a problem with {@code problemKey}. */
    private void onIo(IoWork work, String problemKey) {
        io.execute(() -> {
            try {
                Runnable then = work.run();
                ui.execute(then);
            } catch (RuntimeException e) {
                ui.execute(() -> {
                    generating.set(false);
                    problem.set(UiProblem.of(problemKey, e));
                });
            }
        });
    }

    @FunctionalInterface
    private interface IoWork {
        Runnable run();
    }

    /** Whether {@code item} is the last message, the one Regenerate replaces. */
    public boolean isLast(MessageItem item) {
        return !messages.isEmpty() && Objects.equals(messages.getLast(), item);
    }
}
