package dev.nightshift.agent.model;

/** Tokens one model call used. */
public record Usage(long inputTokens, long cachedInputTokens, long outputTokens) {
    public static final Usage NONE = new Usage(0, 0, 0);

    public Usage plus(Usage other) {
        return new Usage(
                inputTokens + other.inputTokens,
                cachedInputTokens + other.cachedInputTokens,
                outputTokens + other.outputTokens);
    }
}
