package dev.nightshift.github;

/**
 * GitHub's OAuth endpoint refused a code or refresh token. It answers these with status 200 and a
 * body such as {@code {"error":"bad_verification_code","error_description":"..."}}; {@link #error()}
 * is that code. {@code bad_verification_code} and {@code bad_refresh_token} mean the user has to
 * sign in again.
 */
public final class GitHubOAuthException extends GitHubException {

    private final String error;

    public GitHubOAuthException(String error, String message) {
        super(200, message);
        this.error = error;
    }

    /** GitHub's error code, e.g. {@code bad_refresh_token}. */
    public String error() {
        return error;
    }
}
