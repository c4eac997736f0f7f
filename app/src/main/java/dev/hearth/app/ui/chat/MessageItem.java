package dev.hearth.app.ui.chat;

import dev.hearth.app.docs.Citation;
import dev.hearth.app.store.Role;
import dev.hearth.engine.session.GenerationEvent;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

import java.util.List;

/**
 * One message of the branch on screen. {@code branch} and {@code branches} give the ‹ 1/2 › position among
 * its alternatives; {@code tokens} and {@code tokensPerSecond} are null when unknown (user messages).
 */
public final class MessageItem {
    private final long id;
    private final Role role;
    private final int branch;
    private final int branches;
    private final StringProperty content = new SimpleStringProperty();
    private final BooleanProperty streaming = new SimpleBooleanProperty();
    private final BooleanProperty interrupted = new SimpleBooleanProperty();
    private final ObjectProperty<Integer> tokens = new SimpleObjectProperty<>();
    private final ObjectProperty<Double> tokensPerSecond = new SimpleObjectProperty<>();
    private final ObjectProperty<List<Citation>> sources = new SimpleObjectProperty<>(List.of());
    private final ObjectProperty<GenerationEvent.Prefill> promptProgress = new SimpleObjectProperty<>();

    public MessageItem(long id, Role role, String content, int branch, int branches) {
        this.id = id;
        this.role = role;
        this.branch = branch;
        this.branches = branches;
        this.content.set(content);
    }

    public long id() {
        return id;
    }

    public Role role() {
        return role;
    }

    /** 1-based position among the alternatives at this point of the conversation. */
    public int branch() {
        return branch;
    }

    public int branches() {
        return branches;
    }

    public StringProperty contentProperty() {
        return content;
    }

    public String content() {
        return content.get();
    }

    public BooleanProperty streamingProperty() {
        return streaming;
    }

    public BooleanProperty interruptedProperty() {
        return interrupted;
    }

    public ObjectProperty<Integer> tokensProperty() {
        return tokens;
    }

    public ObjectProperty<Double> tokensPerSecondProperty() {
        return tokensPerSecond;
    }

    /** For a reply waiting for its first token: how much of the prompt the model has read (null before the first report and after). */
    public ObjectProperty<GenerationEvent.Prefill> promptProgressProperty() {
        return promptProgress;
    }

    /** The numbered sources of an answer grounded in documents ({@code [n]} is element n - 1); empty otherwise. */
    public ObjectProperty<List<Citation>> sourcesProperty() {
        return sources;
    }
}
