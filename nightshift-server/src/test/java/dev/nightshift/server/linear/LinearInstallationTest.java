package dev.nightshift.server.linear;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nightshift.core.port.AuditQuery;
import dev.nightshift.core.port.Store;
import dev.nightshift.linear.LinearClient;
import dev.nightshift.linear.LinearOAuth;
import dev.nightshift.linear.fake.LinearFake;
import dev.nightshift.server.git.SecretBox;
import dev.nightshift.server.testing.TestServer;
import dev.nightshift.store.JdbcStore;
import dev.nightshift.store.StoreConfig;
import dev.nightshift.store.TestDatabases;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Linear installation as a token source, against the Linear fake's OAuth endpoints (which rotate
 * refresh tokens and, read strictly, end the grant when a used-up one comes back) and a real store:
 * renewal before expiry and after a refusal, one renewal for many threads, and for two nodes sharing
 * one database (SQLite and PostgreSQL).
 */
class LinearInstallationTest {
    private static final Instant NOW = Instant.parse("2026-05-04T09:00:00Z");
    private static final String CLIENT_ID = "client-1";
    private static final String CLIENT_SECRET = "secret-1";
    private static final String CALLBACK = "https://nightshift.example.com/linear/callback";

    static final class MutableClock extends Clock {
        final AtomicReference<Instant> now = new AtomicReference<>(NOW);

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }

