package dev.hearth.app.store;

/** How a finished reply was generated; {@code stopReason} as the engine reports it (e.g. {@code eos}, {@code length}). */
public record ReplyStats(int tokens, double tokensPerSecond, String stopReason) {}
