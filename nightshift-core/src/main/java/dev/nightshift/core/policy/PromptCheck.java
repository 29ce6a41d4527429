package dev.nightshift.core.policy;

/** Decides whether a prompt's content may enter a queue, before the store is touched. */
public final class PromptCheck {
    private PromptCheck() {}

    public enum Verdict {
        OK,
        EMPTY,
        TOO_LARGE
    }

    public static Verdict check(String content, Limits limits) {
        if (content == null || content.isBlank()) {
            return Verdict.EMPTY;
        }
        return content.length() > limits.maxPromptChars() ? Verdict.TOO_LARGE : Verdict.OK;
    }
}
