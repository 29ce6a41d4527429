package dev.nightshift.server.children;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nightshift.agent.model.FakeModelServer;
import dev.nightshift.agent.model.FakeModelServer.Reply;
import dev.nightshift.agent.model.ToolCall;
import dev.nightshift.server.testing.ApiClient;
import dev.nightshift.server.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Child sessions started by the agent, with the real agent (a scripted model: each conversation gets
 * its own replies), real sandboxes and a real repository: a parent spawns two children that push
 * branches of their own, waits for them without holding a thread and goes on with their outcomes;
 * stopping a parent stops its children; and a limit refuses a spawn in words the model reads.
 */
class ChildSessionsEndToEndTest {
    private static final Duration WAIT = Duration.ofSeconds(120);

    static Map<String, String> model(FakeModelServer model, String... more) {
        Map<String, String> settings = new java.util.HashMap<>(Map.of(
                "NIGHTSHIFT_MODEL", "openai-compatible/coder", "OPENAI_COMPATIBLE_BASE_URL", model.openAiBaseUrl()));
        for (int i = 0; i < more.length; i += 2) {
            settings.put(more[i], more[i + 1]);
        }
        return settings;
    }

    static String user(String prompt) {
        return "\"content\":\"" + prompt + "\"";
    }

    static ToolCall spawn(String id, String prompt, String title) {
        return new ToolCall(id, "spawn_session", "{\"prompt\":\"" + prompt + "\",\"title\":\"" + title + "\"}");
    }

    static List<JsonNode> ofType(ApiClient api, String session, String type) {
        return api.allEvents(session).stream()
                .filter(e -> e.path("type").asText().equals(type))
                .toList();
    }

    static List<JsonNode> children(ApiClient api, String parent) {
        List<JsonNode> out = new ArrayList<>();
        api.get("/api/sessions/" + parent + "/tree").body().path("sessions").forEach(s -> {
            if (parent.equals(s.path("parentId").asText())) {
                out.add(s);
            }
        });
        return out;
    }

