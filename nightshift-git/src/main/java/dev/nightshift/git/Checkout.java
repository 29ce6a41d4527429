package dev.nightshift.git;

/**
 * What a fresh workspace holds: the base branch at {@code baseCommit} (null for an empty
 * repository) and the session's work branch checked out on top of it.
 *
 * @param summary the checked-out commit as {@code <short sha> <subject>}, for the session's log
 */
public record Checkout(String baseBranch, String baseCommit, String workBranch, String summary) {}
