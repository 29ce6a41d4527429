package dev.nightshift.server.slack;

import dev.nightshift.core.port.Store;
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
    private final String signingSecret;
    private final SlackWorkplace workplace; // null: Slack is not configured
    private final Clock clock;

    public SlackRoutes(Store store, String signingSecret, SlackWorkplace workplace, Clock clock) {
        this.store = store;
        this.signingSecret = signingSecret == null ? "" : signingSecret;
        this.workplace = workplace;
        this.clock = clock;
    }

    public void register(RouteTable routes) {
        routes.post("/webhooks/slack/events", ctx -> respond(ctx, deliver(verified(ctx))));
        routes.post("/webhooks/slack/interactivity", ctx -> {
            String form = new String(verified(ctx), StandardCharsets.UTF_8);
            String payload = null;
            for (String field : form.split("&")) {
                if (field.startsWith("payload=")) {
                    payload = URLDecoder.decode(field.substring(8), StandardCharsets.UTF_8);
                }
            }
            if (payload == null) {
                throw ApiException.badRequest("an interactivity request carries its JSON in the 'payload' form field");
            }
            respond(ctx, deliver(payload.getBytes(StandardCharsets.UTF_8)));
        });
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

    private static void respond(Context ctx, Map<String, Object> body) {
        Object detail = body.get("detail");
        if (detail instanceof String s && s.startsWith("failed")) {
            throw new ApiException(502, "handling_failed", "the Slack event could not be handled (" + s + ")");
        }
        Json.respond(ctx, 200, body);
    }
}
