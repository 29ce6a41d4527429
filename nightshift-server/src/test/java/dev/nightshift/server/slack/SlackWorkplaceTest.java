package dev.nightshift.server.slack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nightshift.core.sandbox.Sandbox;
import dev.nightshift.github.fake.GitHubFake;
import dev.nightshift.server.testing.ApiClient;
import dev.nightshift.server.testing.GitHubRepo;
import dev.nightshift.server.testing.TestServer;
import dev.nightshift.slack.fake.SlackFake;
import dev.nightshift.slack.fake.SlackPayloads;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Slack end to end: the Slack fake (Web API and a Socket Mode WebSocket) for the chat, the GitHub fake
 * and a real git smart-HTTP server for the repository, a real Nightshift with real sandboxes, and
 * signed Events API requests modelled on Slack's. The agent is a scripted executor that writes its
 * prompt to a file, so its turns commit, push and open a pull request.
 */
class SlackWorkplaceTest {
    static final String SECRET = SlackDoors.SECRET;
    static final String CHANNEL = "C0ENG";

    @TempDir
    Path dir;

    SlackFake slack;
    GitHubFake github;
    GitHubRepo repo;
    TestServer server;
    SlackDoors doors;
    final List<String> prompts = new CopyOnWriteArrayList<>();
    /** Runs at the start of every turn, on its thread: a test holds the turn back until Slack has been tried. */
    volatile Runnable beforeTurn = () -> {};

    ApiClient ada;

    @BeforeEach
    void setUp() throws Exception {
        slack = SlackFake.start();
        slack.addUser("U0ADA", "ada@example.com");
        slack.addUser("U0NEW", "newcomer@example.com");
        slack.addUser("U0ADB", "ada@example.com"); // Ada's second Slack account, not linked yet
        slack.addUser("U0EVE", "eve@elsewhere.org");
        repo = GitHubRepo.start(dir, 42);
        github = repo.github();
        Map<String, String> settings = new HashMap<>(SlackDoors.settings(slack));
        settings.put("NIGHTSHIFT_GITHUB_API_URL", github.apiUrl().toString());
        settings.put("NIGHTSHIFT_GITHUB_WEB_URL", github.webUrl().toString());
        settings.put("NIGHTSHIFT_GIT_INTERNAL_HOSTS", "127.0.0.1");
        settings.put("NIGHTSHIFT_SLACK_APP_TOKEN", slack.appToken());
        settings.put("NIGHTSHIFT_ADMIT_DOMAINS", "example.com");
        settings.put(
                "NIGHTSHIFT_SLACK_CHANNEL_REPOSITORIES",
                CHANNEL + "=" + github.webUrl() + "/acme/app.git;D0ADA=" + github.webUrl() + "/acme/app.git;D0NEW="
                        + github.webUrl() + "/acme/app.git");
        server = TestServer.start(settings, p -> {
            p.sandboxes = true;
            p.executor = turn -> {
                beforeTurn.run();
                prompts.add(turn.message().content());
                Sandbox sandbox = turn.sandbox();
                sandbox.writeFile(
                        "notes/turn-" + prompts.size() + ".txt",
                        turn.message().content().getBytes(StandardCharsets.UTF_8));
            };
        });
        doors = new SlackDoors(server.url());
        ada = repo.addAda(server);
        ApiClient.Response linked = server.admin.put(
                "/api/users/ada/identities",
                Map.of("kind", "slack", "issuer", SlackFake.TEAM_ID, "subject", "U0ADA", "login", "ada"));
        assertThat(linked.status()).as(linked.raw()).isIn(200, 201);
    }

    @AfterEach
    void tearDown() {
        server.close();
        github.close();
        slack.close();
    }

    HttpResponse<String> post(String body, long timestamp, String secret) throws Exception {
        return doors.event(body, timestamp, secret);
    }

    HttpResponse<String> post(String body) throws Exception {
        return doors.event(body);
    }

