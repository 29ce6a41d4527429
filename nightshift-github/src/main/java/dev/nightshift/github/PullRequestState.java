package dev.nightshift.github;

/** A pull request's state as Nightshift shows it: GitHub's open/closed, with merged split off closed. */
public enum PullRequestState {
    OPEN,
    CLOSED,
    MERGED;

    /** From GitHub's {@code state} ("open"/"closed") and {@code merged} fields. */
    static PullRequestState of(String state, boolean merged) {
        if (merged) {
            return MERGED;
        }
        return "open".equalsIgnoreCase(state) ? OPEN : CLOSED;
    }
}
