package dev.nightshift.server.slack;

import dev.nightshift.core.model.ChannelDefault;
import dev.nightshift.core.model.Scope;
import dev.nightshift.core.policy.RepositoryPolicy;
import dev.nightshift.core.port.Store;
import dev.nightshift.server.Setting;
import dev.nightshift.server.auth.Authenticator;
import dev.nightshift.server.auth.Caller;
import dev.nightshift.server.http.ApiException;
import dev.nightshift.server.http.Json;
import dev.nightshift.server.http.RouteTable;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Chat channels' default repositories over the API, for the web UI's Slack channels section: {@code
 * GET /api/channels} lists them to anyone signed in; {@code PUT} and {@code DELETE
 * /api/channels/slack/{team}/{channel}} set and remove one, for administrators. A default set here is
 * the one {@code /nightshift repo} sets (the same row): it is read the same way and checked against
 * the same repository policy, so a mention in the channel works on it. Defaults from {@code
 * NIGHTSHIFT_SLACK_CHANNEL_REPOSITORIES} are listed too, marked as such; they change only there.
 * Works whether or not Slack is configured. Runs on the server's request threads; the API rate limits
 * apply (everything is under {@code /api}).
 */
public final class ChannelRoutes {
    static final int MAX_BODY_BYTES = 4096;
    /** Slack's team and channel ids: letters and digits ({@code T0123ABC}, {@code C0456DEF}). */
    private static final Pattern SLACK_ID = Pattern.compile("[A-Za-z0-9]{1,32}");

    private final Store store;
    private final Authenticator auth;
    private final RepositoryPolicy repositories;
    private final SlackWorkplace.Settings settings;
    private final Clock clock;

    public ChannelRoutes(
            Store store,
            Authenticator auth,
            RepositoryPolicy repositories,
            SlackWorkplace.Settings settings,
            Clock clock) {
        this.store = store;
        this.auth = auth;
        this.repositories = repositories;
        this.settings = settings;
        this.clock = clock;
    }

    /** {@code PUT /api/channels/slack/{team}/{channel}}: the channel's new default repository. */
    public record SetChannelDefault(String repository) {}

    public void register(RouteTable routes) {
        routes.get("/api/channels", this::list);
        routes.put("/api/channels/slack/{team}/{channel}", this::set);
        routes.delete("/api/channels/slack/{team}/{channel}", this::remove);
    }

    private void list(Context ctx) {
        Caller caller = auth.fromHeader(ctx.header("Authorization"));
        if (caller.isShareLink()) {
            throw ApiException.forbidden("a share link cannot see channels; sign in with your own token");
        }
        caller.require(Scope.SESSIONS_READ);
        List<ChannelDefault> stored = store.channelDefaults().list(SlackWorkplace.ORIGIN);
        Map<String, String> logins = new HashMap<>();
        List<Map<String, Object>> channels = new ArrayList<>();
        for (ChannelDefault d : stored) {
            channels.add(view(d, logins));
        }
        // a stored default wins over the setting's for the same channel (SlackWorkplace.repository)
        Set<String> storedChannels =
                stored.stream().map(ChannelDefault::channel).collect(Collectors.toSet());
        new TreeMap<>(settings.channelRepositories()).forEach((channel, repository) -> {
            if (!storedChannels.contains(channel)) {
                Map<String, Object> view = new LinkedHashMap<>();
                view.put("provider", SlackWorkplace.ORIGIN);
                view.put("channel", channel);
                view.put("repository", repository);
                view.put("source", "setting");
                channels.add(view);
            }
        });
        Json.respond(ctx, 200, Map.of("channels", channels));
    }

