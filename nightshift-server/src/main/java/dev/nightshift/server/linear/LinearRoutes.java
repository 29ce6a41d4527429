package dev.nightshift.server.linear;

import dev.nightshift.core.port.Store;
import dev.nightshift.linear.LinearEvent;
import dev.nightshift.linear.LinearEvents;
import dev.nightshift.linear.LinearSignatures;
import dev.nightshift.server.http.ApiException;
import dev.nightshift.server.http.Json;
import dev.nightshift.server.http.RouteTable;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Linear's webhook, {@code POST /webhooks/linear}: the {@code Linear-Signature} HMAC of the raw body,
 * the body's {@code webhookTimestamp} within a minute, each delivery applied once, then handed to
 * the {@link LinearWorkplace}. Runs on the server's request threads; the webhook rate limit applies.
 */
public final class LinearRoutes {
    static final int MAX_WEBHOOK_BYTES = 1 << 20;
    private static final String PROVIDER = "linear";

    private final Store store;
    private final String secret;
    private final LinearWorkplace workplace; // null: Linear is not configured
    private final BooleanSupplier connected;
    private final Clock clock;

    /** @param connected whether Linear can be called now (installed, or a static token) */
    public LinearRoutes(
            Store store, String webhookSecret, LinearWorkplace workplace, BooleanSupplier connected, Clock clock) {
        this.store = store;
        this.secret = webhookSecret == null ? "" : webhookSecret;
        this.workplace = workplace;
        this.connected = connected;
        this.clock = clock;
    }

    public void register(RouteTable routes) {
        routes.post("/webhooks/linear", this::webhook);
    }

    private void webhook(Context ctx) {
        if (secret.isEmpty() || workplace == null) {
            throw new ApiException(
                    503,
                    "not_configured",
                    "Linear is not configured on this server: set NIGHTSHIFT_LINEAR_WEBHOOK_SECRET, and "
                            + "NIGHTSHIFT_LINEAR_CLIENT_ID with NIGHTSHIFT_LINEAR_CLIENT_SECRET (then an administrator "
                            + "installs the app from /api/linear/install) or NIGHTSHIFT_LINEAR_ACCESS_TOKEN");
        }
        if (!connected.getAsBoolean()) {
            throw new ApiException(
                    503,
                    "not_connected",
                    "Linear is not connected to this server yet: an administrator installs the app from "
                            + "/api/linear/install");
        }
        long declared = ctx.req().getContentLengthLong();
        byte[] body = ctx.bodyAsBytes();
        if (declared > MAX_WEBHOOK_BYTES || body.length > MAX_WEBHOOK_BYTES) {
            throw new ApiException(413, "payload_too_large", "a Linear delivery may have at most 1 MiB");
        }
        LinearSignatures.Result verdict = LinearSignatures.verify(
                secret,
                body,
                ctx.header(LinearSignatures.SIGNATURE_HEADER),
                clock.instant(),
                LinearSignatures.DEFAULT_WINDOW);
        if (!verdict.accepted()) {
            throw ApiException.unauthorized(
                    "the Linear delivery was refused: " + ((LinearSignatures.Result.Refused) verdict).reason());
        }
        Optional<LinearEvent> event = LinearEvents.parse(body);
        if (event.isEmpty()) {
            Json.respond(ctx, 200, Map.of("status", "ignored"));
            return;
        }
        String delivery = Optional.ofNullable(ctx.header(LinearSignatures.DELIVERY_HEADER))
                .filter(d -> !d.isBlank() && d.length() <= 200)
                .orElse(event.get().deliveryKey());
        if (!store.oneTimeValues().firstDelivery(PROVIDER, delivery, clock.instant())) {
            Json.respond(ctx, 200, Map.of("status", "duplicate", "delivery", delivery));
            return;
        }
        String handled = workplace.handle(event.get());
        if (handled.startsWith("failed")) {
            store.oneTimeValues().forgetDelivery(PROVIDER, delivery);
            throw new ApiException(
                    502,
                    "handling_failed",
                    "the Linear delivery could not be handled ("
                            + handled.substring(handled.indexOf(':') + 1).strip() + "); Linear retries it");
        }
        Json.respond(
                ctx, 200, Map.of("status", handled.startsWith("ignored") ? "ignored" : "handled", "detail", handled));
    }
}
