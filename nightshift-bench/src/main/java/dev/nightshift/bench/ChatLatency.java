package dev.nightshift.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nightshift.core.model.Message;
import dev.nightshift.core.model.MessageStatus;
import dev.nightshift.git.testing.GitHttpServer;
import dev.nightshift.git.testing.TestRepos;
import dev.nightshift.github.fake.GitHubFake;
import dev.nightshift.linear.LinearSignatures;
import dev.nightshift.linear.fake.LinearFake;
import dev.nightshift.linear.fake.LinearWebhookPayloads;
import dev.nightshift.server.http.Json;
import dev.nightshift.server.testing.ApiClient;
import dev.nightshift.slack.SlackSignatures;
import dev.nightshift.slack.fake.SlackFake;
import dev.nightshift.slack.fake.SlackPayloads;
import dev.nightshift.triggers.TriggerPipeline;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Slack and Linear as places to ask for work: a signed Events API {@code app_mention} → its HTTP
 * answer (the acknowledgement Slack waits at most 3 s for), → 👀 and → the thread's status message
 * arriving at Slack; a signed Linear delivery of an issue delegated to the app → its answer and → the
 * "Working on it" comment arriving at Linear. Each next to a signed delivery the server ignores, sent
 * the same way. One real server in this JVM (SQLite, bubblewrap sandboxes, a scripted executor that
 * only takes its sandbox) whose Slack and Linear are the tests' loopback fakes, each with a stopwatch
 * ({@link TimedFake}); the repository is a small bare repository behind git's smart-HTTP server under
 * the GitHub fake's host, as {@code SlackWorkplaceTest} and {@code LinearWorkplaceTest} set it up.
 * Everything runs one at a time on the calling thread.
 */
final class ChatLatency implements AutoCloseable {
    static final int WARMUP = 10;
    static final int MEASURED = 100;
    static final String REPOSITORY = "acme/app";
    static final String CHANNEL = "C0ENG";
    static final String SLACK_USER = "U0ADA";
    static final String TEAM_KEY = "ENG";
    static final String LOGIN = "ada";

    private static final String SLACK_SECRET = "bench-slack-signing-secret";
    private static final String LINEAR_SECRET = "bench-linear-webhook-secret";
    private static final Duration FAKE_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration TURN_TIMEOUT = Duration.ofSeconds(90);
    /** How often the end of a turn (not a measured moment) is looked for. */
    private static final Duration SETTLE_POLL = Duration.ofMillis(2);

    /** In {@link Result#slackSequence} and {@link Result#linearSequence}: where the delivery's answer arrived. */
    static final String ANSWER = "(the answer arrives)";

    /**
     * The numbers of one run. {@code slackCalls}/{@code linearCalls}: the requests one request for work
     * made to Slack or Linear until its turn's final word there, by method or operation, in the order
     * they first came; the sequences: the last measured one's, in order, with {@link #ANSWER}.
     */
    record Result(
            Series slackAck,
            Series slackReaction,
            Series slackStatus,
            Series slackIgnored,
            Series linearAck,
            Series linearComment,
            Series linearIgnored,
            List<RouteCount> slackCalls,
            List<RouteCount> linearCalls,
            List<String> slackSequence,
            List<String> linearSequence,
            List<String> capabilities,
            String sqliteSynchronous) {}

    /** One method or operation: calls per request for work, and those that arrived before its answer did. */
    record RouteCount(String route, double perRequest, double beforeAnswer) {}

    /** One request for work, timed from just before its delivery was sent. */
    record Asked(long answeredNanos, long reactionNanos, long statusNanos, List<Call> calls) {
        List<String> sequence() {
            List<String> out = new ArrayList<>();
            boolean answered = false;
            for (Call c : calls) {
                if (!answered && !c.beforeAnswer()) {
                    out.add(ANSWER);
                    answered = true;
                }
                out.add(c.route());
            }
            if (!answered) {
                out.add(ANSWER);
            }
            return out;
        }
    }

