package dev.hearth.app.store;

/**
 * What an import did. {@code skippedNonText} counts messages without text (images, code runs, browsing),
 * {@code skippedSystemOrTool} system and tool messages, {@code skippedExisting} conversations already in the store.
 */
public record ImportSummary(String format, int conversations, int messages,
                            int skippedNonText, int skippedSystemOrTool, int skippedExisting) {

    public int skipped() {
        return skippedNonText + skippedSystemOrTool + skippedExisting;
    }

    /** One line for the user. */
    public String describe() {
        return "Imported " + conversations + " conversation" + (conversations == 1 ? "" : "s") + " and "
                + messages + " message" + (messages == 1 ? "" : "s") + " from a " + format + " export; skipped "
                + skipped() + " (" + skippedNonText + " without text, " + skippedSystemOrTool + " system or tool messages, "
                + skippedExisting + " conversations already present).";
    }
}
