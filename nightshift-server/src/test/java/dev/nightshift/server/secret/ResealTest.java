package dev.nightshift.server.secret;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nightshift.core.model.User;
import dev.nightshift.core.policy.SecretRules;
import dev.nightshift.core.secret.Delivery;
import dev.nightshift.linear.LinearOAuth;
import dev.nightshift.server.git.GitCredentials;
import dev.nightshift.server.git.SecretBox;
import dev.nightshift.server.linear.LinearInstallation;
import dev.nightshift.server.testing.TestServer;
import dev.nightshift.store.JdbcStore;
import dev.nightshift.store.StoreConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Key rotation: what key A sealed, B opens after a re-seal, and A no longer does; the egress CA's storage. */
class ResealTest {
    private final Path dir = TestServer.tempDir();

    @AfterEach
    void clean() {
        TestServer.deleteTree(dir);
    }

    private static String newKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    private static final EgressCaStore.Pems CA = new EgressCaStore.Pems(
            "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
            "-----BEGIN PRIVATE KEY-----\nca-private-key\n-----END PRIVATE KEY-----\n");

    private static final EgressCaStore.Check PEM_CHECK = pems -> {
        if (!pems.certificatePem().contains("BEGIN CERTIFICATE")) {
            throw new IllegalArgumentException("not a certificate");
        }
    };

    private static EgressCaStore.Generator never() {
        return () -> {
            throw new AssertionError("a new CA was made");
        };
    }

    private JdbcStore store() {
        return JdbcStore.open(StoreConfig.sqlite(dir.resolve("nightshift.db")));
    }

    @Test
    void everythingSealedWithKeyAOpensWithKeyBAfterAReseal() throws Exception {
        SecretBox a = SecretBox.ofBase64(newKey());
        SecretBox b = SecretBox.ofBase64(newKey());
        try (JdbcStore store = store()) {
            User alice = store.users().create("alice", "Alice", null, false);
            Vault vaultA = new Vault(store, a, Clock.systemUTC());
            vaultA.create(
                    Vault.Scope.DEPLOYMENT,
                    new SecretRules.Draft(
                            "NPM_TOKEN",
                            "npm-secret",
                            Delivery.EGRESS,
                            List.of("registry.npmjs.org"),
                            null,
                            null,
                            null,
                            null),
                    alice.id());
            vaultA.create(
                    new Vault.Scope(dev.nightshift.core.secret.StoredSecret.Kind.USER, alice.id()),
                    new SecretRules.Draft("SETUP_KEY", "setup-secret", Delivery.SETUP, null, null, null, null, null),
                    alice.id());
            new GitCredentials(store, a, null, Clock.systemUTC()).put(alice.id(), "github.com", "token", null, "ghp_x");
            // the deployment's Linear installation: a credential no user owns
            new LinearInstallation(store, a, null, "", Clock.systemUTC())
                    .install(new LinearOAuth.Tokens("lin_access", "lin_refresh", null, List.of("read")));
            EgressCaStore.loadOrCreate(dir, a, () -> CA, PEM_CHECK, false);
            String automationId = store.automations()
                    .create(new dev.nightshift.core.automation.Automation(
                            "aut_sentry",
                            "sentry",
                            "/srv/app",
                            null,
                            "fix it",
                            null,
                            alice.id(),
                            new dev.nightshift.core.automation.AutomationTrigger.Signed(
                                    dev.nightshift.core.automation.AutomationTrigger.Signed.Preset.SENTRY,
                                    new dev.nightshift.server.trigger.AutomationSealer(a)
                                            .seal("sentry-client-secret", "aut_sentry"),
                                    "Sentry-Hook-Signature",
                                    "",
                                    java.time.Duration.ZERO,
                                    "Request-ID",
                                    List.of()),
                            false,
                            "",
                            java.time.Instant.EPOCH,
                            java.time.Instant.EPOCH,
                            1))
                    .id();

            Reseal.Result result = Reseal.run(store, dir, a, b);
            assertThat(result).isEqualTo(new Reseal.Result(2, 2, 1, true));
            var signed = (dev.nightshift.core.automation.AutomationTrigger.Signed)
                    store.automations().find(automationId).orElseThrow().trigger();
            assertThat(new dev.nightshift.server.trigger.AutomationSealer(b).open(signed.secretSealed(), automationId))
                    .isEqualTo("sentry-client-secret");

            // one vault: the git credential is one of its entries, sealed for its person and host
            assertThat(new Vault(store, b, Clock.systemUTC()).openAll())
                    .containsExactlyInAnyOrder("npm-secret", "setup-secret", "ghp_x", "lin_access");
            assertThat(new LinearInstallation(store, b, null, "", Clock.systemUTC()).current())
                    .isEqualTo("lin_access");
            assertThat(new GitCredentials(store, b, null, Clock.systemUTC()).openAll(alice.id()))
                    .containsExactly("ghp_x");
            assertThat(EgressCaStore.loadOrCreate(dir, b, never(), PEM_CHECK, false))
                    .isEqualTo(CA);
            assertThatThrownBy(() -> new Vault(store, a, Clock.systemUTC()).openAll())
                    .hasMessageContaining("NIGHTSHIFT_SECRET_KEY");

            // a second run (after a crash, say) finds everything done and changes nothing
            assertThat(Reseal.run(store, dir, a, b)).isEqualTo(new Reseal.Result(0, 0, 0, true));
        }
    }

