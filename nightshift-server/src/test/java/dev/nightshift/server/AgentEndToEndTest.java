package dev.nightshift.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nightshift.agent.model.FakeModelServer;
import dev.nightshift.agent.model.FakeModelServer.Reply;
import dev.nightshift.agent.model.ToolCall;
import dev.nightshift.core.sandbox.Sandbox;
import dev.nightshift.server.testing.ApiClient;
import dev.nightshift.server.testing.TestServer;
import dev.nightshift.server.testing.WsTestClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The agent as a user meets it: a prompt on a session makes it read, edit and run the project's
 * tests in a real sandbox, with a scripted model speaking the real OpenAI streaming protocol, and
 * everyone watching sees the same events live.
 */
class AgentEndToEndTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    static final String CALC = "def add(a, b):\n    return a - b\n";
    static final String TEST = "import unittest\nfrom calc import add\n\n"
            + "class CalcTest(unittest.TestCase):\n    def test_add(self):\n        self.assertEqual(add(2, 3), 5)\n";

    /** A local git repository with a bug, its test, and instructions for agents. */
    static Path repository(Path dir) throws Exception {
        Path repo = java.nio.file.Files.createDirectories(dir.resolve("calc"));
        java.nio.file.Files.writeString(repo.resolve("calc.py"), CALC);
        java.nio.file.Files.writeString(repo.resolve("test_calc.py"), TEST);
        java.nio.file.Files.writeString(repo.resolve("AGENTS.md"), "Run the tests with: python3 -m unittest -q\n");
        java.nio.file.Files.writeString(repo.resolve(".gitignore"), "__pycache__/\n");
        for (List<String> git : List.of(
                List.of("init", "-q", "-b", "main"),
                List.of("add", "."),
                List.of("-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "-q", "-m", "calc"))) {
            List<String> argv = new java.util.ArrayList<>(List.of("git", "-C", repo.toString()));
            argv.addAll(git);
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            assertThat(p.waitFor())
                    .as(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                    .isZero();
        }
        return repo;
    }

    @Test
    void aPromptMakesTheAgentReadEditTestAndFinishLiveForEveryone(@org.junit.jupiter.api.io.TempDir Path work)
            throws Exception {
        try (FakeModelServer model = FakeModelServer.start();
                TestServer s = TestServer.start(
                        Map.of(
                                "NIGHTSHIFT_MODEL",
                                "openai-compatible/coder",
                                "OPENAI_COMPATIBLE_BASE_URL",
                                model.openAiBaseUrl()),
                        p -> p.sandboxes = true)) {
            ApiClient api = s.admin;
            Path repo = repository(work);
            String id = api.createSession(repo.toString()); // nothing is put in the sandbox by hand
            model.enqueue(
                    Reply.toolCalls(new ToolCall("c1", "read", "{\"path\":\"calc.py\"}"))
                            .withUsage(900, 0, 20),
                    Reply.text("Found it: ", "add subtracts.")
                            .andToolCalls(
                                    new ToolCall(
                                            "c2",
                                            "edit",
                                            "{\"path\":\"calc.py\",\"old_string\":\"return a - b\",\"new_string\":\"return a + b\"}")),
                    Reply.toolCalls(new ToolCall("c3", "bash", "{\"command\":\"python3 -m unittest -q test_calc\"}")),
                    Reply.text("Fixed add(); ", "the tests pass."),
                    // after the turn: the commit message, written from the staged diff
                    Reply.text("Fix add() to add instead of subtract\n\nadd(2, 3) returned -1; the test expects 5."));

            try (WsTestClient alice = WsTestClient.subscribe(s.wsUrl(id), api.liveToken(id));
                    WsTestClient bob = WsTestClient.subscribe(s.wsUrl(id), api.liveToken(id))) {
                alice.send(
                        Map.of("type", "prompt", "content", "add(2, 3) should be 5; fix it", "clientRequestId", "p1"));
                List<JsonNode> seenByAlice = untilTurnComplete(alice);
                List<JsonNode> seenByBob = untilTurnComplete(bob);
                assertThat(seenByAlice).isEqualTo(seenByBob);
                List<String> types =
                        seenByAlice.stream().map(e -> e.path("type").asText()).toList();
                assertThat(types)
                        .containsSubsequence(
                                "user_message",
                                "step_start",
                                "assistant_message",
                                "tool_call",
                                "tool_result",
                                "assistant_message",
                                "tool_call",
                                "tool_result",
                                "assistant_message",
                                "tool_call",
                                "tool_result",
                                "assistant_message",
                                "turn_complete");
                assertThat(seenByAlice.getLast().path("data").path("status").asText())
                        .isEqualTo("completed");
                JsonNode testRun = seenByAlice.stream()
                        .filter(e -> e.path("type").asText().equals("tool_result")
                                && e.path("data").path("callId").asText().equals("c3"))
                        .findFirst()
                        .orElseThrow();
                assertThat(testRun.path("data").path("content").asText())
                        .contains("OK")
                        .contains("exit code 0");
                assertThat(seenByAlice).anySatisfy(e -> {
                    assertThat(e.path("type").asText()).isEqualTo("token");
                    assertThat(e.path("data").path("text").asText()).contains("Fixed add()");
                });
            }
            Sandbox sandbox = s.server.sandboxes().acquire(id);
            assertThat(new String(sandbox.readFile("calc.py", 0, 1000), StandardCharsets.UTF_8))
                    .contains("return a + b");
            assertThat(api.allEvents(id)).anySatisfy(e -> {
                assertThat(e.path("type").asText()).isEqualTo("git");
                assertThat(e.path("data").path("action").asText()).isEqualTo("checkout");
            });

            // the work is on a new branch of the repository: one commit, authored by the person who asked
            JsonNode session = api.get("/api/sessions/" + id).body();
            String branch = session.path("workBranch").asText();
            assertThat(branch).matches("[a-z]{1,3}/[0-9a-f]{8}");
            assertThat(git(repo, "log", "--format=%an|%s", "main.." + branch))
                    .isEqualTo("Administrator|Fix add() to add instead of subtract");
            assertThat(git(repo, "log", "-1", "--format=%B", branch))
                    .contains("Co-Authored-By: Nightshift <agent@nightshift.invalid>");
            assertThat(git(repo, "show", branch + ":calc.py")).contains("return a + b");
            assertThat(git(repo, "rev-parse", "--abbrev-ref", "HEAD")).isEqualTo("main");
            assertThat(api.get("/api/sessions/" + id + "/artifacts").body().path("artifacts"))
                    .anySatisfy(a -> {
                        assertThat(a.path("type").asText()).isEqualTo("branch");
                        assertThat(a.path("data").path("name").asText()).isEqualTo(branch);
                        assertThat(a.path("data").path("base").asText()).isEqualTo("main");
                    });
            JsonNode diff = api.get("/api/sessions/" + id + "/diff").body();
            assertThat(diff.path("available").asBoolean()).isTrue();
            assertThat(diff.path("files")).hasSize(1);
            assertThat(diff.path("files").get(0).path("path").asText()).isEqualTo("calc.py");
            assertThat(diff.path("patch").asText()).contains("-    return a - b", "+    return a + b");
            assertThat(api.allEvents(id)).anySatisfy(e -> {
                assertThat(e.path("type").asText()).isEqualTo("git");
                assertThat(e.path("data").path("action").asText()).isEqualTo("push");
                assertThat(e.path("data").path("branch").asText()).isEqualTo(branch);
            });
            // while the sandbox hibernates, the diff still comes from the control plane's copy
            assertThat(s.server.sandboxes().hibernate(id)).isTrue();
            JsonNode stored = api.get("/api/sessions/" + id + "/diff").body();
            assertThat(stored.path("source").asText()).isEqualTo("branch");
            assertThat(stored.path("patch").asText())
                    .isEqualTo(diff.path("patch").asText());
            assertThat(model.requests().get(4).messages().toString())
                    .contains("return a + b"); // the message was written from the diff

            // what the model was sent: the system prompt with the repository's instructions, and each result
            assertThat(model.requests()).hasSize(5);
            JsonNode first = model.requests().getFirst().messages();
            assertThat(first.get(0).path("content").asText())
                    .contains("/workspace")
                    .contains("python3 -m unittest -q");
            assertThat(model.requests().getFirst().tools().toString())
                    .contains("\"read\"")
                    .contains("\"task\"");
            assertThat(model.requests().get(1).messages().toString()).contains("return a - b");
            assertThat(model.requests().get(3).messages().toString()).contains("OK");
            assertThat(model.requests().getFirst().model()).isEqualTo("coder");
        }
    }

    @Test
    void aSubagentThatSpendsPastTheTurnBudgetEndsTheTurnWithTheBudgetError() throws Exception {
        try (FakeModelServer model = FakeModelServer.start();
                TestServer s = TestServer.start(
                        Map.of(
                                "NIGHTSHIFT_MODEL",
                                "openai-compatible/coder",
                                "OPENAI_COMPATIBLE_BASE_URL",
                                model.openAiBaseUrl(),
                                "NIGHTSHIFT_MODEL_PRICES",
                                "openai-compatible/coder=1:1:1", // $0.10 per reply below
                                "NIGHTSHIFT_AGENT_TURN_BUDGET_USD",
                                "0.25"),
                        p -> {})) {
            ApiClient api = s.admin;
            String id = api.createSession("/srv/budget");
            model.enqueue(
                    Reply.toolCalls(new ToolCall("t1", "task", "{\"kind\":\"explorer\",\"prompt\":\"look around\"}"))
                            .withUsage(100_000, 0, 0),
                    // the explorer's own steps: $0.20, then $0.30 for the turn
                    Reply.toolCalls(new ToolCall("e1", "nope", "{\"n\":1}")).withUsage(100_000, 0, 0),
                    Reply.toolCalls(new ToolCall("e2", "nope", "{\"n\":2}")).withUsage(100_000, 0, 0),
                    Reply.text("never asked for"),
                    Reply.text("never asked for"));
            api.prompt(id, "explore", null);
            await().atMost(WAIT)
                    .until(() -> api.allEvents(id).stream()
                            .anyMatch(e -> e.path("type").asText().equals("turn_complete")));
            List<JsonNode> events = api.allEvents(id);
            assertThat(model.requests()).hasSize(3);
            assertThat(events)
                    .filteredOn(e -> e.path("type").asText().equals("error"))
                    .singleElement()
                    .satisfies(e -> assertThat(e.path("data").path("message").asText())
                            .contains("stopped at $0.3000 (the per-turn budget is $0.2500)"));
            // the explorer's steps are in the session's totals
            List<JsonNode> steps = events.stream()
                    .filter(e -> e.path("type").asText().equals("step_finish"))
                    .toList();
            assertThat(steps).hasSize(3);
            assertThat(steps.getLast().path("data").path("parentCallId").asText())
                    .isEqualTo("t1");
            assertThat(steps.getLast().path("data").path("sessionCostUsd").asDouble())
                    .isCloseTo(0.3, org.assertj.core.api.Assertions.within(1e-9));
        }
    }

    @Test
    void anExplorerSubagentCannotWriteEvenThroughBash() throws Exception {
        try (FakeModelServer model = FakeModelServer.start();
                TestServer s = TestServer.start(
                        Map.of(
                                "NIGHTSHIFT_MODEL",
                                "openai-compatible/coder",
                                "OPENAI_COMPATIBLE_BASE_URL",
                                model.openAiBaseUrl()),
                        p -> p.sandboxes = true)) {
            ApiClient api = s.admin;
            String id = api.createSession("/srv/explorer");
            Sandbox sandbox = s.server.sandboxes().acquire(id);
            sandbox.writeFile("notes.txt", "original".getBytes(StandardCharsets.UTF_8));
            model.enqueue(
                    Reply.toolCalls(new ToolCall("t1", "task", "{\"kind\":\"explorer\",\"prompt\":\"look around\"}")),
                    // the explorer's own steps
                    Reply.toolCalls(
                            new ToolCall("e1", "bash", "{\"command\":\"echo pwned > notes.txt; cat notes.txt\"}"),
                            new ToolCall("e2", "write", "{\"path\":\"notes.txt\",\"content\":\"pwned\"}")),
                    Reply.text("I could only look: the workspace is read-only to me."),
                    // the parent again
                    Reply.text("The explorer reported back."));
            api.prompt(id, "explore", null);
            await().atMost(WAIT)
                    .until(() -> api.allEvents(id).stream()
                            .anyMatch(e -> e.path("type").asText().equals("turn_complete")));
            List<JsonNode> events = api.allEvents(id);
            assertThat(new String(sandbox.readFile("notes.txt", 0, 100), StandardCharsets.UTF_8))
                    .isEqualTo("original");
            JsonNode bashResult = events.stream()
                    .filter(e -> e.path("type").asText().equals("subagent_tool_result")
                            && e.path("data").path("callId").asText().equals("e1"))
                    .findFirst()
                    .orElseThrow();
            assertThat(bashResult.path("data").path("content").asText()).contains("Read-only file system");
            assertThat(bashResult.path("data").path("parentCallId").asText()).isEqualTo("t1");
            JsonNode parentResult = events.stream()
                    .filter(e -> e.path("type").asText().equals("tool_result")
                            && e.path("data").path("callId").asText().equals("t1"))
                    .findFirst()
                    .orElseThrow();
            assertThat(parentResult.path("data").path("content").asText()).contains("read-only to me");
            // the parent's conversation holds the explorer's summary, not its transcript
            assertThat(model.requests().getLast().messages().toString())
                    .contains("read-only to me")
                    .doesNotContain("pwned > notes");
        }
    }

    @Test
    void stopDuringAToolCallEndsTheTurnWithinASecondAndKillsTheCommand() throws Exception {
        try (FakeModelServer model = FakeModelServer.start();
                TestServer s = TestServer.start(
                        Map.of(
                                "NIGHTSHIFT_MODEL",
                                "openai-compatible/coder",
                                "OPENAI_COMPATIBLE_BASE_URL",
                                model.openAiBaseUrl()),
                        p -> p.sandboxes = true)) {
            ApiClient api = s.admin;
            String id = api.createSession("/srv/stop");
            model.enqueue(
                    Reply.toolCalls(new ToolCall("s1", "bash", "{\"command\":\"sleep 300\",\"timeout_ms\":600000}")),
                    Reply.text("never asked for"));
            api.prompt(id, "wait a long time", null);
            await().atMost(WAIT)
                    .until(() -> api.allEvents(id).stream()
                            .anyMatch(e -> e.path("type").asText().equals("tool_call")));
            Sandbox sandbox = s.server.sandboxes().acquire(id);
            await().atMost(WAIT)
                    .until(() -> sandbox.exec(
                                    dev.nightshift.core.sandbox.ExecRequest.shell("pgrep -cf '^sleep 300' || true"),
                                    dev.nightshift.core.sandbox.OutputListener.IGNORE)
                            .stdout()
                            .trim()
                            .equals("1"));
            long start = System.nanoTime();
            assertThat(api.post("/api/sessions/" + id + "/stop", null)
                            .body()
                            .path("stopped")
                            .asBoolean())
                    .isTrue();
            await().atMost(Duration.ofSeconds(2))
                    .until(() -> sandbox.exec(
                                    dev.nightshift.core.sandbox.ExecRequest.shell("pgrep -cf '^sleep 300' || true"),
                                    dev.nightshift.core.sandbox.OutputListener.IGNORE)
                            .stdout()
                            .trim()
                            .equals("0"));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
            JsonNode end = api.allEvents(id).stream()
                    .filter(e -> e.path("type").asText().equals("turn_complete"))
                    .findFirst()
                    .orElseThrow();
            assertThat(end.path("data").path("status").asText()).isEqualTo("stopped");
            Thread.sleep(500);
            assertThat(model.requests()).hasSize(1); // no further model call after the stop
        }
    }

    @Test
    void badToolCallsFromTheModelBecomeErrorsItCanActOn() throws Exception {
        try (FakeModelServer model = FakeModelServer.start();
                TestServer s = TestServer.start(
                        Map.of(
                                "NIGHTSHIFT_MODEL",
                                "openai-compatible/coder",
                                "OPENAI_COMPATIBLE_BASE_URL",
                                model.openAiBaseUrl()),
                        p -> p.sandboxes = true)) {
            ApiClient api = s.admin;
            String id = api.createSession("/srv/bad");
            model.enqueue(
                    Reply.malformed("b1", "read", "{\"path\": calc.py"),
                    Reply.toolCalls(new ToolCall("b2", "teleport", "{}")),
                    Reply.text("Giving up politely."));
            api.prompt(id, "do it", null);
            await().atMost(WAIT)
                    .until(() -> api.allEvents(id).stream()
                            .anyMatch(e -> e.path("type").asText().equals("turn_complete")));
            List<JsonNode> results = api.allEvents(id).stream()
                    .filter(e -> e.path("type").asText().equals("tool_result"))
                    .toList();
            assertThat(results).hasSize(2);
            assertThat(results.get(0).path("data").path("content").asText()).contains("not valid JSON");
            assertThat(results.get(1).path("data").path("content").asText()).contains("there is no tool 'teleport'");
            assertThat(results)
                    .allSatisfy(r ->
                            assertThat(r.path("data").path("error").asBoolean()).isTrue());
        }
    }

    static String git(Path repo, String... args) throws Exception {
        List<String> argv = new java.util.ArrayList<>(List.of("git", "-C", repo.toString()));
        argv.addAll(List.of(args));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor()).as(out).isZero();
        return out;
    }

    private static List<JsonNode> untilTurnComplete(WsTestClient client) {
        List<JsonNode> events = new java.util.ArrayList<>();
        while (events.isEmpty() || !events.getLast().path("type").asText().equals("turn_complete")) {
            events.add(client.next("event", WAIT).path("event"));
        }
        return events;
    }
}
