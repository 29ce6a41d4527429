package dev.nightshift.slack;

import com.slack.api.Slack;
import com.slack.api.SlackConfig;
import com.slack.api.methods.MethodsClient;
import com.slack.api.methods.SlackApiException;
import com.slack.api.methods.SlackApiTextResponse;
import com.slack.api.methods.request.auth.AuthTestRequest;
import com.slack.api.methods.request.chat.ChatPostEphemeralRequest;
import com.slack.api.methods.request.chat.ChatPostMessageRequest;
import com.slack.api.methods.request.chat.ChatUpdateRequest;
import com.slack.api.methods.request.reactions.ReactionsAddRequest;
import com.slack.api.methods.request.users.UsersInfoRequest;
import com.slack.api.model.User;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The Slack Web API calls Nightshift makes with its bot token, over the SDK's {@link MethodsClient}:
 * posting and editing the status message of a thread, reacting, telling one person something, and
 * finding who someone is.
 *
 * <p>Each call blocks the calling thread until Slack answers, so call it from a worker, never from a
 * Socket Mode callback or an HTTP handler that must answer Slack within three seconds. Rate limits
 * (429) are retried after Slack's {@code Retry-After} and server errors (5xx) after a backoff of 1 s,
 * then 2 s, {@value #MAX_ATTEMPTS} tries in all; a {@code Retry-After} longer than
 * {@link #MAX_RETRY_AFTER} is not waited for. The SDK's synchronous client does not retry by itself.
 * Every failure is a {@link SlackException} carrying Slack's {@code error} code. Thread-safe; {@link
 * #close} releases the SDK's HTTP client and threads.
 */
public final class SlackClient implements AutoCloseable {

    /** Slack's Web API, where the SDK sends its calls unless told otherwise. */
    public static final String SLACK_METHODS_URL = MethodsClient.ENDPOINT_URL_PREFIX;
    /** Tries per call, the first included. */
    public static final int MAX_ATTEMPTS = 3;
    /** The longest {@code Retry-After} waited for; a longer one fails the call at once. */
    public static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(60);
    /** The wait after the first server error (and after a 429 without {@code Retry-After}); doubles each time. */
    static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);

    private final Slack slack;
    private final MethodsClient methods;
    private final Sleeper sleeper;

    /**
     * @param botToken the app's bot token ({@code xoxb-…})
     * @param methodsUrlPrefix where the Web API is, ending in {@code /}: {@link #SLACK_METHODS_URL}, or a
     *     fake's address in tests
     */
    public SlackClient(String botToken, String methodsUrlPrefix) {
        this(botToken, methodsUrlPrefix, Sleeper.REAL);
    }

    SlackClient(String botToken, String methodsUrlPrefix, Sleeper sleeper) {
        Objects.requireNonNull(botToken, "botToken");
        Objects.requireNonNull(methodsUrlPrefix, "methodsUrlPrefix");
        this.slack = Slack.getInstance(config(methodsUrlPrefix));
        this.methods = slack.methods(botToken);
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    }

    /**
     * The SDK's configuration for Nightshift: the Web API at {@code methodsUrlPrefix}, and no
     * per-team call statistics (they cost an extra {@code auth.test} per token and a background
     * thread, and Nightshift does not read them).
     */
    static SlackConfig config(String methodsUrlPrefix) {
        SlackConfig config = new SlackConfig();
        config.setMethodsEndpointUrlPrefix(methodsUrlPrefix);
        config.setStatsEnabled(false);
        // stops the statistics' background threads the configuration has already started
        config.synchronizeMetricsDatabases();
        return config;
    }

    /**
     * Posts a message ({@code chat.postMessage}) and returns its {@code ts}, which names it for
     * {@link #update} and {@link #react}. Links in it are not unfurled.
     *
     * @param threadTs the thread to reply in; null posts in the channel itself
     * @param text the plain-text fallback (notifications, clients without blocks)
     * @param blocksJson the Block Kit blocks as a JSON array ({@link StatusMessage#blocksJson}); null for
     *     a message of text only
     */
    public String postMessage(String channel, String threadTs, String text, String blocksJson) {
        return call(
                        "chat.postMessage",
                        () -> methods.chatPostMessage(ChatPostMessageRequest.builder()
                                .channel(channel)
                                .threadTs(threadTs)
                                .text(text)
                                .blocksAsString(blocksJson)
                                .unfurlLinks(false)
                                .unfurlMedia(false)
                                .build()))
                .getTs();
    }

    /** Replaces the text and blocks of a message the app posted ({@code chat.update}). */
    public void update(String channel, String ts, String text, String blocksJson) {
        call(
                "chat.update",
                () -> methods.chatUpdate(ChatUpdateRequest.builder()
                        .channel(channel)
                        .ts(ts)
                        .text(text)
                        .blocksAsString(blocksJson)
                        .build()));
    }

    /**
     * Adds the reaction {@code name} (an emoji name such as {@code eyes}, colons allowed) to a message
     * ({@code reactions.add}). Reacting twice is not an error: Slack's {@code already_reacted} counts
     * as done, so a retried delivery can react again.
     */
    public void react(String channel, String ts, String name) {
        String emoji = name.replaceAll("^:|:$", "");
        try {
            call(
                    "reactions.add",
                    () -> methods.reactionsAdd(ReactionsAddRequest.builder()
                            .channel(channel)
                            .timestamp(ts)
                            .name(emoji)
                            .build()));
        } catch (SlackException e) {
            if (!"already_reacted".equals(e.error())) {
                throw e;
            }
        }
    }

    /** Shows {@code text} to {@code user} alone, in {@code channel} ({@code chat.postEphemeral}). */
    public void postEphemeral(String channel, String user, String text) {
        postEphemeral(channel, null, user, text);
    }

    /** Like {@link #postEphemeral(String, String, String)}, in the thread {@code threadTs} when not null. */
    public void postEphemeral(String channel, String threadTs, String user, String text) {
        postEphemeral(channel, threadTs, user, text, null);
    }

    /** Like {@link #postEphemeral(String, String, String, String)}, with Block Kit blocks (null: none). */
    public void postEphemeral(String channel, String threadTs, String user, String text, String blocksJson) {
        call(
                "chat.postEphemeral",
                () -> methods.chatPostEphemeral(ChatPostEphemeralRequest.builder()
                        .channel(channel)
                        .threadTs(threadTs)
                        .user(user)
                        .text(text)
                        .blocksAsString(blocksJson)
                        .build()));
    }

    /**
     * A person's email address ({@code users.info}, which needs the {@code users:read} and {@code
     * users:read.email} scopes), to find their Nightshift account. Empty for someone who is not a
     * person with a confirmed address: bots and apps, deactivated accounts, users Slack does not know
     * ({@code user_not_found}), accounts whose address Slack marks unconfirmed ({@code
     * is_email_confirmed}), and profiles without an address.
     */
    public Optional<String> userEmail(String userId) {
        User user;
        try {
            user = call(
                            "users.info",
                            () -> methods.usersInfo(
                                    UsersInfoRequest.builder().user(userId).build()))
                    .getUser();
        } catch (SlackException e) {
            if ("user_not_found".equals(e.error())) {
                return Optional.empty();
            }
            throw e;
        }
        if (user == null
                || user.isDeleted()
                || user.isBot()
                || user.isAppUser()
                || !user.isEmailConfirmed()
                || user.getProfile() == null) {
            return Optional.empty();
        }
        String email = user.getProfile().getEmail();
        return email == null || email.isBlank() ? Optional.empty() : Optional.of(email.strip());
    }

    /**
     * The bot user the token belongs to ({@code auth.test}): its mentions ({@code <@U…>}) are what
     * {@link SlackEvents#requestText} removes. Also checks the token at start.
     */
    public String authTest() {
        return call(
                        "auth.test",
                        () -> methods.authTest(AuthTestRequest.builder().build()))
                .getUserId();
    }

    @Override
    public void close() {
        try {
            slack.close();
        } catch (Exception e) {
            throw new IllegalStateException("could not close the Slack SDK's client", e);
        }
    }

    @FunctionalInterface
    private interface Call<T extends SlackApiTextResponse> {
        T run() throws IOException, SlackApiException;
    }

    private <T extends SlackApiTextResponse> T call(String method, Call<T> call) {
        for (int attempt = 1; ; attempt++) {
            T response;
            try {
                response = call.run();
            } catch (SlackApiException e) {
                int status = e.getResponse().code();
                String error = e.getError() != null && e.getError().getError() != null
                        ? e.getError().getError()
                        : "http_" + status;
                Duration wait = status == 429
                        ? retryAfter(e.getResponse().header("Retry-After"))
                        : status >= 500 ? FIRST_BACKOFF.multipliedBy(1L << (attempt - 1)) : null;
                if (wait == null || attempt >= MAX_ATTEMPTS) {
                    throw new SlackException(
                            method,
                            error,
                            status,
                            method + " failed: HTTP " + status + ", " + error + " (after " + attempt + " tries)",
                            e);
                }
                pause(method, wait);
                continue;
            } catch (IOException e) {
                throw new SlackException(
                        method,
                        SlackException.REQUEST_FAILED,
                        0,
                        method + " could not reach Slack: " + e.getMessage(),
                        e);
            }
            if (response == null) {
                throw new SlackException(
                        method, SlackException.REQUEST_FAILED, 0, method + ": Slack's answer was empty", null);
            }
            if (!response.isOk()) {
                String error = response.getError() == null ? "unknown_error" : response.getError();
                throw new SlackException(method, error, 200, method + " failed: " + error, null);
            }
            return response;
        }
    }

    /** Slack's {@code Retry-After} (whole seconds); null when it is longer than {@link #MAX_RETRY_AFTER}. */
    static Duration retryAfter(String header) {
        if (header == null) {
            return FIRST_BACKOFF;
        }
        long seconds;
        try {
            seconds = Long.parseLong(header.strip());
        } catch (NumberFormatException notSeconds) {
            return FIRST_BACKOFF;
        }
        if (seconds < 0) {
            return FIRST_BACKOFF;
        }
        Duration wait = Duration.ofSeconds(seconds);
        return wait.compareTo(MAX_RETRY_AFTER) > 0 ? null : wait;
    }

    private void pause(String method, Duration wait) {
        try {
            sleeper.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SlackException(
                    method, SlackException.INTERRUPTED, 0, method + ": interrupted while waiting to retry", e);
        }
    }
}
