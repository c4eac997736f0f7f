package dev.hearth.app.store;

/** What the user chose when starting a conversation; every field but the title may be null. */
public record NewConversation(String title, String model, String systemPrompt, String samplingJson) {
    public static NewConversation titled(String title) {
        return new NewConversation(title, null, null, null);
    }
}
