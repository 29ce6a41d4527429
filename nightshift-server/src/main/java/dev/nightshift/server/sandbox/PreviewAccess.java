package dev.nightshift.server.sandbox;

import dev.nightshift.core.Secrets;
import dev.nightshift.core.model.Token;
import dev.nightshift.core.model.TokenKind;
import dev.nightshift.core.policy.Access;
import dev.nightshift.core.port.Store;
import dev.nightshift.server.auth.Authenticator;
import dev.nightshift.server.auth.Caller;
import dev.nightshift.server.http.ApiException;
import dev.nightshift.server.session.SessionService;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Who may open a host-based preview, which is another origin than the web UI's, so the person's API
 * token (in the UI's storage) can neither be sent there nor read there. Instead:
 *
 * <ol>
 *   <li>a participant of the session (viewer and up, never a share link) asks the API for a
 *       <em>ticket</em> ({@link #mint}): a live token named {@code preview-ticket:<port>}, bound to
 *       the session and the port, usable once, for {@link #TICKET_TTL_SECONDS} seconds;
 *   <li>the browser opens {@code https://p3000-….<domain>/~<ticket>}; the preview host exchanges the
 *       ticket ({@link #exchange}: revoked as it is used, so a second use or a copy from the history
 *       is refused) for a <em>cookie</em>: another live token, named {@code preview:<port>}, that
 *       lives as long as a live token ({@code NIGHTSHIFT_LIVE_TOKEN_TTL}), set host-only (no
 *       {@code Domain}), {@code HttpOnly}, {@code SameSite=Lax}, and {@code Secure} with the
 *       {@code __Host-} prefix when the preview is served over https;
 *   <li>every request to that host presents the cookie ({@link #authenticate}); the proxy strips it
 *       before forwarding, so the app never sees it.
 * </ol>
 *
 * Both tokens are children of the API token the ticket was asked with: revoking that token, or
 * deactivating the person, ends them; removing the person from the session ends their access at
 * the next request, since every request checks the session's roles again. {@link Authenticator}
 * refuses both anywhere else (the live stream, the path-based port proxy). Stored like every token
 * (by hash), so any node of a fleet accepts them. Called on request threads; stateless here.
 */
public final class PreviewAccess {
    /** How long a preview ticket can be exchanged: long enough for a browser to open a tab. */
    public static final long TICKET_TTL_SECONDS = 60;

    static final String TICKET_NAME = Authenticator.PREVIEW_TOKEN_PREFIX + "-ticket:";
    static final String COOKIE_TOKEN_NAME = Authenticator.PREVIEW_TOKEN_PREFIX + ":";
    /** The secret's prefix: tells a ticket in a URL from an app's own {@code /~user} path. */
    static final String TICKET_SECRET_PREFIX = "nsp";

    private final Store store;
    private final SessionService sessions;
    private final Authenticator auth;
    private final Duration cookieTtl;
    private final Supplier<String> publicUrl;
    private final String domain;
    private final Clock clock;

    /**
     * @param domain the checked {@code NIGHTSHIFT_PREVIEW_DOMAIN}; empty: host-based previews are off
     * @param cookieTtl how long an exchanged ticket's cookie opens its host
     */
    public PreviewAccess(
            Store store,
            SessionService sessions,
            Authenticator auth,
            Duration cookieTtl,
            Supplier<String> publicUrl,
            String domain,
            Clock clock) {
        this.store = store;
        this.sessions = sessions;
        this.auth = auth;
        this.cookieTtl = cookieTtl;
        this.publicUrl = publicUrl;
        this.domain = domain;
        this.clock = clock;
    }

    public boolean enabled() {
        return !domain.isEmpty();
    }

    public String domain() {
        return domain;
    }

    /** The preview a request's host names, when host-based previews are on and the host is one. */
    public Optional<PreviewHost> previewOf(String host) {
        return enabled() ? PreviewHost.parse(host, domain) : Optional.empty();
    }

    /** The origin of a session's port ({@code https://p3000-….<domain>}), when host-based previews are on. */
    public Optional<String> origin(String sessionId, int port) {
        return enabled() ? PreviewHost.origin(publicUrl.get(), domain, sessionId, port) : Optional.empty();
    }

    /**
     * Where a port of a session is previewed, without credentials: {@code <origin>/} when host-based
     * previews are on, else the path form {@code <public URL>/api/sessions/<id>/ports/<port>/}.
     */
    public String url(String sessionId, int port) {
        return origin(sessionId, port)
                .map(o -> o + "/")
                .orElseGet(() -> publicUrl.get() + "/api/sessions/" + sessionId + "/ports/" + port + "/");
    }

    /** Whether the preview host's cookie must be {@code Secure}: the public URL is https. */
    public boolean secure() {
        return publicUrl.get().regionMatches(true, 0, "https:", 0, 6);
    }

    public Duration cookieTtl() {
        return cookieTtl;
    }

    /** A ticket, its URL and when it stops working. */
    public record Ticket(String url, Instant expiresAt) {}

    /**
     * Mints a ticket for one port of one session. A share link gets none (ports are the
     * participants'); the caller must be able to read the session.
     */
    public Ticket mint(Caller caller, String sessionId, int port) {
        if (caller.isShareLink()) {
            throw ApiException.forbidden(
                    "a share link cannot open the sandbox's ports; ask to be added to the session");
        }
        sessions.require(caller, sessionId, Access.Action.READ);
        String origin = origin(sessionId, port)
                .orElseThrow(() -> ApiException.conflict("this session's id cannot be a preview host name"));
        String secret = Secrets.newSecret(TICKET_SECRET_PREFIX);
        Instant expires = clock.instant().plusSeconds(TICKET_TTL_SECONDS);
        store.tokens()
                .create(
                        TokenKind.LIVE,
                        caller.userId(),
                        TICKET_NAME + port,
                        sessionId,
                        Secrets.hash(secret),
                        expires,
                        caller.token().scopes(),
                        parentOf(caller.token()));
        return new Ticket(origin + "/" + PortProxy.TOKEN_SEGMENT + secret, expires);
    }

    /**
     * Exchanges a ticket presented on its own preview host for the cookie's secret, once: the ticket
     * is revoked as it is used, and a ticket for another session or port is refused.
     */
    public String exchange(String ticket, PreviewHost host) {
        Caller caller = auth.preview(ticket, host.sessionId(), TICKET_NAME + host.port());
        if (!store.tokens().revoke(caller.token().id(), clock.instant())) {
            throw ApiException.unauthorized(
                    "this preview link was used already: open the preview again from the session's page");
        }
        sessions.require(caller, host.sessionId(), Access.Action.READ);
        String secret = Secrets.newSecret(TICKET_SECRET_PREFIX);
        store.tokens()
                .create(
                        TokenKind.LIVE,
                        caller.userId(),
                        COOKIE_TOKEN_NAME + host.port(),
                        host.sessionId(),
                        Secrets.hash(secret),
                        clock.instant().plus(cookieTtl),
                        caller.token().scopes(),
                        caller.token().parentId());
        return secret;
    }

    /** The person behind a preview host's cookie, if they may still read the session. */
    public Caller authenticate(String cookie, PreviewHost host) {
        if (cookie == null || cookie.isBlank()) {
            throw ApiException.unauthorized("this preview opens from the session's page in Nightshift (Previews, Open"
                    + " port " + host.port() + "), which signs this browser in to it");
        }
        Caller caller = auth.preview(cookie, host.sessionId(), COOKIE_TOKEN_NAME + host.port());
        sessions.require(caller, host.sessionId(), Access.Action.READ);
        return caller;
    }

    private static String parentOf(Token token) {
        return token.kind() == TokenKind.LIVE ? token.parentId() : token.id();
    }
}