    static String git(Path repo, String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("git", "-C", repo.toString()));
        argv.addAll(List.of(args));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor()).as(out).isZero();
        return out;
    }

    /** A local git repository of one commit on main. */
    static Path repository(Path dir) throws Exception {
        Path repo = java.nio.file.Files.createDirectories(dir.resolve("halves"));
        java.nio.file.Files.writeString(repo.resolve("README.md"), "two halves\n");
        git(repo, "init", "-q", "-b", "main");
        git(repo, "add", ".");
        git(repo, "-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "-q", "-m", "start");
        return repo;
    }

    @Test
    void aParentSpawnsTwoChildrenThatPushTheirOwnBranchesAndGoesOnWhenBothAreDone(@TempDir Path work) throws Exception {
        try (FakeModelServer model = FakeModelServer.start();
                TestServer s = TestServer.start(model(model), p -> p.sandboxes = true)) {
            ApiClient api = s.admin;
            Path repo = repository(work);
            String parent = api.createSession(repo.toString());
            model.enqueueWhen(
                    user("split the work in two"),
                    Reply.toolCalls(spawn("s1", "write alpha", "Alpha"), spawn("s2", "write beta", "Beta")),
                    Reply.toolCalls(new ToolCall("w1", "wait_sessions", "{}")),
                    Reply.text("Both halves are done."));
            for (String half : List.of("alpha", "beta")) {
                model.enqueueWhen(
                        user("write " + half),
                        Reply.toolCalls(new ToolCall(
                                half, "write", "{\"path\":\"" + half + ".txt\",\"content\":\"" + half + "-content\"}")),
                        Reply.text("Wrote " + half + "."));
                model.enqueueWhen(half + "-content", Reply.text("Add " + half)); // its commit message
            }

            api.prompt(parent, "split the work in two", null);
            await().atMost(WAIT)
                    .until(() -> ofType(api, parent, "turn_complete").size() == 1);

            assertThat(ofType(api, parent, "turn_complete")
                            .getFirst()
                            .path("data")
                            .path("status")
                            .asText())
                    .isEqualTo("completed");
            List<JsonNode> kids = children(api, parent);
            assertThat(kids).hasSize(2);
            assertThat(kids).extracting(k -> k.path("source").asText()).containsOnly("agent");
            assertThat(kids).extracting(k -> k.path("title").asText()).containsExactlyInAnyOrder("Alpha", "Beta");
            // each pushed a branch of its own, with its own work
            List<String> branches = new ArrayList<>();
            for (JsonNode kid : kids) {
                String half = kid.path("title").asText().toLowerCase(java.util.Locale.ROOT);
                String branch = kid.path("workBranch").asText();
                branches.add(branch);
                assertThat(git(repo, "show", branch + ":" + half + ".txt")).isEqualTo(half + "-content");
                assertThat(git(repo, "log", "-1", "--format=%s", branch)).isEqualTo("Add " + half);
                assertThat(ofType(api, kid.path("id").asText(), "git"))
                        .anySatisfy(
                                e -> assertThat(e.path("data").path("action").asText())
                                        .isEqualTo("push"));
            }
            assertThat(branches).doesNotHaveDuplicates();
            assertThat(branches)
                    .doesNotContain(api.get("/api/sessions/" + parent).text("workBranch"));

            // the parent's timeline shows each child and how it ended; the wait parked the turn, and it
            // went on with both outcomes
            List<JsonNode> shown = ofType(api, parent, "child_session");
            assertThat(shown)
                    .extracting(e -> e.path("data").path("status").asText())
                    .containsExactlyInAnyOrder("started", "started", "completed", "completed");
            assertThat(ofType(api, parent, "turn_resumed"))
                    .singleElement()
                    .satisfies(e ->
                            assertThat(e.path("data").path("reason").asText()).contains("waited for"));
            JsonNode waited = ofType(api, parent, "tool_result").stream()
                    .filter(e -> e.path("data").path("callId").asText().equals("w1"))
                    .findFirst()
                    .orElseThrow();
            assertThat(waited.path("data").path("content").asText())
                    .contains("\"Alpha\"", "\"Beta\"", "Wrote alpha.", "Wrote beta.", "its last turn completed");
            assertThat(ofType(api, parent, "tool_call"))
                    .filteredOn(e -> e.path("data").path("callId").asText().equals("w1"))
                    .hasSize(1);
            assertThat(model.lastRequest().messages().toString()).contains("Wrote beta.");
        }
    }

    @Test
    void stoppingTheParentStopsBothChildren() throws Exception {
        try (FakeModelServer model = FakeModelServer.start();
                TestServer s = TestServer.start(model(model), p -> p.sandboxes = true)) {
            ApiClient api = s.admin;
            String parent = api.createSession("/srv/never-ending");
            model.enqueueWhen(
                    user("start two that never end"),
                    Reply.toolCalls(spawn("s1", "sleep one", "One"), spawn("s2", "sleep two", "Two")),
                    Reply.toolCalls(new ToolCall("w1", "wait_sessions", "{}")));
            for (String child : List.of("sleep one", "sleep two")) {
                model.enqueueWhen(
                        user(child), Reply.toolCalls(new ToolCall("b", "bash", "{\"command\":\"sleep 600\"}")));
            }
            api.prompt(parent, "start two that never end", null);
            await().atMost(WAIT)
                    .until(() -> children(api, parent).size() == 2
                            && children(api, parent).stream()
                                    .allMatch(k -> !ofType(api, k.path("id").asText(), "tool_call")
                                            .isEmpty())
                            && !ofType(api, parent, "tool_call").stream()
                                    .filter(e ->
                                            e.path("data").path("name").asText().equals("wait_sessions"))
                                    .toList()
                                    .isEmpty());

            assertThat(api.post("/api/sessions/" + parent + "/stop", null).status())
                    .isEqualTo(202);

            await().atMost(WAIT)
                    .until(() -> ofType(api, parent, "turn_complete").size() == 1);
            assertThat(ofType(api, parent, "turn_complete")
                            .getFirst()
                            .path("data")
                            .path("status")
                            .asText())
                    .isEqualTo("stopped");
            for (JsonNode kid : children(api, parent)) {
                String id = kid.path("id").asText();
                await().atMost(WAIT)
                        .until(() -> ofType(api, id, "turn_complete").size() == 1);
                assertThat(ofType(api, id, "turn_complete")
                                .getFirst()
                                .path("data")
                                .path("status")
                                .asText())
                        .isEqualTo("stopped");
                assertThat(api.get("/api/sessions/" + id + "/prompts").body().path("queue"))
                        .isEmpty();
            }
            await().atMost(WAIT)
                    .until(() -> ofType(api, parent, "child_session").stream()
                                    .filter(e -> e.path("data")
                                            .path("status")
                                            .asText()
                                            .equals("stopped"))
                                    .count()
                            == 2);
            assertThat(api.get("/api/sessions/" + parent + "/prompts").body().path("queue"))
                    .isEmpty();
        }
    }

    @Test
    void aSpawnPastALimitIsAToolErrorTheModelReadsWithTheLimit() throws Exception {
        try (FakeModelServer model = FakeModelServer.start();
                TestServer s = TestServer.start(
                        model(
                                model,
                                "NIGHTSHIFT_CHILD_SESSIONS_PER_PARENT",
                                "1",
                                "NIGHTSHIFT_CHILD_SESSION_DEPTH",
                                "1"),
                        p -> {})) {
            ApiClient api = s.admin;
            String parent = api.createSession("/srv/limits");
            model.enqueueWhen(
                    user("start two"),
                    Reply.toolCalls(spawn("s1", "first child", "First"), spawn("s2", "second child", "Second")),
                    Reply.text("Only one was allowed."));
            model.enqueueWhen(
                    user("first child"),
                    Reply.toolCalls(spawn("g1", "a grandchild", "Grandchild")),
                    Reply.text("I may not start sessions myself."));
            api.prompt(parent, "start two", null);
            await().atMost(WAIT)
                    .until(() -> ofType(api, parent, "turn_complete").size() == 1);

            List<JsonNode> results = ofType(api, parent, "tool_result");
            assertThat(results.get(0).path("data").path("error").asBoolean()).isFalse();
            assertThat(results.get(1).path("data").path("error").asBoolean()).isTrue();
            assertThat(results.get(1).path("data").path("content").asText())
                    .contains("has started 1 child sessions")
                    .contains("NIGHTSHIFT_CHILD_SESSIONS_PER_PARENT");
            assertThat(children(api, parent)).hasSize(1);

            String first = children(api, parent).getFirst().path("id").asText();
            await().atMost(WAIT).until(() -> ofType(api, first, "turn_complete").size() == 1);
            JsonNode deeper = ofType(api, first, "tool_result").getFirst();
            assertThat(deeper.path("data").path("error").asBoolean()).isTrue();
            assertThat(deeper.path("data").path("content").asText()).contains("NIGHTSHIFT_CHILD_SESSION_DEPTH");
            assertThat(children(api, first)).isEmpty();
        }
    }
}
