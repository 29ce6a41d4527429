package dev.nightshift.slack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.nightshift.slack.SlackEvent.Mention;
import dev.nightshift.slack.SlackEvent.StopPressed;
import dev.nightshift.slack.fake.SlackFake;
import dev.nightshift.slack.fake.SlackFake.Ack;
import dev.nightshift.slack.fake.SlackPayloads;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Socket Mode end to end: Bolt's Socket Mode app over Tyrus, connected to the Slack fake's WebSocket
 * through the fake's {@code apps.connections.open}; envelopes pushed by the fake reach the callback
 * and their acknowledgements reach the fake.
 */
class SocketModeConnectorTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private record Received(String type, byte[] payload) {}

    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private SlackFake slack;
    private SocketModeConnector connector;

    @BeforeEach
    void startSlack() {
        slack = SlackFake.start();
    }

    @AfterEach
    void stop() {
        if (connector != null) {
            connector.close();
        }
        slack.close();
    }

    @Test
    void anAppMentionReachesTheCallbackAndIsAcknowledged() throws Exception {
        connect((type, payload) -> {
            received.add(new Received(type, payload));
            return null;
        });
        String payload = SlackPayloads.appMention(
                "C1",
                "U1",
                "<@" + SlackFake.BOT_USER_ID + "> fix the login bug in acme/app",
                "1700000001.000100",
                null,
                "Ev1");

        String envelopeId = slack.pushEventsApi(payload);

        Received got = received.poll(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        assertThat(got).isNotNull();
        assertThat(got.type()).isEqualTo(SocketModeConnector.EVENTS_API);
        assertThat(SlackEvents.parse(got.payload()))
                .contains(new Mention(
                        SlackFake.TEAM_ID,
                        "C1",
                        "U1",
                        "<@" + SlackFake.BOT_USER_ID + "> fix the login bug in acme/app",
                        "1700000001.000100",
                        null,
                        "Ev1"));
        await().atMost(PATIENCE).until(() -> slack.acks().contains(new Ack(envelopeId, null)));
    }

    @Test
    void theStopButtonArrivesAsAnInteraction() throws Exception {
        connect((type, payload) -> {
            received.add(new Received(type, payload));
            return null;
        });

        String envelopeId =
                slack.pushInteractive(SlackPayloads.stopPressed("C1", "1700000002.000200", null, "U1", "ses_9"));

        Received got = received.poll(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        assertThat(got).isNotNull();
        assertThat(got.type()).isEqualTo(SocketModeConnector.INTERACTIVE);
        assertThat(SlackEvents.parse(got.payload()))
                .contains(new StopPressed(SlackFake.TEAM_ID, "C1", "1700000002.000200", null, "U1", "ses_9"));
        await().atMost(PATIENCE)
                .until(() -> slack.acks().stream().anyMatch(a -> a.envelopeId().equals(envelopeId)));
    }

    @Test
    void envelopesArriveInTurnEachAcknowledgedOnce() throws Exception {
        connect((type, payload) -> {
            received.add(new Received(type, payload));
            return null;
        });

        String first = slack.pushEventsApi(SlackPayloads.message("D1", "im", "U1", "one", "1.000001", null, "Ev1"));
        String second = slack.pushEventsApi(SlackPayloads.message("D1", "im", "U1", "two", "1.000002", null, "Ev2"));

        await().atMost(PATIENCE).until(() -> slack.acks().size() >= 2);
        assertThat(slack.acks()).extracting(Ack::envelopeId).containsExactlyInAnyOrder(first, second);
        assertThat(received).hasSize(2);
    }

    @Test
    void aSlashCommandsAnswerTravelsBackInItsAcknowledgement() throws Exception {
        connect((type, payload) -> {
            received.add(new Received(type, payload));
            return type.equals(SocketModeConnector.SLASH_COMMANDS)
                    ? "{\"response_type\":\"ephemeral\",\"text\":\"set\"}"
                    : null;
        });

        String envelopeId =
                slack.pushSlashCommand(SlackPayloads.slashCommand("C1", "U1", "repo https://example.com/a.git"));

        Received command = received.poll(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        assertThat(command).isNotNull();
        assertThat(command.type()).isEqualTo(SocketModeConnector.SLASH_COMMANDS);
        assertThat(new String(command.payload(), java.nio.charset.StandardCharsets.UTF_8))
                .contains("\"user_id\":\"U1\"")
                .contains("repo https://example.com/a.git");
        await().atMost(PATIENCE)
                .untilAsserted(() -> assertThat(slack.acks()).anySatisfy(a -> {
                    assertThat(a.envelopeId()).isEqualTo(envelopeId);
                    assertThat(a.payload()).contains("\"text\":\"set\"").contains("ephemeral");
                }));
    }

    @Test
    void aCallbackThatThrowsIsAcknowledgedAllTheSame() throws Exception {
        connect((type, payload) -> {
            throw new IllegalStateException("the queue is full");
        });

        String envelopeId = slack.pushEventsApi(SlackPayloads.message("D1", "im", "U1", "hi", "1.000001", null, "Ev1"));

        await().atMost(PATIENCE).until(() -> slack.acks().contains(new Ack(envelopeId, null)));
    }

    @Test
    void whenSlackAsksItReconnectsAndKeepsDelivering() throws Exception {
        connect((type, payload) -> {
            received.add(new Received(type, payload));
            return null;
        });
        assertThat(slack.connectionsOpened()).isEqualTo(1);

        slack.requestReconnect();

        await().atMost(PATIENCE).until(() -> slack.connectionsOpened() == 2 && slack.openConnections() == 1);
        String envelopeId = slack.pushEventsApi(SlackPayloads.message("D1", "im", "U1", "hi", "1.000001", null, "Ev1"));
        assertThat(received.poll(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isNotNull();
        await().atMost(PATIENCE).until(() -> slack.acks().contains(new Ack(envelopeId, null)));

        connector.close();
        connector = null;
        // the SDK closes a replaced session on a pool of its own, which it never stops itself
        await().atMost(PATIENCE).until(() -> socketModeThreads().isEmpty());
    }

    @Test
    void closingDisconnectsAndStopsTheClientsThreads() throws Exception {
        connect((type, payload) -> {
            received.add(new Received(type, payload));
            return null;
        });
        assertThat(connector.connected()).isTrue();
        assertThat(socketModeThreads()).isNotEmpty();

        connector.close();

        await().atMost(PATIENCE).until(() -> slack.openConnections() == 0);
        await().atMost(PATIENCE).until(() -> socketModeThreads().isEmpty());
        assertThat(connector.connected()).isFalse();
        assertThatThrownBy(() -> slack.pushEventsApi(SlackPayloads.message("D1", "im", "U1", "hi", "1.1", null, "Ev1")))
                .isInstanceOf(IllegalStateException.class);
        connector = null;
    }

    @Test
    void aWrongAppTokenIsRefusedAtStart() {
        assertThatThrownBy(() -> SocketModeConnector.start("xapp-wrong", slack.methodsUrl(), (t, p) -> null))
                .isInstanceOfSatisfying(
                        SlackException.class, e -> assertThat(e.error()).isEqualTo("invalid_auth"));
        assertThatThrownBy(() -> SocketModeConnector.start(slack.botToken(), slack.methodsUrl(), (t, p) -> null))
                .isInstanceOfSatisfying(
                        SlackException.class, e -> assertThat(e.error()).isEqualTo("not_allowed_token_type"));
        assertThat(slack.connectionsOpened()).isZero();
    }

    @Test
    void aFailureAfterTheClientWasMadeLeavesNothingRunning() {
        // Bolt asks for a URL twice at start: the first makes the client, the second connects it
        slack.failAfter("apps.connections.open", 1, 500);

        assertThatThrownBy(() -> SocketModeConnector.start(slack.appToken(), slack.methodsUrl(), (t, p) -> null))
                .isInstanceOf(SlackException.class);

        assertThat(slack.calls("apps.connections.open")).hasSize(2);
        await().atMost(PATIENCE).until(() -> socketModeThreads().isEmpty());
        assertThat(slack.connectionsOpened()).isZero();
    }

    @Test
    void theSdksErrorCodeIsFoundInItsMessage() {
        assertThat(SocketModeConnector.sdkError(new IllegalStateException(
                        "Failed to connect to the Socket Mode endpoint URL (error: invalid_auth)")))
                .isEqualTo("invalid_auth");
        assertThat(SocketModeConnector.sdkError(
                        new RuntimeException("wrapped", new java.io.IOException("Connection refused"))))
                .isEqualTo(SlackException.REQUEST_FAILED);
    }

    /** The threads of the SDK's Socket Mode client and of Tyrus's WebSocket transport. */
    private static List<String> socketModeThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(name ->
                        name.startsWith("socket-mode-") || name.startsWith("tyrus-") || name.startsWith("Grizzly"))
                .toList();
    }

    private void connect(SocketModeConnector.Receiver handler) {
        connector = SocketModeConnector.start(slack.appToken(), slack.methodsUrl(), handler);
        await().atMost(PATIENCE).until(() -> slack.openConnections() == 1);
    }
}
