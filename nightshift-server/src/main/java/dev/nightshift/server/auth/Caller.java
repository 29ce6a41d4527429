package dev.nightshift.server.auth;

import dev.nightshift.core.model.Token;
import dev.nightshift.core.model.User;

/**
 * Who is calling: a user with an API token, or the holder of a share link (no user; viewer of one
 * session only).
 */
public record Caller(User user, Token token) {
    /** Share links, and live tokens minted through one, carry no user: they may only watch. */
    public boolean isShareLink() {
        return user == null;
    }

    public boolean admin() {
        return user != null && user.admin();
    }

    public String userId() {
        return user == null ? null : user.id();
    }

    public String displayName() {
        return user == null ? "share-link viewer" : user.login();
    }
}
