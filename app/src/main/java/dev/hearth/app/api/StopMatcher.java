package dev.hearth.app.api;

import java.util.List;

/**
 * OpenAI's {@code stop}: the reply ends before the first occurrence of any stop string, which is never
 * sent. Generated text that could be the start of a stop string is held back until the next pieces show
 * whether it is, so a streaming client never receives part of a stop string.
 */
final class StopMatcher {
    private final List<String> stops;
    private final StringBuilder held = new StringBuilder();
    private boolean stopped;

    StopMatcher(List<String> stops) {
        this.stops = stops;
    }

    /** Adds a generated piece; returns the text that may be released now (possibly empty). */
    String accept(String piece) {
        if (stopped) return "";
        held.append(piece);
        int first = -1;
        for (String stop : stops) {
            int at = held.indexOf(stop);
            if (at >= 0 && (first < 0 || at < first)) first = at;
        }
        if (first >= 0) {
            stopped = true;
            String released = held.substring(0, first);
            held.setLength(0);
            return released;
        }
        String text = held.toString();
        int keep = 0;
        for (String stop : stops) {
            for (int k = Math.min(stop.length() - 1, text.length()); k > keep; k--) {
                if (text.regionMatches(text.length() - k, stop, 0, k)) {
                    keep = k;
                    break;
                }
            }
        }
        held.delete(0, text.length() - keep);
        return text.substring(0, text.length() - keep);
    }

    /** Whether a stop string was generated. */
    boolean stopped() {
        return stopped;
    }

    /** At the end of generation: what was held back, since no stop string completed it. */
    String flush() {
        String rest = held.toString();
        held.setLength(0);
        return rest;
    }
}