    @Test
    void aChannelMentionEndsWithTheStatusMessageEditedAndThePullRequestAndAThreadReplyIsASecondTurn() throws Exception {
        String ts = "1733400000.000100";
        HttpResponse<String> mention = post(SlackPayloads.appMention(
                CHANNEL,
                "U0ADA",
                "<@" + SlackFake.BOT_USER_ID + "> add a note about the search page",
                ts,
                null,
                "Ev001"));
        assertThat(mention.statusCode()).as(mention.body()).isEqualTo(200);
        assertThat(mention.body()).contains("started");
        // the reaction is added after the acknowledgement
        await().atMost(Duration.ofSeconds(10))
                .until(() -> slack.reactions(CHANNEL, ts).contains("eyes"));
        // Slack retries an event it thinks was not acknowledged: the retry changes nothing
        assertThat(post(SlackPayloads.appMention(
                                CHANNEL,
                                "U0ADA",
                                "<@" + SlackFake.BOT_USER_ID + "> add a note about the search page",
                                ts,
                                null,
                                "Ev001"))
                        .body())
                .contains("duplicate");

        await().atMost(Duration.ofSeconds(90))
                .untilAsserted(() -> assertThat(slack.updates(CHANNEL))
                        .anySatisfy(u -> assertThat(u.text()).contains("/pull/")));
        SlackFake.PostedMessage status = slack.messages(CHANNEL).stream()
                .filter(m -> ts.equals(m.threadTs()))
                .findFirst()
                .orElseThrow();
        // posted while the turn ran, with a Stop button; now the final state, with the pull request
        assertThat(slack.calls("chat.postMessage").getFirst().params().toString())
                .contains("nightshift_stop");
        assertThat(status.blocks()).contains("/pull/").doesNotContain("nightshift_stop");
        assertThat(slack.updates(CHANNEL)).allSatisfy(u -> assertThat(u.ts()).isEqualTo(status.ts()));
        assertThat(prompts.getFirst()).isEqualTo("add a note about the search page");
        assertThat(github.pullRequests("acme/app"))
                .singleElement()
                .satisfies(pr -> assertThat(pr.author()).isEqualTo("ada"));

        HttpResponse<String> reply = post(SlackPayloads.message(
                CHANNEL, "channel", "U0ADA", "and link it from the footer", "1733400100.000200", ts, "Ev002"));
        assertThat(reply.body()).contains("follow-up");
        await().atMost(Duration.ofSeconds(90)).until(() -> prompts.size() == 2);
        assertThat(prompts.getLast()).isEqualTo("and link it from the footer");
        // the app's own message in the thread is never answered
        assertThat(post(SlackPayloads.ownMessage(CHANNEL, "channel", "Working…", "1733400200.000300", "Ev003"))
                        .body())
                .contains("ignored");
    }

