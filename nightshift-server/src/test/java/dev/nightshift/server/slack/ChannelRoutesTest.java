package dev.nightshift.server.slack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nightshift.server.testing.ApiClient;
import dev.nightshift.server.testing.TestServer;
import dev.nightshift.slack.fake.SlackFake;
import dev.nightshift.slack.fake.SlackPayloads;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Slack channels' default repositories over the API: administrators set and remove them, everyone
 * signed in lists them, refusals change nothing, and a mention in the channel works on the default
 * set here. A real server with Slack pointed at the Slack fake; sandboxes are off, the executor only
 * notes which repository each turn's session works on.
 */
class ChannelRoutesTest {
    static final String TEAM = SlackFake.TEAM_ID;
    /** As stored: the request grammar drops a github.com URL's {@code .git}. */
    static final String APP = "https://github.com/acme/app";

    static final String API = "https://github.com/acme/api";

    static SlackFake slack;
    static TestServer server;
    static ApiClient admin;
    static ApiClient ada;
    static final List<String> worked = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() {
        slack = SlackFake.start();
        slack.addUser("U0ADA", "ada@example.com");
        Map<String, String> settings = new HashMap<>(SlackDoors.settings(slack));
        settings.put("NIGHTSHIFT_REPOSITORY_ALLOW", "github.com/acme/*");
        settings.put("NIGHTSHIFT_SLACK_CHANNEL_REPOSITORIES", "C0LEGACY=https://github.com/acme/legacy.git");
        server = TestServer.start(
                settings, p -> p.executor = turn -> worked.add(turn.session().repository()));
        admin = server.admin;
        ApiClient.Response created = admin.post("/api/users", Map.of("login", "ada", "email", "ada@example.com"));
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        ada = server.client(created.body().path("token").path("token").asText());
        ApiClient.Response linked = admin.put(
                "/api/users/ada/identities",
                Map.of("kind", "slack", "issuer", TEAM, "subject", "U0ADA", "login", "ada"));
        assertThat(linked.status()).as(linked.raw()).isIn(200, 201);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (slack != null) {
            slack.close();
        }
    }

    static String path(String team, String channel) {
        return "/api/channels/slack/" + team + "/" + channel;
    }

    /** The listed channel {@code channel}, or null. */
    static JsonNode listed(ApiClient client, String channel) {
        ApiClient.Response list = client.get("/api/channels");
        assertThat(list.status()).as(list.raw()).isEqualTo(200);
        for (JsonNode c : list.body().path("channels")) {
            if (c.path("channel").asText().equals(channel)) {
                return c;
            }
        }
        return null;
    }

    @Test
    void anAdministratorSetsReplacesAndRemovesAChannelsDefaultAndEveryoneSignedInSeesIt() {
        ApiClient.Response set = admin.put(path(TEAM, "C0ROUND"), Map.of("repository", APP + ".git"));
        assertThat(set.status()).as(set.raw()).isEqualTo(200);
        assertThat(set.text("repository")).isEqualTo(APP);
        assertThat(set.text("setBy")).isEqualTo("admin");

        JsonNode seen = listed(ada, "C0ROUND");
        assertThat(seen).isNotNull();
        assertThat(seen.path("team").asText()).isEqualTo(TEAM);
        assertThat(seen.path("repository").asText()).isEqualTo(APP);
        assertThat(seen.path("source").asText()).isEqualTo("set");
        assertThat(seen.path("setBy").asText()).isEqualTo("admin");
        assertThat(seen.path("setAt").asText()).isNotEmpty().isEqualTo(set.text("setAt"));
        // the deployment's setting is listed too, as such
        JsonNode legacy = listed(ada, "C0LEGACY");
        assertThat(legacy.path("source").asText()).isEqualTo("setting");
        assertThat(legacy.path("repository").asText()).isEqualTo("https://github.com/acme/legacy.git");
        assertThat(legacy.has("team")).as("a setting names channels only").isFalse();

        // owner/name is read as the slash command reads it
        ApiClient.Response replaced = admin.put(path(TEAM, "C0ROUND"), Map.of("repository", "acme/api"));
        assertThat(replaced.status()).as(replaced.raw()).isEqualTo(200);
        assertThat(listed(admin, "C0ROUND").path("repository").asText()).isEqualTo(API);
        assertThat(server.server.store().channelDefaults().repository("slack", TEAM, "C0ROUND"))
                .contains(API);

        assertThat(admin.delete(path(TEAM, "C0ROUND")).status()).isEqualTo(204);
        assertThat(listed(ada, "C0ROUND")).isNull();
        assertThat(admin.delete(path(TEAM, "C0ROUND")).status()).isEqualTo(404);

        String audit = admin.get("/api/audit?action=slack.channel_repository").raw();
        assertThat(audit).contains(TEAM + "/C0ROUND").contains(APP);
        assertThat(admin.get("/api/audit?action=slack.channel_repository_removed")
                        .raw())
                .contains(TEAM + "/C0ROUND");
    }