    /** A request to Slack or Linear, and whether it arrived before the delivery's answer reached the sender. */
    record Call(String route, boolean beforeAnswer) {}

    private final SlackFake slack;
    private final TimedFake timedSlack;
    private final LinearFake linear;
    private final TimedFake timedLinear;
    private final GitHubFake github;
    private final Path dir;
    private final BenchServer server;
    private final Clock clock = Clock.systemUTC();
    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final String linearAda;
    private final String linearTeam;
    /** Updates that are not assignments all go to this issue: they start nothing, so one is enough. */
    private final String chatterIssue;

    private int next = 1;

    private ChatLatency(
            SlackFake slack,
            TimedFake timedSlack,
            LinearFake linear,
            TimedFake timedLinear,
            GitHubFake github,
            Path dir,
            BenchServer server,
            String linearAda,
            String linearTeam) {
        this.slack = slack;
        this.timedSlack = timedSlack;
        this.linear = linear;
        this.timedLinear = timedLinear;
        this.github = github;
        this.dir = dir;
        this.server = server;
        this.linearAda = linearAda;
        this.linearTeam = linearTeam;
        this.chatterIssue = linear.addIssue(linearTeam, "Discussion", "Talk about the app here.", List.of());
    }

    /** The fakes, the repository, the server, and Ada: her GitHub token stored, her Slack and Linear accounts linked. */
    static ChatLatency start() throws Exception {
        SlackFake slack = SlackFake.start();
        LinearFake linear = null;
        GitHubFake github = null;
        Path dir = null;
        try {
            TimedFake timedSlack = TimedFake.on(slack, "http", "/api/");
            slack.addUser(SLACK_USER, "ada@example.com");
            linear = LinearFake.start();
            TimedFake timedLinear = TimedFake.on(linear, "server", LinearFake.PATH);
            String linearAda = linear.addUser("Ada Lovelace");
            String linearTeam = linear.addTeam(TEAM_KEY, "Engineering");
            github = GitHubFake.start();
            github.addUser(42, LOGIN, "Ada Lovelace", null);
            github.addRepository(REPOSITORY);
            String gitToken = github.issueUserToken(LOGIN, Duration.ofDays(1));
            dir = Files.createTempDirectory("nightshift-bench-chat");
            TestRepos.bareWithMain(dir.resolve("repos/" + REPOSITORY + ".git"));
            github.mount(
                    "/" + REPOSITORY.substring(0, REPOSITORY.indexOf('/')) + "/",
                    GitHttpServer.handlerOnly(dir.resolve("repos"), gitToken).handler());
            String repositoryUrl = github.webUrl() + "/" + REPOSITORY + ".git";
            BenchServer server = BenchServer.sqlite(
                    Map.ofEntries(
                            Map.entry(
                                    "NIGHTSHIFT_GITHUB_API_URL", github.apiUrl().toString()),
                            Map.entry(
                                    "NIGHTSHIFT_GITHUB_WEB_URL", github.webUrl().toString()),
                            Map.entry("NIGHTSHIFT_GIT_INTERNAL_HOSTS", "127.0.0.1"),
                            Map.entry("NIGHTSHIFT_SLACK_BOT_TOKEN", slack.botToken()),
                            Map.entry("NIGHTSHIFT_SLACK_SIGNING_SECRET", SLACK_SECRET),
                            Map.entry("NIGHTSHIFT_SLACK_API_URL", slack.methodsUrl()),
                            Map.entry("NIGHTSHIFT_SLACK_CHANNEL_REPOSITORIES", CHANNEL + "=" + repositoryUrl),
                            Map.entry("NIGHTSHIFT_LINEAR_ACCESS_TOKEN", linear.appToken()),
                            Map.entry("NIGHTSHIFT_LINEAR_WEBHOOK_SECRET", LINEAR_SECRET),
                            Map.entry(
                                    "NIGHTSHIFT_LINEAR_API_URL",
                                    linear.endpoint().toString()),
                            Map.entry("NIGHTSHIFT_LINEAR_REPOSITORIES", TEAM_KEY + "=" + repositoryUrl),
                            // two requests for work a second or so are more than one person's trigger
                            // budget allows: this measures the path, not the limiters
                            Map.entry("NIGHTSHIFT_RATE_LIMITS", "off")),
                    p -> {
                        p.sandboxes = true;
                        // what the agent does first: take the session's sandbox (made and checked out
                        // on first use); it changes nothing, so no post-turn commit follows
                        p.executor = turn -> turn.sandbox();
                    });
            ChatLatency c =
                    new ChatLatency(slack, timedSlack, linear, timedLinear, github, dir, server, linearAda, linearTeam);
            c.person(gitToken);
            return c;
        } catch (Exception | Error e) {
            slack.close();
            if (linear != null) {
                linear.close();
            }
            if (github != null) {
                github.close();
            }
            if (dir != null) {
                TestRepos.deleteTree(dir);
            }
            throw e;
        }
    }

