package dev.nightshift.git;

/** A git operation failed; the message says what happened and, where it can, what to do. */
public class GitException extends RuntimeException {
    public GitException(String message) {
        super(message);
    }

    public GitException(String message, Throwable cause) {
        super(message, cause);
    }
}
