package dev.hearth.app.ui.settings;

import dev.hearth.app.store.ConversationStore;

import java.util.Locale;

/** Loads and saves {@link AppSettings} in the store. Call it off the FX thread: it runs SQL. */
public final class SettingsRepository {
    private final ConversationStore store;
    private final Locale systemLocale;

    public SettingsRepository(ConversationStore store, Locale systemLocale) {
        this.store = store;
        this.systemLocale = systemLocale;
    }

    public AppSettings load() {
        AppSettings defaults = AppSettings.defaults(systemLocale);
        return store.setting(AppSettings.KEY).map(node -> AppSettings.fromJson(node, defaults)).orElse(defaults);
    }

    public void save(AppSettings settings) {
        store.putSetting(AppSettings.KEY, settings.toJson());
    }
}
