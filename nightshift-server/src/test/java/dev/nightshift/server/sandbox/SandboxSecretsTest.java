package dev.nightshift.server.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nightshift.core.Ids;
import dev.nightshift.core.event.EventPayload;
import dev.nightshift.core.model.NewSession;
import dev.nightshift.core.model.Session;
import dev.nightshift.core.model.SessionSettings;
import dev.nightshift.core.model.Source;
import dev.nightshift.core.secret.EgressSecret;
import dev.nightshift.core.secret.SessionSecrets;
import dev.nightshift.server.live.EventHub;
import dev.nightshift.server.live.EventLog;
import dev.nightshift.store.JdbcStore;
import dev.nightshift.store.StoreConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The session log never holds a secret value of a running sandbox: the last line of defence. */
class SandboxSecretsTest {
    @TempDir
    Path dir;

    @Test
    void everyEventIsRedactedOfTheValuesItsSandboxWasGiven() {
        try (JdbcStore store = JdbcStore.open(StoreConfig.sqlite(dir.resolve("db.sqlite")))) {
            var user = store.users().create("ada", null, null, false);
            Session session = store.sessions()
                    .create(
                            new NewSession(
                                    Ids.newId("ses"),
                                    "/srv/repo",
                                    null,
                                    null,
                                    "t",
                                    user.id(),
                                    Source.API,
                                    SessionSettings.DEFAULTS,
                                    null),
                            Instant.now(Clock.systemUTC()));
            SessionSecrets given = new SessionSecrets(
                    List.of(new EgressSecret(
                            "API_KEY",
                            "NSPH_PLACEHOLDER1",
                            "sk-live-123456",
                            List.of("api.example.com"),
                            List.of(),
                            List.of(),
                            null,
                            null)),
                    Map.of("SETUP_TOKEN", "setup-secret-9"),
                    Map.of("LEGACY_PASSWORD", "pa\"ss\\word"));
            SandboxSecrets secrets = new SandboxSecrets(s -> given);
            EventLog log =
                    new EventLog(store, new EventHub(), Clock.systemUTC(), new SimpleMeterRegistry(), secrets::redact);

            // before the sandbox starts nothing is known, so nothing is replaced
            log.append(session.id(), null, new EventPayload.Token("early sk-live-123456"));
            secrets.prepare(session);
            log.append(
                    session.id(),
                    null,
                    new EventPayload.ToolResult(
                            "c1",
                            "bash",
                            "API_KEY=sk-live-123456\nSETUP_TOKEN=setup-secret-9\nLEGACY_PASSWORD=pa\"ss\\word\n",
                            false));
            log.append(session.id(), null, new EventPayload.Error("upstream said: sk-live-123456"));
            String stored = String.join(
                    "\n",
                    store.events().after(session.id(), 1, 10).items().stream()
                            .map(e -> e.data())
                            .toList());
            assertThat(stored)
                    .doesNotContain("sk-live-123456", "setup-secret-9", "pa\\\"ss\\\\word")
                    .contains("NSPH_PLACEHOLDER1", "[secret SETUP_TOKEN]", "[secret LEGACY_PASSWORD]");
            assertThat(log.redacted(session.id(), "failed: sk-live-123456")).isEqualTo("failed: NSPH_PLACEHOLDER1");

            secrets.forget(session.id());
            assertThat(secrets.of(session.id())).isEqualTo(SessionSecrets.NONE);
            assertThat(secrets.redact(session.id(), "sk-live-123456")).isEqualTo("sk-live-123456");
        }
    }

    @Test
    void aSandboxGetsPlaceholdersAndEnvSecretsAndTrustOnlyWithEgressSecrets() {
        SessionSecrets given = new SessionSecrets(
                List.of(new EgressSecret(
                        "NPM_TOKEN",
                        "NSPH_X",
                        "real",
                        List.of("registry.npmjs.org"),
                        List.of(),
                        List.of(),
                        null,
                        null)),
                Map.of("SETUP_ONLY", "s"),
                Map.of("PLAIN", "p"));
        Map<String, String> env = SandboxManager.environment(given, true);
        assertThat(env)
                .containsEntry("NPM_TOKEN", "NSPH_X")
                .containsEntry("PLAIN", "p")
                .doesNotContainKey("SETUP_ONLY")
                .containsEntry("SSL_CERT_FILE", SandboxTrust.BUNDLE)
                .containsKey("JAVA_TOOL_OPTIONS")
                .doesNotContainValue("real");
        assertThat(SandboxManager.environment(given, false)).doesNotContainKey("SSL_CERT_FILE");
        assertThat(SandboxManager.environment(SessionSecrets.NONE, false)).isEmpty();
    }
}
