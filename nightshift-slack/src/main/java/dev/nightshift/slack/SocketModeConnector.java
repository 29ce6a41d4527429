package dev.nightshift.slack;

import com.slack.api.Slack;
import com.slack.api.SlackConfig;
import com.slack.api.bolt.App;
import com.slack.api.bolt.AppConfig;
import com.slack.api.bolt.middleware.Middleware;
import com.slack.api.bolt.socket_mode.SocketModeApp;
import com.slack.api.socket_mode.SocketModeClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives what Slack sends an app over Socket Mode, so Nightshift needs no public address: a Bolt
 * {@link SocketModeApp} opens the WebSocket with the app-level token ({@code xapp-…}, scope {@code
 * connections:write}), Slack sends each event, interaction and slash command as an envelope on it, and
 * every envelope's payload goes to one {@link Receiver}, then Bolt acknowledges the envelope, with the
 * receiver's answer as the acknowledgement's payload when it gave one (a slash command's reply).
 *
 * <p>The Bolt app here routes nothing: one middleware hands each request's payload to the callback
 * and answers with an empty acknowledgement. Payloads are the JSON Slack sends over HTTP too: an
 * {@code events_api} payload is an {@code event_callback} for {@link SlackEvents#parse}; an {@code
 * interactive} one a {@code block_actions} (the Stop button) or similar; a {@code slash_commands} one
 * the command's fields as a JSON object ({@code team_id}, {@code channel_id}, {@code user_id}, {@code
 * text}, …) where HTTP sends a form. The envelope type is one of {@link #EVENTS_API}, {@link
 * #INTERACTIVE} or {@link #SLASH_COMMANDS}.
 *
 * <p>The callback runs on one of the SDK's message-processing threads, and the envelope is
 * acknowledged when it returns: it should hand the payload over (to a queue or an executor) and
 * return at once, as Slack sends an envelope again when it is not acknowledged within seconds. A
 * callback that throws is logged and the envelope is acknowledged all the same, so a payload that
 * cannot be handled is not sent over and over.
 *
 * <p>The SDK keeps the connection: it asks {@code apps.connections.open} for a WebSocket URL (twice at
 * start, as Bolt does), reconnects when Slack asks it to ({@code disconnect}) and, every few seconds,
 * when the connection no longer answers pings. {@link #close} disconnects and stops its threads.
 */
public final class SocketModeConnector implements AutoCloseable {

    /** The envelope type of Events API payloads. */
    public static final String EVENTS_API = "events_api";
    /** The envelope type of interactions: buttons, shortcuts, modals. */
    public static final String INTERACTIVE = "interactive";
    /** The envelope type of slash commands. */
    public static final String SLASH_COMMANDS = "slash_commands";

    private static final Logger log = LoggerFactory.getLogger(SocketModeConnector.class);

    /**
     * Takes one envelope's payload. Called on one of the SDK's message-processing threads; the envelope
     * is acknowledged when it returns.
     */
    @FunctionalInterface
    public interface Receiver {
        /**
         * @param type the envelope type
         * @param payload the payload's JSON (UTF-8)
         * @return the JSON object the acknowledgement carries back (a slash command's reply: {@code
         *     {"response_type":"ephemeral","text":…}}), or null for a plain acknowledgement
         */
        String receive(String type, byte[] payload);
    }

    private static final Pattern SDK_ERROR = Pattern.compile("error: ([a-z_]+)");

    private final Slack slack;
    private final App app;
    private final SocketModeApp socketModeApp;
    private final OwnedExecutors executors;

    private SocketModeConnector(Slack slack, App app, SocketModeApp socketModeApp, OwnedExecutors executors) {
        this.slack = slack;
        this.app = app;
        this.socketModeApp = socketModeApp;
        this.executors = executors;
    }

    /**
     * Connects and starts handing envelopes to {@code receiver}; returns once the connection is asked
     * for. A connection that fails after {@code apps.connections.open} answered is retried by the SDK
     * in the background ({@link #connected} tells).
     *
     * @param appToken the app-level token ({@code xapp-…})
     * @param methodsUrlPrefix where the Web API is ({@link SlackClient#SLACK_METHODS_URL}, or a fake's
     *     address in tests): the WebSocket URL comes from its {@code apps.connections.open}
     * @param receiver called with each envelope's type and payload
     * @throws SlackException when Slack refuses the token or cannot be reached; {@link
     *     SlackException#error()} is Slack's error code when the SDK reported one
     */
    public static SocketModeConnector start(String appToken, String methodsUrlPrefix, Receiver receiver) {
        Objects.requireNonNull(appToken, "appToken");
        Objects.requireNonNull(receiver, "receiver");
        OwnedExecutors executors = new OwnedExecutors();
        SlackConfig slackConfig = SlackClient.config(methodsUrlPrefix);
        slackConfig.setExecutorServiceProvider(executors);
        Slack slack = Slack.getInstance(slackConfig);
        // what Bolt would otherwise read from SLACK_* environment variables is set: no bot token, no
        // OAuth, no verification (Socket Mode is authenticated by the app token); the middleware list
        // given to App replaces Bolt's defaults (verification, authorization, ignoring own events)
        AppConfig config = AppConfig.builder()
                .slack(slack)
                .executorServiceProvider(executors)
                .singleTeamBotToken(null)
                .signingSecret(null)
                .clientId(null)
                .clientSecret(null)
                .sslCheckEnabled(false)
                .requestVerificationEnabled(false)
                .ignoringSelfEventsEnabled(false)
                .build();
        List<Middleware> middleware = new ArrayList<>(List.of(handOver(receiver)));
        App app = new App(config, slack, middleware);
        SocketModeApp socketModeApp = null;
        try {
            socketModeApp = new SocketModeApp(appToken, SocketModeClient.Backend.Tyrus, app);
            socketModeApp.startAsync();
        } catch (Exception e) {
            // a client made before the failure would keep reconnecting in the background
            if (socketModeApp != null && socketModeApp.getClient() != null) {
                closeQuietly(socketModeApp.getClient());
            }
            shutDown(slack, app, executors);
            throw new SlackException(
                    "apps.connections.open",
                    sdkError(e),
                    0,
                    "Socket Mode could not connect to Slack: " + e.getMessage(),
                    e);
        }
        return new SocketModeConnector(slack, app, socketModeApp, executors);
    }

    /**
     * The middleware that hands every request over and acknowledges it, whatever the receiver does; the
     * receiver's answer, if any, becomes the acknowledgement's payload.
     */
    static Middleware handOver(Receiver receiver) {
        return (req, resp, chain) -> {
            String type = switch (req.getRequestType()) {
                case Event, WorkflowStepExecute -> EVENTS_API;
                case Command -> SLASH_COMMANDS;
                default -> INTERACTIVE;
            };
            String body = req.getRequestBodyAsString();
            try {
                String answer =
                        receiver.receive(type, body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8));
                if (answer != null) {
                    resp.setStatusCode(200);
                    resp.setContentType("application/json; charset=utf-8");
                    resp.setBody(answer);
                }
            } catch (RuntimeException e) {
                log.warn("The Slack {} payload could not be handed over; it is acknowledged all the same", type, e);
            }
            return resp;
        };
    }

    /**
     * Whether the WebSocket is open and answers a ping (waits up to about 3 s for the answer). For
     * health checks, not for each envelope.
     */
    public boolean connected() {
        SocketModeClient client = socketModeApp.getClient();
        return client != null && client.verifyConnection();
    }

    /** Disconnects from Slack and stops the SDK's threads; no envelope is handed over afterwards. */
    @Override
    public void close() {
        SocketModeClient client = socketModeApp.getClient();
        try {
            socketModeApp.stop();
        } catch (Exception e) {
            log.warn("Closing the Slack Socket Mode connection failed", e);
        }
        if (client != null) {
            closeQuietly(client);
        }
        shutDown(slack, app, executors);
    }

    private static void closeQuietly(SocketModeClient client) {
        try {
            client.close();
        } catch (Exception e) {
            log.warn("Stopping the Slack Socket Mode client failed", e);
        }
    }

    private static void shutDown(Slack slack, App app, OwnedExecutors executors) {
        app.stop();
        try {
            slack.close();
        } catch (Exception e) {
            log.warn("Closing the Slack SDK's client failed", e);
        }
        executors.close();
    }

    /** Slack's error code in the SDK's message ({@code … (error: invalid_auth)}), when it has one. */
    static String sdkError(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null) {
                Matcher m = SDK_ERROR.matcher(t.getMessage());
                if (m.find()) {
                    return m.group(1);
                }
            }
        }
        return SlackException.REQUEST_FAILED;
    }
}
