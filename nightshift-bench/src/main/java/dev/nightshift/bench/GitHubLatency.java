package dev.nightshift.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nightshift.agent.model.FakeModelServer;
import dev.nightshift.agent.model.FakeModelServer.Reply;
import dev.nightshift.core.model.Message;
import dev.nightshift.core.model.MessageStatus;
import dev.nightshift.git.testing.GitHttpServer;
import dev.nightshift.git.testing.TestRepos;
import dev.nightshift.github.fake.GitHubFake;
import dev.nightshift.github.fake.GitHubWebhookPayloads;
import dev.nightshift.server.http.Json;
import dev.nightshift.server.testing.ApiClient;
import dev.nightshift.triggers.TriggerPipeline;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * A mention of the GitHub App in an issue comment → 👀 on the comment, and → the first request of
 * the session's agent at the model; next to the webhook's own round trip for a comment without a
 * mention, and a person creating the same session and prompt through the API. One real server in
 * this JVM (SQLite, bubblewrap sandboxes, the real agent) whose GitHub is the loopback fake with a
 * stopwatch ({@link TimedGitHub}) and whose model is the scripted fake with one ({@link TimedModel});
 * the repository is a small bare repository served by git's own smart-HTTP server under the fake's
 * host, as {@code GitHubWorkplaceTest} sets it up. Everything runs one at a time on the calling thread.
 */
final class GitHubLatency implements AutoCloseable {
    static final int WARMUP = 10;
    static final int MEASURED = 100;
    static final String REPOSITORY = "acme/app";
    static final String SLUG = "nightshift";
    static final String LOGIN = "ada";
    static final long INSTALLATION = 99;
    /** Comments without a mention all go to this issue: they start nothing, so one thread is enough. */
    static final int CHATTER_ISSUE = 1;

    private static final String SECRET = "bench-webhook-secret";
    private static final Duration GITHUB_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration TURN_TIMEOUT = Duration.ofSeconds(90);
    /** How often the end of a turn (not a measured moment) is looked for. */
    private static final Duration SETTLE_POLL = Duration.ofMillis(2);

    /**
     * The numbers of one run. {@code githubRoutes}: the requests a mention made to GitHub until its
     * status comment's final edit, by route, in the order they first came; {@code oneMention}: the
     * routes of the last measured mention in order, with {@link #ANSWER} where its delivery's answer
     * arrived.
     */
    record Result(
            Series reaction,
            Series mentionToModel,
            Series mentionAnswered,
            Series answeredToModel,
            Series ignored,
            Series byHand,
            Series byHandAccepted,
            Series acceptedToModel,
            List<RouteCount> githubRoutes,
            List<String> oneMention,
            int promptChars,
            List<String> capabilities,
            String sqliteSynchronous) {
        double githubCalls() {
            return githubRoutes.stream().mapToDouble(RouteCount::perMention).sum();
        }

        double githubCallsBeforeAnswer() {
            return githubRoutes.stream().mapToDouble(RouteCount::beforeAnswer).sum();
        }
    }

    /** One GitHub route: requests per mention in all, and those that arrived before the delivery's answer did. */
    record RouteCount(String route, double perMention, double beforeAnswer) {}

    /** In {@link Result#oneMention}: where the delivery's answer reached the sender. */
    static final String ANSWER = "(the delivery's answer arrives)";

    private final TimedModel model;
    private final GitHubFake github;
    private final TimedGitHub timed;
    private final Path dir;
    private final BenchServer server;
    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final String repositoryUrl;
    private String personToken;
    private int nextIssue = CHATTER_ISSUE + 1;
    private int nextHand = 1;
    /** The prompt a mention's session got, for the person to type the same; set by the first mention. */
    private String promptTemplate;

    private String templateMarker;

    private GitHubLatency(TimedModel model, GitHubFake github, TimedGitHub timed, Path dir, BenchServer server) {
        this.model = model;
        this.github = github;
        this.timed = timed;
        this.dir = dir;
        this.server = server;
        this.repositoryUrl = github.webUrl() + "/" + REPOSITORY + ".git";
    }

    /** The GitHub account id {@link GitHubWebhookPayloads} gives a login. */
    static long gitHubId(String login) {
        return (login.hashCode() & 0x7fffffffL) + 1;
    }

