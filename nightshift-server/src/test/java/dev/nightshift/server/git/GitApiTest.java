package dev.nightshift.server.git;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nightshift.server.testing.ApiClient;
import dev.nightshift.server.testing.TestServer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The credentials, diff and audit endpoints: what they accept, refuse and never reveal. */
class GitApiTest {
    @Test
    void credentialsAreStoredButNeverShownAndBadOnesAreRefusedWithoutTouchingTheGoodOne() {
        try (TestServer s = TestServer.start(p -> {})) {
            ApiClient admin = s.admin;
            assertThat(admin.put("/api/me/credentials/github.com", Map.of("secret", "ghp_abc123"))
                            .status())
                    .isEqualTo(200);
            JsonNode listed = admin.get("/api/me/credentials").body();
            assertThat(listed.path("credentials").get(0).path("host").asText()).isEqualTo("github.com");
            assertThat(listed.toString()).doesNotContain("ghp_abc123");

            assertThat(admin.put("/api/me/credentials/github.com", Map.of("secret", ""))
                            .status())
                    .isEqualTo(400);
            assertThat(admin.put("/api/me/credentials/github.com", Map.of("secret", "a b"))
                            .status())
                    .isEqualTo(400);
            assertThat(admin.put("/api/me/credentials/github.com", Map.of("kind", "oauth", "secret", "x"))
                            .errorMessage())
                    .contains("signing in");
            assertThat(admin.put("/api/me/credentials/github.com", Map.of("kind", "ssh_key", "secret", "not a key"))
                            .status())
                    .isEqualTo(400);
            assertThat(admin.put("/api/me/credentials/evil..host", Map.of("secret", "x"))
                            .status())
                    .isEqualTo(400);
            assertThat(admin.put("/api/me/credentials/github.com", Map.of("secret", "x", "extra", 1))
                            .status())
                    .isEqualTo(400);
            assertThat(admin.get("/api/me/credentials").body().path("credentials"))
                    .hasSize(1);

            assertThat(admin.delete("/api/me/credentials/github.com").status()).isEqualTo(204);
            assertThat(admin.delete("/api/me/credentials/github.com").status()).isEqualTo(404);
            assertThat(admin.get("/api/audit").body().path("entries").findValuesAsText("action"))
                    .containsExactly("credential.delete", "credential.put");
        }
    }

    @Test
    void sessionsRefuseBadRepositoriesAndBranchesAndTheAuditLogIsNotForEveryone() {
        try (TestServer s = TestServer.start(p -> {})) {
            ApiClient admin = s.admin;
            assertThat(admin.post("/api/sessions", Map.of("repository", "https://me:tok@github.com/a/b.git"))
                            .errorMessage())
                    .contains("PUT /api/me/credentials/github.com");
            assertThat(admin.post("/api/sessions", Map.of("repository", "--upload-pack=x"))
                            .status())
                    .isEqualTo(400);
            assertThat(admin.post("/api/sessions", Map.of("repository", "/srv/a", "workBranch", "a..b"))
                            .status())
                    .isEqualTo(400);
            assertThat(admin.post(
                                    "/api/sessions",
                                    Map.of("repository", "/srv/a", "baseBranch", "main", "workBranch", "main"))
                            .status())
                    .isEqualTo(400);
            JsonNode created = admin.post("/api/sessions", Map.of("repository", "/srv/a", "workBranch", "feature/x"))
                    .body();
            assertThat(created.path("workBranch").asText()).isEqualTo("feature/x");
            String id = created.path("id").asText();
            assertThat(admin.get("/api/sessions/" + id + "/diff")
                            .body()
                            .path("available")
                            .asBoolean())
                    .isFalse();

            JsonNode bob = admin.post("/api/users", Map.of("login", "bob")).body();
            ApiClient asBob = s.client(bob.path("token").path("token").asText());
            assertThat(asBob.get("/api/audit").status()).isEqualTo(403);
            assertThat(asBob.get("/api/audit?session=" + id).status()).isIn(403, 404);
            assertThat(asBob.get("/api/sessions/" + id + "/diff").status()).isIn(403, 404);
            assertThat(admin.get("/api/audit?limit=0").status()).isEqualTo(400);
        }
    }
}
