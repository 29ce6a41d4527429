package dev.nightshift.git;

/**
 * What to do with a session's workspace after a turn that finished on its own.
 *
 * @param author the person who sent the prompt: author and committer of the commit
 * @param coAuthor the agent, credited with a {@code Co-Authored-By} trailer
 * @param commit commit what changed (else only what the agent committed itself is published)
 * @param push push the work branch to the repository with {@code auth}
 * @param fallbackMessage the commit subject when the writer has nothing (e.g. the prompt's first line)
 */
public record PublishRequest(
        String sessionId,
        RepositoryUrl repository,
        String baseBranch,
        String workBranch,
        CommitIdentity author,
        CommitIdentity coAuthor,
        boolean commit,
        boolean push,
        GitAuth auth,
        CommitMessageWriter messageWriter,
        String fallbackMessage) {}