    @Test
    void refusedRequestsSayWhyAndChangeNothing() {
        String channel = path(TEAM, "C0REFUSE");
        ApiClient.Response byAda = ada.put(channel, Map.of("repository", APP));
        assertThat(byAda.status()).isEqualTo(403);
        assertThat(byAda.errorMessage()).contains("administrators");
        assertThat(ada.delete(channel).status()).isEqualTo(403);

        ApiClient nobody = server.client(null);
        assertThat(nobody.get("/api/channels").status()).isEqualTo(401);
        assertThat(nobody.put(channel, Map.of("repository", APP)).status()).isEqualTo(401);
        assertThat(nobody.delete(channel).status()).isEqualTo(401);

        ApiClient.Response badChannel = admin.put(path(TEAM, "C0_BAD"), Map.of("repository", APP));
        assertThat(badChannel.status()).isEqualTo(400);
        assertThat(badChannel.errorMessage()).contains("not a Slack channel id");
        assertThat(admin.put(path(TEAM, "C" + "0".repeat(32)), Map.of("repository", APP))
                        .status())
                .isEqualTo(400);
        assertThat(admin.put(path("T0-BAD", "C0REFUSE"), Map.of("repository", APP))
                        .errorMessage())
                .contains("not a Slack team id");

        ApiClient.Response disallowed = admin.put(channel, Map.of("repository", "https://github.com/evil/app.git"));
        assertThat(disallowed.status()).isEqualTo(400);
        assertThat(disallowed.errorMessage()).contains("not_allowlisted").contains("NIGHTSHIFT_REPOSITORY_ALLOW");
        assertThat(admin.get("/api/audit?action=slack.channel_repository").raw())
                .contains("refused")
                .contains("NOT_ALLOWLISTED");
        ApiClient.Response notAUrl = admin.put(channel, Map.of("repository", "/srv/app"));
        assertThat(notAUrl.status()).isEqualTo(400);
        assertThat(notAUrl.errorMessage()).contains("git URL");
        assertThat(admin.put(channel, Map.of()).errorMessage()).contains("'repository' is required");
        assertThat(admin.put(channel, Map.of("repository", APP, "team", "T1")).status())
                .isEqualTo(400);

        ApiClient.Response tooLarge = admin.put(channel, Map.of("repository", APP + "?" + "x".repeat(5 * 1024)));
        assertThat(tooLarge.status()).isEqualTo(413);

        assertThat(admin.delete(path(TEAM, "C0NEVERSET")).status()).isEqualTo(404);
        ApiClient.Response fromSetting = admin.delete(path(TEAM, "C0LEGACY"));
        assertThat(fromSetting.status()).isEqualTo(404);
        assertThat(fromSetting.errorMessage()).contains("NIGHTSHIFT_SLACK_CHANNEL_REPOSITORIES");

        // an administrator's token without the admin scope, and a token that may not read
        ApiClient narrowAdmin = server.client(token(admin, List.of("sessions:read")));
        assertThat(narrowAdmin.get("/api/channels").status()).isEqualTo(200);
        assertThat(narrowAdmin.put(channel, Map.of("repository", APP)).status()).isEqualTo(403);
        ApiClient accountOnly = server.client(token(ada, List.of("account")));
        assertThat(accountOnly.get("/api/channels").errorMessage()).contains("sessions:read");

        assertThat(listed(admin, "C0REFUSE")).isNull();
        assertThat(server.server.store().channelDefaults().list("slack"))
                .noneMatch(d -> d.channel().equals("C0REFUSE"));
    }

    @Test
    void aMentionInTheChannelWorksOnTheDefaultSetThroughTheApi() throws Exception {
        SlackDoors doors = new SlackDoors(server.url());
        HttpResponse<String> before = doors.event(SlackPayloads.appMention(
                "C0VIAAPI",
                "U0ADA",
                "<@" + SlackFake.BOT_USER_ID + "> bump the version",
                "1733500000.000100",
                null,
                "EvApi1"));
        assertThat(before.body())
                .as("no default yet: Slack asks which repository")
                .contains("asking which repository");

        assertThat(admin.put(path(TEAM, "C0VIAAPI"), Map.of("repository", API + ".git"))
                        .status())
                .isEqualTo(200);
        HttpResponse<String> mention = doors.event(SlackPayloads.appMention(
                "C0VIAAPI",
                "U0ADA",
                "<@" + SlackFake.BOT_USER_ID + "> bump the version",
                "1733500100.000100",
                null,
                "EvApi2"));
        assertThat(mention.statusCode()).as(mention.body()).isEqualTo(200);
        assertThat(mention.body()).contains("started");
        await().atMost(Duration.ofSeconds(60)).until(() -> !worked.isEmpty());
        assertThat(worked).containsExactly(API);
        assertThat(ada.get("/api/sessions?mine=true").body().path("sessions"))
                .singleElement()
                .satisfies(s -> assertThat(s.path("repository").asText()).isEqualTo(API));
    }

    @Test
    void theRoutesAreUnderTheApiRateLimit() {
        try (TestServer limited = TestServer.start(Map.of("NIGHTSHIFT_RATE_LIMIT_API_PER_TOKEN", "3"), p -> {})) {
            List<Integer> statuses = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                statuses.add(limited.admin.get("/api/channels").status());
            }
            assertThat(statuses).containsExactly(200, 200, 200, 429);
            assertThat(limited.admin
                            .put(path(TEAM, "C0LIMIT"), Map.of("repository", APP))
                            .status())
                    .isEqualTo(429);
        }
    }

    private static String token(ApiClient owner, List<String> scopes) {
        ApiClient.Response created = owner.post("/api/tokens", Map.of("name", "narrow " + scopes, "scopes", scopes));
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        return created.text("token");
    }
}
