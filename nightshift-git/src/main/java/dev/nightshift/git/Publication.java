package dev.nightshift.git;

/**
 * What publishing a turn's work did.
 *
 * @param committed the commit made from the turn's changes, or null when nothing was uncommitted
 * @param head the work branch's newest commit as the control plane now holds it (null: no work yet)
 * @param pushed true when {@code head} is now on the repository's work branch
 * @param pushProblem why the push did not happen (null when it did or was not asked for)
 */
public record Publication(String committed, String subject, String head, boolean pushed, String pushProblem) {
    /** True when there was nothing new since the last publication. */
    public boolean nothingNew() {
        return committed == null && head == null;
    }
}
