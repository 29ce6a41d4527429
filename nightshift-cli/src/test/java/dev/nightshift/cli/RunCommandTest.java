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

    static final byte[] PNG = java.util.Base64.getDecoder()
            .decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");

    @Test
    void attachedFilesGoWithThePromptAndAreShownWithIt(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path shot = java.nio.file.Files.write(dir.resolve("shot.png"), PNG);
        Path notes = java.nio.file.Files.writeString(dir.resolve("notes.md"), "# Notes\nthe button is blue\n");

        Cli.Result r = cli.run(
                "run", "--repo", "/srv/app", "--attach", shot.toString(), "--attach", notes.toString(), "succeed");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out())
                .contains("› succeed\n  attached shot.png (image, " + PNG.length + " bytes)\n"
                        + "  attached notes.md (text, 27 bytes)\n");
        String sessionId = r.out().replaceAll("(?s).*/sessions/(ses_\\S+).*", "$1");
        JsonNode prompt = server.admin.allEvents(sessionId).stream()
                .filter(e -> e.path("type").asText().equals("user_message"))
                .findFirst()
                .orElseThrow();
        assertThat(prompt.path("data").path("attachments"))
                .extracting(
                        a -> a.path("name").asText() + " " + a.path("mediaType").asText())
                .containsExactly("shot.png image/png", "notes.md text/plain");
        String imageId =
                prompt.path("data").path("attachments").get(0).path("id").asText();
        assertThat(server.admin
                        .download("/api/sessions/" + sessionId + "/attachments/" + imageId)
                        .body())
                .isEqualTo(PNG);
    }

    @Test
    void aRefusedAttachmentQueuesNothingAndLeavesNoEmptySessionBehind(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        Path disguised =
                java.nio.file.Files.write(dir.resolve("cat.png"), new byte[] {0x7F, 'E', 'L', 'F', 2, 1, 1, 0});

        Cli.Result r = cli.run("run", "--repo", "/srv/app", "--attach", disguised.toString(), "succeed");

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.REFUSED);
        assertThat(r.err())
                .contains("cat.png cannot be attached")
                .contains("(HTTP 415)")
                .contains("was archived");
        String sessionId = r.err().replaceAll("(?s).*the new session (ses_\\S+) was archived.*", "$1");
        JsonNode session = server.admin.get("/api/sessions/" + sessionId).body();
        assertThat(session.path("status").asText()).isEqualTo("archived");
        assertThat(server.admin.allEvents(sessionId))
                .noneSatisfy(e -> assertThat(e.path("type").asText()).isEqualTo("user_message"));

        int sessionsBefore = server.admin
                .get("/api/sessions?limit=200")
                .body()
                .path("sessions")
                .size();
        Cli.Result missing = cli.run(
                "run", "--repo", "/srv/app", "--attach", dir.resolve("nope.png").toString(), "x");
        assertThat(missing.exitCode()).as(missing.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(missing.err()).contains("nope.png: no such file");
        assertThat(server.admin.get("/api/sessions?limit=200").body().path("sessions"))
                .hasSize(sessionsBefore); // nothing was created
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
