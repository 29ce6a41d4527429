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

    private record Token(String login, Long installationId, Instant expiresAt) {}

    private record Email(String email, boolean primary, boolean verified) {}

    private record User(long id, String login, String name, String publicEmail, List<Email> emails) {}

    /** Organisation and org/team memberships per login. */
    private final Map<String, java.util.Set<String>> memberships = new java.util.HashMap<>();

    private record Code(String login, String redirectUri) {}

    private static final class Pull {
        final int number;
        final String head;
        String title, body, base, state = "open", author;
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

    private static final class Repo {
        final long id;
        final String owner, name;
        final List<Pull> pulls = new ArrayList<>();

        Repo(long id, String owner, String name) {
            this.id = id;
            this.owner = owner;
            this.name = name;
        }

        String fullName() {
            return owner + "/" + name;
        }
    }

    private final ObjectMapper json = new ObjectMapper();
    private final SecureRandom random = new SecureRandom();
    private final Clock clock;
    private final HttpServer server;
    private final ExecutorService executor;
    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();

    // all state below is guarded by "this"
    private final Map<String, User> users = new LinkedHashMap<>();
    private final Map<String, Token> tokens = new HashMap<>();
    private final Map<String, Code> codes = new HashMap<>();
    private final Map<String, Token> refreshTokens = new HashMap<>();
    private final Map<String, Repo> repos = new LinkedHashMap<>();
    private final Map<Long, List<String>> installations = new LinkedHashMap<>();
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
        Pull p = new Pull(r.pulls.size() + 1, head, base, title, null, false, r.owner, clock.instant());
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
        if (reply.headers().containsKey("Content-Type")) {
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
    private static final Pattern REPO = Pattern.compile("/repos/([^/]+)/([^/]+)");
    private static final Pattern PULLS = Pattern.compile("/repos/([^/]+)/([^/]+)/pulls");
    private static final Pattern PULL = Pattern.compile("/repos/([^/]+)/([^/]+)/pulls/(\\d+)");

    private Reply api(String method, String path, Map<String, String> query, String authorization, byte[] body) {
        Matcher m;
        if (method.equals("POST") && (m = INSTALLATION_TOKENS.matcher(path)).matches()) {
            return installationToken(Long.parseLong(m.group(1)), authorization);
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
        if ((m = PULL.matcher(path)).matches()) {
            Repo r = repos.get(m.group(1) + "/" + m.group(2));
            Optional<Pull> p = r == null ? Optional.empty() : pull(r, Integer.parseInt(m.group(3)));
            if (p.isEmpty() || !canSee(t, r)) {
                return notFound();
            }
            return switch (method) {
                case "GET" -> new Reply(200, pullJson(r, p.get(), true));
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
                r.pulls.size() + 1,
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
        b.set("head", ref(r, p.head));
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
        b.put("type", "User");
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
        ObjectNode b = message("Validation Failed");
        ObjectNode e = b.putArray("errors").addObject();
        e.put("resource", "PullRequest");
        e.put("code", code);
        e.put("message", detail);
        b.put("documentation_url", "https://docs.github.com/rest/pulls/pulls#create-a-pull-request");
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
