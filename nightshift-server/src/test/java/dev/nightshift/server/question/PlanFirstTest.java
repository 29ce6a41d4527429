package dev.nightshift.server.question;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nightshift.agent.model.FakeModelServer;
import dev.nightshift.agent.model.FakeModelServer.Reply;
import dev.nightshift.agent.model.ToolCall;
import dev.nightshift.core.sandbox.Sandbox;
import dev.nightshift.server.testing.ApiClient;
import dev.nightshift.server.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plan-first session in a real sandbox with the real agent and a scripted model: before a member
 * approves the plan, the tool layer refuses a write, a command that writes runs on a read-only view and
 * fails, and an executor subagent is refused, while the model is told why each time; a member approves
 * the plan with edits, and the same write then goes through.
 */
class PlanFirstTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    private static JsonNode result(List<JsonNode> events, String callId) {
        return events.stream()
                .filter(e -> e.path("type").asText().equals("tool_result")
                        && e.path("data").path("callId").asText().equals(callId))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no result for " + callId))
                .path("data");
    }

    private static List<String> types(ApiClient api, String id) {
        return api.allEvents(id).stream().map(e -> e.path("type").asText()).toList();
    }

    @Test
    void nothingChangesBeforeTheApprovalAndTheSameWriteWorksAfterIt(@TempDir Path work) throws Exception {
        Path repo = Files.createDirectories(work.resolve("app"));
        Files.writeString(repo.resolve("README.md"), "app\n");
        git(repo, "init", "-q", "-b", "main");
        git(repo, "add", ".");
        git(repo, "-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "-q", "-m", "app");
        try (FakeModelServer model = FakeModelServer.start();
                TestServer s = TestServer.start(
                        Map.of(
                                "NIGHTSHIFT_MODEL",
                                "openai-compatible/coder",
                                "OPENAI_COMPATIBLE_BASE_URL",
                                model.openAiBaseUrl()),
                        p -> p.sandboxes = true)) {
            ApiClient api = s.admin;
            ApiClient.Response refused = api.post(
                    "/api/sessions",
                    Map.of("repository", repo.toString(), "settings", Map.of("planFirst", true, "readOnly", true)));
            assertThat(refused.status()).isEqualTo(400);
            assertThat(refused.errorMessage()).contains("no plan to approve");

            ApiClient.Response created = api.post(
                    "/api/sessions",
                    Map.of(
                            "repository",
                            repo.toString(),
                            "settings",
                            Map.of("planFirst", true, "autoCommit", false, "autoPr", false)));
            assertThat(created.status()).isEqualTo(201);
            assertThat(created.body().path("settings").path("planFirst").asBoolean())
                    .isTrue();
            String id = created.text("id");
            ApiClient.Response early = api.post("/api/sessions/" + id + "/plan/approve", null);
            assertThat(early.status()).isEqualTo(409);
            assertThat(early.errorMessage()).contains("no plan waits for approval");

            String write = "{\"path\":\"NOTES.md\",\"content\":\"planned\\n\"}";
            model.enqueue(
                    Reply.toolCalls(new ToolCall("w1", "write", write)),
                    Reply.toolCalls(new ToolCall("b1", "bash", "{\"command\":\"echo sneaky > made-by-bash.txt\"}")),
                    Reply.toolCalls(
                            new ToolCall("t1", "task", "{\"kind\":\"executor\",\"prompt\":\"write NOTES.md for me\"}")),
                    Reply.toolCalls(new ToolCall("p1", "propose_plan", "{\"plan\":\"1. Write NOTES.md\"}")),
                    // after the approval
                    Reply.toolCalls(new ToolCall("w2", "write", write)),
                    Reply.text("NOTES.md is written, as planned."));
            api.prompt(id, "add a NOTES.md", null);
            await().atMost(WAIT).until(() -> types(api, id).contains("plan"));
            await().atMost(WAIT)
                    .until(() -> api.get("/api/sessions/" + id).text("status").equals("waiting"));

            List<JsonNode> before = api.allEvents(id);
            JsonNode w1 = result(before, "w1");
            assertThat(w1.path("error").asBoolean()).isTrue();
            assertThat(w1.path("content").asText())
                    .isEqualTo("write is refused: nothing may change in this session before a member approves your "
                            + "plan. Investigate with the read-only tools, then propose the plan with propose_plan and "
                            + "wait for the review");
            JsonNode b1 = result(before, "b1");
            assertThat(b1.path("content").asText())
                    .startsWith("[read-only until your plan is approved")
                    .contains("Read-only file system")
                    .doesNotContain("exit code 0");
            assertThat(result(before, "t1").path("content").asText()).contains("an executor subagent is refused");
            Sandbox sandbox = s.server.sandboxes().acquire(id);
            assertThat(sandbox.stat("NOTES.md")).isEmpty();
            assertThat(sandbox.stat("made-by-bash.txt")).isEmpty();
            assertThat(model.requests().getFirst().tools().toString()).contains("\"propose_plan\"");

            JsonNode plan = before.getLast().path("type").asText().equals("plan")
                    ? before.getLast().path("data")
                    : before.stream()
                            .filter(e -> e.path("type").asText().equals("plan"))
                            .findFirst()
                            .orElseThrow()
                            .path("data");
            assertThat(plan.path("plan").asText()).isEqualTo("1. Write NOTES.md");
            String planId = plan.path("planId").asText();
            assertThat(planId).startsWith("pln_");

            // a viewer cannot approve; a member approves it, edited
            ApiClient.Response viewer = s.admin.post("/api/users", Map.of("login", "vic"));
            api.put("/api/sessions/" + id + "/participants/vic", Map.of("role", "viewer"));
            ApiClient vic = s.client(viewer.body().path("token").path("token").asText());
            assertThat(vic.post("/api/sessions/" + id + "/plan/approve", null).status())
                    .isEqualTo(403);
            assertThat(api.post("/api/sessions/" + id + "/plan/approve", Map.of("plan", "x".repeat(20_001)))
                            .status())
                    .isEqualTo(413);
            assertThat(types(api, id)).doesNotContain("plan_review");
            ApiClient.Response approved = api.post(
                    "/api/sessions/" + id + "/plan/approve",
                    Map.of("planId", planId, "plan", "1. Write NOTES.md\n2. Say so"));
            assertThat(approved.status()).as(approved.raw()).isEqualTo(200);
            assertThat(api.post("/api/sessions/" + id + "/plan/approve", Map.of("planId", planId))
                            .status())
                    .isEqualTo(409);

            await().atMost(WAIT).until(() -> types(api, id).contains("turn_complete"));
            List<JsonNode> after = api.allEvents(id);
            JsonNode review = after.stream()
                    .filter(e -> e.path("type").asText().equals("plan_review"))
                    .findFirst()
                    .orElseThrow()
                    .path("data");
            assertThat(review.path("outcome").asText()).isEqualTo("approved");
            assertThat(review.path("edited").asBoolean()).isTrue();
            assertThat(result(after, "p1").path("content").asText())
                    .contains("approved, with edits")
                    .contains("2. Say so");
            assertThat(result(after, "w2").path("error").asBoolean()).isFalse();
            assertThat(new String(sandbox.readFile("NOTES.md", 0, 100), StandardCharsets.UTF_8))
                    .isEqualTo("planned\n");
            assertThat(after.getLast().path("data").path("status").asText()).isEqualTo("completed");
            // the later request no longer offers the plan tool
            assertThat(model.requests().get(4).tools().toString()).doesNotContain("\"propose_plan\"");
        }
    }

    private static void git(Path repo, String... args) throws Exception {
        List<String> argv = new java.util.ArrayList<>(List.of("git", "-C", repo.toString()));
        argv.addAll(List.of(args));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        assertThat(p.waitFor())
                .as(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .isZero();
    }
}
