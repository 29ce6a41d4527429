package dev.nightshift.slack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nightshift.slack.StatusMessage.PlanItem;
import dev.nightshift.slack.fake.SlackFake;
import dev.nightshift.slack.fake.SlackFake.Ephemeral;
import dev.nightshift.slack.fake.SlackFake.PostedMessage;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Web API calls through the SDK against the Slack fake: real HTTP, real JSON, no waiting. */
class SlackClientTest {

    private final List<Duration> slept = new CopyOnWriteArrayList<>();
    private final ObjectMapper json = new ObjectMapper();
    private SlackFake slack;
    private SlackClient client;

    @BeforeEach
    void start() {
        slack = SlackFake.start();
        client = new SlackClient(slack.botToken(), slack.methodsUrl(), slept::add);
    }

    @AfterEach
    void stop() {
        client.close();
        slack.close();
    }

    @Test
    void aStatusMessageIsPostedInItsThreadAndEditedInPlace() throws Exception {
        StatusMessage working =
                StatusMessage.working("ses_1", "https://ns.example.com/s/ses_1", "Reading", null, List.of());
        StatusMessage done = StatusMessage.done(
                "ses_1",
                "https://ns.example.com/s/ses_1",
                List.of(new PlanItem("Fix", true)),
                "Fixed.",
                "nightshift/fix",
                "https://github.com/acme/app/pull/1");

        String ts = client.postMessage("C1", "1700000000.000100", working.text(), working.blocksJson());
        client.update("C1", ts, done.text(), done.blocksJson());

        List<PostedMessage> messages = slack.messages("C1");
        assertThat(messages).hasSize(1);
        PostedMessage message = messages.getFirst();
        assertThat(message.ts()).isEqualTo(ts);
        assertThat(message.threadTs()).isEqualTo("1700000000.000100");
        assertThat(message.text()).isEqualTo(done.text());
        assertThat(json.readTree(message.blocks())).isEqualTo(json.readTree(done.blocksJson()));
        assertThat(slack.updates("C1")).hasSize(1);
        assertThat(slack.calls("chat.postMessage").getFirst().params())
                .containsEntry("unfurl_links", "0")
                .containsEntry("unfurl_media", "0");
        assertThat(slack.calls("chat.postMessage").getFirst().token()).isEqualTo(slack.botToken());
    }

    @Test
    void aMessageOutsideAThreadAndWithoutBlocksIsPlainText() {
        String ts = client.postMessage("C1", null, "hello", null);

        assertThat(slack.messages("C1")).containsExactly(new PostedMessage("C1", ts, null, "hello", null));
    }

    @Test
    void eachPostGetsItsOwnTimestamp() {
        String first = client.postMessage("C1", null, "one", null);
        String second = client.postMessage("C1", null, "two", null);

        assertThat(first).isNotEqualTo(second).matches("\\d+\\.\\d{6}");
    }

    @Test
    void updatingAMessageThatIsNotThereIsSlacksError() {
        client.postMessage("C1", null, "one", null);

        assertThatThrownBy(() -> client.update("C1", "1.000001", "x", null))
                .isInstanceOfSatisfying(SlackException.class, e -> {
                    assertThat(e.error()).isEqualTo("message_not_found");
                    assertThat(e.method()).isEqualTo("chat.update");
                    assertThat(e.httpStatus()).isEqualTo(200);
                });
    }

    @Test
    void reactingTwiceIsDoneOnceAndColonsAreDropped() {
        client.react("C1", "1700000000.000100", "eyes");
        client.react("C1", "1700000000.000100", ":eyes:");
        client.react("C1", "1700000000.000100", "white_check_mark");

        assertThat(slack.reactions("C1", "1700000000.000100")).containsExactly("eyes", "white_check_mark");
    }

    @Test
    void ephemeralMessagesGoToOnePersonInTheChannelOrThread() {
        slack.addUser("U1", "ada@example.com");

        client.postEphemeral("C1", "U1", "Sign in to Nightshift first");
        client.postEphemeral("C1", "1700000000.000100", "U1", "In the thread");

        assertThat(slack.ephemerals())
                .containsExactly(
                        new Ephemeral("C1", null, "U1", "Sign in to Nightshift first"),
                        new Ephemeral("C1", "1700000000.000100", "U1", "In the thread"));
    }

    @Test
    void anEmailIsOnlyAPersonsConfirmedOne() {
        slack.addUser("U1", "ada@example.com");
        slack.addUnconfirmedUser("U2", "bob@example.com");
        slack.addBotUser("U3", "bot@example.com");
        slack.addDeletedUser("U4", "gone@example.com");
        slack.addUser("U5", null);

        assertThat(client.userEmail("U1")).contains("ada@example.com");
        assertThat(client.userEmail("U2")).isEmpty();
        assertThat(client.userEmail("U3")).isEmpty();
        assertThat(client.userEmail("U4")).isEmpty();
        assertThat(client.userEmail("U5")).isEmpty();
        assertThat(client.userEmail("U404")).isEmpty();
    }

    @Test
    void authTestNamesTheBotUser() {
        assertThat(client.authTest()).isEqualTo(SlackFake.BOT_USER_ID);
    }

    @Test
    void aBadTokenIsInvalidAuthWithoutRetries() {
        try (SlackClient wrong = new SlackClient("xoxb-wrong", slack.methodsUrl(), slept::add)) {
            assertThatThrownBy(wrong::authTest)
                    .isInstanceOfSatisfying(
                            SlackException.class, e -> assertThat(e.error()).isEqualTo("invalid_auth"));
        }
        assertThat(slack.calls("auth.test")).hasSize(1);
        assertThat(slept).isEmpty();
    }

