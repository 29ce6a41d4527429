package dev.nightshift.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nightshift.server.testing.ApiClient;
import dev.nightshift.server.testing.TestServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** attach, logs, prompt, sessions: each against a real server with scripted turns. */
class SessionCommandsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private static String statusOf(ApiClient api, String sessionId, String messageId) {
        return api.allEvents(sessionId).stream()
                .filter(e -> e.path("type").asText().equals("turn_complete")
                        && e.path("messageId").asText().equals(messageId))
                .map(e -> e.path("data").path("status").asText())
                .findFirst()
                .orElse(null);
    }

    private static String runToEnd(TestServer s, String sessionId, String prompt) {
        String messageId = s.admin.prompt(sessionId, prompt, null).text("messageId");
        await().atMost(WAIT).until(() -> statusOf(s.admin, sessionId, messageId) != null);
        return messageId;
    }

    @Test
    void attachReplaysTheHistoryThenFollowsTheTurnInProgressToItsEnd() throws Exception {
        ScriptedAgent agent = new ScriptedAgent();
        try (TestServer s = TestServer.start(p -> p.executor = agent)) {
            agent.server = s;
            Cli cli = Cli.of(s.url(), s.admin.token());
            String id = s.admin.createSession("/srv/app");
            runToEnd(s, id, "succeed");
            s.admin.prompt(id, "wait", null);
            agent.started.await();

            Cli.Running attached = cli.start("attach", id);
            // the finished turn comes from history, the one in progress live
            await().atMost(WAIT).until(() -> attached.out().toString().contains("waiting for the signal"));
            assertThat(attached.out().toString())
                    .contains("› succeed")
                    .contains("✓ bash  ./mvnw test")
                    .contains("› wait");
            assertThat(attached.result()).isNotDone();
            agent.release.countDown();

            Cli.Result r = attached.await();
            assertThat(r.exitCode()).as(r.toString()).isZero();
            assertThat(r.out())
                    .contains(ScriptedAgent.RELEASED)
                    .contains("turn completed")
                    .contains("PR       " + ScriptedAgent.PR_URL);
            assertThat(r.out().indexOf("› succeed")).isLessThan(r.out().indexOf(ScriptedAgent.RELEASED));
        }
    }

    @Test
    void attachWithNothingRunningShowsTheRecentHistoryAndReturns() {
        ScriptedAgent agent = new ScriptedAgent();
        try (TestServer s = TestServer.start(p -> p.executor = agent)) {
            agent.server = s;
            Cli cli = Cli.of(s.url(), s.admin.token());
            String id = s.admin.createSession("/srv/app");
            runToEnd(s, id, "succeed");
            runToEnd(s, id, "chatty 30");

            Cli.Result r = cli.run("attach", "--history", "10", "--json", id);

            assertThat(r.exitCode()).as(r.toString()).isZero();
            List<JsonNode> events = s.admin.allEvents(id);
            assertThat(r.jsonLines())
                    .extracting(e -> e.path("seq").asLong())
                    .isEqualTo(events.subList(events.size() - 10, events.size()).stream()
                            .map(e -> e.path("seq").asLong())
                            .toList());
            assertThat(cli.run("attach", id).err()).contains("no turn in progress");
        }
    }

    @Test
    void logsPagesThroughTheWholeHistory() {
        ScriptedAgent agent = new ScriptedAgent();
        try (TestServer s = TestServer.start(p -> p.executor = agent)) {
            agent.server = s;
            Cli cli = Cli.of(s.url(), s.admin.token());
            String id = s.admin.createSession("/srv/app");
            runToEnd(s, id, "chatty 450"); // more than two of the server's default pages (200)
            List<JsonNode> all = s.admin.allEvents(id);
            assertThat(all).hasSizeGreaterThan(400);

            Cli.Result json = cli.run("logs", "--json", id);
            assertThat(json.exitCode()).as(json.toString()).isZero();
            assertThat(json.jsonLines())
                    .extracting(e -> e.path("seq").asLong())
                    .isEqualTo(all.stream().map(e -> e.path("seq").asLong()).toList());

            Cli.Result human = cli.run("logs", id);
            assertThat(human.out())
                    .contains("› chatty 450")
                    .contains("t0 t1 ")
                    .contains("t449")
                    .contains("turn completed");
        }
    }

    @Test
    void promptQueuesAndWithFollowWaitsForItsTurn() {
        ScriptedAgent agent = new ScriptedAgent();
        try (TestServer s = TestServer.start(p -> p.executor = agent)) {
            agent.server = s;
            Cli cli = Cli.of(s.url(), s.admin.token());
            String id = s.admin.createSession("/srv/app");
            runToEnd(s, id, "succeed");

            Cli.Result queued = cli.run("prompt", "--json", id, "chatty", "3");
            assertThat(queued.exitCode()).as(queued.toString()).isZero();
            String messageId = queued.json().path("messageId").asText();
            await().atMost(WAIT).until(() -> "completed".equals(statusOf(s.admin, id, messageId)));

            Cli.Result failed = cli.run("prompt", "--follow", id, "fail");
            assertThat(failed.exitCode()).as(failed.toString()).isEqualTo(ExitCodes.TURN_FAILED);
            assertThat(failed.out())
                    .startsWith("queued msg_")
                    .contains("› fail")
                    .contains("turn failed")
                    .doesNotContain("› succeed"); // only what came after the prompt
            assertThat(failed.err()).contains(ScriptedAgent.FAILURE);
        }
    }

    @Test
    void promptSendsAttachedFiles(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        ScriptedAgent agent = new ScriptedAgent();
        try (TestServer s = TestServer.start(p -> p.executor = agent)) {
            agent.server = s;
            Cli cli = Cli.of(s.url(), s.admin.token());
            String id = s.admin.createSession("/srv/app");
            java.nio.file.Path log = java.nio.file.Files.writeString(dir.resolve("build.log"), "BUILD FAILURE\n");

            Cli.Result queued = cli.run("prompt", "--json", "--attach", log.toString(), id, "chatty", "1");

            assertThat(queued.exitCode()).as(queued.toString()).isZero();
            JsonNode accepted = queued.json();
            assertThat(accepted.path("attachments")).singleElement().satisfies(a -> {
                assertThat(a.path("name").asText()).isEqualTo("build.log");
                assertThat(a.path("mediaType").asText()).isEqualTo("text/plain");
                assertThat(a.path("path").asText()).isEqualTo(".nightshift/attachments/build.log");
            });
            String messageId = accepted.path("messageId").asText();
            await().atMost(WAIT).until(() -> "completed".equals(statusOf(s.admin, id, messageId)));

            Cli.Result tooMany = cli.run(
                    "prompt",
                    id,
                    "--attach",
                    log.toString(),
                    "--attach",
                    log.toString(),
                    "--attach",
                    log.toString(),
                    "--attach",
                    log.toString(),
                    "--attach",
                    log.toString(),
                    "--attach",
                    log.toString(),
                    "--attach",
                    log.toString(),
                    "seven");
            assertThat(tooMany.exitCode()).as(tooMany.toString()).isEqualTo(ExitCodes.REFUSED);
            assertThat(tooMany.err()).contains("at most 6").contains("(HTTP 413)");
            assertThat(s.admin.get("/api/sessions/" + id + "/prompts").body().path("queue"))
                    .isEmpty();
        }
    }

    @Test
    void sessionsListsYourOwnAndAllListsEveryoneElsesToo() {
        try (TestServer s = TestServer.start(p -> p.executor = turn -> {})) {
            Cli cli = Cli.of(s.url(), s.admin.token());
            String mine = s.admin.createSession("/srv/mine");
            ApiClient.Response bob = s.admin.post("/api/users", Map.of("login", "bob"));
            String bobsToken = bob.body().path("token").path("token").asText();
            String theirs = s.client(bobsToken).createSession("/srv/theirs");

            Cli.Result own = cli.run("sessions");
            assertThat(own.exitCode()).as(own.toString()).isZero();
            assertThat(own.out())
                    .startsWith("ID")
                    .contains(mine)
                    .contains("/srv/mine")
                    .doesNotContain(theirs);

            Cli.Result all = cli.run("sessions", "--all", "--json");
            assertThat(all.json().path("sessions").findValuesAsText("id")).contains(mine, theirs);

            Cli.Result bobs = Cli.of(s.url(), bobsToken).run("sessions", "--all", "--json");
            assertThat(bobs.json().path("sessions").findValuesAsText("id")).containsExactly(theirs);
        }
    }
}
