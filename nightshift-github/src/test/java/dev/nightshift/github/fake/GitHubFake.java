package dev.nightshift.github.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.nightshift.github.GitHubEndpoints;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A GitHub on loopback for tests: a real HTTP server speaking the REST API (under
 * {@link #API_PREFIX}, as GitHub Enterprise Server does) and the OAuth web endpoint, with the status
 * codes, headers ({@code Link}, {@code X-RateLimit-*}, {@code Retry-After},
 * {@code X-GitHub-Request-Id}) and JSON bodies GitHub documents. Point the code under test at
 * {@link #endpoints()}.
 *
 * <p>Tokens are checked like GitHub does: unknown or expired ones get 401 "Bad credentials". Time
 * comes from the {@link Clock} given to {@link #start(Clock)}, so tests can expire tokens by moving a
 * {@link MutableClock}. Every request is recorded ({@link #requests()}).
 *
 * <p>Besides pull requests it models issues (numbered with them), conversation comments, line
 * comments, reviews (checked against the pull request's diff), reactions, collaborator roles,
 * GitHub Actions runs with their jobs and logs, and check suites: seed them with the {@code add…}
 * and {@code set…} methods, read back what the code under test did with {@link #issueComments},
 * {@link #reactions}, {@link #reviews} and {@link #reviewComments}. Job logs redirect to a second
 * loopback server, another origin as GitHub's storage is another host, which refuses requests that
 * carry a token. {@link #serverErrorOnce} and {@link #secondaryRateLimitOnce} make GitHub flaky.
 */
public final class GitHubFake implements AutoCloseable {

    /** Where the REST API lives on the fake; the web endpoints are at the root. */
    public static final String API_PREFIX = "/api/v3";
    /** GitHub App user tokens live 8 hours, their refresh tokens about 6 months. */
    public static final Duration USER_TOKEN_TTL = Duration.ofHours(8);

    public static final Duration REFRESH_TOKEN_TTL = Duration.ofSeconds(15_897_600);
    /** Installation tokens live one hour. */
    public static final Duration INSTALLATION_TOKEN_TTL = Duration.ofHours(1);
    /** GitHub's cap on {@code per_page}. */
    public static final int MAX_PAGE_SIZE = 100;

    private static final int DEFAULT_PAGE_SIZE = 30;
    private static final int RATE_LIMIT = 5000;
    private static final Duration JWT_MAX_LIFETIME = Duration.ofMinutes(10);
    private static final String DOCS = "https://docs.github.com/rest";

    static {
        // the JDK server leaves Nagle on; small responses would wait for delayed ACKs
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    /** One request as the fake saw it. {@code path} includes {@link #API_PREFIX} for API calls. */
    public record RecordedRequest(String method, String path, String query, String authorization) {}

    /** A pull request as the fake holds it, for assertions. */
    public record PullRequest(
            String repository,
            int number,
            String title,
            String body,
            String head,
            String base,
            String state,
            boolean draft,
            boolean merged,
            String author) {}

    /** A conversation comment as the fake holds it: its current body, after any edit. */
    public record IssueComment(long id, String repository, int number, String author, String body) {}

    /**
     * A comment on a line of a pull request's diff ({@code side} {@code RIGHT} for the new version);
     * {@code inReplyTo} is the comment it answers, or null.
     */
    public record LineComment(
            long id, String author, String path, int line, String side, String body, Long inReplyTo) {}

    /** A submitted review: {@code state} as GitHub reports it ({@code COMMENTED}, {@code APPROVED}…). */
    public record Review(
            long id, String author, String body, String state, String commitId, List<LineComment> comments) {}

    /**
     * A GitHub Actions job to seed with {@link #addWorkflowRun}: {@code conclusion} as GitHub writes
     * it ({@code success}, {@code failure}, {@code timed_out}, {@code cancelled}…); the named steps
     * failed, the others passed; {@code log} is what downloading its log gives.
     */
    public record JobSpec(String name, String conclusion, List<String> failedSteps, String log) {

        public JobSpec {
            failedSteps = List.copyOf(failedSteps);
        }
    }

    /** A check run to seed with {@link #addCheckSuite}, with the output its app reported. */
    public record CheckRunSpec(String name, String conclusion, String title, String summary, String text) {}

    private record Token(String login, Long installationId, Instant expiresAt) {}

    private record Email(String email, boolean primary, boolean verified) {}

    private record User(long id, String login, String name, String publicEmail, List<Email> emails) {}

    /** Organisation and org/team memberships per login. */
    private final Map<String, java.util.Set<String>> memberships = new java.util.HashMap<>();

    private record Code(String login, String redirectUri) {}

    private static final class Pull {
        final int number;
        final String head;
        String title, body, base, state = "open", author, diff;
        /** The fork the head branch lives in (null: the repository itself). */
        Repo headRepo;

        boolean draft, merged;
        final Instant createdAt;
        Instant updatedAt;

        Pull(
                int number,
                String head,
                String base,
                String title,
                String body,
                boolean draft,
                String author,
                Instant at) {
            this.number = number;
            this.head = head;
            this.base = base;
            this.title = title;
            this.body = body;
            this.draft = draft;
            this.author = author;
            this.createdAt = at;
            this.updatedAt = at;
        }
    }

    private static final class Issue {
        final int number;
        final String title, body, author;
        final List<String> labels = new ArrayList<>();
        final Instant createdAt;

        Issue(int number, String title, String body, String author, Instant at) {
            this.number = number;
            this.title = title;
            this.body = body;
            this.author = author;
            this.createdAt = at;
        }
    }

    /** A conversation comment on an issue or pull request. */
    private static final class Talk {
        final long id;
        final Repo repo;
        final int number;
        final String author;
        String body;
        final Instant createdAt;
        Instant updatedAt;

        Talk(long id, Repo repo, int number, String author, String body, Instant at) {
            this.id = id;
            this.repo = repo;
            this.number = number;
            this.author = author;
            this.body = body;
            this.createdAt = at;
            this.updatedAt = at;
        }
    }

    /** A comment on a line of a pull request's diff, on its own, in a review, or replying to another. */
    private record Line(
            long id,
            Repo repo,
            int pull,
            String author,
            String path,
            int line,
            String side,
            String body,
            Long inReplyTo,
            Long reviewId,
            String commitId,
            Instant createdAt) {}

    private record Submitted(
            long id, Repo repo, int pull, String author, String body, String state, String commitId, Instant at) {}

    private record Reaction(long id, String login, String content, Instant createdAt) {}

    private record Run(long id, Repo repo, String headBranch, String headSha, List<Long> jobs, Instant at) {}

    private record Job(long id, Run run, JobSpec spec) {}

    private record Suite(long id, Repo repo, String headBranch, String headSha, List<Long> checkRuns, Instant at) {}

    private record Check(long id, Suite suite, CheckRunSpec spec) {}

    private record LogLink(long jobId, Instant expiresAt) {}

    private static final class Repo {
        final long id;
        final String owner, name;
        final List<Pull> pulls = new ArrayList<>();
        final Map<Integer, Issue> issues = new java.util.TreeMap<>();
        final Map<String, String> permissions = new HashMap<>();

        Repo(long id, String owner, String name) {
            this.id = id;
            this.owner = owner;
            this.name = name;
        }

        String fullName() {
            return owner + "/" + name;
        }

        /** Issues and pull requests share one sequence of numbers, as on GitHub. */
        int nextNumber() {
            int max = 0;
            for (Pull p : pulls) {
                max = Math.max(max, p.number);
            }
            for (int n : issues.keySet()) {
                max = Math.max(max, n);
            }
            return max + 1;
        }

        boolean taken(int number) {
            return issues.containsKey(number) || pulls.stream().anyMatch(p -> p.number == number);
        }
    }

    private final ObjectMapper json = new ObjectMapper();
    private final SecureRandom random = new SecureRandom();
    private final Clock clock;
    private final HttpServer server;
    /** Where job logs are downloaded from: another origin, as GitHub's storage is another host. */
    private final HttpServer storage;

    private final ExecutorService executor;
    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();

    // all state below is guarded by "this"
    private final Map<String, User> users = new LinkedHashMap<>();
    private final Map<String, Token> tokens = new HashMap<>();
    private final Map<String, Code> codes = new HashMap<>();
    private final Map<String, Token> refreshTokens = new HashMap<>();
    private final Map<String, Repo> repos = new LinkedHashMap<>();
    private final Map<Long, List<String>> installations = new LinkedHashMap<>();
    private final Map<Long, Talk> talks = new LinkedHashMap<>();
    private final Map<Long, Line> lines = new LinkedHashMap<>();
    private final List<Submitted> reviews = new ArrayList<>();
    private final Map<Long, List<Reaction>> reactions = new HashMap<>();
    private final Map<Long, Run> runs = new LinkedHashMap<>();
    private final Map<Long, Job> jobs = new LinkedHashMap<>();
    private final Map<Long, Suite> suites = new LinkedHashMap<>();
    private final Map<Long, Check> checks = new LinkedHashMap<>();
    private final Map<String, LogLink> logLinks = new HashMap<>();
    private final java.util.Deque<Reply> serverErrors = new java.util.ArrayDeque<>();
    private String appSlug = "nightshift";
    private String clientId = "Iv1.fakeclientid0001";
    private String clientSecret = "fake-client-secret";
    private boolean expiringUserTokens = true;
    private final KeyPair appKeys;
    private String appId = "424242";
    private RSAPublicKey appPublicKey;
    private int maxPageSize = MAX_PAGE_SIZE;
    private boolean refusePullRequestCreation;
    private boolean secondaryRateLimitPending;
    private Duration secondaryRetryAfter;
    private int remaining = RATE_LIMIT;
    private long nextId = 1000;

    private GitHubFake(Clock clock) throws IOException {
        this.clock = clock;
        this.appKeys = rsaKeyPair();
        this.appPublicKey = (RSAPublicKey) appKeys.getPublic();
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        this.executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        this.storage = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        storage.setExecutor(executor);
        storage.createContext("/", this::download);
        storage.start();
    }

    /** Starts on a free loopback port, with the system clock. */
    public static GitHubFake start() {
        return start(Clock.systemUTC());
    }

    public static GitHubFake start(Clock clock) {
        try {
            return new GitHubFake(clock);
        } catch (IOException e) {
            throw new IllegalStateException("could not start the GitHub fake", e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        storage.stop(0);
        executor.shutdownNow();
    }

    // ---- configuration ----------------------------------------------------------------------

    /**
     * Serves {@code path} (and everything under it) with another handler on the same host and port,
     * e.g. a git smart-HTTP server, so repository URLs look like GitHub's ({@code <web>/owner/repo.git}).
     */
    public void mount(String path, com.sun.net.httpserver.HttpHandler handler) {
        server.createContext(path, handler);
    }

    public URI webUrl() {
        return URI.create("http://" + server.getAddress().getHostString() + ":"
                + server.getAddress().getPort());
    }

    public URI apiUrl() {
        return URI.create(webUrl() + API_PREFIX);
    }

    public GitHubEndpoints endpoints() {
        return new GitHubEndpoints(apiUrl(), webUrl());
    }

    public synchronized void addUser(long id, String login, String name, String publicEmail) {
        users.put(login, new User(id, login, name, publicEmail, new ArrayList<>()));
    }

    /** Makes the user a member of {@code org}, and of its team {@code teamSlug} when not null. */
    public synchronized void addMembership(String login, String org, String teamSlug) {
        user(login);
        memberships
                .computeIfAbsent(login, k -> new java.util.TreeSet<>())
                .add(teamSlug == null ? org : org + "/" + teamSlug);
    }

    /** Ends every membership of the user in {@code org} (and its teams), as leaving the organisation does. */
    public synchronized void removeMemberships(String login, String org) {
        memberships
                .getOrDefault(login, new java.util.TreeSet<>())
                .removeIf(m -> m.equals(org) || m.startsWith(org + "/"));
    }

    /** An address on the user's {@code /user/emails}. */
    public synchronized void addEmail(String login, String email, boolean primary, boolean verified) {
        user(login).emails().add(new Email(email, primary, verified));
    }

    /** A user access token valid for {@link #USER_TOKEN_TTL}, as if the user had signed in. */
    public String issueUserToken(String login) {
        return issueUserToken(login, USER_TOKEN_TTL);
    }

    public synchronized String issueUserToken(String login, Duration ttl) {
        user(login);
        String token = newToken("ghu_");
        tokens.put(token, new Token(login, null, clock.instant().plus(ttl)));
        return token;
    }

    /** Makes {@code token} (user, installation or refresh) expire now, as revoking it would. */
    public synchronized void expireToken(String token) {
        Token t = tokens.get(token);
        if (t != null) {
            tokens.put(token, new Token(t.login(), t.installationId(), clock.instant()));
        }
        refreshTokens.remove(token);
    }

    /** The OAuth credentials the fake accepts; defaults exist, see {@link #clientId()}. */
    public synchronized void oauthClient(String clientId, String clientSecret) {
        this.clientId = clientId;
        this.clientSecret = clientSecret;
    }

    public synchronized String clientId() {
        return clientId;
    }

    public synchronized String clientSecret() {
        return clientSecret;
    }

    /** With false, sign-in gives tokens without expiry and no refresh token (the App setting turned off). */
    public synchronized void expiringUserTokens(boolean expiring) {
        this.expiringUserTokens = expiring;
    }

    /**
     * The user authorizes the App on GitHub's page: returns the code GitHub would append to
     * {@code redirect}. Codes are single use.
     */
    public synchronized String authorize(String login, URI redirect) {
        user(login);
        String code = HexFormat.of().formatHex(randomBytes(10));
        codes.put(code, new Code(login, redirect.toString()));
        return code;
    }

    /** The App's ID, the JWT issuer the fake expects. */
    public synchronized String appId() {
        return appId;
    }

    /** The App's private key as GitHub hands it out (PKCS#8 PEM here; GitHub's downloads are PKCS#1). */
    public String appPrivateKeyPem() {
        return "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(appKeys.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
    }

    /** Another App identity: JWTs must then carry {@code appId} and verify with {@code publicKey}. */
    public synchronized void app(String appId, RSAPublicKey publicKey) {
        this.appId = appId;
        this.appPublicKey = publicKey;
    }

    /** An installation of the App with access to these repositories ({@code owner/name}), created as needed. */
    public synchronized void addInstallation(long installationId, List<String> repositories) {
        repositories.forEach(this::repo);
        installations.put(installationId, List.copyOf(repositories));
    }

    public synchronized void addRepository(String ownerAndRepo) {
        repo(ownerAndRepo);
    }

    /** An open pull request already on GitHub, authored by the repository's owner. Returns its number. */
    public synchronized int addPullRequest(String ownerAndRepo, String head, String base, String title) {
        Repo r = repo(ownerAndRepo);
        Pull p = new Pull(r.nextNumber(), head, base, title, null, false, r.owner, clock.instant());
        r.pulls.add(p);
        return p.number;
    }

    /** An open pull request from {@code head} in the fork {@code forkOwnerAndRepo}. Returns its number. */
    public synchronized int addForkPullRequest(
            String ownerAndRepo, String forkOwnerAndRepo, String head, String base, String title) {
        Repo r = repo(ownerAndRepo);
        Pull p = new Pull(r.nextNumber(), head, base, title, null, false, r.owner, clock.instant());
        p.headRepo = repo(forkOwnerAndRepo);
        r.pulls.add(p);
        return p.number;
    }

    public synchronized void mergePullRequest(String ownerAndRepo, int number) {
        Pull p = pull(repo(ownerAndRepo), number).orElseThrow();
        p.state = "closed";
        p.merged = true;
        p.updatedAt = clock.instant();
    }

    public synchronized Optional<PullRequest> pullRequest(String ownerAndRepo, int number) {
        Repo r = repo(ownerAndRepo);
        return pull(r, number).map(p -> snapshot(r, p));
    }

    public synchronized List<PullRequest> pullRequests(String ownerAndRepo) {
        Repo r = repo(ownerAndRepo);
        return r.pulls.stream().map(p -> snapshot(r, p)).toList();
    }

    /** Pages hold at most this many items whatever {@code per_page} asks (GitHub's cap is 100). */
    public synchronized void maxPageSize(int size) {
        this.maxPageSize = size;
    }

    /** From now on, creating a pull request gets 403 "Resource not accessible by integration". */
    public synchronized void refusePullRequestCreation() {
        this.refusePullRequestCreation = true;
    }

    /** The next API request gets GitHub's secondary rate limit answer, 403 with {@code Retry-After: 1}. */
    public void secondaryRateLimitOnce() {
        secondaryRateLimitOnce(Duration.ofSeconds(1));
    }

    /** Likewise with another {@code Retry-After}; null sends none (GitHub does not always). */
    public synchronized void secondaryRateLimitOnce(Duration retryAfter) {
        this.secondaryRateLimitPending = true;
        this.secondaryRetryAfter = retryAfter;
    }

    /** Uses up the primary rate limit: API requests get 403 with {@code X-RateLimit-Remaining: 0}. */
    public synchronized void exhaustRateLimit() {
        this.remaining = 0;
    }

    /** The App's slug: acting with an installation token, the App appears as {@code <slug>[bot]}. */
    public synchronized void appSlug(String slug) {
        this.appSlug = slug;
    }

    /** The login installation tokens act as, e.g. {@code nightshift[bot]}. */
    public synchronized String botLogin() {
        return appSlug + "[bot]";
    }

    /**
     * {@code login}'s role on the repository: {@code admin}, {@code maintain}, {@code write},
     * {@code triage}, {@code read} or {@code none}. Without one the owner is {@code admin} and
     * anyone else {@code read} (the fake's repositories are public); logins the fake has never
     * seen get 404, as unknown users do on GitHub.
     */
    public synchronized void setPermission(String ownerAndRepo, String login, String permission) {
        if (!LEGACY_PERMISSION.containsKey(permission)) {
            throw new IllegalArgumentException("no such role: " + permission);
        }
        user(login);
        repo(ownerAndRepo).permissions.put(login, permission);
    }

    /** An open issue with this number (issues and pull requests share numbers: it must be free). */
    public synchronized void addIssue(String ownerAndRepo, int number, String title, String body, String authorLogin) {
        Repo r = repo(ownerAndRepo);
        if (number < 1 || r.taken(number)) {
            throw new IllegalArgumentException("#" + number + " is taken or invalid in " + ownerAndRepo);
        }
        user(authorLogin);
        r.issues.put(number, new Issue(number, title, body, authorLogin, clock.instant()));
    }

    /** Puts a label on an issue added with {@link #addIssue}. */
    public synchronized void addIssueLabel(String ownerAndRepo, int number, String label) {
        Issue issue = repo(ownerAndRepo).issues.get(number);
        if (issue == null) {
            throw new IllegalArgumentException("no issue #" + number + " in " + ownerAndRepo);
        }
        issue.labels.add(label);
    }

    /** A conversation comment already on issue or pull request {@code number}. Returns its id. */
    public synchronized long addIssueComment(String ownerAndRepo, int number, String authorLogin, String body) {
        Repo r = repo(ownerAndRepo);
        if (!r.taken(number)) {
            throw new IllegalArgumentException("no issue or pull request #" + number + " in " + ownerAndRepo);
        }
        user(authorLogin);
        Talk c = new Talk(nextId++, r, number, authorLogin, body, clock.instant());
        talks.put(c.id, c);
        return c.id;
    }

    /**
     * A comment already on line {@code line} of {@code path} (new version) of pull request
     * {@code pullNumber}, outside any review. Not checked against the diff. Returns its id.
     */
    public synchronized long addReviewComment(
            String ownerAndRepo, int pullNumber, String authorLogin, String path, int line, String body) {
        Repo r = repo(ownerAndRepo);
        Pull p = pull(r, pullNumber).orElseThrow(() -> new IllegalArgumentException("no pull request #" + pullNumber));
        user(authorLogin);
        Line c = new Line(
                nextId++,
                r,
                pullNumber,
                authorLogin,
                path,
                line,
                "RIGHT",
                body,
                null,
                null,
                headSha(r, p),
                clock.instant());
        lines.put(c.id(), c);
        return c.id();
    }

    /**
     * The unified diff pull request {@code number} answers with; review comments must fall on its
     * lines. Without one it is a one-line addition to README.md.
     */
    public synchronized void setPullRequestDiff(String ownerAndRepo, int number, String diff) {
        pull(repo(ownerAndRepo), number).orElseThrow().diff = diff;
    }

    /** Makes {@code login} (e.g. {@code renovate[bot]}, which is a Bot) the pull request's author. */
    public synchronized void setPullRequestAuthor(String ownerAndRepo, int number, String login) {
        user(login);
        pull(repo(ownerAndRepo), number).orElseThrow().author = login;
    }

    /** The conversation of issue or pull request {@code number}, oldest first, bodies as edited. */
    public synchronized List<IssueComment> issueComments(String ownerAndRepo, int number) {
        Repo r = repo(ownerAndRepo);
        return talks.values().stream()
                .filter(c -> c.repo == r && c.number == number)
                .map(c -> new IssueComment(c.id, r.fullName(), c.number, c.author, c.body))
                .toList();
    }

    /** The reactions' contents ({@code eyes}, {@code +1}…) on a comment of either kind, oldest first. */
    public synchronized List<String> reactions(long commentId) {
        return reactions.getOrDefault(commentId, List.of()).stream()
                .map(Reaction::content)
                .toList();
    }

    /** The reviews submitted on pull request {@code pullNumber}, oldest first, with their line comments. */
    public synchronized List<Review> reviews(String ownerAndRepo, int pullNumber) {
        Repo r = repo(ownerAndRepo);
        return reviews.stream()
                .filter(v -> v.repo() == r && v.pull() == pullNumber)
                .map(v -> new Review(
                        v.id(),
                        v.author(),
                        v.body(),
                        v.state(),
                        v.commitId(),
                        lines.values().stream()
                                .filter(c -> Long.valueOf(v.id()).equals(c.reviewId()))
                                .map(GitHubFake::snapshot)
                                .toList()))
                .toList();
    }

    /** Every comment on lines of pull request {@code pullNumber}, in reviews or not, oldest first. */
    public synchronized List<LineComment> reviewComments(String ownerAndRepo, int pullNumber) {
        Repo r = repo(ownerAndRepo);
        return lines.values().stream()
                .filter(c -> c.repo() == r && c.pull() == pullNumber)
                .map(GitHubFake::snapshot)
                .toList();
    }

    /**
     * A completed GitHub Actions run of {@code headSha} on {@code headBranch} with these jobs, its
     * conclusion {@code failure} when one of them failed. Returns the jobs' ids, in order.
     */
    public synchronized List<Long> addWorkflowRun(
            String ownerAndRepo, long runId, String headBranch, String headSha, List<JobSpec> jobSpecs) {
        Repo r = repo(ownerAndRepo);
        List<Long> ids = new ArrayList<>();
        Run run = new Run(runId, r, headBranch, headSha, ids, clock.instant());
        for (JobSpec spec : jobSpecs) {
            Job j = new Job(nextId++, run, spec);
            jobs.put(j.id(), j);
            ids.add(j.id());
        }
        runs.put(runId, run);
        return List.copyOf(ids);
    }

    /** A completed check suite of {@code headSha} with these check runs. Returns the runs' ids, in order. */
    public synchronized List<Long> addCheckSuite(
            String ownerAndRepo, long suiteId, String headBranch, String headSha, List<CheckRunSpec> runSpecs) {
        Repo r = repo(ownerAndRepo);
        List<Long> ids = new ArrayList<>();
        Suite suite = new Suite(suiteId, r, headBranch, headSha, ids, clock.instant());
        for (CheckRunSpec spec : runSpecs) {
            Check c = new Check(nextId++, suite, spec);
            checks.put(c.id(), c);
            ids.add(c.id());
        }
        suites.put(suiteId, suite);
        return List.copyOf(ids);
    }

    /**
     * The next API request (after those already queued) gets {@code status}, e.g. 502 as GitHub's
     * front end sends when a backend is briefly gone. Call it twice to fail two requests.
     */
    public void serverErrorOnce(int status) {
        serverErrorOnce(status, null);
    }

    /** Likewise with {@code Retry-After} (GitHub sends one with some 503s); null sends none. */
    public synchronized void serverErrorOnce(int status, Duration retryAfter) {
        String text = switch (status) {
            case 503 -> "Service Unavailable";
            case 504 ->
                "We couldn't respond to your request in time. Sorry about that. Please try resubmitting your"
                        + " request and contact us if the problem persists.";
            default -> "Server Error";
        };
        serverErrors.addLast(new Reply(
                status,
                message(text),
                retryAfter == null ? Map.of() : Map.of("Retry-After", String.valueOf(retryAfter.toSeconds()))));
    }

    public List<RecordedRequest> requests() {
        return List.copyOf(requests);
    }

    /** Requests with this method whose path, less {@link #API_PREFIX}, is {@code apiPath}. */
    public List<RecordedRequest> requests(String method, String apiPath) {
        return requests.stream()
                .filter(r -> r.method().equals(method) && r.path().equals(API_PREFIX + apiPath))
                .toList();
    }

    public void clearRequests() {
        requests.clear();
    }

    // ---- HTTP -------------------------------------------------------------------------------

    private record Reply(int status, JsonNode body, Map<String, String> headers) {
        Reply(int status, JsonNode body) {
            this(status, body, Map.of());
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            URI uri = exchange.getRequestURI();
            String path = uri.getRawPath();
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            requests.add(new RecordedRequest(exchange.getRequestMethod(), path, uri.getRawQuery(), authorization));
            byte[] body = exchange.getRequestBody().readAllBytes();
            Reply reply;
            try {
                synchronized (this) {
                    reply = path.startsWith(API_PREFIX + "/")
                            ? api(
                                    exchange.getRequestMethod(),
                                    path.substring(API_PREFIX.length()),
                                    query(uri.getRawQuery()),
                                    authorization,
                                    exchange.getRequestHeaders().getFirst("Accept"),
                                    body)
                            : web(exchange, path, body);
                }
            } catch (RuntimeException e) {
                reply = new Reply(500, message("fake failed: " + e));
            }
            send(exchange, reply);
        }
    }

    private void send(HttpExchange exchange, Reply reply) throws IOException {
        var h = exchange.getResponseHeaders();
        h.set(
                "X-GitHub-Request-Id",
                HexFormat.of().formatHex(randomBytes(4)).toUpperCase() + ":"
                        + HexFormat.of().formatHex(randomBytes(6)).toUpperCase());
        h.set("X-GitHub-Media-Type", "github.v3; format=json");
        h.set("X-GitHub-Api-Version-Selected", "2022-11-28");
        synchronized (this) {
            h.set("X-RateLimit-Limit", String.valueOf(RATE_LIMIT));
            h.set("X-RateLimit-Remaining", String.valueOf(remaining));
            h.set("X-RateLimit-Used", String.valueOf(RATE_LIMIT - remaining));
            h.set(
                    "X-RateLimit-Reset",
                    String.valueOf(clock.instant().plus(Duration.ofHours(1)).getEpochSecond()));
            h.set("X-RateLimit-Resource", "core");
        }
        reply.headers().forEach(h::set);
        byte[] bytes;
        if (reply.body() == null) { // a redirect or 204: no body at all
            bytes = new byte[0];
        } else if (reply.headers().containsKey("Content-Type")) {
            bytes = reply.body().asText().getBytes(StandardCharsets.UTF_8);
        } else {
            h.set("Content-Type", "application/json; charset=utf-8");
            bytes = json.writeValueAsBytes(reply.body());
        }
        exchange.sendResponseHeaders(reply.status(), bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static final Pattern INSTALLATION_TOKENS = Pattern.compile("/app/installations/(\\d+)/access_tokens");
    private static final Pattern REPO_INSTALLATION = Pattern.compile("/repos/([^/]+/[^/]+)/installation");
    private static final Pattern REPO = Pattern.compile("/repos/([^/]+)/([^/]+)");
    private static final Pattern PULLS = Pattern.compile("/repos/([^/]+)/([^/]+)/pulls");
    private static final Pattern PULL = Pattern.compile("/repos/([^/]+)/([^/]+)/pulls/(\\d+)");
    /** Everything under a repository: its routes are matched on the rest, see {@link #repoApi}. */
    private static final Pattern REPO_PREFIX = Pattern.compile("/repos/([^/]+)/([^/]+)(/.+)");

    private static final Pattern ISSUE = Pattern.compile("/issues/(\\d+)");
    private static final Pattern ISSUE_COMMENTS = Pattern.compile("/issues/(\\d+)/comments");
    private static final Pattern ISSUE_COMMENT = Pattern.compile("/issues/comments/(\\d+)");
    private static final Pattern ISSUE_COMMENT_REACTIONS = Pattern.compile("/issues/comments/(\\d+)/reactions");
    private static final Pattern REVIEW_COMMENT_REACTIONS = Pattern.compile("/pulls/comments/(\\d+)/reactions");
    private static final Pattern REVIEW_COMMENTS = Pattern.compile("/pulls/(\\d+)/comments");
    private static final Pattern REPLIES = Pattern.compile("/pulls/(\\d+)/comments/(\\d+)/replies");
    private static final Pattern REVIEWS = Pattern.compile("/pulls/(\\d+)/reviews");
    private static final Pattern PERMISSION = Pattern.compile("/collaborators/([^/]+)/permission");
    private static final Pattern RUN = Pattern.compile("/actions/runs/(\\d+)");
    private static final Pattern RUN_JOBS = Pattern.compile("/actions/runs/(\\d+)/jobs");
    private static final Pattern JOB = Pattern.compile("/actions/jobs/(\\d+)");
    private static final Pattern JOB_LOGS = Pattern.compile("/actions/jobs/(\\d+)/logs");
    private static final Pattern SUITE = Pattern.compile("/check-suites/(\\d+)");
    private static final Pattern SUITE_RUNS = Pattern.compile("/check-suites/(\\d+)/check-runs");

    private Reply api(
            String method, String path, Map<String, String> query, String authorization, String accept, byte[] body) {
        Matcher m;
        if (!serverErrors.isEmpty()) { // GitHub's front end answers these before looking at the request
            return serverErrors.removeFirst();
        }
        if (method.equals("POST") && (m = INSTALLATION_TOKENS.matcher(path)).matches()) {
            return installationToken(Long.parseLong(m.group(1)), authorization);
        }
        if (method.equals("GET") && (m = REPO_INSTALLATION.matcher(path)).matches()) {
            return repositoryInstallation(m.group(1), authorization);
        }
        Optional<Token> token = token(authorization);
        if (token.isEmpty()) {
            return new Reply(401, message(authorization == null ? "Requires authentication" : "Bad credentials"));
        }
        if (remaining == 0) {
            ObjectNode b = message("API rate limit exceeded for user. If you reach out to GitHub Support for help,"
                    + " please include the request ID.");
            b.put(
                    "documentation_url",
                    "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-the-primary-rate-limit");
            return new Reply(403, b);
        }
        remaining--;
        if (secondaryRateLimitPending) {
            secondaryRateLimitPending = false;
            return secondaryRateLimit();
        }
        Token t = token.get();
        if (method.equals("GET") && path.equals("/rate_limit")) {
            return new Reply(200, rateLimit());
        }
        if (method.equals("GET") && path.equals("/user")) {
            return t.login() == null ? forbidden() : new Reply(200, userJson(user(t.login()), true));
        }
        if (method.equals("GET") && path.equals("/user/orgs")) {
            return t.login() == null ? forbidden() : new Reply(200, orgsJson(t.login()));
        }
        if (method.equals("GET") && path.equals("/user/teams")) {
            return t.login() == null ? forbidden() : new Reply(200, teamsJson(t.login()));
        }
        if (method.equals("GET") && path.equals("/user/emails")) {
            return t.login() == null ? forbidden() : new Reply(200, emailsJson(user(t.login())));
        }
        if (method.equals("GET") && path.equals("/installation/repositories")) {
            return t.installationId() == null ? forbidden() : installationRepositories(t.installationId(), query, path);
        }
        if ((m = REPO_PREFIX.matcher(path)).matches()) {
            Repo r = repos.get(m.group(1) + "/" + m.group(2));
            if (r != null && !canSee(t, r)) {
                return notFound();
            }
            Optional<Reply> reply =
                    r == null ? Optional.empty() : repoApi(r, t, method, m.group(3), query, accept, body);
            if (reply.isPresent()) {
                return reply.get();
            }
        }
        if ((m = PULL.matcher(path)).matches()) {
            Repo r = repos.get(m.group(1) + "/" + m.group(2));
            Optional<Pull> p = r == null ? Optional.empty() : pull(r, Integer.parseInt(m.group(3)));
            if (p.isEmpty() || !canSee(t, r)) {
                return notFound();
            }
            return switch (method) {
                case "GET" ->
                    accept != null && accept.contains(".diff")
                            ? new Reply(
                                    200,
                                    json.getNodeFactory().textNode(diff(r, p.get())),
                                    Map.of("Content-Type", "application/vnd.github.diff; charset=utf-8"))
                            : new Reply(200, pullJson(r, p.get(), true));
                case "PATCH" -> updatePull(r, p.get(), readJson(body));
                default -> notFound();
            };
        }
        if ((m = PULLS.matcher(path)).matches()) {
            Repo r = repos.get(m.group(1) + "/" + m.group(2));
            if (r == null || !canSee(t, r)) {
                return notFound();
            }
            return switch (method) {
                case "GET" -> listPulls(r, query, path);
                case "POST" -> createPull(r, t, readJson(body));
                default -> notFound();
            };
        }
        if (method.equals("GET") && (m = REPO.matcher(path)).matches()) {
            Repo r = repos.get(m.group(1) + "/" + m.group(2));
            return r == null || !canSee(t, r) ? notFound() : new Reply(200, repoJson(r));
        }
        return notFound();
    }

    private Reply web(HttpExchange exchange, String path, byte[] body) {
        if (!exchange.getRequestMethod().equals("POST") || !path.equals("/login/oauth/access_token")) {
            return notFound();
        }
        Map<String, String> form = new HashMap<>(query(exchange.getRequestURI().getRawQuery()));
        form.putAll(query(new String(body, StandardCharsets.UTF_8)));
        Map<String, Object> answer = accessToken(form);
        String accept = exchange.getRequestHeaders().getFirst("Accept");
        if (accept != null && accept.contains("json")) {
            return new Reply(200, json.valueToTree(answer));
        }
        // without Accept: application/json GitHub answers form-encoded
        StringJoiner encoded = new StringJoiner("&");
        answer.forEach((k, v) -> encoded.add(k + "=" + URLEncoder.encode(String.valueOf(v), StandardCharsets.UTF_8)));
        return new Reply(
                200,
                json.getNodeFactory().textNode(encoded.toString()),
                Map.of("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"));
    }

    // ---- OAuth ------------------------------------------------------------------------------

    private Map<String, Object> accessToken(Map<String, String> form) {
        if (!clientId.equals(form.get("client_id")) || !clientSecret.equals(form.get("client_secret"))) {
            return oauthError(
                    "incorrect_client_credentials", "The client_id and/or client_secret passed are incorrect.");
        }
        String login;
        if ("refresh_token".equals(form.get("grant_type"))) {
            Token refresh = refreshTokens.remove(String.valueOf(form.get("refresh_token"))); // single use
            if (refresh == null || !clock.instant().isBefore(refresh.expiresAt())) {
                return oauthError("bad_refresh_token", "The refresh token passed is incorrect or expired.");
            }
            login = refresh.login();
        } else {
            Code code = codes.remove(String.valueOf(form.get("code"))); // single use
            if (code == null) {
                return oauthError("bad_verification_code", "The code passed is incorrect or expired.");
            }
            if (form.containsKey("redirect_uri") && !code.redirectUri().equals(form.get("redirect_uri"))) {
                return oauthError(
                        "redirect_uri_mismatch",
                        "The redirect_uri MUST match the registered callback URL for this application.");
            }
            login = code.login();
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        String access = newToken("ghu_");
        Instant now = clock.instant();
        answer.put("access_token", access);
        if (expiringUserTokens) {
            tokens.put(access, new Token(login, null, now.plus(USER_TOKEN_TTL)));
            String refresh = newToken("ghr_");
            refreshTokens.put(refresh, new Token(login, null, now.plus(REFRESH_TOKEN_TTL)));
            answer.put("expires_in", USER_TOKEN_TTL.toSeconds());
            answer.put("refresh_token", refresh);
            answer.put("refresh_token_expires_in", REFRESH_TOKEN_TTL.toSeconds());
        } else {
            tokens.put(access, new Token(login, null, Instant.ofEpochMilli(Long.MAX_VALUE)));
        }
        answer.put("scope", "");
        answer.put("token_type", "bearer");
        return answer;
    }

    private static Map<String, Object> oauthError(String error, String description) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("error", error);
        m.put("error_description", description);
        m.put(
                "error_uri",
                "https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors/#"
                        + error.replace('_', '-'));
        return m;
    }

    // ---- the App ----------------------------------------------------------------------------

    private Reply installationToken(long installationId, String authorization) {
        String problem = jwtProblem(authorization);
        if (problem != null) {
            return new Reply(401, message(problem));
        }
        if (!installations.containsKey(installationId)) {
            return notFound();
        }
        Instant expiresAt = clock.instant().plus(INSTALLATION_TOKEN_TTL);
        String token = newToken("ghs_");
        tokens.put(token, new Token(null, installationId, expiresAt));
        ObjectNode b = json.createObjectNode();
        b.put("token", token);
        b.put("expires_at", expiresAt.toString());
        ObjectNode permissions = b.putObject("permissions");
        permissions.put("contents", "write");
        permissions.put("metadata", "read");
        permissions.put("pull_requests", "write");
        b.put("repository_selection", "selected");
        return new Reply(201, b);
    }

    /** {@code GET /repos/{owner}/{repo}/installation} with the App's JWT: the installation that has it. */
    private Reply repositoryInstallation(String ownerAndRepo, String authorization) {
        String problem = jwtProblem(authorization);
        if (problem != null) {
            return new Reply(401, message(problem));
        }
        for (Map.Entry<Long, List<String>> installation : installations.entrySet()) {
            if (installation.getValue().stream().anyMatch(r -> r.equalsIgnoreCase(ownerAndRepo))) {
                ObjectNode b = json.createObjectNode();
                b.put("id", installation.getKey());
                b.putObject("account").put("login", ownerAndRepo.substring(0, ownerAndRepo.indexOf('/')));
                b.put("repository_selection", "selected");
                return new Reply(200, b);
            }
        }
        return notFound();
    }

    /** What GitHub would object to in the App's JWT, or null when it is good. */
    private String jwtProblem(String authorization) {
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            return "A JSON web token could not be decoded";
        }
        try {
            SignedJWT jwt =
                    SignedJWT.parse(authorization.substring("Bearer ".length()).trim());
            if (!jwt.verify(new RSASSAVerifier(appPublicKey))) {
                return "A JSON web token could not be decoded";
            }
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            Instant now = clock.instant();
            if (!appId.equals(claims.getIssuer())) {
                return "Integration not found";
            }
            if (claims.getIssueTime() == null || claims.getExpirationTime() == null) {
                return "Missing 'issued at' or 'expiration time' claim ('iat', 'exp').";
            }
            Instant iat = claims.getIssueTime().toInstant();
            Instant exp = claims.getExpirationTime().toInstant();
            if (iat.isAfter(now)) {
                return "'Issued at' claim ('iat') must be an Integer representing a time in the past.";
            }
            if (!exp.isAfter(now)) {
                return "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires.";
            }
            if (Duration.between(iat, exp).compareTo(JWT_MAX_LIFETIME) > 0) {
                return "'Expiration time' claim ('exp') is too far in the future.";
            }
            return null;
        } catch (ParseException | JOSEException e) {
            return "A JSON web token could not be decoded";
        }
    }

    private Reply installationRepositories(long installationId, Map<String, String> query, String path) {
        List<JsonNode> all = installations.getOrDefault(installationId, List.of()).stream()
                .map(name -> (JsonNode) repoJson(repos.get(name)))
                .toList();
        Page page = page(all, query, path);
        ObjectNode b = json.createObjectNode();
        b.put("total_count", all.size());
        b.put("repository_selection", "selected");
        b.putArray("repositories").addAll(page.items());
        return new Reply(200, b, page.headers());
    }

    // ---- pull requests ----------------------------------------------------------------------

    private Reply listPulls(Repo r, Map<String, String> query, String path) {
        String state = query.getOrDefault("state", "open");
        String head = query.get("head");
        String base = query.get("base");
        List<JsonNode> matching = new ArrayList<>();
        List<Pull> newestFirst = new ArrayList<>(r.pulls);
        Collections.reverse(newestFirst); // GitHub's default sort: created, descending
        for (Pull p : newestFirst) {
            boolean stateOk = state.equals("all") || state.equals(p.state);
            boolean headOk = head == null || head.equals(r.owner + ":" + p.head);
            boolean baseOk = base == null || base.equals(p.base);
            if (stateOk && headOk && baseOk) {
                matching.add(pullJson(r, p, false));
            }
        }
        Page page = page(matching, query, path);
        ArrayNode items = json.createArrayNode().addAll(page.items());
        return new Reply(200, items, page.headers());
    }

    private Reply createPull(Repo r, Token t, JsonNode req) {
        if (refusePullRequestCreation || t.login() == null) {
            ObjectNode b = message("Resource not accessible by integration");
            b.put("documentation_url", "https://docs.github.com/rest/pulls/pulls#create-a-pull-request");
            b.put("status", "403");
            return new Reply(403, b);
        }
        String title = req.path("title").asText(null);
        String head = req.path("head").asText(null);
        String base = req.path("base").asText(null);
        if (title == null || head == null || base == null) {
            return validationFailed("missing_field", "title, head and base are required");
        }
        String headRef = head.contains(":") ? head.substring(head.indexOf(':') + 1) : head;
        for (Pull p : r.pulls) {
            if (p.state.equals("open") && p.head.equals(headRef) && p.base.equals(base)) {
                return validationFailed("custom", "A pull request already exists for " + r.owner + ":" + headRef + ".");
            }
        }
        Pull p = new Pull(
                r.nextNumber(),
                headRef,
                base,
                title,
                req.path("body").asText(null),
                req.path("draft").asBoolean(false),
                t.login(),
                clock.instant());
        r.pulls.add(p);
        ObjectNode b = pullJson(r, p, true);
        return new Reply(201, b, Map.of("Location", b.get("url").asText()));
    }

    private Reply updatePull(Repo r, Pull p, JsonNode req) {
        if (req.has("title")) {
            p.title = req.get("title").asText();
        }
        if (req.has("body")) {
            p.body = req.get("body").isNull() ? null : req.get("body").asText();
        }
        if (req.has("base")) {
            p.base = req.get("base").asText();
        }
        if (req.has("state") && !p.merged) {
            p.state = req.get("state").asText();
        }
        p.updatedAt = clock.instant();
        return new Reply(200, pullJson(r, p, true));
    }

    // ---- issues, comments, reviews, permissions, CI ----------------------------------------------

    /** GitHub's roles and the base permission its {@code permission} field reports for each. */
    private static final Map<String, String> LEGACY_PERMISSION = Map.of(
            "admin", "admin", "maintain", "write", "write", "write", "triage", "read", "read", "read", "none", "none");

    private static final java.util.Set<String> REACTION_CONTENTS =
            java.util.Set.of("+1", "-1", "laugh", "confused", "heart", "hooray", "rocket", "eyes");
    private static final Pattern HUNK = Pattern.compile("@@ -(\\d+)(?:,\\d+)? \\+(\\d+)(?:,\\d+)? @@");
    private static final Pattern STORAGE_LOG = Pattern.compile("/jobs/(\\d+)/logs\\.txt");
    /** GitHub's job log download URLs expire after a minute. */
    private static final Duration LOG_LINK_TTL = Duration.ofMinutes(1);

    /** The routes under {@code /repos/o/r}; empty for the ones matched elsewhere (pull requests, the repository). */
    private Optional<Reply> repoApi(
            Repo r, Token t, String method, String rest, Map<String, String> query, String accept, byte[] body) {
        String base = "/repos/" + r.fullName();
        Matcher m;
        if ((m = ISSUE.matcher(rest)).matches()) {
            Optional<ObjectNode> issue = issueJson(r, Integer.parseInt(m.group(1)));
            return Optional.of(method.equals("GET") && issue.isPresent() ? new Reply(200, issue.get()) : notFound());
        }
        if ((m = ISSUE_COMMENTS.matcher(rest)).matches()) {
            int number = Integer.parseInt(m.group(1));
            if (!r.taken(number)) {
                return Optional.of(notFound());
            }
            return Optional.of(
                    switch (method) {
                        case "GET" -> listTalk(r, number, query, base + rest);
                        case "POST" -> createTalk(r, number, t, readJson(body));
                        default -> notFound();
                    });
        }
        if ((m = ISSUE_COMMENT.matcher(rest)).matches()) {
            Talk c = talks.get(Long.parseLong(m.group(1)));
            if (c == null || c.repo != r) {
                return Optional.of(notFound());
            }
            return Optional.of(
                    switch (method) {
                        case "GET" -> new Reply(200, talkJson(c));
                        case "PATCH" -> editTalk(c, readJson(body));
                        case "DELETE" -> {
                            talks.remove(c.id);
                            yield new Reply(204, null);
                        }
                        default -> notFound();
                    });
        }
        if ((m = ISSUE_COMMENT_REACTIONS.matcher(rest)).matches()) {
            Talk c = talks.get(Long.parseLong(m.group(1)));
            return Optional.of(c == null || c.repo != r ? notFound() : react(c.id, t, method, readJson(body)));
        }
        if ((m = REVIEW_COMMENT_REACTIONS.matcher(rest)).matches()) {
            Line c = lines.get(Long.parseLong(m.group(1)));
            return Optional.of(c == null || c.repo() != r ? notFound() : react(c.id(), t, method, readJson(body)));
        }
        if ((m = REPLIES.matcher(rest)).matches()) {
            Line c = lines.get(Long.parseLong(m.group(2)));
            if (!method.equals("POST") || c == null || c.repo() != r || c.pull() != Integer.parseInt(m.group(1))) {
                return Optional.of(notFound());
            }
            return Optional.of(reply(c, t, readJson(body)));
        }
        if ((m = REVIEW_COMMENTS.matcher(rest)).matches() && method.equals("GET")) {
            int number = Integer.parseInt(m.group(1));
            List<JsonNode> all = lines.values().stream()
                    .filter(c -> c.repo() == r && c.pull() == number)
                    .map(c -> (JsonNode) lineJson(c))
                    .toList();
            return Optional.of(pull(r, number).isEmpty() ? notFound() : array(page(all, query, base + rest)));
        }
        if ((m = REVIEWS.matcher(rest)).matches()) {
            Optional<Pull> p = pull(r, Integer.parseInt(m.group(1)));
            if (p.isEmpty()) {
                return Optional.of(notFound());
            }
            return Optional.of(
                    switch (method) {
                        case "GET" ->
                            array(page(
                                    reviews.stream()
                                            .filter(v -> v.repo() == r && v.pull() == p.get().number)
                                            .map(v -> (JsonNode) reviewJson(v))
                                            .toList(),
                                    query,
                                    base + rest));
                        case "POST" -> createReview(r, p.get(), t, readJson(body));
                        default -> notFound();
                    });
        }
        if ((m = PERMISSION.matcher(rest)).matches() && method.equals("GET")) {
            return Optional.of(permission(r, URLDecoder.decode(m.group(1), StandardCharsets.UTF_8)));
        }
        if ((m = RUN.matcher(rest)).matches() && method.equals("GET")) {
            Run run = runs.get(Long.parseLong(m.group(1)));
            return Optional.of(run == null || run.repo() != r ? notFound() : new Reply(200, runJson(run)));
        }
        if ((m = RUN_JOBS.matcher(rest)).matches() && method.equals("GET")) {
            Run run = runs.get(Long.parseLong(m.group(1)));
            if (run == null || run.repo() != r) {
                return Optional.of(notFound());
            }
            String filter = query.getOrDefault("filter", "latest");
            if (!filter.equals("latest") && !filter.equals("all")) {
                return Optional.of(validationFailed("WorkflowJob", "invalid", "filter must be latest or all"));
            }
            List<JsonNode> all = run.jobs().stream()
                    .map(id -> (JsonNode) jobJson(jobs.get(id)))
                    .toList();
            Page page = page(all, query, base + rest);
            ObjectNode b = json.createObjectNode();
            b.put("total_count", all.size());
            b.putArray("jobs").addAll(page.items());
            return Optional.of(new Reply(200, b, page.headers()));
        }
        if ((m = JOB.matcher(rest)).matches() && method.equals("GET")) {
            Job job = jobs.get(Long.parseLong(m.group(1)));
            return Optional.of(job == null || job.run().repo() != r ? notFound() : new Reply(200, jobJson(job)));
        }
        if ((m = JOB_LOGS.matcher(rest)).matches() && method.equals("GET")) {
            Job job = jobs.get(Long.parseLong(m.group(1)));
            if (job == null || job.run().repo() != r) {
                return Optional.of(notFound());
            }
            String signature = HexFormat.of().formatHex(randomBytes(16));
            logLinks.put(signature, new LogLink(job.id(), clock.instant().plus(LOG_LINK_TTL)));
            return Optional.of(new Reply(
                    302, null, Map.of("Location", storageUrl() + "/jobs/" + job.id() + "/logs.txt?sig=" + signature)));
        }
        if ((m = SUITE.matcher(rest)).matches() && method.equals("GET")) {
            Suite suite = suites.get(Long.parseLong(m.group(1)));
            return Optional.of(suite == null || suite.repo() != r ? notFound() : new Reply(200, suiteJson(suite)));
        }
        if ((m = SUITE_RUNS.matcher(rest)).matches() && method.equals("GET")) {
            Suite suite = suites.get(Long.parseLong(m.group(1)));
            if (suite == null || suite.repo() != r) {
                return Optional.of(notFound());
            }
            String name = query.get("check_name");
            String status = query.get("status");
            List<JsonNode> all = suite.checkRuns().stream()
                    .map(checks::get)
                    .filter(c -> name == null || name.equals(c.spec().name()))
                    .filter(c -> status == null || status.equals("completed"))
                    .map(c -> (JsonNode) checkJson(c))
                    .toList();
            Page page = page(all, query, base + rest);
            ObjectNode b = json.createObjectNode();
            b.put("total_count", all.size());
            b.putArray("check_runs").addAll(page.items());
            return Optional.of(new Reply(200, b, page.headers()));
        }
        return Optional.empty();
    }

    private Reply array(Page page) {
        return new Reply(200, json.createArrayNode().addAll(page.items()), page.headers());
    }

    /** Who a token acts as: its user, or the App's bot for installation tokens. */
    private String actor(Token t) {
        return t.login() != null ? t.login() : botLogin();
    }

    private Reply listTalk(Repo r, int number, Map<String, String> query, String path) {
        List<JsonNode> all = talks.values().stream()
                .filter(c -> c.repo == r && c.number == number)
                .map(c -> (JsonNode) talkJson(c))
                .toList();
        return array(page(all, query, path));
    }

    private Reply createTalk(Repo r, int number, Token t, JsonNode req) {
        String body = req.path("body").asText("");
        if (body.isBlank()) {
            return validationFailed("IssueComment", "missing_field", "body is required");
        }
        Talk c = new Talk(nextId++, r, number, user(actor(t)).login(), body, clock.instant());
        talks.put(c.id, c);
        ObjectNode b = talkJson(c);
        return new Reply(201, b, Map.of("Location", b.get("url").asText()));
    }

    private Reply editTalk(Talk c, JsonNode req) {
        String body = req.path("body").asText("");
        if (body.isBlank()) {
            return validationFailed("IssueComment", "missing_field", "body is required");
        }
        c.body = body;
        c.updatedAt = clock.instant();
        return new Reply(200, talkJson(c));
    }

    /** GitHub answers 201 for a new reaction and 200 with the existing one when repeated. */
    private Reply react(long commentId, Token t, String method, JsonNode req) {
        List<Reaction> existing = reactions.computeIfAbsent(commentId, k -> new ArrayList<>());
        if (method.equals("GET")) {
            ArrayNode a = json.createArrayNode();
            existing.forEach(x -> a.add(reactionJson(x)));
            return new Reply(200, a);
        }
        if (!method.equals("POST")) {
            return notFound();
        }
        String content = req.path("content").asText("");
        if (!REACTION_CONTENTS.contains(content)) {
            return validationFailed("Reaction", "invalid", "content is not one of " + REACTION_CONTENTS);
        }
        String login = user(actor(t)).login();
        for (Reaction x : existing) {
            if (x.login().equals(login) && x.content().equals(content)) {
                return new Reply(200, reactionJson(x));
            }
        }
        Reaction x = new Reaction(nextId++, login, content, clock.instant());
        existing.add(x);
        return new Reply(201, reactionJson(x));
    }

    /** Replies join the thread of the comment they answer (GitHub does not nest replies). */
    private Reply reply(Line to, Token t, JsonNode req) {
        String body = req.path("body").asText("");
        if (body.isBlank()) {
            return validationFailed("PullRequestReviewComment", "missing_field", "body is required");
        }
        Line c = new Line(
                nextId++,
                to.repo(),
                to.pull(),
                user(actor(t)).login(),
                to.path(),
                to.line(),
                to.side(),
                body,
                to.inReplyTo() != null ? to.inReplyTo() : to.id(),
                null,
                to.commitId(),
                clock.instant());
        lines.put(c.id(), c);
        ObjectNode b = lineJson(c);
        return new Reply(201, b, Map.of("Location", b.get("url").asText()));
    }

    private Reply createReview(Repo r, Pull p, Token t, JsonNode req) {
        String event = req.path("event").asText("");
        String state = switch (event) {
            case "" -> "PENDING";
            case "COMMENT" -> "COMMENTED";
            case "APPROVE" -> "APPROVED";
            case "REQUEST_CHANGES" -> "CHANGES_REQUESTED";
            default -> null;
        };
        if (state == null) {
            return unprocessable("Unexpected event: " + event);
        }
        String body = req.path("body").asText("");
        String author = user(actor(t)).login();
        if ((event.equals("COMMENT") || event.equals("REQUEST_CHANGES")) && body.isBlank()) {
            return unprocessable("Review body is required for COMMENT and REQUEST_CHANGES events");
        }
        if ((event.equals("APPROVE") || event.equals("REQUEST_CHANGES")) && author.equals(p.author)) {
            return unprocessable("Can not " + (event.equals("APPROVE") ? "approve" : "request changes on")
                    + " your own pull request");
        }
        java.util.Set<String> diffLines = diffLines(diff(r, p));
        List<JsonNode> comments = new ArrayList<>();
        req.path("comments").forEach(comments::add);
        for (JsonNode c : comments) {
            if (!c.hasNonNull("path") || c.path("body").asText("").isBlank()) {
                return unprocessable("Review comments need a path and a body");
            }
            if (!c.has("line")) { // the older "position" form is not modelled
                return unprocessable("The fake only takes review comments with line (and side), not position");
            }
            String side = c.path("side").asText("RIGHT");
            if (!diffLines.contains(
                    lineKey(c.get("path").asText(), side, c.get("line").asInt()))) {
                return unprocessable("Pull request review thread line must be part of the diff");
            }
        }
        String commitId = req.hasNonNull("commit_id") ? req.get("commit_id").asText() : headSha(r, p);
        Submitted review = new Submitted(nextId++, r, p.number, author, body, state, commitId, clock.instant());
        reviews.add(review);
        for (JsonNode c : comments) {
            Line line = new Line(
                    nextId++,
                    r,
                    p.number,
                    author,
                    c.get("path").asText(),
                    c.get("line").asInt(),
                    c.path("side").asText("RIGHT"),
                    c.get("body").asText(),
                    null,
                    review.id(),
                    commitId,
                    review.at());
            lines.put(line.id(), line);
        }
        return new Reply(200, reviewJson(review));
    }

    private Reply permission(Repo r, String login) {
        if (!users.containsKey(login)) {
            return notFound();
        }
        String role = r.permissions.getOrDefault(login, login.equals(r.owner) ? "admin" : "read");
        String base = LEGACY_PERMISSION.get(role);
        ObjectNode user = userJson(user(login), false);
        ObjectNode flags = user.putObject("permissions");
        flags.put("admin", role.equals("admin"));
        flags.put("maintain", role.equals("admin") || role.equals("maintain"));
        flags.put("push", base.equals("admin") || base.equals("write"));
        flags.put("triage", !role.equals("read") && !role.equals("none"));
        flags.put("pull", !role.equals("none"));
        user.put("role_name", role.equals("none") ? "" : role);
        ObjectNode b = json.createObjectNode();
        b.put("permission", base);
        b.put("role_name", role.equals("none") ? "" : role);
        b.set("user", user);
        return new Reply(200, b);
    }

    /** The signed, short-lived, token-free download GitHub's log endpoint redirects to. */
    private void download(HttpExchange exchange) throws IOException {
        try (exchange) {
            URI uri = exchange.getRequestURI();
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            requests.add(new RecordedRequest(
                    exchange.getRequestMethod(), uri.getRawPath(), uri.getRawQuery(), authorization));
            int status;
            String type = "application/xml";
            byte[] bytes;
            synchronized (this) {
                Matcher m = STORAGE_LOG.matcher(uri.getRawPath());
                LogLink link = logLinks.get(query(uri.getRawQuery()).get("sig"));
                if (authorization != null) { // storage wants its signature, not GitHub's token
                    status = 400;
                    bytes = storageError(
                            "InvalidAuthenticationInfo",
                            "Authentication information is not given in"
                                    + " the correct format. Check the value of Authorization header.");
                } else if (!m.matches() || link == null || link.jobId() != Long.parseLong(m.group(1))) {
                    status = 403;
                    bytes = storageError("AuthenticationFailed", "Signature did not match.");
                } else if (!clock.instant().isBefore(link.expiresAt())) {
                    status = 403;
                    bytes = storageError(
                            "AuthenticationFailed", "Signed expiry time has to be after signed start time");
                } else {
                    status = 200;
                    type = "text/plain; charset=utf-8";
                    bytes = jobs.get(link.jobId()).spec().log().getBytes(StandardCharsets.UTF_8);
                }
            }
            exchange.getResponseHeaders().set("Content-Type", type);
            exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    private static byte[] storageError(String code, String text) {
        return ("<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>" + code + "</Code><Message>" + text
                        + "</Message></Error>")
                .getBytes(StandardCharsets.UTF_8);
    }

    private URI storageUrl() {
        return URI.create("http://" + storage.getAddress().getHostString() + ":"
                + storage.getAddress().getPort());
    }

    private String diff(Repo r, Pull p) {
        if (p.diff != null) {
            return p.diff;
        }
        return "diff --git a/README.md b/README.md\n"
                + "index 557db03..f2a2b1c 100644\n"
                + "--- a/README.md\n"
                + "+++ b/README.md\n"
                + "@@ -1,2 +1,3 @@\n"
                + " # " + r.name + "\n"
                + " \n"
                + "+" + p.title + "\n";
    }

    /** The lines a review comment may be on: every line of every hunk, on the side it exists. */
    private static java.util.Set<String> diffLines(String diff) {
        java.util.Set<String> valid = new java.util.HashSet<>();
        String oldPath = null, path = null;
        int left = 0, right = 0;
        boolean inHunk = false;
        for (String l : diff.split("\n", -1)) {
            Matcher hunk = HUNK.matcher(l);
            if (l.startsWith("diff --git ")) {
                inHunk = false;
                path = null;
            } else if (!inHunk && l.startsWith("--- ")) {
                oldPath = l.substring(4).replaceFirst("^a/", "");
            } else if (!inHunk && l.startsWith("+++ ")) {
                String newPath = l.substring(4);
                path = newPath.equals("/dev/null") ? oldPath : newPath.replaceFirst("^b/", "");
            } else if (hunk.lookingAt()) {
                left = Integer.parseInt(hunk.group(1));
                right = Integer.parseInt(hunk.group(2));
                inHunk = true;
            } else if (inHunk && path != null && l.startsWith("+")) {
                valid.add(lineKey(path, "RIGHT", right++));
            } else if (inHunk && path != null && l.startsWith("-")) {
                valid.add(lineKey(path, "LEFT", left++));
            } else if (inHunk && path != null && l.startsWith(" ")) {
                valid.add(lineKey(path, "RIGHT", right++));
                valid.add(lineKey(path, "LEFT", left++));
            }
        }
        return valid;
    }

    private static String lineKey(String path, String side, int line) {
        return path + "\u0000" + side + "\u0000" + line;
    }

    private String headSha(Repo r, Pull p) {
        return HexFormat.of().formatHex(sha1(r.fullName() + ":" + p.head));
    }

    private static LineComment snapshot(Line c) {
        return new LineComment(c.id(), c.author(), c.path(), c.line(), c.side(), c.body(), c.inReplyTo());
    }

    private String association(Repo r, String login) {
        if (login.equals(r.owner)) {
            return "OWNER";
        }
        String role = r.permissions.getOrDefault(login, "read");
        return role.equals("read") || role.equals("none") ? "NONE" : "COLLABORATOR";
    }

    private Optional<ObjectNode> issueJson(Repo r, int number) {
        Issue issue = r.issues.get(number);
        Optional<Pull> pull = pull(r, number);
        if (issue == null && pull.isEmpty()) {
            return Optional.empty();
        }
        String api = apiUrl() + "/repos/" + r.fullName() + "/issues/" + number;
        String author = issue != null ? issue.author : pull.get().author;
        ObjectNode b = json.createObjectNode();
        b.put("url", api);
        b.put("repository_url", apiUrl() + "/repos/" + r.fullName());
        b.put("labels_url", api + "/labels{/name}");
        b.put("comments_url", api + "/comments");
        b.put("events_url", api + "/events");
        b.put("html_url", webUrl() + "/" + r.fullName() + (issue != null ? "/issues/" : "/pull/") + number);
        b.put("id", r.id * 1000 + number);
        b.put("node_id", (issue != null ? "I_kwDO" : "PR_kwDO") + r.id + "_" + number);
        b.put("number", number);
        b.put("title", issue != null ? issue.title : pull.get().title);
        b.set("user", userJson(user(author), false));
        ArrayNode labels = b.putArray("labels");
        for (String name : issue != null ? issue.labels : List.<String>of()) {
            ObjectNode l = labels.addObject();
            l.put("id", Math.abs((r.fullName() + name).hashCode()));
            l.put("node_id", "LA_kwDO" + Math.abs(name.hashCode()));
            l.put(
                    "url",
                    apiUrl() + "/repos/" + r.fullName() + "/labels/" + URLEncoder.encode(name, StandardCharsets.UTF_8));
            l.put("name", name);
            l.put("color", "ededed");
            l.put("default", false);
            l.put("description", (String) null);
        }
        String state = issue != null ? "open" : pull.get().state;
        b.put("state", state);
        b.put("locked", false);
        b.putNull("assignee");
        b.putArray("assignees");
        b.putNull("milestone");
        b.put(
                "comments",
                talks.values().stream()
                        .filter(c -> c.repo == r && c.number == number)
                        .count());
        Instant created = issue != null ? issue.createdAt : pull.get().createdAt;
        Instant updated = issue != null ? issue.createdAt : pull.get().updatedAt;
        b.put("created_at", created.toString());
        b.put("updated_at", updated.toString());
        b.put("closed_at", state.equals("closed") ? updated.toString() : null);
        b.put("author_association", association(r, author));
        b.putNull("active_lock_reason");
        b.put("body", issue != null ? issue.body : pull.get().body);
        b.putNull("state_reason");
        if (issue == null) {
            Pull p = pull.get();
            String html = webUrl() + "/" + r.fullName() + "/pull/" + number;
            ObjectNode pr = b.putObject("pull_request");
            pr.put("url", apiUrl() + "/repos/" + r.fullName() + "/pulls/" + number);
            pr.put("html_url", html);
            pr.put("diff_url", html + ".diff");
            pr.put("patch_url", html + ".patch");
            pr.put("merged_at", p.merged ? p.updatedAt.toString() : null);
            b.put("draft", p.draft);
        }
        return Optional.of(b);
    }

    private ObjectNode talkJson(Talk c) {
        String repoApi = apiUrl() + "/repos/" + c.repo.fullName();
        boolean onPull = pull(c.repo, c.number).isPresent();
        ObjectNode b = json.createObjectNode();
        b.put("url", repoApi + "/issues/comments/" + c.id);
        b.put(
                "html_url",
                webUrl() + "/" + c.repo.fullName() + (onPull ? "/pull/" : "/issues/") + c.number + "#issuecomment-"
                        + c.id);
        b.put("issue_url", repoApi + "/issues/" + c.number);
        b.put("id", c.id);
        b.put("node_id", "IC_kwDO" + c.id);
        b.set("user", userJson(user(c.author), false));
        b.put("created_at", c.createdAt.toString());
        b.put("updated_at", c.updatedAt.toString());
        b.put("author_association", association(c.repo, c.author));
        b.put("body", c.body);
        b.putNull("performed_via_github_app");
        return b;
    }

    private ObjectNode lineJson(Line c) {
        String repoApi = apiUrl() + "/repos/" + c.repo().fullName();
        ObjectNode b = json.createObjectNode();
        b.put("url", repoApi + "/pulls/comments/" + c.id());
        if (c.reviewId() != null) {
            b.put("pull_request_review_id", c.reviewId());
        } else {
            b.putNull("pull_request_review_id");
        }
        b.put("id", c.id());
        b.put("node_id", "PRRC_kwDO" + c.id());
        b.put("diff_hunk", "@@ -1,2 +1,3 @@");
        b.put("path", c.path());
        b.put("commit_id", c.commitId());
        b.put("original_commit_id", c.commitId());
        if (c.inReplyTo() != null) {
            b.put("in_reply_to_id", c.inReplyTo());
        }
        b.set("user", userJson(user(c.author()), false));
        b.put("body", c.body());
        b.put("created_at", c.createdAt().toString());
        b.put("updated_at", c.createdAt().toString());
        b.put("html_url", webUrl() + "/" + c.repo().fullName() + "/pull/" + c.pull() + "#discussion_r" + c.id());
        b.put("pull_request_url", repoApi + "/pulls/" + c.pull());
        b.put("author_association", association(c.repo(), c.author()));
        b.putNull("start_line");
        b.putNull("original_start_line");
        b.putNull("start_side");
        b.put("line", c.line());
        b.put("original_line", c.line());
        b.put("side", c.side());
        b.put("subject_type", "line");
        return b;
    }

    private ObjectNode reviewJson(Submitted v) {
        ObjectNode b = json.createObjectNode();
        b.put("id", v.id());
        b.put("node_id", "PRR_kwDO" + v.id());
        b.set("user", userJson(user(v.author()), false));
        b.put("body", v.body());
        b.put("state", v.state());
        b.put("html_url", webUrl() + "/" + v.repo().fullName() + "/pull/" + v.pull() + "#pullrequestreview-" + v.id());
        b.put("pull_request_url", apiUrl() + "/repos/" + v.repo().fullName() + "/pulls/" + v.pull());
        b.put("author_association", association(v.repo(), v.author()));
        if (!v.state().equals("PENDING")) {
            b.put("submitted_at", v.at().toString());
        }
        b.put("commit_id", v.commitId());
        return b;
    }

    private ObjectNode reactionJson(Reaction x) {
        ObjectNode b = json.createObjectNode();
        b.put("id", x.id());
        b.put("node_id", "REA_lADO" + x.id());
        b.set("user", userJson(user(x.login()), false));
        b.put("content", x.content());
        b.put("created_at", x.createdAt().toString());
        return b;
    }

    private static String runConclusion(List<String> conclusions) {
        for (String c : conclusions) {
            if (!c.equals("success") && !c.equals("skipped") && !c.equals("neutral")) {
                return "failure";
            }
        }
        return "success";
    }

    private ObjectNode runJson(Run run) {
        Repo r = run.repo();
        String api = apiUrl() + "/repos/" + r.fullName() + "/actions/runs/" + run.id();
        ObjectNode b = json.createObjectNode();
        b.put("id", run.id());
        b.put("name", "CI");
        b.put("node_id", "WFR_kwLO" + run.id());
        b.put("head_branch", run.headBranch());
        b.put("head_sha", run.headSha());
        b.put("path", ".github/workflows/ci.yml");
        b.put("display_title", "CI");
        b.put("run_number", run.id() % 1000);
        b.put("event", "pull_request");
        b.put("status", "completed");
        b.put(
                "conclusion",
                runConclusion(run.jobs().stream()
                        .map(id -> jobs.get(id).spec().conclusion())
                        .toList()));
        b.put("workflow_id", 161335);
        b.put("check_suite_id", run.id() + 1);
        b.put("url", api);
        b.put("html_url", webUrl() + "/" + r.fullName() + "/actions/runs/" + run.id());
        b.putArray("pull_requests");
        b.put("created_at", run.at().toString());
        b.put("updated_at", run.at().toString());
        b.put("run_attempt", 1);
        b.put("run_started_at", run.at().toString());
        b.put("jobs_url", api + "/jobs");
        b.put("logs_url", api + "/logs");
        b.put("check_suite_url", apiUrl() + "/repos/" + r.fullName() + "/check-suites/" + (run.id() + 1));
        b.put("artifacts_url", api + "/artifacts");
        b.put("cancel_url", api + "/cancel");
        b.put("rerun_url", api + "/rerun");
        b.put("workflow_url", apiUrl() + "/repos/" + r.fullName() + "/actions/workflows/161335");
        ObjectNode commit = b.putObject("head_commit");
        commit.put("id", run.headSha());
        commit.put("tree_id", run.headSha());
        commit.put("message", "Change");
        commit.put("timestamp", run.at().toString());
        b.set("repository", repoJson(r));
        b.set("head_repository", repoJson(r));
        return b;
    }

    private ObjectNode jobJson(Job job) {
        Run run = job.run();
        Repo r = run.repo();
        JobSpec spec = job.spec();
        ObjectNode b = json.createObjectNode();
        b.put("id", job.id());
        b.put("run_id", run.id());
        b.put("run_url", apiUrl() + "/repos/" + r.fullName() + "/actions/runs/" + run.id());
        b.put("run_attempt", 1);
        b.put("node_id", "CR_kwDO" + job.id());
        b.put("head_sha", run.headSha());
        b.put("url", apiUrl() + "/repos/" + r.fullName() + "/actions/jobs/" + job.id());
        b.put("html_url", webUrl() + "/" + r.fullName() + "/actions/runs/" + run.id() + "/job/" + job.id());
        b.put("status", "completed");
        b.put("conclusion", spec.conclusion());
        b.put("created_at", run.at().toString());
        b.put("started_at", run.at().toString());
        b.put("completed_at", run.at().toString());
        b.put("name", spec.name());
        ArrayNode steps = b.putArray("steps");
        List<String> names = new ArrayList<>();
        names.add("Set up job");
        names.addAll(spec.failedSteps().isEmpty() ? List.of("Run " + spec.name()) : spec.failedSteps());
        names.add("Complete job");
        String failedAs = spec.conclusion().equals("failure") ? "failure" : "cancelled";
        for (int i = 0; i < names.size(); i++) {
            ObjectNode step = steps.addObject();
            step.put("name", names.get(i));
            step.put("status", "completed");
            step.put("conclusion", spec.failedSteps().contains(names.get(i)) ? failedAs : "success");
            step.put("number", i + 1);
            step.put("started_at", run.at().toString());
            step.put("completed_at", run.at().toString());
        }
        b.put("check_run_url", apiUrl() + "/repos/" + r.fullName() + "/check-runs/" + job.id());
        b.putArray("labels").add("ubuntu-latest");
        b.put("runner_id", 1);
        b.put("runner_name", "GitHub Actions 1");
        b.put("runner_group_id", 1);
        b.put("runner_group_name", "GitHub Actions");
        b.put("workflow_name", "CI");
        b.put("head_branch", run.headBranch());
        return b;
    }

    private ObjectNode suiteJson(Suite suite) {
        Repo r = suite.repo();
        ObjectNode b = json.createObjectNode();
        b.put("id", suite.id());
        b.put("node_id", "CS_kwDO" + suite.id());
        b.put("head_branch", suite.headBranch());
        b.put("head_sha", suite.headSha());
        b.put("status", "completed");
        b.put(
                "conclusion",
                runConclusion(suite.checkRuns().stream()
                        .map(id -> checks.get(id).spec().conclusion())
                        .toList()));
        b.put("url", apiUrl() + "/repos/" + r.fullName() + "/check-suites/" + suite.id());
        b.putArray("pull_requests");
        b.set("app", checksApp());
        b.set("repository", repoJson(r));
        b.put("created_at", suite.at().toString());
        b.put("updated_at", suite.at().toString());
        b.put("latest_check_runs_count", suite.checkRuns().size());
        b.put("check_runs_url", apiUrl() + "/repos/" + r.fullName() + "/check-suites/" + suite.id() + "/check-runs");
        return b;
    }

    private ObjectNode checkJson(Check c) {
        Suite suite = c.suite();
        Repo r = suite.repo();
        CheckRunSpec spec = c.spec();
        String html = webUrl() + "/" + r.fullName() + "/runs/" + c.id();
        ObjectNode b = json.createObjectNode();
        b.put("id", c.id());
        b.put("head_sha", suite.headSha());
        b.put("node_id", "CR_kwDO" + c.id());
        b.put("external_id", "");
        b.put("url", apiUrl() + "/repos/" + r.fullName() + "/check-runs/" + c.id());
        b.put("html_url", html);
        b.put("details_url", html);
        b.put("status", "completed");
        b.put("conclusion", spec.conclusion());
        b.put("started_at", suite.at().toString());
        b.put("completed_at", suite.at().toString());
        ObjectNode output = b.putObject("output");
        output.put("title", spec.title());
        output.put("summary", spec.summary());
        output.put("text", spec.text());
        output.put("annotations_count", 0);
        output.put("annotations_url", apiUrl() + "/repos/" + r.fullName() + "/check-runs/" + c.id() + "/annotations");
        b.put("name", spec.name());
        b.putObject("check_suite").put("id", suite.id());
        b.set("app", checksApp());
        b.putArray("pull_requests");
        return b;
    }

    private ObjectNode checksApp() {
        ObjectNode app = json.createObjectNode();
        app.put("id", 15368);
        app.put("slug", "github-actions");
        app.put("node_id", "MDM6QXBwMTUzNjg=");
        app.put("name", "GitHub Actions");
        return app;
    }

    private Reply unprocessable(String error) {
        ObjectNode b = message("Unprocessable Entity");
        b.putArray("errors").add(error);
        b.put("status", "422");
        return new Reply(422, b);
    }

    // ---- JSON shapes, as in GitHub's REST API reference ----------------------------------------

    private ObjectNode pullJson(Repo r, Pull p, boolean full) {
        String api = apiUrl() + "/repos/" + r.fullName();
        String html = webUrl() + "/" + r.fullName() + "/pull/" + p.number;
        ObjectNode b = json.createObjectNode();
        b.put("url", api + "/pulls/" + p.number);
        b.put("id", r.id * 1000 + p.number);
        b.put("node_id", "PR_kwDO" + r.id + "_" + p.number);
        b.put("html_url", html);
        b.put("diff_url", html + ".diff");
        b.put("patch_url", html + ".patch");
        b.put("issue_url", api + "/issues/" + p.number);
        b.put("number", p.number);
        b.put("state", p.state);
        b.put("locked", false);
        b.put("title", p.title);
        b.set("user", userJson(user(p.author), false));
        b.put("body", p.body);
        b.put("created_at", p.createdAt.toString());
        b.put("updated_at", p.updatedAt.toString());
        b.put("closed_at", p.state.equals("closed") ? p.updatedAt.toString() : null);
        b.put("merged_at", p.merged ? p.updatedAt.toString() : null);
        b.put("merge_commit_sha", (String) null);
        b.putArray("labels");
        b.put("draft", p.draft);
        b.set("head", ref(p.headRepo != null ? p.headRepo : r, p.head));
        b.set("base", ref(r, p.base));
        b.put("author_association", "OWNER");
        if (full) { // only the single pull request endpoints have these
            b.put("merged", p.merged);
            b.putNull("mergeable");
            b.put("mergeable_state", "unknown");
            b.put("maintainer_can_modify", false);
            b.put("comments", 0);
            b.put("review_comments", 0);
            b.put("commits", 1);
            b.put("additions", 1);
            b.put("deletions", 0);
            b.put("changed_files", 1);
        }
        return b;
    }

    private ObjectNode ref(Repo r, String branch) {
        ObjectNode b = json.createObjectNode();
        b.put("label", r.owner + ":" + branch);
        b.put("ref", branch);
        b.put("sha", HexFormat.of().formatHex(sha1(r.fullName() + ":" + branch)));
        b.set("user", userJson(user(r.owner), false));
        b.set("repo", repoJson(r));
        return b;
    }

    private ObjectNode repoJson(Repo r) {
        ObjectNode b = json.createObjectNode();
        b.put("id", r.id);
        b.put("node_id", "R_kgDO" + r.id);
        b.put("name", r.name);
        b.put("full_name", r.fullName());
        b.set("owner", userJson(user(r.owner), false));
        b.put("private", false);
        b.put("html_url", webUrl() + "/" + r.fullName());
        b.put("description", (String) null);
        b.put("fork", false);
        b.put("url", apiUrl() + "/repos/" + r.fullName());
        b.put("pulls_url", apiUrl() + "/repos/" + r.fullName() + "/pulls{/number}");
        b.put("clone_url", webUrl() + "/" + r.fullName() + ".git");
        b.put("default_branch", "main");
        b.put("visibility", "public");
        ObjectNode permissions = b.putObject("permissions");
        permissions.put("admin", false);
        permissions.put("push", true);
        permissions.put("pull", true);
        return b;
    }

    private ObjectNode userJson(User u, boolean full) {
        ObjectNode b = json.createObjectNode();
        b.put("login", u.login());
        b.put("id", u.id());
        b.put("node_id", "U_kgDO" + u.id());
        b.put("avatar_url", "https://avatars.githubusercontent.com/u/" + u.id() + "?v=4");
        b.put("url", apiUrl() + "/users/" + u.login());
        b.put("html_url", webUrl() + "/" + u.login());
        b.put("type", u.login().endsWith("[bot]") ? "Bot" : "User");
        b.put("site_admin", false);
        if (full) {
            b.put("name", u.name());
            b.put("company", (String) null);
            b.put("email", u.publicEmail());
            b.put("created_at", "2011-01-25T18:44:36Z");
        }
        return b;
    }

    /** {@code GET /user/orgs}: organisation objects as GitHub lists them (login, id, url…). */
    private ArrayNode orgsJson(String login) {
        ArrayNode out = json.createArrayNode();
        java.util.Set<String> orgs = new java.util.TreeSet<>();
        for (String m : memberships.getOrDefault(login, java.util.Set.of())) {
            orgs.add(m.contains("/") ? m.substring(0, m.indexOf('/')) : m);
        }
        for (String org : orgs) {
            ObjectNode o = out.addObject();
            o.put("login", org);
            o.put("id", Math.abs(org.hashCode()));
            o.put("url", apiUrl() + "/orgs/" + org);
            o.put("description", (String) null);
        }
        return out;
    }

    /** {@code GET /user/teams}: team objects with their organisation, as GitHub lists them. */
    private ArrayNode teamsJson(String login) {
        ArrayNode out = json.createArrayNode();
        for (String m : memberships.getOrDefault(login, java.util.Set.of())) {
            if (m.contains("/")) {
                String org = m.substring(0, m.indexOf('/'));
                ObjectNode t = out.addObject();
                t.put("id", Math.abs(m.hashCode()));
                t.put("name", m.substring(m.indexOf('/') + 1));
                t.put("slug", m.substring(m.indexOf('/') + 1));
                t.put("privacy", "closed");
                t.putObject("organization").put("login", org).put("id", Math.abs(org.hashCode()));
            }
        }
        return out;
    }

    private ArrayNode emailsJson(User u) {
        ArrayNode a = json.createArrayNode();
        for (Email e : u.emails()) {
            ObjectNode b = a.addObject();
            b.put("email", e.email());
            b.put("verified", e.verified());
            b.put("primary", e.primary());
            b.put("visibility", e.primary() ? "private" : null);
        }
        return a;
    }

    private ObjectNode rateLimit() {
        ObjectNode core = json.createObjectNode();
        core.put("limit", RATE_LIMIT);
        core.put("used", RATE_LIMIT - remaining);
        core.put("remaining", remaining);
        core.put("reset", clock.instant().plus(Duration.ofHours(1)).getEpochSecond());
        ObjectNode b = json.createObjectNode();
        b.putObject("resources").set("core", core);
        b.set("rate", core.deepCopy());
        return b;
    }

    private Reply secondaryRateLimit() {
        Map<String, String> headers = secondaryRetryAfter == null
                ? Map.of()
                : Map.of("Retry-After", String.valueOf(secondaryRetryAfter.toSeconds()));
        ObjectNode b = message("You have exceeded a secondary rate limit. Please wait a few minutes before you try"
                + " again. If you reach out to GitHub Support for help, please include the request ID.");
        b.put(
                "documentation_url",
                "https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits");
        return new Reply(403, b, headers);
    }

    private Reply validationFailed(String code, String detail) {
        return validationFailed("PullRequest", code, detail);
    }

    private Reply validationFailed(String resource, String code, String detail) {
        ObjectNode b = message("Validation Failed");
        ObjectNode e = b.putArray("errors").addObject();
        e.put("resource", resource);
        e.put("code", code);
        e.put("message", detail);
        b.put(
                "documentation_url",
                resource.equals("PullRequest")
                        ? "https://docs.github.com/rest/pulls/pulls#create-a-pull-request"
                        : DOCS);
        b.put("status", "422");
        return new Reply(422, b);
    }

    private Reply notFound() {
        ObjectNode b = message("Not Found");
        b.put("status", "404");
        return new Reply(404, b);
    }

    private Reply forbidden() {
        ObjectNode b = message("Resource not accessible by integration");
        b.put("status", "403");
        return new Reply(403, b);
    }

    private ObjectNode message(String message) {
        ObjectNode b = json.createObjectNode();
        b.put("message", message);
        b.put("documentation_url", DOCS);
        return b;
    }

    // ---- helpers ----------------------------------------------------------------------------

    private record Page(List<JsonNode> items, Map<String, String> headers) {}

    /** {@code per_page}/{@code page} as GitHub reads them, with a {@code Link} header naming the neighbours. */
    private Page page(List<JsonNode> all, Map<String, String> query, String path) {
        int perPage = Math.min(Math.max(1, intParam(query, "per_page", DEFAULT_PAGE_SIZE)), maxPageSize);
        int page = Math.max(1, intParam(query, "page", 1));
        int last = Math.max(1, (all.size() + perPage - 1) / perPage);
        int from = Math.min(all.size(), (page - 1) * perPage);
        List<JsonNode> items = all.subList(from, Math.min(all.size(), from + perPage));
        List<String> links = new ArrayList<>();
        if (page < last) {
            links.add(link(path, query, page + 1, "next"));
            links.add(link(path, query, last, "last"));
        }
        if (page > 1) {
            links.add(link(path, query, 1, "first"));
            links.add(link(path, query, page - 1, "prev"));
        }
        return new Page(items, links.isEmpty() ? Map.of() : Map.of("Link", String.join(", ", links)));
    }

    private String link(String path, Map<String, String> query, int page, String rel) {
        Map<String, String> q = new LinkedHashMap<>(query);
        q.put("page", String.valueOf(page));
        StringJoiner s = new StringJoiner("&");
        q.forEach((k, v) -> s.add(k + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return "<" + apiUrl() + path + "?" + s + ">; rel=\"" + rel + "\"";
    }

    private static int intParam(Map<String, String> query, String name, int otherwise) {
        try {
            return query.containsKey(name) ? Integer.parseInt(query.get(name)) : otherwise;
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> q = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return q;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : pair.substring(eq + 1);
            q.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
        }
        return q;
    }

    /** GitHub takes {@code token X} and {@code Bearer X}. */
    private Optional<Token> token(String authorization) {
        if (authorization == null) {
            return Optional.empty();
        }
        String value = authorization.replaceFirst("^(?i)(token|bearer)\\s+", "");
        Token t = tokens.get(value);
        return t == null || !clock.instant().isBefore(t.expiresAt()) ? Optional.empty() : Optional.of(t);
    }

    private boolean canSee(Token t, Repo r) {
        return t.installationId() == null
                || installations.getOrDefault(t.installationId(), List.of()).contains(r.fullName());
    }

    private JsonNode readJson(byte[] body) {
        try {
            return body.length == 0 ? json.createObjectNode() : json.readTree(body);
        } catch (IOException e) {
            return json.createObjectNode();
        }
    }

    private User user(String login) {
        User u = users.get(login);
        if (u == null) {
            u = new User(nextId++, login, null, null, new ArrayList<>());
            users.put(login, u);
        }
        return u;
    }

    private Repo repo(String ownerAndRepo) {
        return repos.computeIfAbsent(ownerAndRepo, name -> {
            String[] parts = name.split("/", 2);
            user(parts[0]);
            return new Repo(nextId++, parts[0], parts[1]);
        });
    }

    private static Optional<Pull> pull(Repo r, int number) {
        return r.pulls.stream().filter(p -> p.number == number).findFirst();
    }

    private static PullRequest snapshot(Repo r, Pull p) {
        return new PullRequest(
                r.fullName(), p.number, p.title, p.body, p.head, p.base, p.state, p.draft, p.merged, p.author);
    }

    private String newToken(String prefix) {
        return prefix
                + Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString(randomBytes(27))
                        .replace('-', 'x')
                        .replace('_', 'y');
    }

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static byte[] sha1(String s) {
        try {
            return java.security.MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair rsaKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