    /** The fakes, the repository, the server, and Ada: a person with write permission, her account linked. */
    static GitHubLatency start() throws Exception {
        // TimedModel turns Nagle off for every JDK HttpServer made after it (the GitHub fake's too):
        // real GitHub and real providers do not wait for the client's delayed ACK, so neither may the fakes
        TimedModel model = TimedModel.start();
        GitHubFake github = null;
        Path dir = null;
        try {
            github = GitHubFake.start();
            TimedGitHub timed = TimedGitHub.on(github);
            github.appSlug(SLUG);
            github.addUser(gitHubId(LOGIN), LOGIN, "Ada Lovelace", null);
            github.addRepository(REPOSITORY);
            github.setPermission(REPOSITORY, LOGIN, "write");
            github.addIssue(REPOSITORY, CHATTER_ISSUE, "Discussion", "Talk about the app here.", LOGIN);
            String gitToken = github.issueUserToken(LOGIN, Duration.ofDays(1));
            dir = Files.createTempDirectory("nightshift-bench-github");
            TestRepos.bareWithMain(dir.resolve("repos/" + REPOSITORY + ".git"));
            github.mount(
                    "/" + REPOSITORY.substring(0, REPOSITORY.indexOf('/')) + "/",
                    GitHttpServer.handlerOnly(dir.resolve("repos"), gitToken).handler());
            github.addInstallation(INSTALLATION, List.of(REPOSITORY));
            Path appKey = Files.writeString(dir.resolve("app.pem"), github.appPrivateKeyPem());
            BenchServer server = BenchServer.sqlite(
                    Map.ofEntries(
                            Map.entry("NIGHTSHIFT_GITHUB_APP_ID", github.appId()),
                            Map.entry("NIGHTSHIFT_GITHUB_APP_PRIVATE_KEY_FILE", appKey.toString()),
                            Map.entry(
                                    "NIGHTSHIFT_GITHUB_API_URL", github.apiUrl().toString()),
                            Map.entry(
                                    "NIGHTSHIFT_GITHUB_WEB_URL", github.webUrl().toString()),
                            Map.entry("NIGHTSHIFT_GITHUB_WEBHOOK_SECRET", SECRET),
                            Map.entry("NIGHTSHIFT_GITHUB_APP_SLUG", SLUG),
                            Map.entry("NIGHTSHIFT_GIT_INTERNAL_HOSTS", "127.0.0.1"),
                            Map.entry("NIGHTSHIFT_MODEL", AgentLoop.MODEL),
                            Map.entry("OPENAI_COMPATIBLE_BASE_URL", model.openAiBaseUrl()),
                            // a mention about every second is more than a person's trigger budget (30 a
                            // minute) allows, and with the comments without one the deliveries come near
                            // the webhook's per-address limit: this measures the path, not the limiters
                            Map.entry("NIGHTSHIFT_RATE_LIMITS", "off")),
                    p -> p.sandboxes = true);
            GitHubLatency g = new GitHubLatency(model, github, timed, dir, server);
            g.person(gitToken);
            return g;
        } catch (Exception | Error e) {
            model.close();
            if (github != null) {
                github.close();
            }
            if (dir != null) {
                TestRepos.deleteTree(dir);
            }
            throw e;
        }
    }

    /** Ada: a Nightshift user, her GitHub token stored as her credential, her GitHub identity linked. */
    private void person(String gitToken) throws IOException {
        ApiClient.Response created = server.admin.post(
                "/api/users", Map.of("login", LOGIN, "name", "Ada Lovelace", "email", "ada@example.com"));
        expect(created, 201, "creating the person");
        personToken = created.body().path("token").path("token").asText();
        ApiClient ada = new ApiClient(server.ns.url(), personToken);
        expect(ada.put("/api/me/credentials/127.0.0.1", Map.of("secret", gitToken)), 200, "storing her credential");
        ApiClient.Response linked = server.admin.put(
                "/api/users/" + LOGIN + "/identities",
                Map.of(
                        "kind",
                        "github",
                        "issuer",
                        "127.0.0.1",
                        "subject",
                        String.valueOf(gitHubId(LOGIN)),
                        "login",
                        LOGIN));
        if (linked.status() != 200 && linked.status() != 201) {
            throw new IOException("linking her GitHub identity: " + linked.status() + " " + linked.raw());
        }
    }

    private static void expect(ApiClient.Response r, int status, String what) throws IOException {
        if (r.status() != status) {
            throw new IOException(what + ": " + r.status() + " " + r.raw());
        }
    }

