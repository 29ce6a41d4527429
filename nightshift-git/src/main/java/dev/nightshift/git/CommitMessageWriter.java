package dev.nightshift.git;

/**
 * Writes a commit message from the staged changes (the server plugs in the session's model).
 * Returning null or failing falls back to a plain message: a commit is never lost to a model error.
 */
@FunctionalInterface
public interface CommitMessageWriter {
    CommitMessageWriter NONE = (stat, patch) -> null;

    /**
     * @param stat {@code git diff --cached --stat}
     * @param patch the staged patch, cut to a size a model can read
     */
    String write(String stat, String patch) throws Exception;
}
