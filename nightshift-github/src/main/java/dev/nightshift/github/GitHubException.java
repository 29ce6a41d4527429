package dev.nightshift.github;

/**
 * GitHub refused a request or could not be reached. The message says what was being done and
 * what GitHub answered (its own {@code message} when it sent one).
 */
public class GitHubException extends RuntimeException {

    private final int status;

    public GitHubException(int status, String message) {
        super(message);
        this.status = status;
    }

    public GitHubException(int status, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /** GitHub's HTTP status, or 0 when no answer was received (connection failed, interrupted). */
    public int status() {
        return status;
    }
}