    private void set(Context ctx) {
        Caller caller = admin(ctx);
        String team = id(ctx, "team");
        String channel = id(ctx, "channel");
        byte[] body = ctx.bodyAsBytes();
        if (body.length > MAX_BODY_BYTES) {
            throw new ApiException(
                    413,
                    "payload_too_large",
                    "the request is larger than " + MAX_BODY_BYTES / 1024
                            + " KiB; send only {\"repository\": \"<git URL>\"}");
        }
        SetChannelDefault request = Json.read(new String(body, StandardCharsets.UTF_8), SetChannelDefault.class);
        String given = request.repository() == null ? "" : request.repository().strip();
        if (given.isEmpty()) {
            throw ApiException.badRequest(
                    "'repository' is required: the git URL the channel's requests work on, e.g. https://github.com/acme/app.git");
        }
        Optional<String> repository = given.chars().anyMatch(Character::isWhitespace)
                ? Optional.empty()
                : SlackWorkplace.channelRepository(given);
        if (repository.isEmpty()) {
            throw ApiException.badRequest("'" + cut(given)
                    + "' is not a repository a Slack request can name: give its http(s) git URL, e.g. "
                    + "https://github.com/acme/app.git, or owner/name on github.com");
        }
        String target = team + "/" + channel;
        Optional<RepositoryPolicy.Refusal> refused = repositories.check(repository.get(), caller.admin());
        if (refused.isPresent()) {
            audit(
                    caller,
                    "slack.channel_repository",
                    target,
                    "refused",
                    refused.get().name());
            throw ApiException.badRequest(repository.get() + " is not allowed on this server ("
                    + refused.get().name().toLowerCase(Locale.ROOT) + "): "
                    + switch (refused.get()) {
                        case NOT_ALLOWLISTED ->
                            "add a pattern matching it to " + Setting.REPOSITORY_ALLOW.env() + " first";
                        case LOCAL_NOT_ALLOWED ->
                            "add a directory that contains it to " + Setting.LOCAL_REPOSITORY_ROOTS.env() + " first";
                        case DATA_DIRECTORY ->
                            "it is inside Nightshift's own data directory, which is never a repository";
                    });
        }
        // milliseconds, as the store keeps them: the answer says what a later list says
        ChannelDefault saved = new ChannelDefault(
                SlackWorkplace.ORIGIN,
                team,
                channel,
                repository.get(),
                caller.userId(),
                java.time.Instant.ofEpochMilli(clock.millis()));
        store.channelDefaults().set(saved.provider(), team, channel, saved.repository(), saved.setBy(), saved.setAt());
        audit(caller, "slack.channel_repository", target, "ok", repository.get());
        Json.respond(ctx, 200, view(saved, new HashMap<>()));
    }

    private void remove(Context ctx) {
        Caller caller = admin(ctx);
        String team = id(ctx, "team");
        String channel = id(ctx, "channel");
        if (!store.channelDefaults().remove(SlackWorkplace.ORIGIN, team, channel)) {
            throw ApiException.notFound("the Slack channel " + channel + " of team " + team
                    + " has no default repository set here or with /nightshift repo"
                    + (settings.channelRepositories().containsKey(channel)
                            ? "; its default comes from " + Setting.SLACK_CHANNEL_REPOSITORIES.env()
                                    + " and changes there"
                            : ""));
        }
        audit(caller, "slack.channel_repository_removed", team + "/" + channel, "ok", null);
        ctx.status(204);
    }

    private Caller admin(Context ctx) {
        Caller caller = auth.fromHeader(ctx.header("Authorization"));
        caller.requireAdmin(
                "only administrators set or remove a channel's default repository; in Slack, /nightshift repo <git URL> sets it");
        return caller;
    }

    private static String id(Context ctx, String which) {
        String value = ctx.pathParam(which);
        if (!SLACK_ID.matcher(value).matches()) {
            throw ApiException.badRequest("'" + cut(value) + "' is not a Slack " + which
                    + " id: letters and digits, at most 32 (like " + (which.equals("team") ? "T0123ABCD" : "C0456EFGH")
                    + ")");
        }
        return value;
    }

    private Map<String, Object> view(ChannelDefault d, Map<String, String> logins) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("provider", d.provider());
        view.put("team", d.team());
        view.put("channel", d.channel());
        view.put("repository", d.repository());
        view.put("source", "set");
        if (d.setBy() != null) {
            view.put("setBy", login(d.setBy(), logins));
        }
        view.put("setAt", d.setAt());
        return view;
    }

    /** A user's login (their id when the user is gone), looked up once per answer. */
    private String login(String userId, Map<String, String> logins) {
        return logins.computeIfAbsent(
                userId,
                id -> store.users()
                        .byId(id)
                        .map(dev.nightshift.core.model.User::login)
                        .orElse(id));
    }

    private void audit(Caller caller, String action, String target, String outcome, String detail) {
        store.audit().record(caller.userId(), null, action, target, outcome, detail, clock.instant());
    }

    /** Echoes at most 100 characters of what a client sent. */
    private static String cut(String value) {
        return value.length() <= 100 ? value : value.substring(0, 100) + "…";
    }
}