    /** Ada: a Nightshift user, her GitHub token stored as her credential, her Slack and Linear identities linked. */
    private void person(String gitToken) throws IOException {
        ApiClient.Response created = server.admin.post(
                "/api/users", Map.of("login", LOGIN, "name", "Ada Lovelace", "email", "ada@example.com"));
        if (created.status() != 201) {
            throw new IOException("creating the person: " + created.status() + " " + created.raw());
        }
        ApiClient ada = new ApiClient(
                server.ns.url(), created.body().path("token").path("token").asText());
        ApiClient.Response stored = ada.put("/api/me/credentials/127.0.0.1", Map.of("secret", gitToken));
        if (stored.status() != 200) {
            throw new IOException("storing her credential: " + stored.status() + " " + stored.raw());
        }
        link("slack", SlackFake.TEAM_ID, SLACK_USER);
        link("linear", linear.organizationId(), linearAda);
    }

    private void link(String kind, String issuer, String subject) throws IOException {
        ApiClient.Response linked = server.admin.put(
                "/api/users/" + LOGIN + "/identities",
                Map.of("kind", kind, "issuer", issuer, "subject", subject, "login", LOGIN));
        if (linked.status() != 200 && linked.status() != 201) {
            throw new IOException("linking her " + kind + " identity: " + linked.status() + " " + linked.raw());
        }
    }

    // ---------------------------------------------------------------- the run

    static Result run(Consumer<String> say) throws Exception {
        try (ChatLatency c = start()) {
            say.accept("server up (SQLite, bubblewrap sandboxes, a scripted executor); Slack, Linear and GitHub "
                    + "are fakes on loopback; " + WARMUP + " warm-up rounds, then " + MEASURED
                    + ", each a Slack mention, an ignored Slack event, a Linear delegation and an ignored "
                    + "Linear update");
            long[] slackAck = new long[MEASURED];
            long[] slackReaction = new long[MEASURED];
            long[] slackStatus = new long[MEASURED];
            long[] slackIgnored = new long[MEASURED];
            long[] linearAck = new long[MEASURED];
            long[] linearComment = new long[MEASURED];
            long[] linearIgnored = new long[MEASURED];
            Map<String, long[]> slackRoutes = new LinkedHashMap<>();
            Map<String, long[]> linearRoutes = new LinkedHashMap<>();
            List<String> slackSequence = List.of();
            List<String> linearSequence = List.of();
            for (int i = -WARMUP; i < MEASURED; i++) {
                Asked s;
                Asked l;
                long si;
                long li;
                // alternate the order, so drift and what the previous request left running hit all alike
                if ((i & 1) == 0) {
                    s = c.mention();
                    si = c.slackIgnored();
                    l = c.delegated();
                    li = c.linearIgnored();
                } else {
                    li = c.linearIgnored();
                    l = c.delegated();
                    si = c.slackIgnored();
                    s = c.mention();
                }
                if (i < 0) {
                    continue;
                }
                slackAck[i] = s.answeredNanos();
                slackReaction[i] = s.reactionNanos();
                slackStatus[i] = s.statusNanos();
                slackIgnored[i] = si;
                linearAck[i] = l.answeredNanos();
                linearComment[i] = l.statusNanos();
                linearIgnored[i] = li;
                count(slackRoutes, s.calls());
                count(linearRoutes, l.calls());
                slackSequence = s.sequence();
                linearSequence = l.sequence();
                if ((i + 1) % 25 == 0) {
                    say.accept((i + 1) + "/" + MEASURED + " rounds");
                }
            }
            return new Result(
                    Series.of("Slack mention sent → its `200` received (the acknowledgement)", slackAck),
                    Series.of("Slack mention sent → `reactions.add` (👀) arrives at Slack", slackReaction),
                    Series.of(
                            "Slack mention sent → the status message (`chat.postMessage`) arrives at Slack",
                            slackStatus),
                    Series.of(
                            "Slack event that is ignored (the app's own message): sent → `200` (floor)", slackIgnored),
                    Series.of("Linear delegation sent → its `200` received", linearAck),
                    Series.of(
                            "Linear delegation sent → the \"Working on it\" comment arrives at Linear", linearComment),
                    Series.of("Linear update that is no assignment (a new title): sent → `200` (floor)", linearIgnored),
                    routes(slackRoutes),
                    routes(linearRoutes),
                    slackSequence,
                    linearSequence,
                    c.server.ns.sandboxes().describe(),
                    c.server.ns.config().store().sqliteSynchronous());
        }
    }

