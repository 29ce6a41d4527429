package dev.nightshift.server.limits;

import dev.nightshift.core.Secrets;
import dev.nightshift.server.http.ApiException;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.TimeMeter;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Rate limits of the control plane, on Bucket4j token buckets: API requests per client address
 * and per presented token, failed authentications per address, sign-in (with the Linear install
 * callback) and webhook requests per
 * address, and messages per WebSocket. A limited request gets 429 with {@code Retry-After} and a
 * {@code rate_limited} error that says when to try again; it has done nothing.
 *
 * <p>The buckets live in this node's memory ({@link KeyedBuckets}, bounded): a fleet of N nodes
 * behind a balancer lets a client through up to N times the limits. That is enough to stop
 * guessing and floods; it is not an exact quota.
 *
 * <p>Handlers run on Jetty's request threads (virtual threads), many at once; everything here is
 * thread-safe.
 */
public final class RateLimits {
    /** Most keys each limit remembers; beyond that the least recently seen key starts afresh. */
    static final int MAX_KEYS = 100_000;

    static final Duration MINUTE = Duration.ofMinutes(1);
    static final Duration SOCKET_PERIOD = Duration.ofSeconds(10);
    private static final Pattern IP_LITERAL = Pattern.compile("[0-9A-Fa-f:.]+");

    /** A per-socket message limit: {@link #take} answers 0 when allowed, else nanoseconds to wait. */
    @FunctionalInterface
    public interface Gate {
        Gate OPEN = () -> 0;

        long take();
    }

    private final RateLimitSettings settings;
    private final Set<InetAddress> trustedProxies;
    private final KeyedBuckets apiByAddress;
    private final KeyedBuckets apiByToken;
    private final KeyedBuckets failedAuth;
    private final KeyedBuckets signIn;
    private final KeyedBuckets webhooks;
    private final KeyedBuckets triggers;

    public RateLimits(RateLimitSettings settings) {
        this.settings = settings;
        this.trustedProxies = parseAddresses(settings.trustedProxies());
        this.apiByAddress = new KeyedBuckets(settings.apiPerAddress(), MINUTE, MAX_KEYS);
        this.apiByToken = new KeyedBuckets(settings.apiPerToken(), MINUTE, MAX_KEYS);
        this.failedAuth = new KeyedBuckets(settings.failedAuthPerAddress(), MINUTE, MAX_KEYS);
        this.signIn = new KeyedBuckets(settings.signInPerAddress(), MINUTE, MAX_KEYS);
        this.webhooks = new KeyedBuckets(settings.webhooksPerAddress(), MINUTE, MAX_KEYS);
        this.triggers = new KeyedBuckets(settings.triggersPerUser(), MINUTE, MAX_KEYS);
    }

    /**
     * Takes one start from the user's budget for sessions that automations and integrations start as
     * them (a runaway schedule or a flood of alerts cannot start sessions without end). Returns why
     * not when the budget is spent. Called on the trigger pipeline's threads.
     */
    public java.util.Optional<String> takeTrigger(String userId) {
        if (!settings.enabled() || triggers.take(userId) == 0) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of("more than " + settings.triggersPerUser()
                + " sessions a minute were started for this user by automations and integrations (the limit, "
                + dev.nightshift.server.Setting.RATE_LIMIT_TRIGGERS_PER_USER.env() + ")");
    }

    public boolean enabled() {
        return settings.enabled();
    }

    /** Registers the checks as {@code before} handlers and failed-authentication counting as an {@code after} handler. */
    public void register(RoutesConfig routes) {
        if (!settings.enabled()) {
            return;
        }
        routes.before("/api/*", this::checkApi);
        routes.before(
                "/auth/*",
                ctx -> check(
                        ctx,
                        signIn,
                        clientAddress(ctx),
                        "too many sign-in requests from your address (at most " + settings.signInPerAddress()
                                + " a minute)"));
        // where Linear sends an administrator's browser back after installing the app
        routes.before(
                "/linear/*",
                ctx -> check(
                        ctx,
                        signIn,
                        clientAddress(ctx),
                        "too many sign-in requests from your address (at most " + settings.signInPerAddress()
                                + " a minute)"));
        routes.before("/webhooks/*", ctx -> {
            long wait = failedAuth.waitNanos(clientAddress(ctx));
            if (wait > 0) {
                throw limited(ctx, wait, "too many failed authentications from your address");
            }
        });
        routes.before(
                "/webhooks/*",
                ctx -> check(
                        ctx,
                        webhooks,
                        clientAddress(ctx),
                        "too many webhook deliveries from your address (at most " + settings.webhooksPerAddress()
                                + " a minute)"));
        routes.after(ctx -> {
            if (ctx.statusCode() == 401) {
                failedAuth.take(clientAddress(ctx));
            }
        });
    }