        void set(Instant instant) {
            now.set(instant);
        }
    }

    private final Path dir = TestServer.tempDir();
    private final MutableClock clock = new MutableClock();
    private final SecretBox box = SecretBox.ofBase64("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
    private JdbcStore store;
    private LinearFake linear;
    private LinearOAuth oauth;

    @BeforeEach
    void start() {
        store = JdbcStore.open(StoreConfig.sqlite(dir.resolve("nightshift.db")));
        linear = LinearFake.start(clock);
        linear.addOAuthClient(CLIENT_ID, CLIENT_SECRET);
        oauth = new LinearOAuth(
                linear.authorizeUrl(),
                linear.tokenUrl(),
                CLIENT_ID,
                CLIENT_SECRET,
                LinearClient.defaultHttpClient(),
                clock);
    }

    @AfterEach
    void stop() {
        linear.close();
        store.close();
        TestServer.deleteTree(dir);
    }

    private LinearInstallation installation(Store on) {
        return new LinearInstallation(on, box, oauth, "", clock);
    }

    /** An administrator approved the install; returns what Linear issued. */
    private LinearOAuth.Tokens installed(LinearInstallation installation) {
        LinearOAuth.Tokens tokens =
                oauth.exchange(linear.approve(CLIENT_ID, CALLBACK, LinearOAuth.APP_SCOPES), URI.create(CALLBACK));
        installation.install(tokens);
        return tokens;
    }

    private List<String> refreshAudit(Store on) {
        return on.audit().list(new AuditQuery(null, null, "linear.token_refresh", null, null, 100)).stream()
                .map(e -> e.outcome())
                .toList();
    }

    @Test
    void theTokenIsRenewedShortlyBeforeItExpiresAndTheNewPairIsStoredSealed() {
        LinearInstallation installation = installation(store);
        LinearOAuth.Tokens first = installed(installation);

        assertThat(installation.current()).isEqualTo(first.accessToken());
        clock.set(first.expiresAt().minus(LinearInstallation.REFRESH_MARGIN).minusSeconds(1));
        assertThat(installation.current()).isEqualTo(first.accessToken());
        assertThat(linear.refreshes()).isZero();

        clock.set(first.expiresAt().minus(Duration.ofMinutes(4)));
        String renewed = installation.current();

        assertThat(renewed).isNotEqualTo(first.accessToken());
        assertThat(linear.accepts(renewed)).isTrue();
        assertThat(linear.refreshes()).isOne();
        LinearInstallation.Opened stored = installation.opened().orElseThrow();
        assertThat(stored.accessToken()).isEqualTo(renewed);
        assertThat(stored.refreshToken()).isNotEqualTo(first.refreshToken());
        assertThat(linear.refreshable(stored.refreshToken())).isTrue();
        assertThat(installation.status().orElseThrow().expiresAt())
                .isEqualTo(first.expiresAt().minus(Duration.ofMinutes(4)).plusSeconds(86_399));
        // sealed: neither token is in the row as written
        var row = store.credentials()
                .find(LinearInstallation.OWNER, LinearInstallation.HOST)
                .orElseThrow();
        assertThat(row.secretSealed()).doesNotContain(renewed).startsWith("v1:");
        assertThat(row.refreshSealed()).doesNotContain(stored.refreshToken());
        assertThat(refreshAudit(store)).containsExactly("ok");

        // the next calls use it without renewing again
        assertThat(installation.current()).isEqualTo(renewed);
        assertThat(linear.refreshes()).isOne();
    }

    @Test
    void aRefusedTokenIsRenewedOnceAndAnotherCallerRefusedTheSameTokenGetsTheRenewedOne() {
        LinearInstallation installation = installation(store);
        LinearOAuth.Tokens first = installed(installation);
        linear.expireAccessTokens(); // Linear ended it before our clock says so

        String renewed = installation.refused(first.accessToken());
        String again = installation.refused(first.accessToken());

        assertThat(renewed).isNotEqualTo(first.accessToken());
        assertThat(again).isEqualTo(renewed);
        assertThat(linear.refreshes()).isOne();
        assertThat(new LinearClient(linear.endpoint(), installation, LinearClient.defaultHttpClient(), clock)
                        .viewerId())
                .isEqualTo(linear.appUserId());
    }

    @Test
    void aClientWhoseTokenExpiredAtLinearRenewsItAndTheCallSucceeds() {
        LinearInstallation installation = installation(store);
        LinearOAuth.Tokens first = installed(installation);
        LinearClient client =
                new LinearClient(linear.endpoint(), installation, LinearClient.defaultHttpClient(), clock);
        assertThat(client.viewerId()).isEqualTo(linear.appUserId());

        linear.expireAccessTokens();

        assertThat(client.viewerId()).isEqualTo(linear.appUserId());
        assertThat(linear.requests())
                .extracting(LinearFake.RecordedRequest::authorization)
                .containsExactly(
                        "Bearer " + first.accessToken(),
                        "Bearer " + first.accessToken(),
                        "Bearer " + installation.current());
        assertThat(linear.refreshes()).isOne();
    }

    @Test
    void manyThreadsOfOneNodeRenewOnce() throws Exception {
        LinearInstallation installation = installation(store);
        LinearOAuth.Tokens first = installed(installation);
        clock.set(first.expiresAt().plusSeconds(60));

        Set<String> seen = concurrently(16, i -> installation.current());

        assertThat(seen).hasSize(1).doesNotContain(first.accessToken());
        assertThat(linear.refreshes()).isOne();
        assertThat(linear.accepts(seen.iterator().next())).isTrue();
    }

    @Test
    void twoNodesSharingASqliteDatabaseRenewOnce() throws Exception {
        try (JdbcStore other = JdbcStore.open(StoreConfig.sqlite(dir.resolve("nightshift.db")))) {
            twoNodesRenewOnce(store, other);
        }
    }

    @Test
    void twoNodesSharingAPostgresDatabaseRenewOnce() throws Exception {
        try (TestDatabases.Postgres database = TestDatabases.postgres();
                JdbcStore a = JdbcStore.open(database.config());
                JdbcStore b = JdbcStore.open(database.config())) {
            twoNodesRenewOnce(a, b);
        }
    }

    /**
     * Both nodes find the token expired at once: one claims the renewal in the database and presents
     * the refresh token; the other waits for what it stores. Had both presented it, the fake would have
     * ended the grant and the tokens would not work.
     */
    private void twoNodesRenewOnce(Store a, Store b) throws Exception {
        LinearInstallation nodeA = installation(a);
        LinearInstallation nodeB = installation(b);
        LinearOAuth.Tokens first = installed(nodeA);
        assertThat(nodeB.current()).isEqualTo(first.accessToken());
        clock.set(first.expiresAt().plusSeconds(60));

        Set<String> seen = concurrently(12, i -> (i % 2 == 0 ? nodeA : nodeB).current());

        assertThat(seen).hasSize(1).doesNotContain(first.accessToken());
        String renewed = seen.iterator().next();
        assertThat(linear.refreshes()).isOne();
        assertThat(linear.accepts(renewed)).isTrue();
        assertThat(linear.refreshable(nodeB.opened().orElseThrow().refreshToken()))
                .isTrue();
        assertThat(refreshAudit(a)).containsExactly("ok");
    }

    @Test
    void aRenewalLinearRefusesIsNotRetriedUntilItsClaimLapses() {
        LinearInstallation installation = installation(store);
        LinearOAuth.Tokens first = installed(installation);
        oauth.revoke(first.refreshToken(), true); // removed in Linear's settings
        clock.set(first.expiresAt().minus(Duration.ofMinutes(1)));
        int before = linear.tokenRequests().size();

        assertThat(installation.current()).isEqualTo(first.accessToken()); // still the old one
        assertThat(installation.current()).isEqualTo(first.accessToken());
        assertThat(linear.tokenRequests()).hasSize(before + 1);
        assertThat(refreshAudit(store)).containsExactly("failed");

        clock.set(clock.instant().plus(LinearInstallation.CLAIM).plusSeconds(1));
        installation.current();
        assertThat(linear.tokenRequests()).hasSize(before + 2);
        assertThat(installation.refused(first.accessToken())).isNull();
    }

    @Test
    void aStoredInstallationWinsOverTheStaticTokenAndEachInstallHasItsOwnKey() {
        LinearInstallation installation = new LinearInstallation(store, box, oauth, "lin_static", clock);
        assertThat(installation.current()).isEqualTo("lin_static");
        assertThat(installation.key()).isEqualTo("static");
        assertThat(installation.refused("lin_static")).isNull();
        assertThat(installation.status().orElseThrow().method()).isEqualTo(LinearInstallation.Method.ACCESS_TOKEN);

        LinearOAuth.Tokens first = installed(installation);
        String firstKey = installation.key();
        assertThat(installation.current()).isEqualTo(first.accessToken());
        assertThat(installation.status().orElseThrow())
                .satisfies(s -> assertThat(s.method()).isEqualTo(LinearInstallation.Method.OAUTH))
                .satisfies(s -> assertThat(s.scopes()).containsExactlyElementsOf(LinearOAuth.APP_SCOPES))
                .satisfies(s -> assertThat(s.refreshable()).isTrue());

        installed(installation);
        assertThat(installation.key()).isNotEqualTo(firstKey).isNotEqualTo("static");

        assertThat(installation.forget()).isTrue();
        assertThat(installation.current()).isEqualTo("lin_static");
        assertThat(installation(store).connected()).isFalse();
    }

    private interface Call {
        String run(int i) throws Exception;
    }

    /** Runs {@code threads} calls released together; the distinct answers. */
    private static Set<String> concurrently(int threads, Call call) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        Set<String> seen = ConcurrentHashMap.newKeySet();
        List<Future<?>> done = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            for (int i = 0; i < threads; i++) {
                int n = i;
                done.add(pool.submit(() -> {
                    go.await();
                    seen.add(call.run(n));
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get();
            }
        }
        return seen;
    }
}
