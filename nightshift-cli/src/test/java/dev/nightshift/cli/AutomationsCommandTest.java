package dev.nightshift.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nightshift.server.testing.ApiClient;
import dev.nightshift.server.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code nightshift automations}: a schedule shows its next fires, pauses and resumes; a webhook's key
 * is printed once with a curl line that really starts a run; run-now reports (and follows) its session;
 * flags that do not go together are named before anything is sent.
 */
class AutomationsCommandTest {
    private static final ScriptedAgent AGENT = new ScriptedAgent();
    private static final Pattern CURL =
            Pattern.compile("curl -X POST (\\S+) -H \"Authorization: Bearer (nsw_\\S+)\" -H \"Content-Type: "
                    + "application/json\" -d '([^']*)'");
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
        AGENT.release.countDown();
        server.close();
    }

    private static String createdId(Cli.Result created) {
        assertThat(created.exitCode()).as(created.toString()).isZero();
        Matcher id = Pattern.compile("created (aut_\\S+)").matcher(created.out());
        assertThat(id.find()).as(created.out()).isTrue();
        return id.group(1);
    }

    private static JsonNode runOf(String automationId, String runId) {
        for (JsonNode run :
                cli.run("automations", "runs", automationId, "--json").json().path("runs")) {
            if (run.path("id").asText().equals(runId)) {
                return run;
            }
        }
        throw new AssertionError("no run " + runId);
    }

    @Test
    void aScheduleListsItsNextFiresPausesWithAReasonResumesAndIsDeleted() {
        String id = createdId(cli.run(
                "automations",
                "create",
                "--name",
                "weekday deps",
                "--repo",
                "/srv/app",
                "--prompt",
                "Update the dependencies",
                "--cron",
                "0 7 * * 1-5",
                "--timezone",
                "Europe/Paris"));

        Cli.Result listed = cli.run("automations", "list");
        assertThat(listed.out())
                .contains(id)
                .contains("weekday deps")
                .contains("schedule 0 7 * * 1-5 (Europe/Paris)")
                .containsPattern("(Mon|Tue|Wed|Thu|Fri) \\d{4}-\\d\\d-\\d\\d 07:00 CES?T")
                .contains("active");

        Cli.Result shown = cli.run("automations", "show", id);
        assertThat(shown.exitCode()).as(shown.toString()).isZero();
        assertThat(shown.out())
                .contains("Update the dependencies")
                .contains("runs: none yet")
                .doesNotContain("webhook URL");
        assertThat(shown.out().lines().filter(l -> l.contains(" 07:00 ")))
                .as("five next fires, each at 07:00 Paris time")
                .hasSize(5);

        Cli.Result paused = cli.run("automations", "pause", id, "--reason", "release freeze");
        assertThat(paused.exitCode()).as(paused.toString()).isZero();
        assertThat(paused.out()).contains("paused " + id).contains("release freeze");
        assertThat(cli.run("automations", "list").out()).contains("paused: release freeze (admin)");
        assertThat(cli.run("automations", "show", id).out())
                .as("a paused schedule has no next fires")
                .doesNotContain(" 07:00 ");
        Cli.Result again = cli.run("automations", "pause", id);
        assertThat(again.exitCode()).isEqualTo(ExitCodes.REFUSED);
        Cli.Result runPaused = cli.run("automations", "run", id);
        assertThat(runPaused.exitCode()).isEqualTo(ExitCodes.REFUSED);
        assertThat(runPaused.err()).contains("paused").contains("resume");

        Cli.Result resumed = cli.run("automations", "resume", id);
        assertThat(resumed.out()).contains("resumed " + id + "; next fire ");
        assertThat(cli.run("automations", "list", "--json")
                        .json()
                        .path("automations")
                        .toString())
                .contains(id)
                .contains("\"paused\":false");

        assertThat(cli.run("automations", "rm", id).out()).contains("deleted " + id);
        Cli.Result gone = cli.run("automations", "show", id);
        assertThat(gone.exitCode()).isEqualTo(ExitCodes.REFUSED);
        assertThat(gone.err()).contains("no automation " + id);
    }

    @Test
    void aWebhooksKeyIsPrintedOnceWithACurlLineThatStartsARunAndRotatingItRetiresTheOldKey() throws Exception {
        Cli.Result created = cli.run(
                "automations",
                "create",
                "--name",
                "alerts",
                "--repo",
                "/srv/app",
                "--prompt",
                "succeed",
                "--webhook",
                "--when",
                "$.level",
                "eq",
                "error",
                "--when",
                "$.count",
                "gte",
                "3",
                "--idempotency-key",
                "$.id");
        String id = createdId(created);
        assertThat(created.out()).contains("webhook, 2 conditions").contains("shown only now");
        Matcher curl = CURL.matcher(created.out());
        assertThat(curl.find()).as(created.out()).isTrue();
        String url = curl.group(1);
        String key = curl.group(2);
        assertThat(url).isEqualTo(server.url() + "/webhooks/automations/" + id);
        assertThat(curl.group(3)).isEqualTo("{\"level\":\"error\",\"count\":3}");

        JsonNode shown = cli.run("automations", "show", id, "--json").json();
        assertThat(shown.path("trigger").path("conditions").get(1).path("value").isNumber())
                .as("a VALUE that is JSON is sent as JSON")
                .isTrue();
        assertThat(cli.run("automations", "show", id).out())
                .containsPattern("when +\\$\\.level eq \"error\"\n")
                .containsPattern("dedupe on +\\$\\.id\n")
                .containsPattern("webhook URL +" + Pattern.quote(url))
                .doesNotContain(key);
        assertThat(cli.run("automations", "list", "--json").out()).doesNotContain(key);

        // the printed example, sent as printed
        HttpResponse<String> delivered = deliver(url, key, curl.group(3));
        assertThat(delivered.statusCode()).as(delivered.body()).isEqualTo(202);
        String runId =
                NightshiftApi.JSON.readTree(delivered.body()).path("runId").asText();
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() ->
                        assertThat(runOf(id, runId).path("status").asText()).isEqualTo("succeeded"));
        Cli.Result runs = cli.run("automations", "runs", id);
        assertThat(runs.out())
                .contains(runId)
                .contains("succeeded")
                .contains(ScriptedAgent.PR_URL)
                .containsPattern("ses_\\S+");

        Cli.Result rotated = cli.run("automations", "rotate-key", id);
        assertThat(rotated.exitCode()).as(rotated.toString()).isZero();
        Matcher newCurl = CURL.matcher(rotated.out());
        assertThat(newCurl.find()).as(rotated.out()).isTrue();
        assertThat(newCurl.group(2)).isNotEqualTo(key);
        assertThat(deliver(url, key, "{\"id\":\"x\"}").statusCode()).isEqualTo(401);
        assertThat(deliver(url, newCurl.group(2), "{\"id\":\"x\",\"level\":\"info\"}")
                        .statusCode())
                .isEqualTo(202);
        Cli.Result unmatched = cli.run("automations", "runs", id, "--limit", "1");
        assertThat(unmatched.out()).contains("unmatched").contains("$.level");
        assertThat(unmatched.err()).contains("--before run_");
        cli.run("automations", "rm", id);
    }

    @Test
    void runNowPrintsTheSessionFollowsItAndSaysWhyARunWasSkipped() throws Exception {
        String id = createdId(cli.run(
                "automations",
                "create",
                "--name",
                "now",
                "--repo",
                "/srv/app",
                "--prompt",
                "succeed",
                "--cron",
                "0 3 * * *",
                "--timezone",
                "UTC"));
        Cli.Result followed = cli.run("automations", "run", id, "--follow");
        assertThat(followed.exitCode()).as(followed.toString()).isZero();
        assertThat(followed.out())
                .containsPattern("run run_\\S+ started session ses_\\S+  " + server.url() + "/sessions/ses_")
                .contains("Fixed it.")
                .contains("turn completed")
                .contains("PR       " + ScriptedAgent.PR_URL);

        Cli.Result json = cli.run("automations", "run", id, "--json");
        assertThat(json.exitCode()).as(json.toString()).isZero();
        String sessionId = json.json().path("sessionId").asText();
        assertThat(sessionId).startsWith("ses_");
        JsonNode origin = server.admin.get("/api/sessions/" + sessionId).body().path("origin");
        assertThat(origin.path("automationId").asText()).isEqualTo(id);
        cli.run("automations", "rm", id);

        String waiting = createdId(cli.run(
                "automations",
                "create",
                "--name",
                "slow",
                "--repo",
                "/srv/app",
                "--prompt",
                "wait",
                "--cron",
                "30 3 * * *",
                "--timezone",
                "UTC"));
        Cli.Result first = cli.run("automations", "run", waiting);
        assertThat(first.exitCode()).as(first.toString()).isZero();
        String firstSession =
                first.out().replaceAll("(?s).*session (ses_\\S+).*", "$1").strip();
        assertThat(AGENT.started.await(30, java.util.concurrent.TimeUnit.SECONDS))
                .isTrue();
        Cli.Result skipped = cli.run("automations", "run", waiting);
        assertThat(skipped.exitCode()).as(skipped.toString()).isEqualTo(ExitCodes.REFUSED);
        assertThat(skipped.err()).contains("skipped").contains(firstSession);
        AGENT.release.countDown();
    }

    @Test
    void flagsThatDoNotGoTogetherAreNamedBeforeAnythingIsSent() throws Exception {
        int before = server.admin
                .get("/api/automations?all=true")
                .body()
                .path("automations")
                .size();
        String[] base = {"automations", "create", "--name", "x", "--repo", "/srv/app", "--prompt", "p"};
        Map<String, String[]> wrong = Map.of(
                "pick one trigger",
                new String[] {},
                "pick one trigger ",
                new String[] {"--webhook", "--cron", "0 7 * * *", "--timezone", "UTC"},
                "--cron needs --timezone",
                new String[] {"--cron", "0 7 * * *"},
                "--secret-file does not go with --webhook",
                new String[] {"--webhook", "--secret-file", "s.txt"},
                "--when does not go with --cron",
                new String[] {"--cron", "0 7 * * *", "--timezone", "UTC", "--when", "$.a", "eq", "b"},
                "--signed needs --signature-header",
                new String[] {"--signed", "--secret-file", "-"},
                "--sentry needs --secret-file",
                new String[] {"--sentry"},
                "--timezone does not go with --webhook",
                new String[] {"--webhook", "--timezone", "UTC"});
        for (Map.Entry<String, String[]> c : wrong.entrySet()) {
            String[] args = java.util.stream.Stream.concat(
                            java.util.Arrays.stream(base), java.util.Arrays.stream(c.getValue()))
                    .toArray(String[]::new);
            Cli.Result r = cli.runWithInput("a-shared-secret-of-enough-length", args);
            assertThat(r.exitCode()).as(c.getKey() + ": " + r).isEqualTo(ExitCodes.USAGE);
            assertThat(r.err()).as(r.toString()).contains(c.getKey().strip());
        }
        Cli.Result twoPrompts = cli.run(
                "automations",
                "create",
                "--name",
                "x",
                "--repo",
                "/srv/app",
                "--prompt",
                "p",
                "--prompt-file",
                "-",
                "--webhook");
        assertThat(twoPrompts.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(twoPrompts.err()).contains("--prompt TEXT or --prompt-file FILE");

        assertThat(AutomationCreateCommand.value("3").isNumber()).isTrue();
        assertThat(AutomationCreateCommand.value("\"3\"").asText()).isEqualTo("3");
        assertThat(AutomationCreateCommand.value("true").isBoolean()).isTrue();
        assertThat(AutomationCreateCommand.value("3 apples").asText())
                .as("text after a number makes it text")
                .isEqualTo("3 apples");
        assertThat(AutomationCreateCommand.value("error").asText()).isEqualTo("error");

        // the server's own check, in its words
        Cli.Result everyFive = cli.run(
                "automations",
                "create",
                "--name",
                "x",
                "--repo",
                "/srv/app",
                "--prompt",
                "p",
                "--cron",
                "*/5 * * * *",
                "--timezone",
                "UTC");
        assertThat(everyFive.exitCode()).isEqualTo(ExitCodes.REFUSED);
        assertThat(everyFive.err()).contains("the minimum is 15");
        assertThat(server.admin
                        .get("/api/automations?all=true")
                        .body()
                        .path("automations")
                        .size())
                .isEqualTo(before);
    }

    @Test
    void aSentryAutomationTakesItsSecretFromStandardInputAndNeverPrintsIt() {
        String secret = "sentry-client-secret-0123456789";
        Cli.Result created = cli.runWithInput(
                secret + "\n",
                "automations",
                "create",
                "--name",
                "sentry",
                "--repo",
                "/srv/app",
                "--prompt",
                "Investigate {{ $.data.event.title }}",
                "--sentry",
                "--secret-file",
                "-",
                "--when",
                "$.data.event.level",
                "eq",
                "error");
        String id = createdId(created);
        assertThat(created.out())
                .contains("signed (sentry), 1 condition")
                .contains("Sentry-Hook-Signature")
                .contains("/webhooks/automations/" + id)
                .doesNotContain("nsw_")
                .doesNotContain(secret);
        assertThat(cli.run("automations", "show", id).out())
                .containsPattern("signature +Sentry-Hook-Signature\n")
                .containsPattern("delivery id +Request-ID\n")
                .doesNotContain(secret);
        Cli.Result rotate = cli.run("automations", "rotate-key", id);
        assertThat(rotate.exitCode()).isEqualTo(ExitCodes.REFUSED);
        assertThat(rotate.err()).contains("only a webhook automation has a key");
        cli.run("automations", "rm", id);
    }

    @Test
    void everyonesAutomationsAreForAdministratorsOnly() {
        ApiClient.Response made = server.admin.post("/api/users", Map.of("login", "cleo-cli"));
        String token = made.body().path("token").path("token").asText();
        Cli cleo = Cli.of(server.url(), token);
        String id = createdId(cleo.run(
                "automations", "create", "--name", "cleo's", "--repo", "/srv/app", "--prompt", "p", "--webhook"));
        Cli.Result all = cleo.run("automations", "list", "--all");
        assertThat(all.exitCode()).isEqualTo(ExitCodes.AUTH);
        assertThat(all.err()).contains("only administrators");
        assertThat(cli.run("automations", "list").out()).doesNotContain(id);
        assertThat(cli.run("automations", "list", "--all").out()).contains(id).contains("cleo-cli");
        assertThat(cleo.run("automations", "rm", id).exitCode()).isZero();
    }

    private static HttpResponse<String> deliver(String url, String key, String body) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(url))
                                .header("Authorization", "Bearer " + key)
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }
}