    @Test
    void aDirectMessageOverSocketModeEndsWithThePullRequestAndSomeoneAdmittedByEmailIsLinkedOnFirstContact() {
        await().atMost(Duration.ofSeconds(20)).until(() -> slack.openConnections() > 0);
        slack.pushEventsApi(SlackPayloads.message(
                "D0ADA", "im", "U0ADA", "fix the typo on the login page", "1733400300.000100", null, "Ev010"));
        await().atMost(Duration.ofSeconds(90)).until(() -> prompts.size() == 1);
        assertThat(prompts.getFirst()).isEqualTo("fix the typo on the login page");
        assertThat(slack.acks()).isNotEmpty();
        // the status message in the direct message's thread, edited in place, ends with the pull request
        await().atMost(Duration.ofSeconds(90))
                .untilAsserted(() -> assertThat(slack.updates("D0ADA"))
                        .anySatisfy(u -> assertThat(u.text()).contains("/pull/")));
        SlackFake.PostedMessage status = slack.messages("D0ADA").stream()
                .filter(m -> "1733400300.000100".equals(m.threadTs()))
                .findFirst()
                .orElseThrow();
        assertThat(slack.updates("D0ADA")).allSatisfy(u -> assertThat(u.ts()).isEqualTo(status.ts()));

        // someone Slack knows by an admitted, confirmed address is linked on first contact
        slack.pushEventsApi(
                SlackPayloads.message("D0NEW", "im", "U0NEW", "tidy the footer", "1733400310.000100", null, "Ev011"));
        await().atMost(Duration.ofSeconds(90)).until(() -> prompts.size() == 2);
        assertThat(prompts.getLast()).isEqualTo("tidy the footer");
        assertThat(server.admin.get("/api/users").raw()).contains("newcomer");
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(slack.messages("D0NEW"))
                        .anySatisfy(m -> assertThat(m.threadTs()).isEqualTo("1733400310.000100")));
    }

    @Test
    void aFirstContactWithTheAddressOfAnExistingUserRunsAsThatUser() throws Exception {
        HttpResponse<String> mention = post(SlackPayloads.appMention(
                CHANNEL,
                "U0ADB",
                "<@" + SlackFake.BOT_USER_ID + "> fix the favicon",
                "1733400900.000100",
                null,
                "Ev060"));
        assertThat(mention.body()).contains("accepted");
        await().atMost(Duration.ofSeconds(90)).until(() -> prompts.size() == 1);
        assertThat(server.admin.get("/api/users/ada/identities").raw()).contains("U0ADB");
        assertThat(server.admin.get("/api/users").raw()).doesNotContain("ada-2");
        await().atMost(Duration.ofSeconds(90))
                .untilAsserted(() -> assertThat(github.pullRequests("acme/app"))
                        .singleElement()
                        .satisfies(pr -> assertThat(pr.author()).isEqualTo("ada")));
    }

    @Test
    void strangersGetAnEphemeralMessageAndForgedOrStaleRequestsAreRefused() throws Exception {
        String mention = SlackPayloads.appMention(
                CHANNEL,
                "U0EVE",
                "<@" + SlackFake.BOT_USER_ID + "> delete the database",
                "1733400400.000100",
                null,
                "Ev020");
        HttpResponse<String> refused = post(mention);
        // acknowledged at once; who Eve is gets looked up afterwards, and she is told how to connect
        assertThat(refused.statusCode()).isEqualTo(200);
        assertThat(refused.body()).contains("accepted");
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(slack.ephemerals()).anySatisfy(e -> {
                    assertThat(e.user()).isEqualTo("U0EVE");
                    assertThat(e.text()).contains("Nightshift account");
                }));
        assertThat(server.admin.get("/api/sessions").raw()).doesNotContain("delete the database");
        // the ephemeral message holds a one-time link that connects the Slack account to whoever opens it
        String text = slack.ephemerals().getLast().text();
        String code = text.substring(text.indexOf("/connect#") + 9).split("\\s")[0];
        ApiClient.Response eve = server.admin.post("/api/users", Map.of("login", "eve"));
        ApiClient asEve = server.client(eve.body().path("token").path("token").asText());
        ApiClient.Response connected = asEve.post("/api/me/identities/slack", Map.of("code", code));
        assertThat(connected.status()).as(connected.raw()).isEqualTo(200);
        assertThat(asEve.post("/api/me/identities/slack", Map.of("code", code)).status())
                .isEqualTo(400);
        assertThat(server.admin.get("/api/users/eve/identities").raw()).contains("U0EVE");
        HttpResponse<String> again = post(SlackPayloads.appMention(
                CHANNEL,
                "U0EVE",
                "<@" + SlackFake.BOT_USER_ID + "> tidy the README",
                "1733400500.000100",
                null,
                "Ev021"));
        assertThat(again.body()).contains("started");

        assertThat(post(mention, Instant.now().getEpochSecond() - 600, SECRET).statusCode())
                .isEqualTo(401);
        assertThat(post(mention, Instant.now().getEpochSecond(), "not-the-secret")
                        .statusCode())
                .isEqualTo(401);
    }

    HttpResponse<String> command(String user, String channel, String text) throws Exception {
        return doors.command(user, channel, text);
    }

    @Test
    void aSlashCommandSetsTheChannelsDefaultRepositoryForLaterRequests() throws Exception {
        String repository = github.webUrl() + "/acme/app.git";
        assertThat(command("U0ADA", "C0OTHER", "repo").body()).contains("no default repository");
        assertThat(command("U0EVE", "C0OTHER", "repo " + repository).body())
                .contains("Only people with a Nightshift account");
        HttpResponse<String> set = command("U0ADA", "C0OTHER", "repo " + repository);
        assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
        assertThat(set.body()).contains("ephemeral").contains("now work on " + repository);
        assertThat(command("U0ADA", "C0OTHER", "repo").body()).contains(repository);
        assertThat(command("U0ADA", "C0OTHER", "help").body()).contains("Usage");

        HttpResponse<String> mention = post(SlackPayloads.appMention(
                "C0OTHER",
                "U0ADA",
                "<@" + SlackFake.BOT_USER_ID + "> bump the version",
                "1733400600.000100",
                null,
                "Ev030"));
        assertThat(mention.body()).contains("started");
        await().atMost(Duration.ofSeconds(90)).until(() -> prompts.size() == 1);
        assertThat(server.admin
                        .get("/api/audit?action=slack.channel_repository")
                        .raw())
                .contains(repository);
    }

    @Test
    void slackDownWhenTheSessionStartsDoesNotStopItAndTheOutcomeIsPostedWhenSlackIsBack() throws Exception {
        // every try of the first status message fails (three tries, with backoff); the session runs anyway
        slack.failNext("chat.postMessage", dev.nightshift.slack.SlackClient.MAX_ATTEMPTS, 503);
        // the turn may end while the status message is still being tried (backoff): its end waits for the
        // post to succeed or give up, so no stale "working" message follows the outcome
        String ts = "1733400800.000100";
        HttpResponse<String> mention = post(SlackPayloads.appMention(
                CHANNEL, "U0ADA", "<@" + SlackFake.BOT_USER_ID + "> add a changelog entry", ts, null, "Ev050"));
        assertThat(mention.body()).contains("started");
        await().atMost(Duration.ofSeconds(90)).until(() -> prompts.size() == 1);
        await().atMost(Duration.ofSeconds(90))
                .untilAsserted(() -> assertThat(slack.messages(CHANNEL)).anySatisfy(m -> {
                    assertThat(m.threadTs()).isEqualTo(ts);
                    assertThat(m.text()).contains("/pull/");
                }));
        assertThat(slack.calls("chat.postMessage")).hasSize(dev.nightshift.slack.SlackClient.MAX_ATTEMPTS + 1);
        assertThat(slack.messages(CHANNEL).stream().filter(m -> ts.equals(m.threadTs())))
                .singleElement()
                .satisfies(m -> assertThat(m.text()).contains("/pull/"));
    }

    @Test
    void aSlashCommandOverSocketModeIsAnsweredInItsAcknowledgement() {
        await().atMost(Duration.ofSeconds(20)).until(() -> slack.openConnections() > 0);
        String repository = github.webUrl() + "/acme/app.git";
        String envelope = slack.pushSlashCommand(SlackPayloads.slashCommand("C0SOCKET", "U0ADA", "repo " + repository));
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(slack.acks()).anySatisfy(a -> {
                    assertThat(a.envelopeId()).isEqualTo(envelope);
                    assertThat(a.payload()).contains("ephemeral").contains("now work on " + repository);
                }));
        String unlinked = slack.pushSlashCommand(SlackPayloads.slashCommand("C0SOCKET", "U0EVE", "repo " + repository));
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(slack.acks()).anySatisfy(a -> {
                    assertThat(a.envelopeId()).isEqualTo(unlinked);
                    assertThat(a.payload()).contains("Only people with a Nightshift account");
                }));
        assertThat(server.admin
                        .get("/api/audit?action=slack.channel_repository")
                        .raw())
                .contains("C0SOCKET");
    }

    @Test
    void forgedCommandsAndInteractionsAreRefusedAndTheConnectRouteChecksWhoAsks() throws Exception {
        String form = "team_id=" + SlackFake.TEAM_ID + "&channel_id=C0X&user_id=U0ADA&command=%2Fnightshift&text=repo";
        for (String path : List.of("/webhooks/slack/commands", "/webhooks/slack/interactivity")) {
            HttpResponse<String> forged = doors.post(
                    path,
                    "application/x-www-form-urlencoded",
                    form,
                    Instant.now().getEpochSecond(),
                    "not-the-secret");
            assertThat(forged.statusCode()).as(path).isEqualTo(401);
            assertThat(forged.body()).contains("refused");
        }
        assertThat(server.admin
                        .get("/api/audit?action=slack.channel_repository")
                        .raw())
                .doesNotContain("C0X");

        ApiClient anonymous = server.client(null);
        assertThat(anonymous
                        .post("/api/me/identities/slack", Map.of("code", "nsc_x"))
                        .status())
                .isEqualTo(401);
        ApiClient.Response readOnlyToken = ada.post(
                "/api/tokens", Map.of("name", "dashboard", "scopes", List.of("sessions:read"), "expiresInDays", 1));
        ApiClient dashboard = server.client(readOnlyToken.body().path("token").asText());
        assertThat(dashboard
                        .post("/api/me/identities/slack", Map.of("code", "nsc_x"))
                        .status())
                .isEqualTo(403);
        ApiClient.Response tooBig = ada.post("/api/me/identities/slack", Map.of("code", "x".repeat(5000)));
        assertThat(tooBig.status()).as(tooBig.raw()).isEqualTo(413);
        ApiClient.Response unknown = ada.post("/api/me/identities/slack", Map.of("code", "nsc_unknown"));
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.raw()).contains("mention the app in Slack again");
    }

    @Test
    void aRequestThatNamesNoRepositoryGetsAPickerOfRecentOnesAndThePickStartsIt() throws Exception {
        String repository = github.webUrl() + "/acme/app.git";
        ada.createSession(repository); // a recent repository of Ada's
        HttpResponse<String> mention = post(SlackPayloads.appMention(
                "C0NODEFAULT",
                "U0ADA",
                "<@" + SlackFake.BOT_USER_ID + "> fix the footer",
                "1733400700.000100",
                null,
                "Ev040"));
        assertThat(mention.body()).contains("asking which repository");
        await().atMost(Duration.ofSeconds(10)).until(() -> !slack.ephemerals().isEmpty());
        SlackFake.Ephemeral picker = slack.ephemerals().getLast();
        assertThat(picker.user()).isEqualTo("U0ADA");
        JsonNode button =
                ApiClient.JSON.readTree(picker.blocks()).get(1).path("elements").get(0);
        String value = button.path("value").asText();
        assertThat(value).endsWith(" " + repository);

        HttpResponse<String> picked =
                doors.interaction(SlackPayloads.repositoryPicked("C0NODEFAULT", "1733400700.000100", "U0ADA", value));
        assertThat(picked.body()).as(picked.body()).contains("started");
        await().atMost(Duration.ofSeconds(90)).until(() -> prompts.size() == 1);
        assertThat(prompts.getFirst()).isEqualTo("fix the footer");
    }
}
