package dev.nightshift.github;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Nightshift acting as its GitHub App: signs the App's JWT and trades it for installation tokens
 * (cached until shortly before they expire), with which it can list an installation's
 * repositories. Thread-safe.
 */
public final class GitHubApp {

    /** Backdated to absorb clock drift between us and GitHub, as GitHub recommends. */
    static final Duration JWT_BACKDATE = Duration.ofSeconds(60);
    /** GitHub refuses App JWTs that live longer than 10 minutes. */
    static final Duration JWT_LIFETIME = Duration.ofMinutes(9);
    /** A cached installation token is replaced this long before it expires, so no call carries a dying one. */
    static final Duration TOKEN_REFRESH_MARGIN = Duration.ofMinutes(5);

    private static final int PAGE_SIZE = 100;

    private final GitHubEndpoints endpoints;
    private final String appId;
    private final RSASSASigner signer;
    private final Http http;
    private final Clock clock;
    private final Map<Long, CachedToken> tokens = new ConcurrentHashMap<>();
    /** One lock per installation, so concurrent callers share one token request. */
    private final Map<Long, ReentrantLock> locks = new ConcurrentHashMap<>();

    private record CachedToken(String token, Instant expiresAt) {}

    /** With a client of its own and the system clock. */
    public GitHubApp(GitHubEndpoints endpoints, String appId, String privateKeyPem) {
        this(endpoints, appId, privateKeyPem, Http.defaultClient(), Clock.systemUTC());
    }

    /**
     * @param appId the App's ID, or its client ID (GitHub accepts either as the JWT's issuer)
     * @param privateKeyPem a private key generated in the App's settings, PKCS#1 as GitHub gives it
     *     or PKCS#8
     * @throws IllegalArgumentException when the key cannot be read
     */
    public GitHubApp(GitHubEndpoints endpoints, String appId, String privateKeyPem, HttpClient client, Clock clock) {
        this.endpoints = Objects.requireNonNull(endpoints, "endpoints");
        this.appId = Objects.requireNonNull(appId, "appId");
        this.signer = new RSASSASigner(Pem.rsaPrivateKey(privateKeyPem));
        this.clock = Objects.requireNonNull(clock, "clock");
        this.http = new Http(Objects.requireNonNull(client, "client"), clock, Sleeper.REAL);
    }

    /** A fresh App JWT (RS256, issuer = App ID, valid 9 minutes), for the {@code /app} endpoints. */
    public String jwt() {
        Instant now = clock.instant();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(appId)
                .issueTime(Date.from(now.minus(JWT_BACKDATE)))
                .expirationTime(Date.from(now.plus(JWT_LIFETIME)))
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("signing the App JWT failed: " + e.getMessage(), e);
        }
        return jwt.serialize();
    }

    /**
     * A token acting as the App on one installation (an account or organisation that installed it),
     * valid for at least {@link #TOKEN_REFRESH_MARGIN}. Cached: GitHub's tokens live an hour.
     *
     * @throws GitHubException when GitHub refuses (e.g. 404: the installation is gone)
     */
    public String installationToken(long installationId) {
        CachedToken cached = fresh(tokens.get(installationId));
        if (cached != null) {
            return cached.token();
        }
        ReentrantLock lock = locks.computeIfAbsent(installationId, id -> new ReentrantLock());
        lock.lock();
        try {
            cached = fresh(tokens.get(installationId));
            if (cached == null) {
                cached = requestToken(installationId);
                tokens.put(installationId, cached);
            }
            return cached.token();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The installation of this App that has {@code ownerAndRepo} ({@code GET /repos/{o}/{r}/installation}
     * with the App's JWT), cached: an installation of a repository changes only when the App is
     * reinstalled.
     *
     * @throws GitHubException when no installation has it (404)
     */
    public long installationFor(String ownerAndRepo) {
        Long known = installationsByRepository.get(ownerAndRepo.toLowerCase(java.util.Locale.ROOT));
        if (known != null) {
            return known;
        }
        Http.Reply reply = http.api("GET", endpoints.api("/repos/" + ownerAndRepo + "/installation"), jwt());
        if (!reply.ok() || !reply.body().path("id").canConvertToLong()) {
            throw Http.refused(reply, "finding the App's installation on " + ownerAndRepo);
        }
        long id = reply.body().path("id").asLong();
        installationsByRepository.put(ownerAndRepo.toLowerCase(java.util.Locale.ROOT), id);
        return id;
    }

    private final java.util.Map<String, Long> installationsByRepository =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** The repositories ({@code owner/name}) the installation can access, across all pages. */
    public List<String> installationRepositories(long installationId) {
        String token = installationToken(installationId);
        List<String> names = new ArrayList<>();
        Optional<URI> page = Optional.of(endpoints.api("/installation/repositories?per_page=" + PAGE_SIZE));
        while (page.isPresent()) {
            Http.Reply reply = http.api("GET", page.get(), token);
            if (!reply.ok()) {
                throw Http.refused(reply, "listing installation " + installationId + "'s repositories");
            }
            for (JsonNode repo : reply.body().path("repositories")) {
                names.add(repo.path("full_name").asText());
            }
            page = Links.next(reply.header("Link").orElse(null), endpoints.api());
        }
        return List.copyOf(names);
    }

    private CachedToken fresh(CachedToken token) {
        if (token == null || !clock.instant().plus(TOKEN_REFRESH_MARGIN).isBefore(token.expiresAt())) {
            return null;
        }
        return token;
    }

    private CachedToken requestToken(long installationId) {
        String doing = "creating a token for installation " + installationId;
        Http.Reply reply =
                http.api("POST", endpoints.api("/app/installations/" + installationId + "/access_tokens"), jwt());
        if (!reply.ok()) {
            throw Http.refused(reply, doing);
        }
        String token = reply.body().path("token").asText(null);
        String expiresAt = reply.body().path("expires_at").asText(null);
        if (token == null || expiresAt == null) {
            throw new GitHubException(reply.status(), doing + ": GitHub's answer lacks token or expires_at");
        }
        try {
            return new CachedToken(token, Instant.parse(expiresAt));
        } catch (DateTimeParseException e) {
            throw new GitHubException(reply.status(), doing + ": unreadable expires_at " + expiresAt, e);
        }
    }
}
