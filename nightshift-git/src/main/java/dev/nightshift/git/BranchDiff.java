package dev.nightshift.git;

import java.util.List;

/**
 * The work branch against its base, for people to review: which files changed, by how much, and
 * the unified patch (cut at a size limit, with {@code truncated} set).
 *
 * @param source "workspace" when read from the live sandbox (uncommitted changes included), "branch"
 *     when read from the control plane's copy of the last published work (works while hibernated)
 */
public record BranchDiff(
        String base,
        String branch,
        String baseCommit,
        String headCommit,
        String source,
        List<FileChange> files,
        String patch,
        boolean truncated) {

    /** One changed file; {@code oldPath} is set for renames, counts are -1 for binary files. */
    public record FileChange(String path, String oldPath, String status, int additions, int deletions) {}
}
