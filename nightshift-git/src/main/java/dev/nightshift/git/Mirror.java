package dev.nightshift.git;

import java.nio.file.Path;

/**
 * A bare mirror of one repository on the control-plane host: its branches and tags, refreshed
 * with the acting user's credentials and shared by every session on that repository.
 *
 * @param defaultBranch the branch the remote's HEAD names (what a session uses without a base branch)
 */
public record Mirror(RepositoryUrl repository, Path dir, String defaultBranch) {}