    private static void count(Map<String, long[]> byRoute, List<Call> calls) {
        for (Call call : calls) {
            long[] n = byRoute.computeIfAbsent(call.route(), k -> new long[2]);
            n[0]++;
            if (call.beforeAnswer()) {
                n[1]++;
            }
        }
    }

    private static List<RouteCount> routes(Map<String, long[]> byRoute) {
        List<RouteCount> out = new ArrayList<>();
        byRoute.forEach(
                (route, n) -> out.add(new RouteCount(route, n[0] / (double) MEASURED, n[1] / (double) MEASURED)));
        return out;
    }

    // ---------------------------------------------------------------- Slack

    /** A mention of the app by Ada in the channel, a thread of its own, and its signed Events API request. */
    Asked mention() throws Exception {
        int n = next++;
        String ts = String.format(Locale.ROOT, "1733400000.%06d", n);
        HttpRequest request = slackRequest(SlackPayloads.appMention(
                CHANNEL,
                SLACK_USER,
                "<@" + SlackFake.BOT_USER_ID + "> add a note about the search page (bench-" + n + ")",
                ts,
                null,
                "EvBENCH" + n));
        int s0 = timedSlack.count();
        long t0 = System.nanoTime();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        long answered = System.nanoTime();
        String detail = answer(response, "a Slack mention").path("detail").asText();
        if (!detail.startsWith("started: ")) {
            throw new IOException("a mention by a linked person started nothing: " + response.body());
        }
        TimedFake.Arrival reaction = timedSlack.await(
                s0,
                a -> a.path().endsWith("/reactions.add") && ts.equals(params(a).get("timestamp")),
                FAKE_TIMEOUT);
        TimedFake.Arrival status = timedSlack.await(
                s0,
                a -> a.path().endsWith("/chat.postMessage")
                        && ts.equals(params(a).get("thread_ts")),
                FAKE_TIMEOUT);
        String trigger = detail.substring("started: ".length()).strip();
        awaitTurn(TriggerPipeline.messageIdFor(trigger));
        awaitFinalStatusMessage(ts);
        List<Call> calls = new ArrayList<>();
        for (TimedFake.Arrival a : timedSlack.since(s0)) {
            calls.add(new Call(a.path().substring(a.path().lastIndexOf('/') + 1), a.nanos() < answered));
        }
        server.ns.sandboxes().destroy(TriggerPipeline.sessionIdFor(trigger));
        return new Asked(answered - t0, reaction.nanos() - t0, status.nanos() - t0, calls);
    }

