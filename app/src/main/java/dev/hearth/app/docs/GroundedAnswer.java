package dev.hearth.app.docs;

import java.util.List;

/** An answer whose {@code [n]} markers refer to {@code citations.get(n - 1)}. */
public record GroundedAnswer(String answer, List<Citation> citations) {
    public GroundedAnswer {
        citations = List.copyOf(citations);
    }
}
