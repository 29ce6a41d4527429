package dev.nightshift.server.auth;

import dev.nightshift.core.Secrets;
import dev.nightshift.core.model.Token;
import dev.nightshift.core.model.TokenKind;
import dev.nightshift.core.model.User;
import dev.nightshift.core.port.Store;
import dev.nightshift.server.http.ApiException;
import java.time.Clock;
import java.util.Optional;

/** Turns a presented bearer secret into a {@link Caller}, or a 401 that says what is wrong. */
public final class Authenticator {
    /**
     * The name of a live token that opens one preview host only (a ticket, or the host's cookie):
     * {@code preview…:<port>}. Such a token is refused everywhere else, the live stream included.
     */
    public static final String PREVIEW_TOKEN_PREFIX = "preview";

    private final Store store;
    private final Clock clock;

    public Authenticator(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** Authenticates an {@code Authorization} header value; API tokens and share links are accepted. */
    public Caller fromHeader(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            throw ApiException.unauthorized(
                    "missing Authorization header: send 'Authorization: Bearer <token>' (the server printed a login token at start)");
        }
        if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw ApiException.unauthorized("the Authorization header must be 'Bearer <token>'");
        }
        Token token = lookup(authorization.substring(7).trim())
                .orElseThrow(() -> ApiException.unauthorized("the token is unknown, expired or revoked"));
        if (token.kind() == TokenKind.LIVE) {
            throw ApiException.unauthorized("a live token only opens a session's live stream; use an API token here");
        }
        return caller(token);
    }

    /** Validates a live token for one session's stream. */
    public Caller live(String secret, String sessionId) {
        Token token = lookup(secret)
                .filter(t -> t.kind() == TokenKind.LIVE || t.kind() == TokenKind.SHARE)
                .filter(t -> sessionId.equals(t.sessionId()))
                .filter(t -> t.name() == null || !t.name().startsWith(PREVIEW_TOKEN_PREFIX))
                .orElseThrow(() -> ApiException.unauthorized(
                        "the live token is unknown, expired or for another session: get one from POST /api/sessions/"
                                + sessionId + "/live-token"));
        return caller(token);
    }

    /**
     * Validates a preview credential: a live token of one session named {@code name} (a preview
     * ticket or a preview host's cookie, see {@link #PREVIEW_TOKEN_PREFIX}), still usable, its user
     * still active.
     */
    public Caller preview(String secret, String sessionId, String name) {
        Token token = lookup(secret)
                .filter(t -> t.kind() == TokenKind.LIVE)
                .filter(t -> sessionId.equals(t.sessionId()))
                .filter(t -> name.equals(t.name()))
                .orElseThrow(
                        () -> ApiException.unauthorized(
                                "this preview link is used up, expired or revoked: open the preview again from the session's page"));
        return caller(token);
    }

    /**
     * The caller as the store has it now, if what authenticated them still holds: the token (and the
     * token it was minted with) neither revoked nor expired, the user still active. Open streams
     * ask this when access is withdrawn, so revocation ends what it granted, not only the next
     * request; the fresh caller carries the user's current administration.
     */
    public Optional<Caller> refreshed(Caller caller) {
        Optional<Token> token = store.tokens().findUsableById(caller.token().id(), clock.instant());
        if (token.isEmpty()) {
            return Optional.empty();
        }
        if (caller.user() == null) {
            return Optional.of(new Caller(null, token.get()));
        }
        return store.users().byId(caller.userId()).filter(User::active).map(u -> new Caller(u, token.get()));
    }

    private Optional<Token> lookup(String secret) {
        if (secret == null || secret.isBlank()) {
            return Optional.empty();
        }
        return store.tokens().findUsable(Secrets.hash(secret), clock.instant());
    }

    private Caller caller(Token token) {
        User user = token.userId() == null
                ? null
                : store.users()
                        .byId(token.userId())
                        .orElseThrow(() -> ApiException.unauthorized("the token's user no longer exists"));
        if (user != null && !user.active()) {
            throw ApiException.unauthorized("the account " + user.login() + " is deactivated; ask an administrator");
        }
        return new Caller(user, token);
    }
}