    /** The app's own message echoed back by Slack: checked, recorded once, parsed, ignored. */
    long slackIgnored() throws Exception {
        int n = next++;
        HttpRequest request = slackRequest(SlackPayloads.ownMessage(
                CHANNEL, "channel", "Working…", String.format(Locale.ROOT, "1733500000.%06d", n), "EvBENCH" + n));
        int s0 = timedSlack.count();
        long t0 = System.nanoTime();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        long took = System.nanoTime() - t0;
        if (!answer(response, "the app's own message").path("status").asText().equals("ignored")) {
            throw new IOException("the app's own message was not ignored: " + response.body());
        }
        if (timedSlack.count() != s0) {
            throw new IOException("an ignored Slack event made requests to Slack: " + timedSlack.since(s0));
        }
        return took;
    }

    /** A signed Events API request as Slack sends it; the signature is Slack's work, so it is made before the clock starts. */
    private HttpRequest slackRequest(String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        String timestamp = String.valueOf(clock.instant().getEpochSecond());
        return HttpRequest.newBuilder(URI.create(server.ns.url() + "/webhooks/slack/events"))
                .header("Content-Type", "application/json")
                .header(SlackSignatures.TIMESTAMP_HEADER, timestamp)
                .header(SlackSignatures.SIGNATURE_HEADER, SlackSignatures.signature(SLACK_SECRET, timestamp, bytes))
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
                .build();
    }