    // ---------------------------------------------------------------- the run

    static Result run(Consumer<String> say) throws Exception {
        try (GitHubLatency g = start()) {
            say.accept("server up (SQLite, bubblewrap sandboxes, the agent); GitHub and the model are fakes on "
                    + "loopback; " + WARMUP + " warm-up rounds, then " + MEASURED
                    + ", each a mention, a comment without one and the same session by hand");
            long[] reaction = new long[MEASURED];
            long[] mentionToModel = new long[MEASURED];
            long[] answered = new long[MEASURED];
            long[] answeredToModel = new long[MEASURED];
            long[] ignored = new long[MEASURED];
            long[] byHand = new long[MEASURED];
            long[] accepted = new long[MEASURED];
            long[] acceptedToModel = new long[MEASURED];
            Map<String, long[]> byRoute = new LinkedHashMap<>();
            List<String> oneMention = List.of();
            for (int i = -WARMUP; i < MEASURED; i++) {
                Mention m;
                Hand h;
                long ig;
                // alternate which goes first, so drift hits both alike; the first round starts with a
                // mention, whose prompt the person then types
                if ((i & 1) == 0) {
                    m = g.mention();
                    ig = g.ignored();
                    h = g.byHand();
                } else {
                    h = g.byHand();
                    ig = g.ignored();
                    m = g.mention();
                }
                if (i < 0) {
                    continue;
                }
                reaction[i] = m.reactionNanos();
                mentionToModel[i] = m.modelNanos();
                answered[i] = m.answeredNanos();
                answeredToModel[i] = m.modelNanos() - m.answeredNanos();
                ignored[i] = ig;
                byHand[i] = h.modelNanos();
                accepted[i] = h.acceptedNanos();
                acceptedToModel[i] = h.modelNanos() - h.acceptedNanos();
                for (Call c : m.calls()) {
                    long[] n = byRoute.computeIfAbsent(c.route(), k -> new long[2]);
                    n[0]++;
                    n[1] += c.beforeAnswer() ? 1 : 0;
                }
                oneMention = m.sequence();
                if ((i + 1) % 10 == 0) {
                    say.accept((i + 1) + "/" + MEASURED + ": last mention → 👀 "
                            + Stats.fmtMs(m.reactionNanos()) + ", → model " + Stats.fmtMs(m.modelNanos())
                            + "; by hand → model " + Stats.fmtMs(h.modelNanos()) + "; ignored delivery "
                            + Stats.fmtMs(ig));
                }
            }
            List<RouteCount> routes = new ArrayList<>();
            byRoute.forEach((route, n) ->
                    routes.add(new RouteCount(route, n[0] / (double) MEASURED, n[1] / (double) MEASURED)));
            return new Result(
                    Series.of("mention delivery sent → 👀 reaction request arrives at GitHub", reaction),
                    Series.of("mention delivery sent → first model request arrives", mentionToModel),
                    Series.of("mention delivery sent → its `200` received", answered),
                    Series.of("mention's `200` received → first model request arrives", answeredToModel),
                    Series.of("delivery of a comment without a mention: sent → `200` (floor)", ignored),
                    Series.of("person: `POST /api/sessions` sent → first model request arrives (floor)", byHand),
                    Series.of("person: `POST /api/sessions` sent → the prompt's `202` received", accepted),
                    Series.of("person: the prompt's `202` received → first model request arrives", acceptedToModel),
                    routes,
                    oneMention,
                    g.promptTemplate.length(),
                    g.server.ns.sandboxes().describe(),
                    g.server.ns.config().store().sqliteSynchronous());
        }
    }

    // ---------------------------------------------------------------- one of each

