package dev.nightshift.core.model;

/**
 * What the server does after a turn finishes naturally.
 *
 * @param autoCommit commit changed files as the prompting user
 * @param autoPr open (or update) a pull request after a pushed turn
 * @param draftPr open pull requests as drafts
 */
public record SessionSettings(boolean autoCommit, boolean autoPr, boolean draftPr) {
    public static final SessionSettings DEFAULTS = new SessionSettings(true, true, false);
}
