package dev.nightshift.github;

/**
 * GitHub answered 401: the token is expired, revoked or unknown. Callers holding a refresh token
 * refresh it and retry once; otherwise the user has to sign in again.
 */
public final class GitHubAuthException extends GitHubException {

    public GitHubAuthException(String message) {
        super(401, message);
    }
}
