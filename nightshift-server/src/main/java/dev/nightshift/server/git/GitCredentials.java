package dev.nightshift.server.git;

import dev.nightshift.core.model.Credential;
import dev.nightshift.core.port.Store;
import dev.nightshift.git.GitAuth;
import dev.nightshift.git.RepositoryUrl;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * People's credentials for git hosts: stored sealed, opened only to build the {@link GitAuth} of
 * one host-side operation. Expiring OAuth tokens are refreshed shortly before they expire, with a
 * compare-and-set on the stored version (see {@link TokenRefresher}).
 */
public final class GitCredentials {
    /** Refresh an expiring token this long before it expires, so a push never starts with a dying token. */
    static final Duration REFRESH_MARGIN = Duration.ofMinutes(5);

    /** Exchanges a refresh token for new tokens at the host (GitHub's OAuth endpoint). */
    public interface TokenRefresher {
        /** @param userId whose credential it is (a refresh also re-checks that they are still admitted) */
        Refreshed refresh(String userId, String host, String refreshToken) throws Exception;

        record Refreshed(String accessToken, Instant expiresAt, String refreshToken, Instant refreshExpiresAt) {}
    }

    private final Store store;
    private final SecretBox box;
    private final Clock clock;
    private final TokenRefresher refresher;

    /** @param refresher renews expiring OAuth tokens; null when no host's sign-in is configured (they then just expire) */
    public GitCredentials(Store store, SecretBox box, TokenRefresher refresher, Clock clock) {
        this.store = store;
        this.box = box;
        this.refresher = refresher;
        this.clock = clock;
    }

    /** The associated data a person's credential for a host is sealed with (key rotation re-seals with it). */
    public static String context(String userId, String host) {
        return userId + "@" + host;
    }

    /** Stores a token or SSH key for a host (replacing the previous one). */
    public Credential put(String userId, String host, String kind, String username, String secret) {
        return store.credentials()
                .put(
                        userId,
                        host,
                        kind,
                        username,
                        box.seal(secret, context(userId, host)),
                        null,
                        null,
                        null,
                        clock.instant());
    }

    /** Stores OAuth tokens from a sign-in. */
    public Credential putOAuth(
            String userId,
            String host,
            String accessToken,
            Instant expiresAt,
            String refreshToken,
            Instant refreshExpiresAt) {
        String ctx = context(userId, host);
        return store.credentials()
                .put(
                        userId,
                        host,
                        "oauth",
                        null,
                        box.seal(accessToken, ctx),
                        box.seal(refreshToken, ctx),
                        expiresAt,
                        refreshExpiresAt,
                        clock.instant());
    }

    public List<Credential> list(String userId) {
        return store.credentials().list(userId);
    }

    public boolean delete(String userId, String host) {
        return store.credentials().delete(userId, host);
    }

    /** Every secret this control plane holds, opened: for the test that proves none reaches a sandbox. */
    public List<String> openAll(String userId) {
        return list(userId).stream()
                .flatMap(c -> java.util.stream.Stream.of(
                        box.open(c.secretSealed(), context(userId, c.host())),
                        box.open(c.refreshSealed(), context(userId, c.host()))))
                .filter(java.util.Objects::nonNull)
                .toList();
    }

    /** The credential a person's git operation on {@code repository} runs with. */
    public GitAuth authFor(String userId, RepositoryUrl repository) {
        if (repository.local() || userId == null) {
            return GitAuth.NONE;
        }
        return accessToken(userId, repository.host())
                .map(found -> switch (found.kind()) {
                    case "ssh_key" -> GitAuth.sshKey(found.secret());
                    case "oauth" -> GitAuth.token("x-access-token", found.secret());
                    default -> GitAuth.token(found.username(), found.secret());
                })
                .orElse(GitAuth.NONE);
    }

    /** An opened credential: its kind, user name and the (fresh) secret. */
    public record Opened(String kind, String username, String secret) {}

    /** The person's secret for a host, refreshing an expiring OAuth token first. */
    public Optional<Opened> accessToken(String userId, String host) {
        Optional<Credential> stored = store.credentials().find(userId, host);
        if (stored.isEmpty()) {
            return Optional.empty();
        }
        Credential credential = stored.get();
        String ctx = context(userId, host);
        if (credential.kind().equals("oauth")
                && expiresSoon(credential.expiresAt())
                && credential.refreshSealed() != null) {
            credential = refresh(credential, ctx);
        }
        return Optional.of(
                new Opened(credential.kind(), credential.username(), box.open(credential.secretSealed(), ctx)));
    }

    /** Refreshes an OAuth token now (the host refused it before its expiry); the new secret, if any. */
    public Optional<String> refreshNow(String userId, String host) {
        Optional<Credential> stored = store.credentials().find(userId, host);
        if (stored.isEmpty()
                || !stored.get().kind().equals("oauth")
                || stored.get().refreshSealed() == null) {
            return Optional.empty();
        }
        String ctx = context(userId, host);
        Credential refreshed = refresh(stored.get(), ctx);
        return refreshed.version() == stored.get().version()
                        && refreshed.secretSealed().equals(stored.get().secretSealed())
                ? Optional.empty()
                : Optional.of(box.open(refreshed.secretSealed(), ctx));
    }

    private boolean expiresSoon(Instant expiresAt) {
        return expiresAt != null && !clock.instant().plus(REFRESH_MARGIN).isBefore(expiresAt);
    }

    /**
     * Refreshes with compare-and-set. A used refresh token is gone at the host, so the new tokens
     * are kept even when the write loses a race or fails: the write is retried against the
     * version now stored, and a lost race means another node already holds newer tokens.
     */
    Credential refresh(Credential credential, String ctx) {
        if (refresher == null) {
            return credential;
        }
        TokenRefresher.Refreshed fresh;
        try {
            fresh = refresher.refresh(
                    credential.userId(), credential.host(), box.open(credential.refreshSealed(), ctx));
        } catch (Exception e) {
            // another node may have refreshed (and used up this refresh token) first: read again
            return store.credentials()
                    .find(credential.userId(), credential.host())
                    .orElse(credential);
        }
        String secret = box.seal(fresh.accessToken(), ctx);
        String refreshSealed = fresh.refreshToken() == null ? null : box.seal(fresh.refreshToken(), ctx);
        RuntimeException lastFailure = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                if (store.credentials()
                        .replaceIfVersion(
                                credential.id(),
                                credential.version(),
                                secret,
                                refreshSealed,
                                fresh.expiresAt(),
                                fresh.refreshExpiresAt(),
                                clock.instant())) {
                    return store.credentials()
                            .find(credential.userId(), credential.host())
                            .orElseThrow();
                }
                Credential now = store.credentials()
                        .find(credential.userId(), credential.host())
                        .orElseThrow();
                if (now.version() != credential.version()) {
                    return now; // another node stored newer tokens meanwhile: the store's are the ones to use
                }
            } catch (RuntimeException e) {
                lastFailure = e;
            }
        }
        // the store would not take the write: use the new token in memory rather than lose it now
        org.slf4j.LoggerFactory.getLogger(GitCredentials.class)
                .warn(
                        "could not store refreshed tokens for {}@{}: {}",
                        credential.userId(),
                        credential.host(),
                        lastFailure == null ? "version conflict" : lastFailure.getMessage());
        return new Credential(
                credential.id(),
                credential.userId(),
                credential.host(),
                credential.kind(),
                credential.username(),
                secret,
                refreshSealed,
                fresh.expiresAt(),
                fresh.refreshExpiresAt(),
                credential.version(),
                credential.createdAt(),
                clock.instant());
    }
}
