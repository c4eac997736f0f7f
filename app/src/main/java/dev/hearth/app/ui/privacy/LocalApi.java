package dev.hearth.app.ui.privacy;

import dev.hearth.app.api.ApiServer;
import dev.hearth.app.api.ApiToken;
import dev.hearth.app.api.ModelHost;
import dev.hearth.app.api.ModelRefusedException;
import dev.hearth.app.assistant.Assistant;
import dev.hearth.app.privacy.ConnectionLog;
import dev.hearth.app.store.ConversationStore;
import dev.hearth.app.ui.UiProblem;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

import java.io.IOException;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * The window's switch for the local OpenAI-compatible API: off at every start; on, it serves the model the
 * window has loaded (its own session of the same file, so chat and API do not wait on each other) on
 * 127.0.0.1 with the stored bearer token. Starting, stopping and every request are written to the connection
 * log. Methods are called on the UI thread; loading and binding run on {@code io}.
 */
public final class LocalApi implements AutoCloseable {

    private final ConversationStore store;
    private final ConnectionLog log;
    private final Supplier<Assistant.Loaded> model;
    private final Executor io;
    private final Executor ui;
    private final BooleanProperty running = new SimpleBooleanProperty();
    private final BooleanProperty busy = new SimpleBooleanProperty();
    private final StringProperty url = new SimpleStringProperty("");
    private final StringProperty token = new SimpleStringProperty("");
    private final ObjectProperty<UiProblem> problem = new SimpleObjectProperty<>();
    private volatile ApiServer server;
    private volatile ModelHost host;

    /** @param model the model the window has loaded, or null while none is */
    public LocalApi(ConversationStore store, ConnectionLog log, Supplier<Assistant.Loaded> model, Executor io, Executor ui) {
        this.store = store;
        this.log = log;
        this.model = model;
        this.io = io;
        this.ui = ui;
    }

    public BooleanProperty runningProperty() {
        return running;
    }

    /** True while the API is starting or stopping. */
    public BooleanProperty busyProperty() {
        return busy;
    }

    /** The base URL clients use, e.g. {@code http://127.0.0.1:8765/v1}; empty while off. */
    public StringProperty urlProperty() {
        return url;
    }

    /** The bearer token clients send; empty while off. */
    public StringProperty tokenProperty() {
        return token;
    }

    public ObjectProperty<UiProblem> problemProperty() {
        return problem;
    }

    /** Loads the model for the API and listens on 127.0.0.1:{@code port}. */
    public void start(int port) {
        if (running.get() || busy.get()) return;
        Assistant.Loaded loaded = model.get();
        if (loaded == null) {
            problem.set(new UiProblem("api.error.noModel", ""));
            return;
        }
        busy.set(true);
        io.execute(() -> {
            ModelHost opened = null;
            try {
                String secret = ApiToken.obtain(store);
                opened = ModelHost.open(loaded.facts().file(), loaded.context(), loaded.threads(), ModelHost.DEFAULT_QUEUE_CAPACITY);
                ApiServer started = ApiServer.start(opened, port, secret, log);
                host = opened;
                server = started;
                String base = started.baseUrl().toString();
                ui.execute(() -> {
                    busy.set(false);
                    url.set(base);
                    token.set(secret);
                    running.set(true);
                });
            } catch (ModelRefusedException | IOException | RuntimeException e) {
                if (opened != null) opened.close();
                ui.execute(() -> {
                    busy.set(false);
                    running.set(false);
                    problem.set(new UiProblem("api.error.start", UiProblem.describe(e), port));
                });
            }
        });
    }

    /** Stops listening (refusing connections from then on) and frees the API's session. */
    public void stop() {
        if (!running.get() || busy.get()) return;
        busy.set(true);
        io.execute(() -> {
            shutDown();
            ui.execute(() -> {
                busy.set(false);
                running.set(false);
                url.set("");
                token.set("");
            });
        });
    }

    private void shutDown() {
        ApiServer s = server;
        ModelHost h = host;
        server = null;
        host = null;
        if (s != null) s.close();
        if (h != null) h.close();
    }

    /** Stops the API if it runs; for the window closing (any thread). */
    @Override
    public void close() {
        shutDown();
    }
}
