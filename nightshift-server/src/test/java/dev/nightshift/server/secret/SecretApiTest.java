package dev.nightshift.server.secret;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nightshift.core.model.Session;
import dev.nightshift.core.secret.SessionSecrets;
import dev.nightshift.core.secret.StoredSecret;
import dev.nightshift.server.testing.ApiClient;
import dev.nightshift.server.testing.TestServer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The vault over real HTTP: what it stores, refuses, shows (never a value) and gives a session. */
class SecretApiTest {
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(p -> {});
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static ApiClient newUser(String login) {
        ApiClient.Response r = server.admin.post("/api/users", Map.of("login", login));
        assertThat(r.status()).as(r.raw()).isEqualTo(201);
        return server.client(r.body().path("token").path("token").asText());
    }

    private static Map<String, Object> secret(String name, String value, Object... more) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("value", value);
        body.put("hosts", List.of("api.example.com"));
        for (int i = 0; i < more.length; i += 2) {
            body.put((String) more[i], more[i + 1]);
        }
        return body;
    }

    private static int count() {
        return server.server.store().secrets().list().size();
    }

    @Test
    void anAdministratorStoresADeploymentSecretThatIsNeverShownAndIsSealedAtRest() {
        ApiClient.Response made = server.admin.post(
                "/api/secrets",
                secret(
                        "WAREHOUSE_KEY",
                        "wh-real-value-1",
                        "methods",
                        List.of("post"),
                        "pathPrefixes",
                        List.of("/api/v1/query"),
                        "headers",
                        List.of("X-Api-Key")));
        assertThat(made.status()).as(made.raw()).isEqualTo(201);
        assertThat(made.raw()).doesNotContain("wh-real-value-1");
        assertThat(made.text("delivery")).isEqualTo("egress");
        assertThat(made.body().path("methods").toString()).isEqualTo("[\"POST\"]");
        assertThat(made.body().path("scope").path("kind").asText()).isEqualTo("deployment");
        assertThat(made.text("createdBy")).isEqualTo("admin");
        assertThat(made.body().has("warning")).isFalse();
        assertThat(server.admin.get("/api/secrets").raw())
                .contains("WAREHOUSE_KEY")
                .doesNotContain("wh-real-value-1");
        StoredSecret stored =
                server.server.store().secrets().find(made.text("id")).orElseThrow();
        assertThat(stored.valueSealed()).startsWith("v1:").doesNotContain("wh-real-value-1");
        assertThat(server.server.vault().openAll()).contains("wh-real-value-1");
        assertThat(server.admin.get("/api/audit?action=secret.create").raw())
                .contains("deployment::WAREHOUSE_KEY")
                .doesNotContain("wh-real-value-1");
    }

    @Test
    void badInputIsRefusedNamingTheRuleAndStoresNothing() {
        int before = count();
        Map<String, String> refused = new LinkedHashMap<>();
        refused.put(
                "reserved",
                server.admin.post("/api/secrets", secret("PATH", "v")).errorMessage());
        refused.put(
                "'name'", server.admin.post("/api/secrets", secret("1BAD", "v")).errorMessage());
        refused.put(
                "16 KiB",
                server.admin
                        .post("/api/secrets", secret("BIG", "x".repeat(16 * 1024 + 1)))
                        .errorMessage());
        refused.put(
                "empty", server.admin.post("/api/secrets", secret("EMPTY", "")).errorMessage());
        refused.put(
                "could never be used",
                server.admin
                        .post("/api/secrets", secret("NOHOSTS", "v", "hosts", List.of()))
                        .errorMessage());
        refused.put(
                "not a host name",
                server.admin
                        .post("/api/secrets", secret("URL", "v", "hosts", List.of("https://x.com/a")))
                        .errorMessage());
        refused.put(
                "'delivery'",
                server.admin
                        .post("/api/secrets", secret("D", "v", "delivery", "file"))
                        .errorMessage());
        refused.put(
                "unknown field",
                server.admin
                        .post("/api/secrets", secret("S", "v", "scope", Map.of("team", "x")))
                        .errorMessage());
        refused.put(
                "not both",
                server.admin
                        .post(
                                "/api/secrets",
                                secret("S", "v", "scope", Map.of("repository", "github.com/a/*", "user", true)))
                        .errorMessage());
        refused.put(
                "'methods'",
                server.admin
                        .post("/api/secrets", secret("M", "v", "methods", List.of("FETCH")))
                        .errorMessage());
        refused.put(
                "'/'",
                server.admin
                        .post("/api/secrets", secret("P", "v", "pathPrefixes", List.of("api")))
                        .errorMessage());
        refused.forEach((rule, message) -> assertThat(message).as(rule).contains(rule));
        ApiClient.Response huge = server.admin.post("/api/secrets", secret("HUGE", "x".repeat(200_000)));
        assertThat(huge.status()).isEqualTo(413);
        assertThat(count()).isEqualTo(before);
    }

    @Test
    void oneNamePerScopeAndRotationComparesVersions() {
        String id = server.admin
                .post("/api/secrets", secret("ROTATED", "first-value"))
                .text("id");
        ApiClient.Response twice = server.admin.post("/api/secrets", secret("ROTATED", "other"));
        assertThat(twice.status()).isEqualTo(409);
        assertThat(twice.errorMessage()).contains("exists already").doesNotContain("other");

        ApiClient.Response rotated =
                server.admin.put("/api/secrets/" + id, Map.of("value", "second-value", "version", 1));
        assertThat(rotated.status()).as(rotated.raw()).isEqualTo(200);
        assertThat(rotated.body().path("version").asLong()).isEqualTo(2);
        assertThat(rotated.raw()).doesNotContain("second-value");
        ApiClient.Response stale = server.admin.put("/api/secrets/" + id, Map.of("value", "third-value", "version", 1));
        assertThat(stale.status()).isEqualTo(409);
        assertThat(stale.errorMessage()).contains("version 2");
        assertThat(server.admin
                        .put("/api/secrets/" + id, Map.of("name", "RENAMED"))
                        .status())
                .isEqualTo(400);
        assertThat(server.admin
                        .put("/api/secrets/" + id, Map.of("hosts", List.of()))
                        .errorMessage())
                .contains("could never be used");
        assertThat(server.server.vault().openAll()).contains("second-value").doesNotContain("third-value");

        ApiClient.Response env = server.admin.put("/api/secrets/" + id, Map.of("delivery", "env"));
        assertThat(env.text("delivery")).isEqualTo("env");
        assertThat(env.text("warning")).contains("environment");

        assertThat(server.admin.delete("/api/secrets/" + id).status()).isEqualTo(204);
        assertThat(server.admin.delete("/api/secrets/" + id).status()).isEqualTo(404);
        assertThat(server.admin.put("/api/secrets/" + id, Map.of("value", "x")).status())
                .isEqualTo(404);
        assertThat(server.admin.get("/api/audit").body().path("entries").findValuesAsText("action"))
                .contains("secret.create", "secret.rotate", "secret.update", "secret.delete");
    }

    @Test
    void peopleKeepTheirOwnSecretsAndSeeOnlyNamesOfTheDeployments() {
        server.admin.post("/api/secrets", secret("SHARED_NAME_ONLY", "deployment-value"));
        ApiClient carol = newUser("carol");
        ApiClient dave = newUser("dave");

        ApiClient.Response forbidden = carol.post("/api/secrets", secret("X", "v"));
        assertThat(forbidden.status()).isEqualTo(403);
        assertThat(forbidden.errorMessage()).contains("administrators").contains("\"user\":true");
        assertThat(carol.post("/api/secrets", secret("X", "v", "scope", Map.of("repository", "github.com/a/*")))
                        .status())
                .isEqualTo(403);

        ApiClient.Response mine =
                carol.post("/api/secrets", secret("CAROL_TOKEN", "carol-value", "scope", Map.of("user", true)));
        assertThat(mine.status()).as(mine.raw()).isEqualTo(201);
        assertThat(mine.body().path("scope").path("kind").asText()).isEqualTo("user");

        JsonNode listed = carol.get("/api/secrets").body().path("secrets");
        assertThat(listed.findValuesAsText("name")).contains("CAROL_TOKEN", "SHARED_NAME_ONLY");
        for (JsonNode s : listed) {
            if (s.path("name").asText().equals("SHARED_NAME_ONLY")) {
                assertThat(s.has("hosts")).isFalse();
                assertThat(s.has("id")).isFalse();
            }
        }
        assertThat(dave.get("/api/secrets").raw()).doesNotContain("CAROL_TOKEN");
        String id = mine.text("id");
        assertThat(dave.put("/api/secrets/" + id, Map.of("value", "stolen")).status())
                .isEqualTo(404);
        assertThat(dave.delete("/api/secrets/" + id).status()).isEqualTo(404);
        assertThat(carol.put("/api/secrets/" + id, Map.of("value", "carol-2")).status())
                .isEqualTo(200);

        String readOnly = carol.post("/api/tokens", Map.of("scopes", List.of("sessions:read")))
                .text("token");
        ApiClient.Response noScope = server.client(readOnly).get("/api/secrets");
        assertThat(noScope.status()).isEqualTo(403);
        assertThat(noScope.errorMessage()).contains("account");
        assertThat(carol.delete("/api/secrets/" + id).status()).isEqualTo(204);
    }

    @Test
    void aSessionGetsItsScopesSecretsWithPlaceholdersAndTheUsersWins() {
        ApiClient erin = newUser("erin");
        server.admin.post("/api/secrets", secret("RESOLVE_DEPLOY", "deploy-v"));
        server.admin.post(
                "/api/secrets", secret("RESOLVE_REPO", "repo-v", "scope", Map.of("repository", "example.com/acme/*")));
        server.admin.post(
                "/api/secrets",
                secret("RESOLVE_OTHER", "other-v", "scope", Map.of("repository", "example.com/other/*")));
        server.admin.post("/api/secrets", secret("RESOLVE_SETUP", "setup-v", "delivery", "setup", "hosts", List.of()));
        server.admin.post("/api/secrets", secret("RESOLVE_SHADOWED", "deploy-shadow"));
        erin.post("/api/secrets", secret("RESOLVE_SHADOWED", "erin-shadow", "scope", Map.of("user", true)));
        erin.post(
                "/api/secrets",
                secret("RESOLVE_ENV", "env-v", "delivery", "env", "hosts", List.of(), "scope", Map.of("user", true)));

        String sessionId = erin.createSession("https://example.com/acme/app.git");
        Session session = server.server.store().sessions().get(sessionId).orElseThrow();
        SessionSecrets secrets = server.server.vault().resolve(session);

        Map<String, String> placeholders = secrets.placeholderEnv();
        assertThat(placeholders).containsKeys("RESOLVE_DEPLOY", "RESOLVE_REPO", "RESOLVE_SHADOWED");
        assertThat(placeholders).doesNotContainKeys("RESOLVE_OTHER", "RESOLVE_SETUP", "RESOLVE_ENV");
        assertThat(placeholders.values()).allMatch(p -> p.matches("NSPH_[A-Z2-7]{24}"));
        assertThat(secrets.values()).contains("deploy-v", "repo-v", "erin-shadow", "setup-v", "env-v");
        assertThat(secrets.values()).doesNotContain("deploy-shadow", "other-v");
        assertThat(secrets.setupEnv()).containsEntry("RESOLVE_SETUP", "setup-v");
        assertThat(secrets.env()).containsEntry("RESOLVE_ENV", "env-v");
        assertThat(secrets.toString()).doesNotContain("deploy-v");
        // the same session gets the same placeholders again; another session other ones
        assertThat(server.server.vault().resolve(session).placeholderEnv()).isEqualTo(placeholders);
        String other = erin.createSession("https://example.com/acme/app.git");
        assertThat(server.server
                        .vault()
                        .resolve(server.server.store().sessions().get(other).orElseThrow())
                        .placeholderEnv()
                        .get("RESOLVE_DEPLOY"))
                .isNotEqualTo(placeholders.get("RESOLVE_DEPLOY"));
    }

    @Test
    void gitCredentialsAreVaultEntriesThatNoSandboxGets() {
        ApiClient finn = newUser("finn");
        assertThat(finn.put("/api/me/credentials/git.example.com", Map.of("secret", "glpat-finn-0001"))
                        .status())
                .isEqualTo(200);
        // one vault, one list: the credential is the person's entry, named after its host, never its value
        ApiClient.Response listed = finn.get("/api/secrets");
        assertThat(listed.raw())
                .contains("git@git.example.com")
                .contains("\"delivery\":\"git\"")
                .doesNotContain("glpat-finn-0001");
        String id = listed.body().path("secrets").findParents("name").stream()
                .filter(n -> n.path("name").asText().equals("git@git.example.com"))
                .findFirst()
                .orElseThrow()
                .path("id")
                .asText();
        // it is changed where credentials are changed, and is never created as an ordinary secret
        assertThat(finn.put("/api/secrets/" + id, Map.of("value", "x")).status())
                .isEqualTo(409);
        assertThat(finn.post("/api/secrets", secret("GIT_THING", "v", "delivery", "git", "scope", Map.of("user", true)))
                        .status())
                .isEqualTo(400);
        // no sandbox of finn's is given it
        String sessionId = finn.createSession("https://git.example.com/finn/app.git");
        Session session = server.server.store().sessions().get(sessionId).orElseThrow();
        assertThat(server.server.vault().resolve(session).values()).doesNotContain("glpat-finn-0001");
        assertThat(server.server.vault().openAll()).contains("glpat-finn-0001");
        assertThat(server.server
                        .gitCredentials()
                        .accessToken(
                                finn.get("/api/me")
                                        .body()
                                        .path("user")
                                        .path("id")
                                        .asText(),
                                "git.example.com")
                        .orElseThrow()
                        .secret())
                .isEqualTo("glpat-finn-0001");
        // removing it through the vault removes the credential
        assertThat(finn.delete("/api/secrets/" + id).status()).isEqualTo(204);
        assertThat(finn.get("/api/me/credentials").body().path("credentials").size())
                .isZero();
    }

    @Test
    void anMcpCredentialIsTheControlPlanesForItsHostsAndNoSandboxGetsIt() {
        ApiClient gina = newUser("gina");
        ApiClient.Response made = gina.post(
                "/api/secrets",
                secret(
                        "TRACKER_MCP",
                        "mcp-gina-0001",
                        "delivery",
                        "mcp",
                        "hosts",
                        List.of("mcp.example.com"),
                        "scope",
                        Map.of("user", true)));
        assertThat(made.status()).as(made.raw()).isEqualTo(201);
        assertThat(made.raw()).contains("\"delivery\":\"mcp\"").doesNotContain("mcp-gina-0001");
        ApiClient.Response narrowed = gina.post(
                "/api/secrets",
                secret(
                        "OTHER_MCP",
                        "v-0001",
                        "delivery",
                        "mcp",
                        "methods",
                        List.of("GET"),
                        "scope",
                        Map.of("user", true)));
        assertThat(narrowed.status()).isEqualTo(400);
        assertThat(narrowed.errorMessage()).contains("do not apply");

        String sessionId = gina.createSession("https://example.com/gina/app.git");
        Session session = server.server.store().sessions().get(sessionId).orElseThrow();
        assertThat(server.server.vault().resolve(session).values()).doesNotContain("mcp-gina-0001");
        assertThat(server.server.vault().resolve(session).placeholderEnv()).doesNotContainKey("TRACKER_MCP");
        assertThat(server.server.vault().mcpCredential(session, "TRACKER_MCP", "mcp.example.com"))
                .isEqualTo("mcp-gina-0001");
        assertThatThrownBy(() -> server.server.vault().mcpCredential(session, "TRACKER_MCP", "evil.example.org"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("evil.example.org")
                .hasMessageNotContaining("mcp-gina-0001");
        assertThatThrownBy(() -> server.server.vault().mcpCredential(session, "NOBODYS_MCP", "mcp.example.com"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no mcp secret named NOBODYS_MCP");
        // another person's sessions do not get gina's credential
        ApiClient hal = newUser("hal");
        Session his = server.server
                .store()
                .sessions()
                .get(hal.createSession("https://example.com/gina/app.git"))
                .orElseThrow();
        assertThatThrownBy(() -> server.server.vault().mcpCredential(his, "TRACKER_MCP", "mcp.example.com"))
                .isInstanceOf(IllegalStateException.class);
    }
}
