package dev.hearth.app.ui;

import javafx.beans.binding.Bindings;
import javafx.beans.binding.StringBinding;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.value.ObservableValue;

import java.text.MessageFormat;
import java.util.Locale;
import java.util.MissingResourceException;
import java.util.ResourceBundle;

/**
 * Every string the window shows, from the bundles in {@code ui-resources}. Views bind to {@link #text} so a
 * change of {@link #locale} re-labels the open window without a restart.
 */
public final class I18n {

    public static final String BUNDLE = "dev.hearth.app.ui.i18n.messages";
    /** The languages the app speaks, in the order the settings list them. */
    public static final java.util.List<Locale> LANGUAGES = java.util.List.of(Locale.ENGLISH, Locale.JAPANESE);

    private final ObjectProperty<Locale> locale = new SimpleObjectProperty<>();
    private final ObjectProperty<ResourceBundle> bundle = new SimpleObjectProperty<>();

    public I18n(Locale initial) {
        locale.addListener((o, was, now) -> bundle.set(load(now)));
        locale.set(supported(initial));
    }

    /** The closest language the app has: Japanese for any {@code ja} locale, else English. */
    public static Locale supported(Locale wanted) {
        return wanted != null && wanted.getLanguage().equals("ja") ? Locale.JAPANESE : Locale.ENGLISH;
    }

    static ResourceBundle load(Locale locale) {
        return ResourceBundle.getBundle(BUNDLE, locale, ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES));
    }

    public ObjectProperty<Locale> localeProperty() {
        return locale;
    }

    public Locale locale() {
        return locale.get();
    }

    /** The string for {@code key} now, with {@code {0}}-style arguments filled in. */
    public String get(String key, Object... args) {
        String pattern;
        try {
            pattern = bundle.get().getString(key);
        } catch (MissingResourceException e) {
            throw new IllegalArgumentException("no text for key '" + key + "' in " + BUNDLE, e);
        }
        return args.length == 0 ? pattern : new MessageFormat(pattern, locale.get()).format(args);
    }

    /** The string for {@code key}, following language changes. */
    public StringBinding text(String key, Object... args) {
        return Bindings.createStringBinding(() -> get(key, args), bundle);
    }

    /** The string for {@code key} with arguments that change, following both. */
    public StringBinding bind(String key, ObservableValue<?>... args) {
        ObservableValue<?>[] deps = new ObservableValue<?>[args.length + 1];
        System.arraycopy(args, 0, deps, 0, args.length);
        deps[args.length] = bundle;
        return Bindings.createStringBinding(() -> {
            Object[] values = new Object[args.length];
            for (int i = 0; i < args.length; i++) values[i] = args[i].getValue();
            return get(key, values);
        }, deps);
    }
}
