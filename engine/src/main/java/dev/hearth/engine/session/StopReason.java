package dev.hearth.engine.session;

/** Why a generation ended. */
public enum StopReason {
    /** The model ended its turn (<|eot_id|>, <|eom_id|> or <|end_of_text|>). */
    END_OF_TURN,
    /** The request's token limit was reached. */
    MAX_TOKENS,
    /** The caller cancelled. */
    CANCELLED,
    /** The context window is full. */
    CONTEXT_FULL
}
