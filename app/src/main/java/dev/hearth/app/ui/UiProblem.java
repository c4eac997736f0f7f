package dev.hearth.app.ui;

/**
 * Something went wrong that the user must hear about: {@code key} names the sentence in the bundles
 * (with {@code args}), {@code detail} is the technical text shown under "details" (may be empty).
 */
public record UiProblem(String key, String detail, Object... args) {

    public static UiProblem of(String key, Throwable cause) {
        return new UiProblem(key, describe(cause));
    }

    /** The cause's own sentence, or its type when it has none, for the expandable details. */
    public static String describe(Throwable t) {
        if (t == null) return "";
        while (t.getCause() != null && (t.getMessage() == null || t instanceof java.util.concurrent.CompletionException)) {
            t = t.getCause();
        }
        return t.getMessage() != null ? t.getMessage() : t.getClass().getName();
    }
}
