package dev.nightshift.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nightshift.core.secret.Delivery;
import dev.nightshift.core.secret.StoredSecret;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Instant;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Git credentials stored before they were vault entries come through the migration as they were:
 * same id, sealed value, refresh token, expiry and version, now a user's vault entry of delivery
 * {@code git}. (The same migration runs on PostgreSQL in every {@code PostgresStoreTest}.)
 */
class CredentialMigrationTest {
    @TempDir
    Path dir;

    @Test
    void aCredentialStoredBeforeTheVaultIsAVaultEntryAfter() throws Exception {
        StoreConfig config = TestDatabases.sqlite(dir);
        Flyway.configure()
                .dataSource(config.jdbcUrl(), null, null)
                .locations("classpath:db/migration")
                .target("7")
                .load()
                .migrate();
        try (Connection c = DriverManager.getConnection(config.jdbcUrl())) {
            c.createStatement()
                    .execute("INSERT INTO users (id, login, is_admin, created_at) VALUES ('usr_1', 'ada', 0, 1)");
            c.createStatement()
                    .execute(
                            "INSERT INTO credentials (id, user_id, host, kind, username, secret_sealed, refresh_sealed, "
                                    + "expires_at, refresh_expires_at, version, created_at, updated_at) VALUES ('cred_1', 'usr_1', 'github.com', "
                                    + "'oauth', 'x-access-token', 'sealed-secret', 'sealed-refresh', 5000, 9000, 7, 100, 200)");
        }
        try (JdbcStore store = JdbcStore.open(config)) {
            var credential = store.credentials().find("usr_1", "github.com").orElseThrow();
            assertThat(credential.id()).isEqualTo("cred_1");
            assertThat(credential.kind()).isEqualTo("oauth");
            assertThat(credential.username()).isEqualTo("x-access-token");
            assertThat(credential.secretSealed()).isEqualTo("sealed-secret");
            assertThat(credential.refreshSealed()).isEqualTo("sealed-refresh");
            assertThat(credential.expiresAt()).isEqualTo(Instant.ofEpochMilli(5000));
            assertThat(credential.refreshExpiresAt()).isEqualTo(Instant.ofEpochMilli(9000));
            assertThat(credential.version()).isEqualTo(7);
            StoredSecret entry = store.secrets().list().getFirst();
            assertThat(entry.name()).isEqualTo("git@github.com");
            assertThat(entry.delivery()).isEqualTo(Delivery.GIT);
            assertThat(entry.scope()).isEqualTo(StoredSecret.Kind.USER);
            assertThat(entry.scopeKey()).isEqualTo("usr_1");
            assertThat(entry.hosts()).containsExactly("github.com");
            // and it keeps working as a credential: compare-and-set on its version
            assertThat(store.credentials()
                            .replaceIfVersion("cred_1", 7, "s2", null, null, null, Instant.ofEpochMilli(300)))
                    .isTrue();
            assertThat(store.credentials()
                            .replaceIfVersion("cred_1", 7, "s3", null, null, null, Instant.ofEpochMilli(300)))
                    .isFalse();
        }
    }
}
