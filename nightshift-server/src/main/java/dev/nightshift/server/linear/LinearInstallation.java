package dev.nightshift.server.linear;

import dev.nightshift.core.model.Credential;
import dev.nightshift.core.port.Store;
import dev.nightshift.linear.AccessTokens;
import dev.nightshift.linear.LinearException;
import dev.nightshift.linear.LinearOAuth;
import dev.nightshift.server.git.GitCredentials;
import dev.nightshift.server.git.SecretBox;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deployment's connection to Linear, and the token source of its {@link
 * dev.nightshift.linear.LinearClient}: the installation an administrator made through OAuth
 * ({@code /api/linear/install}), else the static {@code NIGHTSHIFT_LINEAR_ACCESS_TOKEN}.
 *
 * <p>Storage: the installation is a credential of the credential store (the vault's table, delivery
 * {@code git}, which never reaches a sandbox), owned by {@value #OWNER} — the deployment, no person —
 * for host {@value #HOST}: the access token and the refresh token sealed with the deployment's {@link
 * SecretBox} under the context {@code deployment@linear.app} (so key rotation re-seals them with the
 * people's git credentials), the access token's expiry, and the granted scopes in the credential's
 * user-name field (not secret). Every node of a fleet reads the same row, and reads it before each
 * Linear call, so an install, a refresh or a disconnect made on one node counts on all at once.
 *
 * <p>Refreshing: a token that expires within {@link #REFRESH_MARGIN}, or one Linear refused (HTTP
 * 401), is renewed with the refresh token, one renewal at a time on this node (a lock; the threads
 * that waited then find the new token stored). Across nodes a renewal is claimed in the database
 * first: a conditional update over the row's version ({@link
 * dev.nightshift.core.port.CredentialStore#replaceIfVersion}) that leaves the tokens as they are and
 * sets the credential's refresh-expiry field — unused otherwise: Linear's refresh tokens have no
 * expiry of their own — to when the claim lapses ({@link #CLAIM} later). Exactly one node wins it. The
 * winner alone presents the refresh token and stores the new pair, clearing the claim, with a second
 * conditional update over the version it claimed; so two nodes never present the same refresh token
 * (Linear rotates them: the second would be refused, and may end the installation). A node that
 * finds a standing claim uses the current access token while it is still valid, or waits up to
 * {@link #WAIT_FOR_OTHER} for the winner's. A claim whose winner died or failed lapses; the next call
 * after that claims again (a node does not retry its own failed claim before). Each renewal is
 * audited ({@code linear.token_refresh}).
 *
 * <p>Thread-safe; every method reads or writes the store and may call Linear, so call it off an
 * event loop (the webhook's request thread, the trigger pipeline's threads).
 */
public final class LinearInstallation implements AccessTokens {
    private static final Logger LOG = LoggerFactory.getLogger(LinearInstallation.class);

    /** Whose credential the installation is: the deployment's; no user id has this form. */
    static final String OWNER = "deployment";
    /** The host the credential is kept for (part of its sealing context). */
    static final String HOST = "linear.app";
    /** Renew an access token this long before it expires, so no call starts with a dying token. */
    static final Duration REFRESH_MARGIN = Duration.ofMinutes(5);
    /** How long a node's claim to renew stands before another node may claim again. */
    static final Duration CLAIM = Duration.ofSeconds(30);
    /** How long a call whose token is unusable waits for another node's renewal. */
    static final Duration WAIT_FOR_OTHER = Duration.ofSeconds(5);

    private static final Duration POLL = Duration.ofMillis(100);
    private static final int STORE_TRIES = 3;

    /** How the deployment is connected. */
    public enum Method {
        /** An installation made through OAuth, refreshed here. */
        OAUTH,
        /** {@code NIGHTSHIFT_LINEAR_ACCESS_TOKEN}. */
        ACCESS_TOKEN
    }

    /**
     * What {@code GET /api/linear} shows: never a token.
     *
     * @param scopes what the installation was granted (empty for a static token: unknown)
     * @param expiresAt when the current access token expires; null when unknown or never
     * @param connectedAt when the installation was made; null for a static token
     * @param refreshable whether it can be renewed here (a refresh token and the client's credentials)
     */
    public record Status(
            Method method, List<String> scopes, Instant expiresAt, Instant connectedAt, boolean refreshable) {}

    /** The stored installation's tokens, opened: for revoking it. */
    record Opened(String accessToken, String refreshToken) {}

    private final Store store;
    private final SecretBox box;
    private final LinearOAuth oauth;
    private final String staticToken;
    private final Clock clock;
    private final ReentrantLock renewing = new ReentrantLock();
    /** The version this node claimed and failed to renew at: it does not claim it again before the claim lapses. */
    private volatile long failedClaim = -1;

    /**
     * @param oauth the application's OAuth client; null when {@code NIGHTSHIFT_LINEAR_CLIENT_ID} is
     *     not set (a stored installation is then used until it expires, and not renewed)
     * @param staticToken {@code NIGHTSHIFT_LINEAR_ACCESS_TOKEN}; empty when not set
     */
    public LinearInstallation(Store store, SecretBox box, LinearOAuth oauth, String staticToken, Clock clock) {
        this.store = store;
        this.box = box;
        this.oauth = oauth;
        this.staticToken = staticToken == null ? "" : staticToken.strip();
        this.clock = clock;
    }

    /** Whether Linear can be called: an installation is stored or a static token is set. */
    public boolean connected() {
        return !staticToken.isEmpty() || stored().isPresent();
    }

    /** Whether {@code NIGHTSHIFT_LINEAR_ACCESS_TOKEN} is set (an installation wins over it). */
    public boolean staticTokenSet() {
        return !staticToken.isEmpty();
    }

    /** How the deployment is connected now; empty when it is not. */
    public Optional<Status> status() {
        Optional<Credential> stored = stored();
        if (stored.isPresent()) {
            Credential c = stored.get();
            List<String> scopes = c.username() == null || c.username().isBlank()
                    ? List.of()
                    : Arrays.asList(c.username().split(","));
            return Optional.of(new Status(
                    Method.OAUTH, scopes, c.expiresAt(), c.createdAt(), oauth != null && c.refreshSealed() != null));
        }
        return staticToken.isEmpty()
                ? Optional.empty()
                : Optional.of(new Status(Method.ACCESS_TOKEN, List.of(), null, null, false));
    }

    /**
     * Which grant the current token belongs to: the stored installation's id (new with each install),
     * {@code static}, or empty. Whatever is known about the app user holds while this stays the same.
     */
    public String key() {
        return stored().map(Credential::id).orElse(staticToken.isEmpty() ? "" : "static");
    }

    /**
     * Stores a new installation in place of any earlier one (a new id, so what was cached about the
     * old one is dropped). The earlier grant is not revoked: installing again in the same workspace
     * may hand back the same grant.
     */
    public void install(LinearOAuth.Tokens tokens) {
        String context = context();
        String scopes = String.join(",", tokens.scopes());
        if (scopes.length() > 200) {
            scopes = scopes.substring(0, scopes.lastIndexOf(',', 200));
        }
        store.credentials().delete(OWNER, HOST);
        store.credentials()
                .put(
                        OWNER,
                        HOST,
                        "oauth",
                        scopes,
                        box.seal(tokens.accessToken(), context),
                        tokens.refreshToken() == null ? null : box.seal(tokens.refreshToken(), context),
                        tokens.expiresAt(),
                        null,
                        clock.instant());
    }

    /** The stored installation's tokens, opened; empty when there is none. */
    Optional<Opened> opened() {
        return stored().map(c -> new Opened(
                box.open(c.secretSealed(), context()),
                c.refreshSealed() == null ? null : box.open(c.refreshSealed(), context())));
    }

    /** Forgets the stored installation; false when there was none. */
    public boolean forget() {
        return store.credentials().delete(OWNER, HOST);
    }

    /** The associated data the installation's tokens are sealed with. */
    static String context() {
        return GitCredentials.context(OWNER, HOST);
    }

    // --- the token source ---

    /** The installation's access token, renewed first when it expires soon; else the static token. */
    @Override
    public String current() {
        Optional<Credential> stored = stored();
        if (stored.isEmpty()) {
            return staticToken;
        }
        Credential c = stored.get();
        if (oauth == null || c.refreshSealed() == null || !expiresSoon(c)) {
            return box.open(c.secretSealed(), context());
        }
        return renew(null);
    }

    /**
     * Linear refused {@code token}: the stored one when it differs (renewed meanwhile), else one
     * renewed now; null for a static token, or when no renewal succeeds.
     */
    @Override
    public String refused(String token) {
        Optional<Credential> stored = stored();
        if (stored.isEmpty()) {
            return null;
        }
        Credential c = stored.get();
        String access = box.open(c.secretSealed(), context());
        if (!access.equals(token)) {
            return access;
        }
        if (oauth == null || c.refreshSealed() == null) {
            return null;
        }
        return renew(token);
    }

    /**
     * Renews the stored access token, as the class describes.
     *
     * @param refusedToken the token Linear refused, or null when renewing because it expires soon
     * @return the token to use: renewed, or the current one when renewing is not possible now (null
     *     instead when Linear refused it)
     */
    private String renew(String refusedToken) {
        renewing.lock();
        String fallback = null;
        try {
            int maxPolls = (int) (WAIT_FOR_OTHER.toMillis() / POLL.toMillis());
            for (int polls = 0; ; polls++) {
                Optional<Credential> stored = stored();
                if (stored.isEmpty()) {
                    return refusedToken == null ? staticToken : null; // disconnected meanwhile
                }
                Credential c = stored.get();
                String access = box.open(c.secretSealed(), context());
                boolean needed = refusedToken != null ? access.equals(refusedToken) : expiresSoon(c);
                if (!needed) {
                    return access; // renewed meanwhile, on this node or another
                }
                fallback = refusedToken == null ? access : null;
                if (c.refreshSealed() == null) {
                    return fallback;
                }
                // a claim is the refresh-expiry field set to when it lapses (Linear's refresh tokens have
                // no expiry of their own); a stored renewal or a new install clears it
                boolean claimed =
                        c.refreshExpiresAt() != null && clock.instant().isBefore(c.refreshExpiresAt());
                if (claimed && c.version() == failedClaim) {
                    return fallback; // this node's own renewal failed: the claim lapses before the next try
                }
                if (claimed) {
                    // another node is renewing: its token soon, or the current one while it still works
                    if (refusedToken == null && usable(c)) {
                        return access;
                    }
                    if (polls >= maxPolls) {
                        return fallback;
                    }
                    Thread.sleep(POLL);
                    continue;
                }
                if (polls >= maxPolls) {
                    return fallback; // the claim keeps being lost without anyone renewing: give up for now
                }
                if (store.credentials()
                        .replaceIfVersion(
                                c.id(),
                                c.version(),
                                c.secretSealed(),
                                c.refreshSealed(),
                                c.expiresAt(),
                                clock.instant().plus(CLAIM),
                                clock.instant())) {
                    return refreshClaimed(c, c.version() + 1, fallback);
                }
                // another node claimed first: look again
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fallback;
        } finally {
            renewing.unlock();
        }
    }

    /** With the claim won at version {@code claim}: presents the refresh token and stores the new pair. */
    private String refreshClaimed(Credential c, long claim, String fallback) {
        LinearOAuth.Tokens fresh;
        try {
            fresh = oauth.refresh(box.open(c.refreshSealed(), context()));
        } catch (LinearException e) {
            failedClaim = claim;
            LOG.warn("renewing the Linear access token failed: {}", e.getMessage());
            audit("failed", e.getMessage());
            return fallback;
        }
        String secret = box.seal(fresh.accessToken(), context());
        String refreshSealed = fresh.refreshToken() == null ? null : box.seal(fresh.refreshToken(), context());
        RuntimeException failure = null;
        for (int attempt = 0; attempt < STORE_TRIES; attempt++) {
            try {
                if (!store.credentials()
                        .replaceIfVersion(
                                c.id(), claim, secret, refreshSealed, fresh.expiresAt(), null, clock.instant())) {
                    // installed again or disconnected meanwhile: what is stored now stands
                    LOG.warn("the Linear installation changed while its token was renewed; the renewed token "
                            + "serves this call only");
                }
                failure = null;
                break;
            } catch (RuntimeException e) {
                failure = e;
            }
        }
        if (failure != null) {
            LOG.error("could not store the renewed Linear tokens; install the app again if calls fail", failure);
        }
        audit(
                failure == null ? "ok" : "failed",
                "expires " + fresh.expiresAt() + (failure == null ? "" : ", not stored"));
        return fresh.accessToken();
    }

    private Optional<Credential> stored() {
        return store.credentials().find(OWNER, HOST);
    }

    private boolean expiresSoon(Credential c) {
        return c.expiresAt() != null && !clock.instant().plus(REFRESH_MARGIN).isBefore(c.expiresAt());
    }

    private boolean usable(Credential c) {
        return c.expiresAt() == null || clock.instant().isBefore(c.expiresAt());
    }

    private void audit(String outcome, String detail) {
        try {
            store.audit().record(null, null, "linear.token_refresh", HOST, outcome, detail, clock.instant());
        } catch (RuntimeException e) {
            LOG.warn("could not audit a Linear token renewal: {}", e.getMessage());
        }
    }
}
