package dev.nightshift.server.fork;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nightshift.server.testing.ApiClient;
import dev.nightshift.server.testing.TestServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /api/sessions/{id}/fork} and {@code GET /api/sessions/{id}/tree} over real HTTP: where a
 * fork may start, what it records, and every refusal, each of which stores nothing.
 */
class ForkApiTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    static TestServer server;
    static ApiClient admin;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("NIGHTSHIFT_MAX_PROMPT_CHARS", "1000"), p -> p.executor = turn -> {});
        admin = server.admin;
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static ApiClient newUser(String login) {
        ApiClient.Response r = admin.post("/api/users", Map.of("login", login));
        assertThat(r.status()).as(r.raw()).isEqualTo(201);
        return server.client(r.body().path("token").path("token").asText());
    }

    /** A session with {@code turns} finished turns; returns its id. */
    private static String sessionWithTurns(ApiClient api, String repository, int turns) {
        String id = api.createSession(repository);
        for (int i = 1; i <= turns; i++) {
            api.prompt(id, "turn " + i, null);
        }
        await().atMost(WAIT).until(() -> turnEnds(api, id).size() == turns);
        return id;
    }

    private static List<Long> turnEnds(ApiClient api, String id) {
        return api.allEvents(id).stream()
                .filter(e -> e.path("type").asText().equals("turn_complete"))
                .map(e -> e.path("seq").asLong())
                .toList();
    }

    private static int sessionCount() {
        return admin.get("/api/sessions?limit=200").body().path("sessions").size();
    }

    @Test
    void aForkStartsAfterOneOfItsParentsTurnsWithItsOwnLogAndLeavesTheParentAlone() {
        String parent = sessionWithTurns(admin, "/srv/forks", 2);
        List<Long> ends = turnEnds(admin, parent);
        List<JsonNode> parentLog = admin.allEvents(parent);

        ApiClient.Response early = admin.post(
                "/api/sessions/" + parent + "/fork",
                Map.of("atSeq", ends.getFirst(), "title", "try it another way", "prompt", "go on differently"));

        assertThat(early.status()).as(early.raw()).isEqualTo(201);
        String fork = early.text("id");
        assertThat(fork).isNotEqualTo(parent);
        assertThat(early.text("parentId")).isEqualTo(parent);
        assertThat(early.body().path("forkedAtSeq").asLong()).isEqualTo(ends.getFirst());
        assertThat(early.text("title")).isEqualTo("try it another way");
        assertThat(early.text("role")).isEqualTo("owner");
        assertThat(early.text("repository")).isEqualTo("/srv/forks");
        await().atMost(WAIT).until(() -> turnEnds(admin, fork).size() == 1);
        List<JsonNode> forkLog = admin.allEvents(fork);
        JsonNode first = forkLog.getFirst();
        assertThat(first.path("seq").asLong()).isEqualTo(1);
        assertThat(first.path("type").asText()).isEqualTo("forked_from");
        assertThat(first.path("data").path("parentId").asText()).isEqualTo(parent);
        assertThat(first.path("data").path("atSeq").asLong()).isEqualTo(ends.getFirst());
        assertThat(first.path("data").path("workspace").asText()).isEqualTo("base"); // no repository was checked out
        assertThat(forkLog)
                .filteredOn(e -> e.path("type").asText().equals("user_message"))
                .singleElement()
                .satisfies(
                        e -> assertThat(e.path("data").path("content").asText()).isEqualTo("go on differently"));
        assertThat(admin.allEvents(parent))
                .as("the parent's log is not touched")
                .isEqualTo(parentLog);

        // at the head: after the newest turn, the parent's title marked as a fork
        ApiClient.Response head = admin.post("/api/sessions/" + parent + "/fork", null);
        assertThat(head.status()).as(head.raw()).isEqualTo(201);
        assertThat(head.body().path("forkedAtSeq").asLong()).isEqualTo(ends.getLast());
        assertThat(head.text("title")).endsWith("(fork)");

        // the tree, from any of its sessions, parents before children
        JsonNode tree = admin.get("/api/sessions/" + head.text("id") + "/tree").body();
        assertThat(tree.path("rootId").asText()).isEqualTo(parent);
        assertThat(tree.path("sessions").findValuesAsText("id")).containsExactly(parent, fork, head.text("id"));
        assertThat(tree.path("sessions").get(1).path("forkedAtSeq").asLong()).isEqualTo(ends.getFirst());
        assertThat(admin.get("/api/sessions?limit=200").body().path("sessions"))
                .filteredOn(s -> s.path("id").asText().equals(fork))
                .singleElement()
                .satisfies(s -> assertThat(s.path("parentId").asText()).isEqualTo(parent));
    }

    @Test
    void aPointThatIsNotATurnsEndIsRefusedNamingTheNearestOnes() {
        String parent = sessionWithTurns(admin, "/srv/points", 2);
        List<Long> ends = turnEnds(admin, parent);
        long lastSeq =
                admin.get("/api/sessions/" + parent).body().path("lastSeq").asLong();
        int before = sessionCount();

        ApiClient.Response between = admin.post("/api/sessions/" + parent + "/fork", Map.of("atSeq", ends.get(0) + 1));
        assertThat(between.status()).isEqualTo(400);
        assertThat(between.errorMessage())
                .contains("is not the end of a turn")
                .contains("the nearest are " + ends.get(0) + " and " + ends.get(1));

        ApiClient.Response beyond = admin.post("/api/sessions/" + parent + "/fork", Map.of("atSeq", lastSeq + 100));
        assertThat(beyond.status()).isEqualTo(400);
        assertThat(beyond.errorMessage())
                .contains("has no event " + (lastSeq + 100))
                .contains("the nearest are " + ends.get(1));

        ApiClient.Response zero = admin.post("/api/sessions/" + parent + "/fork", Map.of("atSeq", 0));
        assertThat(zero.status()).isEqualTo(400);
        assertThat(zero.errorMessage()).contains("the nearest are " + ends.get(0));

        String fresh = admin.createSession("/srv/points");
        ApiClient.Response none = admin.post("/api/sessions/" + fresh + "/fork", null);
        assertThat(none.status()).isEqualTo(400);
        assertThat(none.errorMessage()).contains("has no finished turn yet");

        assertThat(admin.post("/api/sessions/" + parent + "/fork", Map.of("at", 1))
                        .status())
                .isEqualTo(400);
        assertThat(admin.post("/api/sessions/" + parent + "/fork", Map.of("prompt", "  "))
                        .status())
                .isEqualTo(400);
        assertThat(admin.post("/api/sessions/" + parent + "/fork", Map.of("title", "t".repeat(501)))
                        .status())
                .isEqualTo(400);
        ApiClient.Response tooLong =
                admin.post("/api/sessions/" + parent + "/fork", Map.of("prompt", "p".repeat(1001)));
        assertThat(tooLong.status()).isEqualTo(413);
        assertThat(tooLong.body().path("error").path("code").asText()).isEqualTo("prompt_too_large");
        assertThat(sessionCount()).as("a refused fork stores nothing").isEqualTo(before + 1);
    }

    @Test
    void whoMayForkIsWhoMayReadAndTheForkIsTheirs() {
        ApiClient owner = newUser("fork-owner");
        ApiClient viewer = newUser("fork-viewer");
        ApiClient stranger = newUser("fork-stranger");
        String parent = sessionWithTurns(owner, "/srv/mine", 1);
        assertThat(owner.put("/api/sessions/" + parent + "/participants/fork-viewer", Map.of("role", "viewer"))
                        .status())
                .isEqualTo(200);
        int before = sessionCount();

        // a stranger cannot tell the session from one that does not exist
        ApiClient.Response hidden = stranger.post("/api/sessions/" + parent + "/fork", null);
        assertThat(hidden.status()).isEqualTo(404);
        assertThat(hidden.errorMessage()).isEqualTo("no session " + parent);
        assertThat(stranger.post("/api/sessions/ses_nope/fork", null).errorMessage())
                .isEqualTo("no session ses_nope");
        assertThat(stranger.get("/api/sessions/" + parent + "/tree").status()).isEqualTo(403);
        assertThat(server.client(null)
                        .post("/api/sessions/" + parent + "/fork", null)
                        .status())
                .isEqualTo(401);
        ApiClient link = server.client(owner.post("/api/sessions/" + parent + "/share-links", Map.of("name", "look"))
                .text("token"));
        assertThat(link.post("/api/sessions/" + parent + "/fork", null).status())
                .isEqualTo(403);
        ApiClient readOnly =
                server.client(viewer.post("/api/tokens", Map.of("name", "read", "scopes", List.of("sessions:read")))
                        .text("token"));
        assertThat(readOnly.post("/api/sessions/" + parent + "/fork", null).status())
                .isEqualTo(403);
        assertThat(sessionCount()).isEqualTo(before);

        // a viewer may branch off into a session of their own
        ApiClient.Response mine = viewer.post("/api/sessions/" + parent + "/fork", null);
        assertThat(mine.status()).as(mine.raw()).isEqualTo(201);
        assertThat(mine.text("creatorId"))
                .isEqualTo(viewer.get("/api/me").body().path("user").path("id").asText());
        assertThat(owner.get("/api/sessions/" + mine.text("id")).status())
                .as("the fork is the viewer's, not the parent's owner's")
                .isEqualTo(403);
        // the parent's owner sees only what they can read: their session, not the viewer's fork
        assertThat(owner.get("/api/sessions/" + parent + "/tree")
                        .body()
                        .path("sessions")
                        .findValuesAsText("id"))
                .containsExactly(parent);
        assertThat(viewer.get("/api/sessions/" + mine.text("id") + "/tree")
                        .body()
                        .path("sessions")
                        .findValuesAsText("id"))
                .containsExactly(parent, mine.text("id"));
    }

    @Test
    void theRepositoryPolicyIsAskedForTheOneWhoForks() {
        String parent = sessionWithTurns(admin, "/opt/admins-only", 1);
        ApiClient viewer = newUser("fork-policy");
        admin.put("/api/sessions/" + parent + "/participants/fork-policy", Map.of("role", "member"));
        int before = sessionCount();
        ApiClient.Response refused = viewer.post("/api/sessions/" + parent + "/fork", null);
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.body().path("error").path("code").asText()).isEqualTo("repository_not_allowed");
        assertThat(sessionCount()).isEqualTo(before);
    }
}
