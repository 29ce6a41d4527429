package dev.nightshift.server.auth;

import dev.nightshift.core.model.Scope;
import dev.nightshift.core.model.Token;
import dev.nightshift.core.model.User;
import dev.nightshift.server.http.ApiException;

/**
 * Who is calling: a user with an API token, or the holder of a share link (no user; viewer of one
 * session only).
 */
public record Caller(User user, Token token) {
    /**
     * A user as an automation or an integration acts for them when it starts or follows up a session:
     * what a person's session token may do, and what an administrator may do only while the user
     * still is one. Held by no stored token and never sent anywhere; made on the trigger pipeline's
     * threads.
     *
     * @param why what acts (e.g. {@code trigger trg_…}), as the token's name in errors and logs
     */
    public static Caller actingFor(User user, String why) {
        java.util.Set<Scope> scopes = user.admin()
                ? java.util.EnumSet.of(Scope.SESSIONS_READ, Scope.SESSIONS_WRITE, Scope.ADMIN)
                : java.util.EnumSet.of(Scope.SESSIONS_READ, Scope.SESSIONS_WRITE);
        return new Caller(
                user,
                new Token(
                        why,
                        dev.nightshift.core.model.TokenKind.API,
                        user.id(),
                        why,
                        null,
                        user.createdAt(),
                        null,
                        null,
                        null,
                        scopes,
                        null));
    }

    /** Share links, and live tokens minted through one, carry no user: they may only watch. */
    public boolean isShareLink() {
        return user == null;
    }

    /** An administrator whose token carries the admin scope; a narrower token of an administrator acts as a person. */
    public boolean admin() {
        return user != null && user.admin() && token.has(Scope.ADMIN);
    }

    public String userId() {
        return user == null ? null : user.id();
    }

    public String displayName() {
        return user == null ? "share-link viewer" : user.login();
    }

    /**
     * An administrator acting with a token that carries the admin scope: a 403 with {@code refusal}
     * for anyone else, a 403 naming the missing scope for an administrator's narrower token.
     */
    public void requireAdmin(String refusal) {
        if (user == null || !user.admin()) {
            throw ApiException.forbidden(refusal);
        }
        require(Scope.ADMIN);
    }

    public boolean has(Scope scope) {
        return token.has(scope);
    }

    /** A 403 that names the missing scope, so the person knows which token to make. */
    public void require(Scope scope) {
        if (!token.has(scope)) {
            throw new ApiException(
                    403,
                    "missing_scope",
                    "this token lacks the scope " + scope.wire()
                            + "; create one that has it: POST /api/tokens {\"scopes\":[\"" + scope.wire()
                            + "\"]} or nightshift token create --scope "
                            + scope.wire());
        }
    }
}
