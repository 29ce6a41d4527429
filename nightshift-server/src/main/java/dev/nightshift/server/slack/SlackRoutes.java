package dev.nightshift.server.slack;

import dev.nightshift.core.Secrets;
import dev.nightshift.core.model.Scope;
import dev.nightshift.core.port.Store;
import dev.nightshift.server.auth.Authenticator;
import dev.nightshift.server.auth.Caller;
import dev.nightshift.server.http.ApiException;
import dev.nightshift.server.http.Json;
import dev.nightshift.server.http.RouteTable;
import dev.nightshift.slack.SlackEvent;
import dev.nightshift.slack.SlackEvents;
import dev.nightshift.slack.SlackSignatures;
import io.javalin.http.Context;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * Slack's HTTP doors: the Events API ({@code POST /webhooks/slack/events}) and interactivity ({@code
 * POST /webhooks/slack/interactivity}, the Stop button). Every request is checked with the app's
 * signing secret ({@code v0} HMAC, five minutes either way); events are applied once per {@code
 * event_id}, so Slack's retries change nothing. Socket Mode deliveries take the same path through
 * {@link #deliver}. Runs on the server's request threads; the webhook rate limit applies.
 */
public final class SlackRoutes {
    static final int MAX_BODY_BYTES = 1 << 20;
    private static final String PROVIDER = "slack";

    private final Store store;
    private final Authenticator auth;
    private final String signingSecret;
    private final SlackWorkplace workplace; // null: Slack is not configured
    private final Clock clock;

    public SlackRoutes(Store store, Authenticator auth, String signingSecret, SlackWorkplace workplace, Clock clock) {
        this.store = store;
        this.auth = auth;
        this.signingSecret = signingSecret == null ? "" : signingSecret;
        this.workplace = workplace;
        this.clock = clock;
    }

    /** {@code POST /api/me/identities/slack}: the code from a "Connect your account" message. */
    public record Connect(String code) {}

    public void register(RouteTable routes) {
        routes.post("/api/me/identities/slack", this::connect);
        routes.post(
                "/webhooks/slack/commands",
                ctx -> Json.respond(ctx, 200, command(form(new String(verified(ctx), StandardCharsets.UTF_8)))));
        routes.post("/webhooks/slack/events", ctx -> respond(ctx, deliver(verified(ctx))));
        routes.post("/webhooks/slack/interactivity", ctx -> {
            String payload =
                    form(new String(verified(ctx), StandardCharsets.UTF_8)).get("payload");
            if (payload == null) {
                throw ApiException.badRequest("an interactivity request carries its JSON in the 'payload' form field");
            }
            respond(ctx, deliver(payload.getBytes(StandardCharsets.UTF_8)));
        });
    }

    /**
     * Links the Slack account a connect code was made for to the signed-in person (the code was shown
     * only to that Slack user, ephemerally, and lives 30 minutes; it is used up here).
     */
    private void connect(Context ctx) {
        Caller caller = auth.fromHeader(ctx.header("Authorization"));
        if (caller.isShareLink()) {
            throw ApiException.forbidden("a share link cannot link accounts; sign in with your own token");
        }
        caller.require(Scope.ACCOUNT);
        if (ctx.bodyAsBytes().length > 4096) {
            throw new ApiException(413, "payload_too_large", "the request is larger than 4 KiB");
        }
        Connect request = Json.read(ctx.body(), Connect.class);
        String payload = request.code() == null
                ? ""
                : store.oneTimeValues()
                        .consume(
                                SlackWorkplace.CONNECT_PURPOSE,
                                Secrets.hash(request.code().strip()),
                                clock.instant())
                        .orElse("");
        int space = payload.indexOf(' ');
        if (space < 0) {
            store.audit()
                    .record(
                            caller.userId(),
                            null,
                            "identity.connect",
                            "slack",
                            "refused",
                            "unknown, used or expired code",
                            clock.instant());
            throw ApiException.badRequest(
                    "this connect code is unknown, was already used or expired; mention the app in Slack again for a new one");
        }
        String team = payload.substring(0, space);
        String slackUser = payload.substring(space + 1);
        if (store.identities().find("slack", team, slackUser).isPresent()) {
            throw ApiException.conflict("this Slack account is already linked to a Nightshift account");
        }
        store.identities().link(caller.userId(), "slack", team, slackUser, slackUser, null, clock.instant());
        store.audit()
                .record(
                        caller.userId(),
                        null,
                        "identity.connect",
                        "slack",
                        "ok",
                        team + " " + slackUser,
                        clock.instant());
        Json.respond(ctx, 200, Map.of("linked", Map.of("kind", "slack", "team", team, "user", slackUser)));
    }

    private byte[] verified(Context ctx) {
        if (signingSecret.isEmpty() || workplace == null) {
            throw new ApiException(
                    503,
                    "not_configured",
                    "Slack is not configured on this server: set NIGHTSHIFT_SLACK_BOT_TOKEN and NIGHTSHIFT_SLACK_SIGNING_SECRET");
        }
        byte[] body = ctx.bodyAsBytes();
        if (body.length > MAX_BODY_BYTES) {
            throw new ApiException(413, "payload_too_large", "a Slack request may have at most 1 MiB");
        }
        SlackSignatures.Verdict verdict = SlackSignatures.verify(
                signingSecret,
                ctx.header(SlackSignatures.TIMESTAMP_HEADER),
                body,
                ctx.header(SlackSignatures.SIGNATURE_HEADER),
                clock.instant());
        if (!verdict.accepted()) {
            throw ApiException.unauthorized(
                    "the Slack request was refused: " + ((SlackSignatures.Verdict.Refused) verdict).reason());
        }
        return body;
    }

    /**
     * Applies one delivery (an Events API envelope, an interactivity payload, or either from Socket
     * Mode) once; returns the answer's body. Called on a request thread or a Socket Mode virtual thread.
     */
    public Map<String, Object> deliver(byte[] payload) {
        Optional<SlackEvent> event = SlackEvents.parse(payload);
        if (event.isEmpty()) {
            return Map.of("status", "ignored");
        }
        if (event.get() instanceof SlackEvent.UrlVerification v) {
            return Map.of("challenge", v.challenge());
        }
        String eventId = switch (event.get()) {
            case SlackEvent.Mention m -> m.eventId();
            case SlackEvent.Message m -> m.eventId();
            default -> null;
        };
        if (eventId != null && !store.oneTimeValues().firstDelivery(PROVIDER, eventId, clock.instant())) {
            return Map.of("status", "duplicate", "event", eventId);
        }
        String handled = workplace.handle(event.get());
        if (handled.startsWith("failed") && eventId != null) {
            store.oneTimeValues().forgetDelivery(PROVIDER, eventId); // Slack's retry is handled again
        }
        return Map.of("status", handled.startsWith("ignored") ? "ignored" : "handled", "detail", handled);
    }

    /**
     * A slash command's answer, shown only to whoever typed it: over HTTP the fields come as a form,
     * over Socket Mode as JSON. Decided from the database only, within Slack's three seconds.
     */
    Map<String, Object> command(Map<String, String> fields) {
        String answer = workplace.command(
                fields.getOrDefault("team_id", ""),
                fields.getOrDefault("channel_id", ""),
                fields.getOrDefault("user_id", ""),
                fields.getOrDefault("text", ""));
        return Map.of("response_type", "ephemeral", "text", answer);
    }

    /**
     * One Socket Mode envelope, on one of the Slack SDK's threads: a slash command is answered in its
     * acknowledgement; events and interactions are handed to a virtual thread, so the envelope is
     * acknowledged at once.
     */
    public String receive(String type, byte[] payload) {
        if (type.equals(dev.nightshift.slack.SocketModeConnector.SLASH_COMMANDS)) {
            Map<String, String> fields = new java.util.HashMap<>();
            Json.tree(new String(payload, StandardCharsets.UTF_8)).properties().forEach(field -> {
                if (field.getValue().isValueNode()) {
                    fields.put(field.getKey(), field.getValue().asText());
                }
            });
            return Json.write(command(fields));
        }
        Thread.ofVirtual().start(() -> deliver(payload));
        return null;
    }

    /** A form-encoded body's fields (a slash command's). */
    private static Map<String, String> form(String body) {
        Map<String, String> fields = new java.util.HashMap<>();
        for (String field : body.split("&")) {
            int eq = field.indexOf('=');
            if (eq > 0) {
                fields.put(
                        URLDecoder.decode(field.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(field.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return fields;
    }

    private static void respond(Context ctx, Map<String, Object> body) {
        Object detail = body.get("detail");
        if (detail instanceof String s && s.startsWith("failed")) {
            throw new ApiException(502, "handling_failed", "the Slack event could not be handled (" + s + ")");
        }
        Json.respond(ctx, 200, body);
    }
}
