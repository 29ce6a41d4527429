package dev.nightshift.server.limits;

import java.util.List;

/**
 * The rate limits of one control plane, resolved from the settings ({@code NIGHTSHIFT_RATE_LIMIT_*}).
 * Counts are per minute, except WebSocket messages (per 10 seconds, per socket).
 *
 * @param enabled false: no rate limiting at all (an operator behind their own limiter, the benchmark's floor)
 * @param triggersPerUser sessions and follow-ups a minute that automations and integrations may start as one user
 * @param trustedProxies addresses whose {@code X-Forwarded-For} names the client
 */
public record RateLimitSettings(
        boolean enabled,
        int apiPerToken,
        int apiPerAddress,
        int failedAuthPerAddress,
        int signInPerAddress,
        int webhooksPerAddress,
        int webSocketMessages,
        int triggersPerUser,
        List<String> trustedProxies) {

    public RateLimitSettings {
        trustedProxies = List.copyOf(trustedProxies);
    }

    public RateLimitSettings withEnabled(boolean on) {
        return new RateLimitSettings(
                on,
                apiPerToken,
                apiPerAddress,
                failedAuthPerAddress,
                signInPerAddress,
                webhooksPerAddress,
                webSocketMessages,
                triggersPerUser,
                trustedProxies);
    }
}
