package dev.nightshift.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nightshift.server.testing.ApiClient;
import dev.nightshift.server.testing.TestServer;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The HTTP API as a client sees it: a real server on a free port, real HTTP. */
class ApiTest {
    /** Holds every turn until released, so prompts stay queued while a test looks at them. */
    static final CountDownLatch RELEASE = new CountDownLatch(1);

    static TestServer server;
    static ApiClient admin;

    @BeforeAll
    static void start() {
        server = TestServer.start(p -> p.executor = turn -> {
            while (!turn.stopRequested() && RELEASE.getCount() > 0) {
                Thread.sleep(5);
            }
        });
        admin = server.admin;
    }

    @AfterAll
    static void stop() {
        RELEASE.countDown();
        server.close();
    }

    private ApiClient newUser(String login) {
        ApiClient.Response r = admin.post("/api/users", Map.of("login", login));
        assertThat(r.status()).as(r.raw()).isEqualTo(201);
        return server.client(r.body().path("token").path("token").asText());
    }

    @Test
    void createsGetsListsAndArchivesSessions() {
        ApiClient.Response created = admin.post(
                "/api/sessions",
                Map.of(
                        "repository",
                        "https://example.com/acme/app.git",
                        "baseBranch",
                        "main",
                        "title",
                        "Fix it",
                        "settings",
                        Map.of("draftPr", true)));
        assertThat(created.status()).isEqualTo(201);
        String id = created.text("id");
        assertThat(created.text("status")).isEqualTo("created");
        assertThat(created.body().path("settings").path("draftPr").asBoolean()).isTrue();
        assertThat(created.body().path("settings").path("autoCommit").asBoolean())
                .isTrue();

        ApiClient.Response got = admin.get("/api/sessions/" + id);
        assertThat(got.status()).isEqualTo(200);
        assertThat(got.text("role")).isEqualTo("owner");
        assertThat(got.text("repository")).isEqualTo("https://example.com/acme/app.git");

        ApiClient.Response listed = admin.get("/api/sessions?repository=https://example.com/acme/app.git&mine=true");
        assertThat(listed.body().path("sessions"))
                .extracting(n -> n.path("id").asText())
                .contains(id);

        ApiClient.Response archived = admin.post("/api/sessions/" + id + "/archive", null);
        assertThat(archived.text("status")).isEqualTo("archived");
        assertThat(admin.get("/api/sessions?status=archived").body().path("sessions"))
                .extracting(n -> n.path("id").asText())
                .contains(id);
        ApiClient.Response refused = admin.prompt(id, "hello", null);
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.errorMessage()).contains("archived");
    }

    @Test
    void listPagesWithHasMore() {
        ApiClient user = newUser("pager");
        for (int i = 0; i < 3; i++) {
            user.createSession("/srv/repo-" + i);
        }
        ApiClient.Response first = user.get("/api/sessions?limit=2");
        assertThat(first.body().path("sessions")).hasSize(2);
        assertThat(first.body().path("hasMore").asBoolean()).isTrue();
        ApiClient.Response second = user.get("/api/sessions?limit=2&offset=2");
        assertThat(second.body().path("sessions")).hasSize(1);
        assertThat(second.body().path("hasMore").asBoolean()).isFalse();
        assertThat(user.get("/api/sessions?limit=0").status()).isEqualTo(400);
        assertThat(user.get("/api/sessions?status=sleeping").errorMessage()).contains("created, active");
    }

    @Test
    void badInputGetsAClearErrorAndChangesNothing() {
        String id = admin.createSession("/srv/bad-input");
        long before = admin.get("/api/sessions/" + id).body().path("lastSeq").asLong();

        ApiClient.Response malformed = admin.post("/api/sessions/" + id + "/prompts", "{\"content\": ");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.errorMessage()).contains("malformed JSON");
        ApiClient.Response typo = admin.post("/api/sessions/" + id + "/prompts", Map.of("contnet", "x"));
        assertThat(typo.status()).isEqualTo(400);
        assertThat(typo.errorMessage()).contains("unknown field 'contnet'");
        assertThat(admin.post("/api/sessions/" + id + "/prompts", Map.of("content", "  "))
                        .status())
                .isEqualTo(400);

        ApiClient.Response tooLong = admin.prompt(id, "x".repeat(64_001), null);
        assertThat(tooLong.status()).isEqualTo(413);
        assertThat(tooLong.errorMessage()).contains("64000");

        assertThat(admin.get("/api/sessions/ses_nope").status()).isEqualTo(404);
        assertThat(admin.prompt("ses_nope", "hi", null).status()).isEqualTo(404);
        assertThat(server.client(null).get("/api/sessions").status()).isEqualTo(401);
        assertThat(server.client("nsk_forged").get("/api/sessions").status()).isEqualTo(401);
        assertThat(server.client(null).get("/api/sessions").errorMessage()).contains("Bearer");
        assertThat(admin.post("/api/sessions", Map.of("repository", "relative/path"))
                        .status())
                .isEqualTo(400);
        assertThat(admin.post("/api/sessions", Map.of()).errorMessage()).contains("'repository' is required");
        assertThat(admin.get("/api/sessions/" + id + "/events?limit=501").status())
                .isEqualTo(400);
        assertThat(admin.get("/api/sessions/" + id + "/events?after=1&before=5").status())
                .isEqualTo(400);
        assertThat(admin.get("/api/sessions/" + id + "/events?after=abc").status())
                .isEqualTo(400);
        assertThat(admin.get("/api/nothing-here").status()).isEqualTo(404);

        assertThat(admin.get("/api/sessions/" + id + "/prompts").body().path("queue"))
                .isEmpty();
        assertThat(admin.get("/api/sessions/" + id).body().path("lastSeq").asLong())
                .isEqualTo(before);
    }

    @Test
    void theEleventhUnfinishedPromptIsRefusedWith429() {
        String id = admin.createSession("/srv/queue");
        for (int i = 0; i < 10; i++) {
            ApiClient.Response r = admin.prompt(id, "prompt " + i, null);
            assertThat(r.status()).isEqualTo(202);
            assertThat(r.body().path("position").asInt()).isEqualTo(i + 1);
        }
        ApiClient.Response eleventh = admin.prompt(id, "one too many", null);
        assertThat(eleventh.status()).isEqualTo(429);
        assertThat(eleventh.errorMessage()).contains("10 unfinished");
        List<String> contents = admin.get("/api/sessions/" + id + "/prompts")
                .body()
                .path("queue")
                .findValuesAsText("content");
        assertThat(contents).hasSize(10).doesNotContain("one too many").startsWith("prompt 0", "prompt 1");

        // cancelling a pending one makes room; the running one can only be stopped
        JsonNode queue = admin.get("/api/sessions/" + id + "/prompts").body().path("queue");
        String last = queue.get(9).path("id").asText();
        assertThat(admin.delete("/api/sessions/" + id + "/prompts/" + last).status())
                .isEqualTo(200);
        assertThat(admin.delete("/api/sessions/" + id + "/prompts/" + last).status())
                .isEqualTo(409);
        assertThat(admin.delete("/api/sessions/" + id + "/prompts/msg_unknown").status())
                .isEqualTo(404);
        assertThat(admin.prompt(id, "now it fits", null).status()).isEqualTo(202);
        ApiClient.Response stopped = admin.post("/api/sessions/" + id + "/stop", null);
        assertThat(stopped.status()).isEqualTo(202);
    }

    @Test
    void aRetriedSendReturnsTheOriginalPrompt() {
        String id = admin.createSession("/srv/retry");
        ApiClient.Response first = admin.prompt(id, "once", "client-req-1");
        ApiClient.Response retry = admin.prompt(id, "once", "client-req-1");
        assertThat(first.status()).isEqualTo(202);
        assertThat(retry.status()).isEqualTo(202);
        assertThat(retry.text("messageId")).isEqualTo(first.text("messageId"));
        assertThat(retry.body().path("created").asBoolean()).isFalse();
        assertThat(admin.get("/api/sessions/" + id + "/prompts").body().path("queue"))
                .hasSize(1);
        admin.post("/api/sessions/" + id + "/stop", null);
    }

    @Test
    void rolesDecideWhatEachParticipantMayDo() {
        ApiClient owner = newUser("owner1");
        ApiClient member = newUser("member1");
        ApiClient viewer = newUser("viewer1");
        ApiClient stranger = newUser("stranger1");
        String id = owner.createSession("/srv/roles");
        assertThat(owner.put("/api/sessions/" + id + "/participants/member1", Map.of("role", "member"))
                        .status())
                .isEqualTo(200);
        assertThat(owner.put("/api/sessions/" + id + "/participants/viewer1", Map.of("role", "viewer"))
                        .status())
                .isEqualTo(200);
        assertThat(owner.put("/api/sessions/" + id + "/participants/viewer1", Map.of("role", "boss"))
                        .status())
                .isEqualTo(400);
        assertThat(owner.put("/api/sessions/" + id + "/participants/nobody", Map.of("role", "member"))
                        .status())
                .isEqualTo(404);

        assertThat(stranger.get("/api/sessions/" + id).status()).isEqualTo(403);
        assertThat(stranger.get("/api/sessions/" + id + "/events").status()).isEqualTo(403);
        assertThat(viewer.get("/api/sessions/" + id).text("role")).isEqualTo("viewer");
        assertThat(viewer.get("/api/sessions/" + id + "/events").status()).isEqualTo(200);
        ApiClient.Response viewerPrompt = viewer.prompt(id, "let me in", null);
        assertThat(viewerPrompt.status()).isEqualTo(403);
        assertThat(viewerPrompt.errorMessage()).contains("viewer");
        assertThat(viewer.post("/api/sessions/" + id + "/stop", null).status()).isEqualTo(403);
        assertThat(member.put("/api/sessions/" + id + "/participants/viewer1", Map.of("role", "owner"))
                        .status())
                .isEqualTo(403);
        assertThat(member.post("/api/sessions/" + id + "/archive", null).status())
                .isEqualTo(403);
        assertThat(member.prompt(id, "member prompt", null).status()).isEqualTo(202);
        assertThat(owner.get("/api/sessions/" + id + "/prompts").body().path("queue"))
                .hasSize(1);
        assertThat(member.get("/api/sessions").body().path("sessions"))
                .extracting(n -> n.path("id").asText())
                .contains(id);
        assertThat(stranger.get("/api/sessions").body().path("sessions")).isEmpty();
        assertThat(owner.get("/api/sessions/" + id + "/participants")
                        .body()
                        .path("participants")
                        .findValuesAsText("login"))
                .containsExactlyInAnyOrder("owner1", "member1", "viewer1");
        assertThat(owner.delete("/api/sessions/" + id + "/participants/member1").status())
                .isEqualTo(204);
        assertThat(member.get("/api/sessions/" + id).status()).isEqualTo(403);
        assertThat(newUser("plain").post("/api/users", Map.of("login", "x")).status())
                .isEqualTo(403);
        owner.post("/api/sessions/" + id + "/stop", null);
    }

    @Test
    void aShareLinkGivesReadOnlyAccessToOneSession() {
        String id = admin.createSession("/srv/shared");
        String other = admin.createSession("/srv/not-shared");
        ApiClient.Response link = admin.post("/api/sessions/" + id + "/share-links", Map.of("name", "for review"));
        assertThat(link.status()).isEqualTo(201);
        assertThat(link.text("url")).contains("/s/");
        ApiClient viewer = server.client(link.text("token"));
        assertThat(viewer.get("/api/sessions/" + id).text("role")).isEqualTo("viewer");
        assertThat(viewer.get("/api/sessions/" + id + "/events").status()).isEqualTo(200);
        assertThat(viewer.get("/api/sessions/" + id + "/artifacts").status()).isEqualTo(200);
        assertThat(viewer.prompt(id, "sneaky", null).status()).isEqualTo(403);
        assertThat(viewer.get("/api/sessions/" + other).status()).isEqualTo(403);
        assertThat(viewer.get("/api/sessions").status()).isEqualTo(403);
        assertThat(viewer.post("/api/tokens", Map.of("name", "escalate")).status())
                .isEqualTo(403);
        assertThat(viewer.post("/api/sessions/" + id + "/live-token", null).status())
                .isEqualTo(201);

        String linkId = link.text("id");
        assertThat(admin.get("/api/sessions/" + id + "/share-links")
                        .body()
                        .path("shareLinks")
                        .findValuesAsText("id"))
                .contains(linkId);
        assertThat(admin.delete("/api/sessions/" + id + "/share-links/" + linkId)
                        .status())
                .isEqualTo(204);
        assertThat(viewer.get("/api/sessions/" + id).status()).isEqualTo(401);
    }

    @Test
    void apiTokensAreShownOnceListedWithoutSecretAndRevocable() {
        ApiClient user = newUser("tokens1");
        ApiClient.Response created = user.post("/api/tokens", Map.of("name", "laptop"));
        assertThat(created.status()).isEqualTo(201);
        String secret = created.text("token");
        assertThat(secret).startsWith("nsk_");
        ApiClient viaNew = server.client(secret);
        assertThat(viaNew.get("/api/me").body().path("user").path("login").asText())
                .isEqualTo("tokens1");
        ApiClient.Response listed = user.get("/api/tokens");
        assertThat(listed.raw()).doesNotContain(secret);
        assertThat(listed.body().path("tokens").findValuesAsText("name")).contains("laptop");
        assertThat(user.delete("/api/tokens/" + created.text("id")).status()).isEqualTo(204);
        assertThat(viaNew.get("/api/me").status()).isEqualTo(401);
        assertThat(user.delete("/api/tokens/" + created.text("id")).status()).isEqualTo(404);
        assertThat(server.client(user.liveTokenFor(user.createSession("/srv/live")))
                        .get("/api/me")
                        .status())
                .isEqualTo(401);
    }

    @Test
    void theOpenApiDocumentDescribesEveryRoute() {
        ApiClient.Response doc = server.client(null).get("/api/openapi.json");
        assertThat(doc.status()).isEqualTo(200);
        JsonNode paths = doc.body().path("paths");
        Set<String> missing = new HashSet<>();
        server.server.routes().forEach(route -> {
            // Javalin's <path> (slashes allowed) is {path} in OpenAPI
            if (!paths.path(route.path().replace("<path>", "{path}")).has(route.method())) {
                missing.add(route.method().toUpperCase() + " " + route.path());
            }
        });
        assertThat(missing).as("routes missing from openapi.json").isEmpty();
        assertThat(paths.has("/api/sessions/{id}/ws")).isTrue();
    }

    @Test
    void healthAndMetricsAreServed() {
        assertThat(server.client(null).get("/healthz").text("status")).isEqualTo("ok");
        ApiClient.Response metrics = server.client(null).get("/metrics");
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.raw()).contains("nightshift_live_clients").contains("jvm_memory_used_bytes");
    }
}