    /**
     * An address that failed to authenticate too often is refused before its token is even looked
     * up; then the address's budget, then the token's (keyed by the token's hash, never the secret).
     */
    private void checkApi(Context ctx) {
        String address = clientAddress(ctx);
        String authorization = ctx.header("Authorization");
        if (authorization != null || ctx.queryParam("token") != null) {
            long wait = failedAuth.waitNanos(address);
            if (wait > 0) {
                throw limited(ctx, wait, "too many failed authentications from your address");
            }
        }
        check(
                ctx,
                apiByAddress,
                address,
                "too many API requests from your address (at most " + settings.apiPerAddress() + " a minute)");
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String secret = authorization.substring(7).trim();
            if (!secret.isEmpty()) {
                check(
                        ctx,
                        apiByToken,
                        Secrets.hash(secret),
                        "too many API requests with this token (at most " + settings.apiPerToken() + " a minute)");
            }
        }
    }

    /**
     * Takes one request from an address's API budget for a WebSocket connection (an upgrade skips the
     * HTTP filters, so a socket endpoint asks here): empty when allowed, else what to tell the client.
     */
    public java.util.Optional<String> takeConnection(String address) {
        long wait = settings.enabled() ? apiByAddress.take(address) : 0;
        return wait == 0
                ? java.util.Optional.empty()
                : java.util.Optional.of("too many API requests from your address (at most " + settings.apiPerAddress()
                        + " a minute); try again in " + retryAfterSeconds(wait) + " s");
    }

    /**
     * For a preview host's request (which no {@code /api} route sees): why this address must wait,
     * or empty to go on. The same budgets as the path-based port proxy under {@code /api}: refused
     * after too many failed authentications, then the address's API budget. Any thread.
     */
    public java.util.Optional<Refusal> checkPreview(String address) {
        if (!settings.enabled()) {
            return java.util.Optional.empty();
        }
        long wait = failedAuth.waitNanos(address);
        if (wait > 0) {
            return java.util.Optional.of(
                    new Refusal(retryAfterSeconds(wait), "too many failed authentications from your address"));
        }
        wait = apiByAddress.take(address);
        if (wait > 0) {
            return java.util.Optional.of(new Refusal(
                    retryAfterSeconds(wait),
                    "too many requests from your address (at most " + settings.apiPerAddress() + " a minute)"));
        }
        return java.util.Optional.empty();
    }

    /** A failed authentication no {@code after} handler sees (a preview host's 401), counted against the address. */
    public void failedAuthentication(String address) {
        if (settings.enabled()) {
            failedAuth.take(address);
        }
    }

    /** A refused request: when to try again, and why. */
    public record Refusal(long retryAfterSeconds, String message) {
        public String text() {
            return message + "; try again in " + retryAfterSeconds + " s";
        }
    }

    /** A fresh message limit for one WebSocket; open when rate limiting is off. */
    public Gate perSocket() {
        if (!settings.enabled()) {
            return Gate.OPEN;
        }
        Bucket bucket =
                KeyedBuckets.newBucket(settings.webSocketMessages(), SOCKET_PERIOD, TimeMeter.SYSTEM_MILLISECONDS);
        return () -> {
            var probe = bucket.tryConsumeAndReturnRemaining(1);
            return probe.isConsumed() ? 0 : Math.max(1, probe.getNanosToWaitForRefill());
        };
    }

    /** The message a WebSocket gets when over its limit. */
    public String socketMessage(long waitNanos) {
        return "too many messages on this connection (at most " + settings.webSocketMessages() + " every "
                + SOCKET_PERIOD.toSeconds() + " s); try again in " + retryAfterSeconds(waitNanos) + " s";
    }

    private void check(Context ctx, KeyedBuckets buckets, String key, String what) {
        long wait = buckets.take(key);
        if (wait > 0) {
            throw limited(ctx, wait, what);
        }
    }

    private static ApiException limited(Context ctx, long waitNanos, String what) {
        long seconds = retryAfterSeconds(waitNanos);
        ctx.header("Retry-After", String.valueOf(seconds));
        return new ApiException(429, "rate_limited", what + "; try again in " + seconds + " s");
    }

    /** Whole seconds, rounded up, at least 1. */
    static long retryAfterSeconds(long waitNanos) {
        return Math.max(1, (waitNanos + TimeUnit.SECONDS.toNanos(1) - 1) / TimeUnit.SECONDS.toNanos(1));
    }

    /**
     * The socket's remote address; when that is a trusted proxy, the right-most address in
     * {@code X-Forwarded-For} that is not itself a trusted proxy (the one the proxies saw).
     */
    public String clientAddress(Context ctx) {
        return clientAddress(ctx.req().getRemoteAddr(), ctx.header("X-Forwarded-For"));
    }

    /**
     * {@link #clientAddress(Context)} from a remote address and its {@code X-Forwarded-For}: for a socket's
     * upgrade and for a request no route sees (a preview host's, in a servlet filter).
     */
    public String clientAddress(String remote, String forwarded) {
        if (trustedProxies.isEmpty() || !isTrusted(remote)) {
            return remote;
        }
        if (forwarded == null || forwarded.isBlank()) {
            return remote;
        }
        String[] hops = forwarded.split(",");
        for (int i = hops.length - 1; i >= 0; i--) {
            String hop = hops[i].trim();
            if (!hop.isEmpty() && !isTrusted(hop)) {
                return hop;
            }
        }
        return remote;
    }

    private boolean isTrusted(String address) {
        InetAddress parsed = literal(address);
        return parsed != null && trustedProxies.contains(parsed);
    }

    /** An IP literal as an address, without ever asking DNS; null for anything else. */
    private static InetAddress literal(String text) {
        if (text == null || !IP_LITERAL.matcher(text).matches()) {
            return null;
        }
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static Set<InetAddress> parseAddresses(List<String> addresses) {
        Set<InetAddress> out = new HashSet<>();
        for (String a : addresses) {
            InetAddress parsed = literal(a.trim());
            if (parsed == null) {
                throw new IllegalArgumentException(
                        "NIGHTSHIFT_TRUSTED_PROXIES must list IP addresses, got '" + a + "'");
            }
            out.add(parsed);
        }
        return Set.copyOf(out);
    }
}
