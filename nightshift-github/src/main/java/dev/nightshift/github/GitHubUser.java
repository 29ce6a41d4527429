package dev.nightshift.github;

import java.util.Objects;

/**
 * The GitHub account behind a token.
 *
 * @param id GitHub's numeric user id; stable across renames, so it is the key to store
 * @param login the current user name
 * @param name the display name; null when unset
 * @param email the public email, else the primary verified one; null when neither is visible
 */
public record GitHubUser(long id, String login, String name, String email) {

    public GitHubUser {
        Objects.requireNonNull(login, "login");
    }

    /**
     * GitHub's no-reply address for this account, {@code <id>+<login>@users.noreply.github.com}:
     * commits authored with it count as the user's without exposing a real address.
     */
    public String noreplyEmail() {
        return id + "+" + login + "@users.noreply.github.com";
    }
}
