package dev.nightshift.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nightshift.server.testing.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code nightshift run} against a real server whose turns are scripted. */
class RunCommandTest {
    private static final ScriptedAgent AGENT = new ScriptedAgent();
    private static TestServer server;
    private static Cli cli;

    @BeforeAll
    static void start() {
        server = TestServer.start(p -> p.executor = AGENT);
        AGENT.server = server;
        cli = Cli.of(server.url(), server.admin.token());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void followsTheTurnToItsEndAndPrintsTheBranchThePullRequestAndTheSession() {
        Cli.Result r = cli.run("run", "--repo", "/srv/app", "succeed");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out())
                .contains("› succeed")
                .contains("Looking at the flaky test.")
                .contains("✓ bash  ./mvnw test")
                .contains("✗ read  missing.txt")
                .contains("no such file: missing.txt")
                .contains("branch " + ScriptedAgent.BRANCH + "\n")
                .contains("pull request #7: " + ScriptedAgent.PR_URL)
                .contains("Fixed it.")
                .contains("turn completed")
                .contains("branch   " + ScriptedAgent.BRANCH)
                .contains("PR       " + ScriptedAgent.PR_URL)
                .containsPattern("session  " + server.url() + "/sessions/ses_\\S+");
        assertThat(r.out()).as("no colours when stdout is not a terminal").doesNotContain("\u001b[");
        assertThat(r.err()).isEmpty();
        // the tool lines come in the order the tools ran, after the text before them
        assertThat(r.out().indexOf("Looking at")).isLessThan(r.out().indexOf("✓ bash"));
        assertThat(r.out().indexOf("✓ bash")).isLessThan(r.out().indexOf("✗ read"));
    }

    @Test
    void jsonGivesOneObjectPerLineEndingWithASummary() {
        Cli.Result r = cli.run("run", "--repo", "/srv/app", "--json", "succeed");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        List<JsonNode> lines = r.jsonLines();
        assertThat(lines)
                .extracting(l -> l.path("type").asText())
                .startsWith("user_message")
                .contains("token", "tool_call", "tool_result", "artifact")
                .endsWith("turn_complete", "summary");
        JsonNode events = lines.getFirst();
        assertThat(events.path("seq").asLong()).isEqualTo(1);
        JsonNode summary = lines.getLast();
        String sessionId = summary.path("sessionId").asText();
        assertThat(summary.path("status").asText()).isEqualTo("completed");
        assertThat(summary.path("branch").asText()).isEqualTo(ScriptedAgent.BRANCH);
        assertThat(summary.path("pullRequestUrl").asText()).isEqualTo(ScriptedAgent.PR_URL);
        assertThat(summary.path("compareUrl").asText()).isEqualTo(ScriptedAgent.COMPARE_URL);
        assertThat(summary.path("sessionUrl").asText()).isEqualTo(server.url() + "/sessions/" + sessionId);
        // every event of the session, once and in order
        assertThat(lines.subList(0, lines.size() - 1))
                .extracting(l -> l.path("seq").asLong())
                .isEqualTo(server.admin.allEvents(sessionId).stream()
                        .map(e -> e.path("seq").asLong())
                        .toList());
    }

    @Test
    void aFailedTurnExitsWithOneAndSaysWhyOnStderr() {
        Cli.Result r = cli.run("run", "--repo", "/srv/app", "fail");

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.TURN_FAILED);
        assertThat(r.out())
                .contains("Trying...")
                .contains("error  " + ScriptedAgent.FAILURE)
                .contains("turn failed");
        assertThat(r.err()).contains("nightshift: the turn failed: " + ScriptedAgent.FAILURE);
    }

    @Test
    void detachReturnsTheSessionIdAtOnceAndTheSessionRunsOn() throws Exception {
        Cli.Result r = cli.run("run", "--repo", "/srv/app", "--detach", "block");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        String sessionId = r.out().strip();
        assertThat(sessionId).startsWith("ses_");
        assertThat(r.err()).contains("nightshift attach " + sessionId);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> server.admin
                        .get("/api/sessions/" + sessionId + "/prompts")
                        .body()
                        .path("queue")
                        .findValuesAsText("status")
                        .contains("processing"));

        // attach follows the running turn; stop from another client ends it, and attach says so
        Cli.Running attached = cli.start("attach", sessionId);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> attached.out().toString().contains("› block"));
        Cli.Result stopped = cli.run("stop", sessionId);
        assertThat(stopped.exitCode()).as(stopped.toString()).isZero();
        assertThat(stopped.out()).startsWith("stopped msg_");

        Cli.Result a = attached.await();
        assertThat(a.exitCode()).as(a.toString()).isEqualTo(ExitCodes.TURN_FAILED);
        assertThat(a.out()).contains("› block").contains("turn stopped");
        assertThat(a.err()).contains("the turn was stopped");

        assertThat(cli.run("stop", sessionId).out()).startsWith("nothing was running");
    }

    @Test
    void detachWithJsonPrintsIdsAsJson() {
        Cli.Result r = cli.run("run", "--repo", "/srv/app", "--detach", "--json", "succeed");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        JsonNode started = r.json();
        assertThat(started.path("sessionId").asText()).startsWith("ses_");
        assertThat(started.path("messageId").asText()).startsWith("msg_");
        assertThat(started.path("sessionUrl").asText())
                .endsWith("/sessions/" + started.path("sessionId").asText());
    }

    @Test
    void aLocalDirectoryIsSentAsItsAbsolutePathAndTheTitleIsThePromptsFirstLine() {
        Cli.Result r = cli.run("run", "--repo", ".", "--base", "develop", "--detach", "--json", "succeed");

        JsonNode session = server.admin
                .get("/api/sessions/" + r.json().path("sessionId").asText())
                .body();
        assertThat(session.path("repository").asText())
                .isEqualTo(Path.of(".").toAbsolutePath().normalize().toString());
        assertThat(session.path("baseBranch").asText()).isEqualTo("develop");
        assertThat(session.path("source").asText()).isEqualTo("cli");
        assertThat(session.path("title").asText()).isEqualTo("succeed");
        assertThat(RunCommand.title("x".repeat(200) + "\nmore"))
                .hasSize(RunCommand.TITLE_CHARS)
                .endsWith("…");
    }
}