    /**
     * One mention's times from just before its delivery was sent, and its requests to GitHub until
     * the status comment's final edit.
     */
    record Mention(long reactionNanos, long modelNanos, long answeredNanos, List<Call> calls) {
        /** The routes in order, with {@link #ANSWER} where the delivery's answer arrived. */
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
            return out;
        }
    }

    /** A request to GitHub, and whether it arrived before the delivery's answer reached the sender. */
    record Call(String route, boolean beforeAnswer) {}

    /** One person's session and prompt, timed from just before {@code POST /api/sessions} was sent. */
    record Hand(long modelNanos, long acceptedNanos) {}

    /** A new issue, a comment by Ada on it that mentions the App, and its signed delivery. */
    Mention mention() throws Exception {
        int number = nextIssue++;
        String marker = "bench-issue-" + number;
        github.addIssue(
                REPOSITORY,
                number,
                "Crash on empty input",
                "Steps: open the form, leave every field empty, submit. The page shows a stack trace.",
                LOGIN);
        String text = "@" + SLUG + " please fix this (" + marker + ")";
        long commentId = github.addIssueComment(REPOSITORY, number, LOGIN, text);
        HttpRequest delivery = delivery(
                "issue_comment",
                GitHubWebhookPayloads.issueComment(origin(), "created", number, false, commentId, LOGIN, text));
        String reactionPath = "/issues/comments/" + commentId + "/reactions";

        int g0 = timed.count();
        int m0 = model.count();
        model.fake.enqueue(Reply.text("Done."));
        long t0 = System.nanoTime();
        HttpResponse<String> response = http.send(delivery, HttpResponse.BodyHandlers.ofString());
        long answered = System.nanoTime();
        JsonNode answer = answer(response, "a mention");
        String detail = answer.path("detail").asText();
        if (!detail.startsWith("started: ")) {
            throw new IOException("a mention by someone with write permission started nothing: " + response.body());
        }
        TimedGitHub.Arrival reaction =
                timed.await(g0, a -> a.method().equals("POST") && a.path().endsWith(reactionPath), GITHUB_TIMEOUT);
        TimedModel.Exchange first = model.awaitCount(m0 + 1, TURN_TIMEOUT).get(m0);

        String trigger = detail.substring("started: ".length()).strip();
        String sessionId = TriggerPipeline.sessionIdFor(trigger);
        Message prompt = awaitTurn(TriggerPipeline.messageIdFor(trigger));
        awaitFinalStatus(number);
        checkModel(m0, marker);
        if (!github.reactions(commentId).contains("eyes")) {
            throw new IOException("the mention's comment has no 👀 after its session ran");
        }
        if (promptTemplate == null) {
            promptTemplate = prompt.content();
            templateMarker = marker;
        }
        List<Call> calls = new ArrayList<>();
        for (TimedGitHub.Arrival a : timed.since(g0)) {
            calls.add(new Call(route(a), a.nanos() < answered));
        }
        server.ns.sandboxes().destroy(sessionId);
        return new Mention(reaction.nanos() - t0, first.arrivalNanos() - t0, answered - t0, calls);
    }

    /** A comment by Ada without a mention, on the discussion issue: checked, recorded once, parsed, ignored. */
    long ignored() throws Exception {
        String text = "Thanks, that matches what I see here (" + UUID.randomUUID() + ")";
        long commentId = github.addIssueComment(REPOSITORY, CHATTER_ISSUE, LOGIN, text);
        HttpRequest delivery = delivery(
                "issue_comment",
                GitHubWebhookPayloads.issueComment(origin(), "created", CHATTER_ISSUE, false, commentId, LOGIN, text));
        int g0 = timed.count();
        long t0 = System.nanoTime();
        HttpResponse<String> response = http.send(delivery, HttpResponse.BodyHandlers.ofString());
        long took = System.nanoTime() - t0;
        JsonNode answer = answer(response, "a comment without a mention");
        if (!answer.path("detail").asText().equals("ignored: no mention")) {
            throw new IOException("a comment without a mention was not ignored as one: " + response.body());
        }
        if (timed.count() != g0) {
            throw new IOException("a comment without a mention made requests to GitHub: " + timed.since(g0));
        }
        return took;
    }

    /** What a person does for the same: a session on the repository, then the same prompt. */
    Hand byHand() throws Exception {
        String marker = "bench-hand-" + nextHand++;
        String content = promptTemplate.replace(templateMarker, marker);
        HttpRequest create = api("/api/sessions", Json.MAPPER.writeValueAsString(Map.of("repository", repositoryUrl)));
        int m0 = model.count();
        model.fake.enqueue(Reply.text("Done."));
        long t0 = System.nanoTime();
        HttpResponse<String> session = http.send(create, HttpResponse.BodyHandlers.ofString());
        if (session.statusCode() != 201) {
            throw new IOException("POST /api/sessions answered " + session.statusCode() + ": " + session.body());
        }
        String sessionId = Json.tree(session.body()).path("id").asText();
        HttpResponse<String> queued = http.send(
                api(
                        "/api/sessions/" + sessionId + "/prompts",
                        Json.MAPPER.writeValueAsString(Map.of("content", content))),
                HttpResponse.BodyHandlers.ofString());
        long accepted = System.nanoTime();
        if (queued.statusCode() != 202) {
            throw new IOException("POST …/prompts answered " + queued.statusCode() + ": " + queued.body());
        }
        TimedModel.Exchange first = model.awaitCount(m0 + 1, TURN_TIMEOUT).get(m0);
        awaitTurn(Json.tree(queued.body()).path("messageId").asText());
        checkModel(m0, marker);
        server.ns.sandboxes().destroy(sessionId);
        return new Hand(first.arrivalNanos() - t0, accepted - t0);
    }

    // ---------------------------------------------------------------- checks and waits

    /** The turn made exactly one model call, and it carried this session's prompt. */
    private void checkModel(int m0, String marker) throws IOException {
        List<FakeModelServer.RecordedRequest> requests = model.fake.requests();
        if (requests.size() != m0 + 1 || model.fake.pendingReplies() != 0) {
            throw new IOException("the turn made " + (requests.size() - m0) + " model calls, scripted 1");
        }
        if (!requests.get(m0).body().toString().contains(marker)) {
            throw new IOException("the first model request after " + marker + " was not its session's");
        }
    }

    /** Waits until the prompt has finished (post-turn work included) and checks it completed. */
    private Message awaitTurn(String messageId) throws Exception {
        long deadline = System.nanoTime() + TURN_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<Message> m = server.ns.store().messages().get(messageId);
            if (m.isPresent() && !m.get().status().unfinished()) {
                if (m.get().status() != MessageStatus.COMPLETED) {
                    throw new IOException("the turn ended " + m.get().status().wire() + ": "
                            + m.get().error());
                }
                return m.get();
            }
            Thread.sleep(SETTLE_POLL);
        }
        throw new IOException("prompt " + messageId + " did not finish within " + TURN_TIMEOUT);
    }

    /** Waits for the status comment's final edit, so the session's GitHub work is over before the next. */
    private void awaitFinalStatus(int number) throws Exception {
        long deadline = System.nanoTime() + GITHUB_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            for (GitHubFake.IssueComment c : github.issueComments(REPOSITORY, number)) {
                if (c.body().startsWith("✅ Done")) {
                    return;
                }
                if (c.body().startsWith("❌")) {
                    throw new IOException("the status comment says the turn failed: " + c.body());
                }
            }
            Thread.sleep(SETTLE_POLL);
        }
        throw new IOException("no final status comment on issue #" + number + " within " + GITHUB_TIMEOUT);
    }

    private static JsonNode answer(HttpResponse<String> response, String what) throws IOException {
        if (response.statusCode() != 200) {
            throw new IOException(what + ": the webhook answered " + response.statusCode() + ": " + response.body());
        }
        return Json.tree(response.body());
    }

    /** A request's route with the numbers and the repository taken out: {@code POST /repos/{repo}/issues/{n}}. */
    private static String route(TimedGitHub.Arrival a) {
        String path = a.path().startsWith(GitHubFake.API_PREFIX)
                ? a.path().substring(GitHubFake.API_PREFIX.length())
                : a.path();
        String repo = "/repos/" + REPOSITORY;
        if (path.equals(repo) || path.startsWith(repo + "/")) {
            path = "/repos/{repo}" + path.substring(repo.length());
        }
        return a.method() + " " + path.replaceAll("/\\d+", "/{n}");
    }

    private GitHubWebhookPayloads.Origin origin() {
        return GitHubWebhookPayloads.Origin.on(github, INSTALLATION, REPOSITORY, LOGIN);
    }

    /** A signed delivery as GitHub sends it; the signature is GitHub's work, so it is made before the clock starts. */
    private HttpRequest delivery(String event, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return HttpRequest.newBuilder(URI.create(server.ns.url() + "/webhooks/github"))
                .header("X-GitHub-Event", event)
                .header("X-GitHub-Delivery", UUID.randomUUID().toString())
                .header("X-Hub-Signature-256", GitHubWebhookPayloads.sign(bytes, SECRET))
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
                .build();
    }

    private HttpRequest api(String path, String json) {
        return HttpRequest.newBuilder(URI.create(server.ns.url() + path))
                .header("Authorization", "Bearer " + personToken)
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build();
    }

    @Override
    public void close() {
        try {
            server.close();
        } finally {
            try {
                github.close();
            } finally {
                try {
                    model.close();
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
}