    @Test
    void theResealCommandReadsTheOldKeyFileAndUsesTheConfiguredKey() throws Exception {
        String oldKey = newKey();
        String newKey = newKey();
        try (JdbcStore store = store()) {
            User bob = store.users().create("bob", null, null, false);
            new GitCredentials(store, SecretBox.ofBase64(oldKey), null, Clock.systemUTC())
                    .put(bob.id(), "gitlab.example.com", "token", "bob", "glpat-1");
        }
        Path oldKeyFile = dir.resolve("old.key");
        Files.writeString(oldKeyFile, oldKey + "\n");
        java.util.Map<String, String> env = java.util.Map.of(
                "NIGHTSHIFT_DATA_DIR", dir.toString(),
                "NIGHTSHIFT_SECRET_KEY", newKey,
                "NIGHTSHIFT_CONFIG_FILE", dir.resolve("none.properties").toString());
        assertThat(dev.nightshift.server.Main.reseal(new String[] {"reseal"}, env))
                .isEqualTo(2);
        assertThat(dev.nightshift.server.Main.reseal(
                        new String[] {"reseal", "--old-key-file", oldKeyFile.toString()}, env))
                .isZero();
        try (JdbcStore store = store()) {
            User bob = store.users().byLogin("bob").orElseThrow();
            assertThat(new GitCredentials(store, SecretBox.ofBase64(newKey), null, Clock.systemUTC()).openAll(bob.id()))
                    .containsExactly("glpat-1");
        }
    }

    @Test
    void theCaIsMadeOnceAndABrokenOneIsReplacedOnlyWhenAsked() throws Exception {
        SecretBox box = SecretBox.ofBase64(newKey());
        assertThat(EgressCaStore.loadOrCreate(dir, box, () -> CA, PEM_CHECK, false))
                .isEqualTo(CA);
        String sealedKey = Files.readString(dir.resolve(EgressCaStore.KEY_FILE));
        assertThat(sealedKey).doesNotContain("ca-private-key");
        assertThat(Files.getPosixFilePermissions(dir.resolve(EgressCaStore.KEY_FILE))
                        .toString())
                .isEqualTo("[OWNER_READ, OWNER_WRITE]");
        assertThat(EgressCaStore.loadOrCreate(dir, box, never(), PEM_CHECK, false))
                .isEqualTo(CA);

        Files.writeString(dir.resolve(EgressCaStore.CERT_FILE), "garbage");
        assertThatThrownBy(() -> EgressCaStore.loadOrCreate(dir, box, never(), PEM_CHECK, false))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is broken (not a certificate)")
                .hasMessageContaining("NIGHTSHIFT_EGRESS_CA_REGENERATE=true");

        Files.delete(dir.resolve(EgressCaStore.KEY_FILE));
        assertThatThrownBy(() -> EgressCaStore.loadOrCreate(dir, box, never(), PEM_CHECK, false))
                .hasMessageContaining("is missing");

        EgressCaStore.Pems fresh =
                new EgressCaStore.Pems("-----BEGIN CERTIFICATE-----\nNEW\n-----END CERTIFICATE-----\n", "new-key");
        assertThat(EgressCaStore.loadOrCreate(dir, box, () -> fresh, PEM_CHECK, true))
                .isEqualTo(fresh);
        assertThat(EgressCaStore.loadOrCreate(dir, box, never(), PEM_CHECK, false))
                .isEqualTo(fresh);

        SecretBox other = SecretBox.ofBase64(newKey());
        assertThatThrownBy(() -> EgressCaStore.loadOrCreate(dir, other, never(), PEM_CHECK, false))
                .hasMessageContaining("does not open");
        assertThat(fresh.toString()).doesNotContain("new-key");
    }
}