    /** A Web API call's parameters, form-encoded or JSON as the SDK sent them. */
    private static Map<String, String> params(TimedFake.Arrival a) {
        Map<String, String> params = new LinkedHashMap<>();
        String text = a.text();
        if (text.startsWith("{")) {
            Json.tree(text)
                    .properties()
                    .forEach(e -> params.put(e.getKey(), e.getValue().asText()));
            return params;
        }
        for (String pair : text.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                params.put(
                        URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return params;
    }

    /** Waits for the thread's status message to reach its final form (no Stop button), so its Slack work is over. */
    private void awaitFinalStatusMessage(String threadTs) throws Exception {
        long deadline = System.nanoTime() + FAKE_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            for (SlackFake.PostedMessage m : slack.messages(CHANNEL)) {
                if (threadTs.equals(m.threadTs())
                        && m.blocks() != null
                        && !m.blocks().contains("nightshift_stop")) {
                    if (m.text() != null && m.text().toLowerCase(Locale.ROOT).contains("fail")) {
                        throw new IOException("the status message says the turn failed: " + m.text());
                    }
                    return;
                }
            }
            Thread.sleep(SETTLE_POLL);
        }
        throw new IOException("no final status message in thread " + threadTs + " within " + FAKE_TIMEOUT);
    }

    // ---------------------------------------------------------------- Linear

    /** A new issue in the team, delegated by Ada to the app user, and its signed delivery. */
    Asked delegated() throws Exception {
        int n = next++;
        String issue = linear.addIssue(
                linearTeam,
                "Crash on empty search (bench-" + n + ")",
                "Searching with nothing typed shows a 500.",
                List.of());
        HttpRequest request = linearRequest(LinearWebhookPayloads.issueDelegated(
                linear.organizationId(), linear.issueData(issue), linear.appUserId(), linearAda, clock.instant()));
        int l0 = timedLinear.count();
        long t0 = System.nanoTime();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        long answered = System.nanoTime();
        String detail = answer(response, "a Linear delegation").path("detail").asText();
        if (!detail.startsWith("started: ")) {
            throw new IOException("an issue delegated by a linked person started nothing: " + response.body());
        }
        TimedFake.Arrival comment = timedLinear.await(
                l0,
                a -> {
                    JsonNode body = Json.tree(a.text());
                    return body.path("query").asText().contains("commentCreate")
                            && issue.equals(body.path("variables")
                                    .path("input")
                                    .path("issueId")
                                    .asText());
                },
                FAKE_TIMEOUT);
        String trigger = detail.substring("started: ".length()).strip();
        awaitTurn(TriggerPipeline.messageIdFor(trigger));
        awaitDoneComment(issue);
        List<Call> calls = new ArrayList<>();
        for (TimedFake.Arrival a : timedLinear.since(l0)) {
            String operation = Json.tree(a.text()).path("operationName").asText("");
            calls.add(new Call(operation.isEmpty() ? "(unnamed)" : operation, a.nanos() < answered));
        }
        server.ns.sandboxes().destroy(TriggerPipeline.sessionIdFor(trigger));
        return new Asked(answered - t0, -1, comment.nanos() - t0, calls);
    }

    /** An update of an issue's title only, by Ada: checked and parsed, not an assignment, ignored. */
    long linearIgnored() throws Exception {
        HttpRequest request = linearRequest(LinearWebhookPayloads.issueRetitled(
                linear.organizationId(), linear.issueData(chatterIssue), linearAda, linearAda, clock.instant()));
        int l0 = timedLinear.count();
        long t0 = System.nanoTime();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        long took = System.nanoTime() - t0;
        if (!answer(response, "a retitled issue").path("status").asText().equals("ignored")) {
            throw new IOException("an update that is no assignment was not ignored: " + response.body());
        }
        if (timedLinear.count() != l0) {
            throw new IOException("an ignored Linear delivery made requests to Linear: " + timedLinear.since(l0));
        }
        return took;
    }

    /** A signed delivery as Linear sends it; the signature is Linear's work, so it is made before the clock starts. */
    private HttpRequest linearRequest(String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return HttpRequest.newBuilder(URI.create(server.ns.url() + "/webhooks/linear"))
                .header("Content-Type", "application/json")
                .header(LinearSignatures.SIGNATURE_HEADER, LinearWebhookPayloads.sign(bytes, LINEAR_SECRET))
                .header(LinearSignatures.DELIVERY_HEADER, UUID.randomUUID().toString())
                .header(LinearSignatures.EVENT_HEADER, "Issue")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
                .build();
    }

    /** Waits for the comment that closes the turn on the issue, so its Linear work is over. */
    private void awaitDoneComment(String issue) throws Exception {
        long deadline = System.nanoTime() + FAKE_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            for (LinearFake.Comment c : linear.comments(issue)) {
                if (c.body().startsWith("Done.")) {
                    return;
                }
                if (c.body().startsWith("The turn failed")) {
                    throw new IOException("the issue's comment says the turn failed: " + c.body());
                }
            }
            Thread.sleep(SETTLE_POLL);
        }
        throw new IOException("no closing comment on issue " + issue + " within " + FAKE_TIMEOUT);
    }

    // ---------------------------------------------------------------- shared

    /** Waits until the prompt has finished (post-turn work included) and checks it completed. */
    private void awaitTurn(String messageId) throws Exception {
        long deadline = System.nanoTime() + TURN_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<Message> m = server.ns.store().messages().get(messageId);
            if (m.isPresent() && !m.get().status().unfinished()) {
                if (m.get().status() != MessageStatus.COMPLETED) {
                    throw new IOException("the turn ended " + m.get().status().wire() + ": "
                            + m.get().error());
                }
                return;
            }
            Thread.sleep(SETTLE_POLL);
        }
        throw new IOException("prompt " + messageId + " did not finish within " + TURN_TIMEOUT);
    }

    private static JsonNode answer(HttpResponse<String> response, String what) throws IOException {
        if (response.statusCode() != 200) {
            throw new IOException(what + ": the webhook answered " + response.statusCode() + ": " + response.body());
        }
        return Json.tree(response.body());
    }

    @Override
    public void close() {
        try {
            server.close();
        } finally {
            try {
                slack.close();
                linear.close();
                github.close();
            } finally {
                try {
                    TestRepos.deleteTree(dir);
                } catch (IOException e) {
                    // a temporary directory left behind is no reason to lose the run
                }
            }
        }
    }
}