    @Test
    void theAppTokenIsNotABotToken() {
        try (SlackClient wrong = new SlackClient(slack.appToken(), slack.methodsUrl(), slept::add)) {
            assertThatThrownBy(() -> wrong.postMessage("C1", null, "x", null))
                    .isInstanceOfSatisfying(
                            SlackException.class, e -> assertThat(e.error()).isEqualTo("not_allowed_token_type"));
        }
    }

    @Test
    void aRateLimitIsWaitedOutForRetryAfterThenTheCallGoesThrough() {
        slack.rateLimitNext("chat.postMessage", 2, 7);

        String ts = client.postMessage("C1", null, "hello", null);

        assertThat(ts).isNotBlank();
        assertThat(slept).containsExactly(Duration.ofSeconds(7), Duration.ofSeconds(7));
        assertThat(slack.calls("chat.postMessage")).hasSize(3);
        assertThat(slack.messages("C1")).hasSize(1);
    }

    @Test
    void aThirdRateLimitIsRatelimited() {
        slack.rateLimitNext("chat.update", 3, 1);
        String ts = client.postMessage("C1", null, "hello", null);

        assertThatThrownBy(() -> client.update("C1", ts, "edited", null))
                .isInstanceOfSatisfying(SlackException.class, e -> {
                    assertThat(e.error()).isEqualTo("ratelimited");
                    assertThat(e.httpStatus()).isEqualTo(429);
                    assertThat(e.getMessage()).contains("3 tries");
                });
        assertThat(slack.calls("chat.update")).hasSize(SlackClient.MAX_ATTEMPTS);
        assertThat(slept).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(1));
        assertThat(slack.messages("C1").getFirst().text()).isEqualTo("hello");
    }

    @Test
    void aRetryAfterLongerThanAMinuteIsNotWaitedFor() {
        slack.rateLimitNext("reactions.add", 1, 120);

        assertThatThrownBy(() -> client.react("C1", "1.000001", "eyes"))
                .isInstanceOfSatisfying(
                        SlackException.class, e -> assertThat(e.error()).isEqualTo("ratelimited"));
        assertThat(slack.calls("reactions.add")).hasSize(1);
        assertThat(slept).isEmpty();
    }

    @Test
    void serverErrorsAreRetriedWithABackoff() {
        slack.failNext("users.info", 2, 503);
        slack.addUser("U1", "ada@example.com");

        assertThat(client.userEmail("U1")).contains("ada@example.com");
        assertThat(slept).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
    }

    @Test
    void aThirdServerErrorFailsWithTheStatus() {
        slack.failNext("auth.test", 3, 500);

        assertThatThrownBy(client::authTest).isInstanceOfSatisfying(SlackException.class, e -> {
            assertThat(e.error()).isEqualTo("http_500");
            assertThat(e.httpStatus()).isEqualTo(500);
        });
        assertThat(slack.calls("auth.test")).hasSize(3);
    }

    @Test
    void otherHttpErrorsAreNotRetried() {
        slack.failNext("auth.test", 1, 404);

        assertThatThrownBy(client::authTest)
                .isInstanceOfSatisfying(
                        SlackException.class, e -> assertThat(e.error()).isEqualTo("http_404"));
        assertThat(slept).isEmpty();
    }

    @Test
    void anInterruptWhileWaitingEndsTheCallAndKeepsTheInterrupt() {
        slack.rateLimitNext("auth.test", 1, 5);
        try (SlackClient interrupted = new SlackClient(slack.botToken(), slack.methodsUrl(), d -> {
            throw new InterruptedException();
        })) {
            assertThatThrownBy(interrupted::authTest)
                    .isInstanceOfSatisfying(
                            SlackException.class, e -> assertThat(e.error()).isEqualTo(SlackException.INTERRUPTED));
            assertThat(Thread.interrupted()).isTrue();
        }
    }

    @Test
    void slackOutOfReachIsRequestFailed() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (SlackClient unreachable =
                new SlackClient(slack.botToken(), "http://127.0.0.1:" + closedPort + "/api/", slept::add)) {
            assertThatThrownBy(unreachable::authTest).isInstanceOfSatisfying(SlackException.class, e -> {
                assertThat(e.error()).isEqualTo(SlackException.REQUEST_FAILED);
                assertThat(e.httpStatus()).isZero();
            });
        }
    }

    @Test
    void retryAfterIsReadAsSeconds() {
        assertThat(SlackClient.retryAfter("30")).isEqualTo(Duration.ofSeconds(30));
        assertThat(SlackClient.retryAfter(" 0 ")).isEqualTo(Duration.ZERO);
        assertThat(SlackClient.retryAfter("60")).isEqualTo(Duration.ofSeconds(60));
        assertThat(SlackClient.retryAfter("61")).isNull();
        assertThat(SlackClient.retryAfter(null)).isEqualTo(SlackClient.FIRST_BACKOFF);
        assertThat(SlackClient.retryAfter("Wed, 21 Oct 2015 07:28:00 GMT")).isEqualTo(SlackClient.FIRST_BACKOFF);
        assertThat(SlackClient.retryAfter("-5")).isEqualTo(SlackClient.FIRST_BACKOFF);
    }
}
