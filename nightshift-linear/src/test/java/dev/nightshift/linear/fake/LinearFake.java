package dev.nightshift.linear.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.nightshift.linear.fake.LinearWebhookPayloads.IssueData;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Linear on loopback for tests: a real HTTP server speaking Linear's GraphQL wire format at
 * {@link #endpoint()} — {@code POST {query, variables, operationName}} with
 * {@code Authorization: Bearer <token>}, answered with {@code {"data": …}} or
 * {@code {"errors": [{"message", "extensions": {"code", "type", "userPresentableMessage"}}]}}.
 *
 * <p>It is a test double, not a GraphQL server: it reads the operation's type and its root field
 * ({@code viewer}, {@code user}, {@code issue}, {@code team}, {@code commentCreate}, {@code commentUpdate},
 * {@code issueUpdate}, {@code attachmentCreate}, {@code agentActivityCreate}), the root field's
 * arguments (literals or {@code $variables}), and for {@code issue} the aliases and {@code first}/
 * {@code last} of its {@code comments} connections; it answers with every field Nightshift's client
 * selects ({@code user} answers {@code null} for an id it does not know). Connections are ordered by {@code createdAt}, oldest first, as Relay pagination reads
 * them. Anything else is a {@code GRAPHQL_VALIDATION_FAILED} error.
 *
 * <p>Seed teams (with Linear's default workflow states), users, issues, comments and agent sessions
 * with the {@code add…} methods; read back what the code under test did with {@link #comments},
 * {@link #stateOf}, {@link #attachments}, {@link #activities} and {@link #requests}. Tokens are
 * checked: unknown or revoked ones get {@code AUTHENTICATION_ERROR} (HTTP 400), expired ones HTTP 401
 * with the same error. {@link #rateLimitNext}, {@link #tooManyRequestsNext} and
 * {@link #serverErrorNext} make Linear refuse the next requests before looking at them.
 *
 * <p>OAuth, as Linear's OAuth 2.0 documents it: {@link #addOAuthClient} registers an application;
 * {@link #approve} stands for a workspace administrator approving the install in the browser
 * ({@code /oauth/authorize} is a page at Linear, not served here) and returns the code Linear would
 * send to the callback. {@code POST /oauth/token} (form-encoded, client id and secret in the body)
 * exchanges a code ({@code grant_type=authorization_code}: single-use, ten minutes, for the same
 * client and {@code redirect_uri}) or a refresh token ({@code grant_type=refresh_token}) for
 * {@code {access_token, token_type: "Bearer", expires_in, scope: [...], refresh_token}}. Refresh tokens
 * rotate: each refresh issues a new one and the old one is used up; presenting a used-up one is
 * {@code invalid_grant} and, read strictly, revokes the whole grant (as reuse detection does), so a
 * test sees any refresh token used twice. Access tokens it issues act as the app user and expire
 * after {@link #accessTokenLifetime} on the fake's clock, or at once with {@link #expireAccessTokens}.
 * {@code POST /oauth/revoke} takes the token in the body ({@code token}) or as the bearer and revokes
 * its whole grant (200), or answers 400 for a token it does not know. Errors are
 * {@code {"error", "error_description"}}; {@link #tokenRequests} records each call.
 *
 * <p>All methods are thread-safe.
 */
public final class LinearFake implements AutoCloseable {

    /** The path the GraphQL endpoint is served at, as on Linear. */
    public static final String PATH = "/graphql";
    /** Where codes and refresh tokens are exchanged, as on Linear. */
    public static final String TOKEN_PATH = "/oauth/token";
    /** Where tokens are revoked, as on Linear. */
    public static final String REVOKE_PATH = "/oauth/revoke";
    /** Linear's approval page; not served by the fake (see {@link #approve}). */
    public static final String AUTHORIZE_PATH = "/oauth/authorize";
    /** How long an authorization code may wait for its exchange. */
    public static final java.time.Duration CODE_LIFETIME = java.time.Duration.ofMinutes(10);
    /** The workspace every payload and issue belongs to. */
    public static final String ORGANIZATION_ID = "2f9c6b7e-6a40-4d5b-9c11-7f2b8e3a4d10";

    static {
        // the JDK server leaves Nagle on; small responses would wait for delayed ACKs
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    /** One request as the fake saw it. */
    public record RecordedRequest(String operationName, String rootField, String authorization, JsonNode variables) {}

    /** A comment as the fake holds it: its current body, after any update. */
    public record Comment(String id, String issueId, String userId, String author, String body, Instant createdAt) {}

    /** An attachment as {@code attachmentCreate} left it. */
    public record Attachment(String id, String issueId, String url, String title) {}

    /** An agent activity as {@code agentActivityCreate} received it; {@code content} as sent. */
    public record Activity(String id, String agentSessionId, String type, JsonNode content) {}

    /** A workflow state of a team. */
    public record State(String id, String teamId, String name, String type, double position) {}

    /**
     * One call to the OAuth endpoints as the fake saw it.
     *
     * @param path {@value #TOKEN_PATH} or {@value #REVOKE_PATH}
     * @param grantType the form's {@code grant_type} (empty for a revocation)
     * @param clientId the form's {@code client_id}, empty when none
     * @param status what the fake answered
     */
    public record TokenRequest(String path, String grantType, String clientId, int status) {}

    private record Team(String id, String key, String name) {}

    private record User(String id, String name, String email, boolean active, boolean app) {}

    private static final class Issue {
        final String id;
        final String identifier;
        final String title;
        final String description;
        final String teamId;
        final List<String> labels;
        String stateId;

        Issue(String id, String identifier, String title, String description, String teamId, List<String> labels) {
            this.id = id;
            this.identifier = identifier;
            this.title = title;
            this.description = description;
            this.teamId = teamId;
            this.labels = List.copyOf(labels);
        }
    }

    private record Refusal(int status, String retryAfter, String code) {}

    private record OAuthClient(String id, String secret) {}

    private record PendingCode(String clientId, String redirectUri, List<String> scopes, Instant expiresAt) {}

    /** One approved installation: its current refresh token and every access token issued to it. */
    private static final class Grant {
        final String clientId;
        final List<String> scopes;
        final List<String> accessTokens = new ArrayList<>();
        String refreshToken;

        Grant(String clientId, List<String> scopes) {
            this.clientId = clientId;
            this.scopes = List.copyOf(scopes);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern COMMENTS =
            Pattern.compile("(?:(\\w+)\\s*:\\s*)?comments\\s*\\(\\s*(first|last)\\s*:\\s*(\\d+)\\s*\\)");
    private static final Pattern ROOT = Pattern.compile("\\G\\s*(\\w+)\\s*(:\\s*(\\w+))?");
    private static final Set<String> QUERIES = Set.of("viewer", "user", "issue", "team");
    private static final Set<String> MUTATIONS =
            Set.of("commentCreate", "commentUpdate", "issueUpdate", "attachmentCreate", "agentActivityCreate");
    private static final Set<String> ACTIVITY_TYPES = Set.of("thought", "action", "response", "error", "elicitation");
    private static final int MAX_BODY_BYTES = 1024 * 1024;

    private final HttpServer server;
    private final ExecutorService executor;
    private final Clock clock;
    private final Object lock = new Object();
    private final Map<String, String> tokens = new HashMap<>(); // token -> user id
    private final Map<String, User> users = new LinkedHashMap<>();
    private final Map<String, Team> teams = new LinkedHashMap<>();
    private final Map<String, State> states = new LinkedHashMap<>();
    private final Map<String, Issue> issues = new LinkedHashMap<>();
    private final Map<String, Integer> issueNumbers = new HashMap<>();
    private final Map<String, Comment> comments = new LinkedHashMap<>();
    private final Map<String, Attachment> attachments = new LinkedHashMap<>();
    private final Map<String, String> sessions = new HashMap<>(); // session id -> issue id
    private final List<Activity> activities = new ArrayList<>();
    private final Deque<Refusal> refusals = new ArrayDeque<>();
    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    private final String appUserId;
    private final String appToken;
    private final Map<String, OAuthClient> oauthClients = new HashMap<>();
    private final Map<String, PendingCode> codes = new HashMap<>();
    private final Map<String, Grant> grantsByRefreshToken = new HashMap<>();
    private final Map<String, Grant> usedRefreshTokens = new HashMap<>();
    private final Map<String, Grant> grantsByAccessToken = new HashMap<>();
    private final Map<String, Instant> accessTokenExpiry = new HashMap<>();
    private final List<TokenRequest> tokenRequests = new CopyOnWriteArrayList<>();
    private java.time.Duration accessTokenLifetime = java.time.Duration.ofSeconds(86_399);

    private LinearFake(Clock clock) throws IOException {
        this.clock = clock;
        this.appUserId = UUID.randomUUID().toString();
        users.put(appUserId, new User(appUserId, "Nightshift", appUserId + "@oauthapp.linear.invalid", true, true));
        this.appToken = issueToken(appUserId);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        server.createContext(PATH, this::handle);
        server.createContext(TOKEN_PATH, this::token);
        server.createContext(REVOKE_PATH, this::revokeEndpoint);
        server.start();
    }

    /** Starts a fake whose clock is the system's. */
    public static LinearFake start() {
        return start(Clock.systemUTC());
    }

    /** Starts a fake that stamps comments with {@code clock}'s time. */
    public static LinearFake start(Clock clock) {
        try {
            return new LinearFake(clock);
        } catch (IOException e) {
            throw new IllegalStateException("could not start the Linear fake", e);
        }
    }

    /** The GraphQL endpoint to point the client at. */
    public URI endpoint() {
        return URI.create("http://" + server.getAddress().getHostString() + ":"
                + server.getAddress().getPort() + PATH);
    }

    /** The OAuth token endpoint, as {@code https://api.linear.app/oauth/token} is Linear's. */
    public URI tokenUrl() {
        return endpoint().resolve(TOKEN_PATH);
    }

    /** Where Linear's approval page would be; nothing is served there. */
    public URI authorizeUrl() {
        return endpoint().resolve(AUTHORIZE_PATH);
    }

    /** The app user the fake was installed as: {@code viewer} for {@link #appToken()}. */
    public String appUserId() {
        return appUserId;
    }

    /** A valid access token of the app user. */
    public String appToken() {
        return appToken;
    }

    /** The workspace's id, {@link #ORGANIZATION_ID}. */
    public String organizationId() {
        return ORGANIZATION_ID;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    // --- seeding ---

    /**
     * An active person of the workspace whose e-mail address is made from their name at
     * {@code linear.invalid}, a domain no admission rule of a test names; returns their id.
     */
    public String addUser(String name) {
        String id = UUID.randomUUID().toString();
        addUser(id, name, name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", ".") + "@linear.invalid", true);
        return id;
    }

    /**
     * A person of the workspace with the given id and e-mail address, as {@code user(id:)} answers
     * for them; {@code active} false is a deactivated (suspended) account. Replaces a user of that id.
     */
    public void addUser(String id, String name, String email, boolean active) {
        synchronized (lock) {
            users.put(id, new User(id, name, email, active, false));
        }
    }

    /** A new valid token for {@code userId}. */
    public String issueToken(String userId) {
        synchronized (lock) {
            String token = "lin_oauth_" + UUID.randomUUID().toString().replace("-", "");
            tokens.put(token, userId);
            return token;
        }
    }

    /** Makes {@code token} invalid, as uninstalling the app would. */
    public void revoke(String token) {
        synchronized (lock) {
            tokens.remove(token);
        }
    }

    // --- OAuth ---

    /** Registers an OAuth application with its client id and secret. */
    public void addOAuthClient(String clientId, String clientSecret) {
        synchronized (lock) {
            oauthClients.put(clientId, new OAuthClient(clientId, clientSecret));
        }
    }

    /**
     * A workspace administrator approves installing the application with {@code actor=app}: returns
     * the authorization code Linear would hand to {@code redirectUri}, valid for one exchange within
     * {@link #CODE_LIFETIME}.
     */
    public String approve(String clientId, String redirectUri, List<String> scopes) {
        synchronized (lock) {
            if (!oauthClients.containsKey(clientId)) {
                throw new IllegalArgumentException("no OAuth client " + clientId + " in the fake");
            }
            String code = "lin_code_" + UUID.randomUUID().toString().replace("-", "");
            codes.put(
                    code,
                    new PendingCode(
                            clientId, redirectUri, scopes, clock.instant().plus(CODE_LIFETIME)));
            return code;
        }
    }

    /** How long access tokens issued from now on live (Linear's default: about a day). */
    public void accessTokenLifetime(java.time.Duration lifetime) {
        synchronized (lock) {
            accessTokenLifetime = lifetime;
        }
    }

    /** Every access token issued through OAuth so far expires now; refresh tokens still work. */
    public void expireAccessTokens() {
        synchronized (lock) {
            Instant now = clock.instant();
            accessTokenExpiry.replaceAll((token, expiry) -> expiry.isAfter(now) ? now : expiry);
        }
    }

    /** Every call to the OAuth endpoints, in order. */
    public List<TokenRequest> tokenRequests() {
        return List.copyOf(tokenRequests);
    }

    /** How many refresh-token exchanges Linear answered with new tokens. */
    public long refreshes() {
        return tokenRequests.stream()
                .filter(r -> r.grantType().equals("refresh_token") && r.status() == 200)
                .count();
    }

    /** Whether {@code token} would be accepted by the GraphQL endpoint now (known, not revoked, not expired). */
    public boolean accepts(String token) {
        synchronized (lock) {
            return tokens.containsKey(token) && !expired(token);
        }
    }

    /** Whether {@code refreshToken} is the current, unrevoked refresh token of a grant. */
    public boolean refreshable(String refreshToken) {
        synchronized (lock) {
            return grantsByRefreshToken.containsKey(refreshToken);
        }
    }

    private boolean expired(String token) {
        Instant expiry = accessTokenExpiry.get(token);
        return expiry != null && !clock.instant().isBefore(expiry);
    }

    /**
     * A team with Linear's default workflow states (Backlog, Todo, In Progress, In Review, Done,
     * Canceled, Duplicate); returns its id.
     */
    public String addTeam(String key, String name) {
        synchronized (lock) {
            String id = UUID.randomUUID().toString();
            teams.put(id, new Team(id, key, name));
            addState(id, "Backlog", "backlog", 0);
            addState(id, "Todo", "unstarted", 1);
            addState(id, "In Progress", "started", 2);
            addState(id, "In Review", "started", 3);
            addState(id, "Done", "completed", 4);
            addState(id, "Canceled", "canceled", 5);
            addState(id, "Duplicate", "canceled", 6);
            return id;
        }
    }

    /** A team with no workflow states, to add them with {@link #addState}; returns its id. */
    public String addBareTeam(String key, String name) {
        synchronized (lock) {
            String id = UUID.randomUUID().toString();
            teams.put(id, new Team(id, key, name));
            return id;
        }
    }

    /** A workflow state; returns its id. */
    public String addState(String teamId, String name, String type, double position) {
        synchronized (lock) {
            requireTeam(teamId);
            String id = UUID.randomUUID().toString();
            states.put(id, new State(id, teamId, name, type, position));
            return id;
        }
    }

    /** An issue in the team's first {@code unstarted} state (or first state); returns its id. */
    public String addIssue(String teamId, String title, String description, List<String> labels) {
        synchronized (lock) {
            Team team = requireTeam(teamId);
            int number = issueNumbers.merge(teamId, 1, Integer::sum);
            String id = UUID.randomUUID().toString();
            Issue issue = new Issue(id, team.key() + "-" + number, title, description, teamId, labels);
            issue.stateId = teamStates(teamId).stream()
                    .filter(s -> s.type().equals("unstarted"))
                    .findFirst()
                    .or(() -> teamStates(teamId).stream().findFirst())
                    .map(State::id)
                    .orElse(null);
            issues.put(id, issue);
            return id;
        }
    }

    /** A comment by {@code userId} written at {@code createdAt}; returns its id. */
    public String addComment(String issueId, String userId, String body, Instant createdAt) {
        synchronized (lock) {
            requireIssue(issueId);
            String id = UUID.randomUUID().toString();
            comments.put(id, new Comment(id, issueId, userId, nameOf(userId), body, createdAt));
            return id;
        }
    }

    /** An agent session of the app on an issue, as Linear creates on a mention or delegation; returns its id. */
    public String addAgentSession(String issueId) {
        synchronized (lock) {
            requireIssue(issueId);
            String id = UUID.randomUUID().toString();
            sessions.put(id, issueId);
            return id;
        }
    }

    // --- failures ---

    /** The next {@code times} requests get a GraphQL {@code RATELIMITED} error (HTTP 400), with {@code Retry-After} when not null. */
    public void rateLimitNext(int times, String retryAfter) {
        refuseNext(times, new Refusal(400, retryAfter, "RATELIMITED"));
    }

    /** The next {@code times} requests get HTTP 429 with a {@code RATELIMITED} error, with {@code Retry-After} when not null. */
    public void tooManyRequestsNext(int times, String retryAfter) {
        refuseNext(times, new Refusal(429, retryAfter, "RATELIMITED"));
    }

    /** The next {@code times} requests get HTTP {@code status} (5xx) with an HTML body, as a proxy in front of Linear would. */
    public void serverErrorNext(int times, int status) {
        refuseNext(times, new Refusal(status, null, null));
    }

    private void refuseNext(int times, Refusal refusal) {
        synchronized (lock) {
            for (int i = 0; i < times; i++) {
                refusals.add(refusal);
            }
        }
    }

    // --- reading back ---

    /** What the fake shows in webhook payloads for an issue. */
    public IssueData issueData(String issueId) {
        synchronized (lock) {
            Issue issue = requireIssue(issueId);
            Team team = teams.get(issue.teamId);
            return new IssueData(
                    issue.id,
                    issue.identifier,
                    issue.title,
                    issue.description,
                    team.id(),
                    team.key(),
                    issue.labels,
                    url(issue));
        }
    }

    /** The issue's comments, oldest first. */
    public List<Comment> comments(String issueId) {
        synchronized (lock) {
            return comments.values().stream()
                    .filter(c -> c.issueId().equals(issueId))
                    .sorted(Comparator.comparing(Comment::createdAt))
                    .toList();
        }
    }

    /** The workflow state the issue is in. */
    public State stateOf(String issueId) {
        synchronized (lock) {
            return states.get(requireIssue(issueId).stateId);
        }
    }

    /** The team's workflow states, in its order. */
    public List<State> teamStates(String teamId) {
        synchronized (lock) {
            return states.values().stream()
                    .filter(s -> s.teamId().equals(teamId))
                    .sorted(Comparator.comparingDouble(State::position))
                    .toList();
        }
    }

    /** The issue's attachments, in the order created. */
    public List<Attachment> attachments(String issueId) {
        synchronized (lock) {
            return attachments.values().stream()
                    .filter(a -> a.issueId().equals(issueId))
                    .toList();
        }
    }

    /** The activities posted to an agent session, in order. */
    public List<Activity> activities(String agentSessionId) {
        synchronized (lock) {
            return activities.stream()
                    .filter(a -> a.agentSessionId().equals(agentSessionId))
                    .toList();
        }
    }

    /** Every request received, in order, refused ones included. */
    public List<RecordedRequest> requests() {
        return List.copyOf(requests);
    }

    // --- the endpoint ---

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!exchange.getRequestMethod().equals("POST")) {
                exchange.getResponseHeaders().add("Allow", "POST");
                send(exchange, 405, null, "{\"errors\":[{\"message\":\"Only POST is supported\"}]}");
                return;
            }
            byte[] raw;
            try (InputStream in = exchange.getRequestBody()) {
                raw = in.readNBytes(MAX_BODY_BYTES + 1);
            }
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            JsonNode request;
            try {
                request = raw.length > MAX_BODY_BYTES ? null : JSON.readTree(raw);
            } catch (IOException notJson) {
                request = null;
            }
            if (request == null || !request.path("query").isTextual()) {
                requests.add(new RecordedRequest("", "", authorization, JSON.nullNode()));
                send(exchange, 400, null, error("Must provide query string.", "BAD_REQUEST", "invalid input"));
                return;
            }
            String query = request.path("query").textValue();
            JsonNode variables =
                    request.path("variables").isObject() ? request.get("variables") : JSON.createObjectNode();
            String operation = query.stripLeading().startsWith("mutation") ? "mutation" : "query";
            String root = rootField(query);
            requests.add(new RecordedRequest(
                    request.path("operationName").asText(""), root == null ? "" : root, authorization, variables));

            Refusal refusal;
            synchronized (lock) {
                refusal = refusals.poll();
            }
            if (refusal != null) {
                if (refusal.code() == null) {
                    send(
                            exchange,
                            refusal.status(),
                            null,
                            "<html><body>" + refusal.status() + " Bad Gateway</body></html>");
                } else {
                    send(
                            exchange,
                            refusal.status(),
                            refusal.retryAfter(),
                            error("Rate limit exceeded", "RATELIMITED", "ratelimited"));
                }
                return;
            }
            String user;
            boolean expired;
            synchronized (lock) {
                String bearer = authorization != null && authorization.startsWith("Bearer ")
                        ? authorization.substring("Bearer ".length())
                        : null;
                user = bearer == null ? null : tokens.get(bearer);
                expired = user != null && expired(bearer);
            }
            if (expired) {
                send(
                        exchange,
                        401,
                        null,
                        errorWithUserMessage(
                                "Authentication required, not authenticated",
                                "AUTHENTICATION_ERROR",
                                "authentication error",
                                "Your access token has expired."));
                return;
            }
            if (user == null) {
                send(
                        exchange,
                        400,
                        null,
                        errorWithUserMessage(
                                "Authentication required, not authenticated",
                                "AUTHENTICATION_ERROR",
                                "authentication error",
                                "You need to authenticate to access this operation."));
                return;
            }
            boolean known = operation.equals("mutation") ? MUTATIONS.contains(root) : QUERIES.contains(root);
            if (root == null || !known) {
                send(
                        exchange,
                        400,
                        null,
                        error(
                                "Cannot query field \"" + root + "\" on type \""
                                        + (operation.equals("mutation") ? "Mutation" : "Query") + "\".",
                                "GRAPHQL_VALIDATION_FAILED",
                                "graphql error"));
                return;
            }
            String answer;
            try {
                Map<String, JsonNode> args = arguments(query, root, variables);
                synchronized (lock) {
                    answer = answer(root, rootAlias(query), args, query, user);
                }
            } catch (Refused refused) {
                send(exchange, 400, null, refused.body);
                return;
            }
            send(exchange, 200, null, answer);
        }
    }

    private void token(HttpExchange exchange) throws IOException {
        try (exchange) {
            Map<String, String> form = form(exchange);
            String grantType = form.getOrDefault("grant_type", "");
            String clientId = form.getOrDefault("client_id", "");
            int status;
            String body;
            synchronized (lock) {
                OAuthClient client = oauthClients.get(clientId);
                if (!exchange.getRequestMethod().equals("POST")) {
                    status = 405;
                    body = oauthError("invalid_request", "Only POST is supported");
                } else if (client == null || !client.secret().equals(form.getOrDefault("client_secret", ""))) {
                    status = 401;
                    body = oauthError("invalid_client", "Client authentication failed");
                } else {
                    switch (grantType) {
                        case "authorization_code" -> {
                            PendingCode code = codes.remove(form.getOrDefault("code", ""));
                            if (code == null
                                    || !code.clientId().equals(clientId)
                                    || !code.expiresAt().isAfter(clock.instant())) {
                                status = 400;
                                body = oauthError("invalid_grant", "The authorization code is invalid or expired");
                            } else if (!code.redirectUri().equals(form.getOrDefault("redirect_uri", ""))) {
                                status = 400;
                                body = oauthError("invalid_grant", "The redirect_uri does not match the authorization");
                            } else {
                                Grant grant = new Grant(clientId, code.scopes());
                                status = 200;
                                body = issue(grant);
                            }
                        }
                        case "refresh_token" -> {
                            String presented = form.getOrDefault("refresh_token", "");
                            Grant grant = grantsByRefreshToken.remove(presented);
                            if (grant == null || !grant.clientId.equals(clientId)) {
                                if (grant != null) {
                                    grantsByRefreshToken.put(presented, grant);
                                }
                                Grant reused = usedRefreshTokens.get(presented);
                                if (reused != null) {
                                    revokeGrant(reused); // a used-up refresh token again: the grant is compromised
                                }
                                status = 400;
                                body = oauthError("invalid_grant", "The refresh token is invalid or was already used");
                            } else {
                                usedRefreshTokens.put(presented, grant);
                                status = 200;
                                body = issue(grant);
                            }
                        }
                        default -> {
                            status = 400;
                            body = oauthError(
                                    "unsupported_grant_type", "grant_type must be authorization_code or refresh_token");
                        }
                    }
                }
            }
            tokenRequests.add(new TokenRequest(TOKEN_PATH, grantType, clientId, status));
            send(exchange, status, null, body);
        }
    }

    /** New tokens for a grant: a fresh access token and a fresh refresh token replacing the last. */
    private String issue(Grant grant) {
        String access = issueToken(appUserId);
        grant.accessTokens.add(access);
        grantsByAccessToken.put(access, grant);
        accessTokenExpiry.put(access, clock.instant().plus(accessTokenLifetime));
        String refresh = "lin_refresh_" + UUID.randomUUID().toString().replace("-", "");
        grant.refreshToken = refresh;
        grantsByRefreshToken.put(refresh, grant);
        ObjectNode answer = JSON.createObjectNode();
        answer.put("access_token", access);
        answer.put("token_type", "Bearer");
        answer.put("expires_in", accessTokenLifetime.toSeconds());
        ArrayNode scope = answer.putArray("scope");
        grant.scopes.forEach(scope::add);
        answer.put("refresh_token", refresh);
        return answer.toString();
    }

    private void revokeGrant(Grant grant) {
        grant.accessTokens.forEach(t -> {
            tokens.remove(t);
            grantsByAccessToken.remove(t);
        });
        grant.accessTokens.clear();
        if (grant.refreshToken != null) {
            grantsByRefreshToken.remove(grant.refreshToken);
            grant.refreshToken = null;
        }
    }

    private void revokeEndpoint(HttpExchange exchange) throws IOException {
        try (exchange) {
            Map<String, String> form = form(exchange);
            String clientId = form.getOrDefault("client_id", "");
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            int status;
            String body;
            synchronized (lock) {
                OAuthClient client = oauthClients.get(clientId);
                if (!exchange.getRequestMethod().equals("POST")) {
                    status = 405;
                    body = oauthError("invalid_request", "Only POST is supported");
                } else if (!clientId.isEmpty()
                        && (client == null || !client.secret().equals(form.getOrDefault("client_secret", "")))) {
                    status = 401;
                    body = oauthError("invalid_client", "Client authentication failed");
                } else {
                    String token = form.getOrDefault("token", "");
                    Grant grant = grantsByRefreshToken.get(token);
                    if (grant == null && accepts(token)) {
                        grant = grantsByAccessToken.get(token);
                    }
                    if (grant == null && authorization != null && authorization.startsWith("Bearer ")) {
                        String bearer = authorization.substring("Bearer ".length());
                        grant = accepts(bearer) ? grantsByAccessToken.get(bearer) : null;
                    }
                    if (grant == null) {
                        status = 400;
                        body = oauthError("invalid_token", "Unable to revoke the token: unknown or already revoked");
                    } else {
                        revokeGrant(grant);
                        status = 200;
                        body = "";
                    }
                }
            }
            tokenRequests.add(new TokenRequest(REVOKE_PATH, "", clientId, status));
            send(exchange, status, null, body);
        }
    }

    /** The request's {@code application/x-www-form-urlencoded} body. */
    private static Map<String, String> form(HttpExchange exchange) throws IOException {
        byte[] raw;
        try (InputStream in = exchange.getRequestBody()) {
            raw = in.readNBytes(MAX_BODY_BYTES + 1);
        }
        Map<String, String> form = new HashMap<>();
        if (raw.length > MAX_BODY_BYTES) {
            return form;
        }
        for (String pair : new String(raw, StandardCharsets.UTF_8).split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                form.put(
                        java.net.URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return form;
    }

    private static String oauthError(String error, String description) {
        ObjectNode root = JSON.createObjectNode();
        root.put("error", error);
        root.put("error_description", description);
        return root.toString();
    }

    /** A request the fake refuses the way Linear does; {@code body} is the errors JSON. */
    private static final class Refused extends RuntimeException {
        final String body;

        Refused(String message, String code, String type) {
            super(message, null, false, false);
            this.body = error(message, code, type);
        }
    }

    private static Refused invalidInput(String message) {
        return new Refused(message, "INVALID_INPUT", "invalid input");
    }

    private String answer(String root, String alias, Map<String, JsonNode> args, String query, String user) {
        ObjectNode data = JSON.createObjectNode();
        switch (root) {
            case "viewer" -> data.putObject("viewer").put("id", user);
            case "user" -> {
                User found = users.get(text(args, "id"));
                if (found == null) {
                    data.putNull("user");
                } else {
                    data.putObject("user")
                            .put("id", found.id())
                            .put("name", found.name())
                            .put("email", found.email())
                            .put("active", found.active())
                            .put("app", found.app());
                }
            }
            case "issue" -> data.set("issue", issueJson(findIssue(text(args, "id")), query));
            case "team" -> {
                Team team = teams.get(text(args, "id"));
                if (team == null) {
                    throw invalidInput("Entity not found: Team");
                }
                ArrayNode nodes = data.putObject("team").putObject("states").putArray("nodes");
                for (State s : teamStates(team.id())) {
                    nodes.addObject()
                            .put("id", s.id())
                            .put("name", s.name())
                            .put("type", s.type())
                            .put("position", s.position());
                }
            }
            case "commentCreate" -> {
                JsonNode input = input(args);
                Issue issue = findIssue(input.path("issueId").asText(null));
                String body = input.path("body").asText(null);
                if (body == null) {
                    throw invalidInput("body must be given");
                }
                String id = input.path("id").asText(UUID.randomUUID().toString());
                if (comments.containsKey(id)) {
                    throw invalidInput("A comment with id " + id + " already exists");
                }
                comments.put(id, new Comment(id, issue.id, user, nameOf(user), body, clock.instant()));
                ObjectNode payload = data.putObject("commentCreate");
                payload.put("success", true).put("lastSyncId", comments.size());
                payload.putObject("comment").put("id", id);
            }
            case "commentUpdate" -> {
                String id = text(args, "id");
                Comment comment = comments.get(id);
                if (comment == null) {
                    throw invalidInput("Entity not found: Comment");
                }
                if (!comment.userId().equals(user)) {
                    throw new Refused("You can only edit your own comments", "FORBIDDEN", "forbidden");
                }
                String body = input(args).path("body").asText(comment.body());
                comments.put(
                        id,
                        new Comment(
                                id, comment.issueId(), comment.userId(), comment.author(), body, comment.createdAt()));
                data.putObject("commentUpdate").put("success", true).put("lastSyncId", comments.size());
            }
            case "issueUpdate" -> {
                Issue issue = findIssue(text(args, "id"));
                String stateId = input(args).path("stateId").asText(null);
                if (stateId != null) {
                    State state = states.get(stateId);
                    if (state == null || !state.teamId().equals(issue.teamId)) {
                        throw invalidInput("The workflow state is not one of the issue's team");
                    }
                    issue.stateId = stateId;
                }
                data.putObject("issueUpdate").put("success", true).put("lastSyncId", 1);
            }
            case "attachmentCreate" -> {
                JsonNode input = input(args);
                Issue issue = findIssue(input.path("issueId").asText(null));
                String url = input.path("url").asText(null);
                String title = input.path("title").asText(null);
                if (url == null || title == null) {
                    throw invalidInput("url and title must be given");
                }
                Attachment existing = attachments.values().stream()
                        .filter(a -> a.issueId().equals(issue.id) && a.url().equals(url))
                        .findFirst()
                        .orElse(null);
                String id = existing != null
                        ? existing.id()
                        : input.path("id").asText(UUID.randomUUID().toString());
                attachments.put(id, new Attachment(id, issue.id, url, title));
                ObjectNode payload = data.putObject("attachmentCreate");
                payload.put("success", true).put("lastSyncId", attachments.size());
                payload.putObject("attachment").put("id", id);
            }
            case "agentActivityCreate" -> {
                JsonNode input = input(args);
                String sessionId = input.path("agentSessionId").asText(null);
                if (sessionId == null || !sessions.containsKey(sessionId)) {
                    throw invalidInput("Entity not found: AgentSession");
                }
                JsonNode content = input.path("content");
                String type = content.path("type").asText("");
                if (!ACTIVITY_TYPES.contains(type)) {
                    throw invalidInput("content.type must be one of " + ACTIVITY_TYPES);
                }
                boolean complete = type.equals("action")
                        ? content.path("action").isTextual()
                                && content.path("parameter").isTextual()
                        : content.path("body").isTextual();
                if (!complete) {
                    throw invalidInput(
                            type.equals("action")
                                    ? "an action's content needs action and parameter"
                                    : "a " + type + "'s content needs a body");
                }
                String id = input.path("id").asText(UUID.randomUUID().toString());
                if (activities.stream().anyMatch(a -> a.id().equals(id))) {
                    throw invalidInput("An agent activity with id " + id + " already exists");
                }
                activities.add(new Activity(id, sessionId, type, content.deepCopy()));
                ObjectNode payload = data.putObject("agentActivityCreate");
                payload.put("success", true).put("lastSyncId", activities.size());
                payload.putObject("agentActivity").put("id", id);
            }
            default -> throw new IllegalStateException(root);
        }
        if (alias != null) {
            data.set(alias, data.remove(root));
        }
        ObjectNode answer = JSON.createObjectNode();
        answer.set("data", data);
        return answer.toString();
    }

    private ObjectNode issueJson(Issue issue, String query) {
        Team team = teams.get(issue.teamId);
        State state = states.get(issue.stateId);
        ObjectNode json = JSON.createObjectNode();
        json.put("id", issue.id);
        json.put("identifier", issue.identifier);
        json.put("title", issue.title);
        if (issue.description == null) {
            json.putNull("description");
        } else {
            json.put("description", issue.description);
        }
        json.put("url", url(issue));
        json.putObject("team").put("id", team.id()).put("key", team.key());
        ObjectNode stateJson = json.putObject("state");
        if (state != null) {
            stateJson.put("id", state.id()).put("name", state.name()).put("type", state.type());
        }
        ArrayNode labels = json.putObject("labels").putArray("nodes");
        issue.labels.forEach(name -> labels.addObject().put("name", name));
        List<Comment> thread = comments(issue.id);
        Matcher m = COMMENTS.matcher(query);
        while (m.find()) {
            String alias = m.group(1) != null ? m.group(1) : "comments";
            int n = Math.min(Integer.parseInt(m.group(3)), 250);
            List<Comment> page = m.group(2).equals("first")
                    ? thread.subList(0, Math.min(n, thread.size()))
                    : thread.subList(Math.max(0, thread.size() - n), thread.size());
            ArrayNode nodes = json.putObject(alias).putArray("nodes");
            for (Comment c : page) {
                ObjectNode node = nodes.addObject();
                node.put("id", c.id());
                node.put("body", c.body());
                node.put("createdAt", c.createdAt().toString());
                if (users.containsKey(c.userId())) {
                    node.putObject("user").put("name", c.author());
                } else {
                    node.putNull("user");
                }
                node.putNull("botActor");
                node.putNull("externalUser");
            }
        }
        return json;
    }

    private Issue findIssue(String idOrIdentifier) {
        if (idOrIdentifier != null) {
            Issue byId = issues.get(idOrIdentifier);
            if (byId != null) {
                return byId;
            }
            for (Issue issue : issues.values()) {
                if (issue.identifier.equalsIgnoreCase(idOrIdentifier)) {
                    return issue;
                }
            }
        }
        throw invalidInput("Entity not found: Issue");
    }

    private Issue requireIssue(String issueId) {
        Issue issue = issues.get(issueId);
        if (issue == null) {
            throw new IllegalArgumentException("no issue " + issueId + " in the fake");
        }
        return issue;
    }

    private Team requireTeam(String teamId) {
        Team team = teams.get(teamId);
        if (team == null) {
            throw new IllegalArgumentException("no team " + teamId + " in the fake");
        }
        return team;
    }

    private String nameOf(String userId) {
        User user = users.get(userId);
        return user == null ? "" : user.name();
    }

    private String url(Issue issue) {
        return "https://linear.app/acme/issue/" + issue.identifier.toLowerCase(Locale.ROOT) + "/"
                + issue.title.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
    }

    private static JsonNode input(Map<String, JsonNode> args) {
        JsonNode input = args.get("input");
        if (input == null || !input.isObject()) {
            throw new Refused(
                    "Argument \"input\" of required type was not provided.",
                    "GRAPHQL_VALIDATION_FAILED",
                    "graphql error");
        }
        return input;
    }

    private static String text(Map<String, JsonNode> args, String name) {
        JsonNode value = args.get(name);
        if (value == null || !value.isTextual()) {
            throw new Refused(
                    "Argument \"" + name + "\" of required type \"String!\" was not provided.",
                    "GRAPHQL_VALIDATION_FAILED",
                    "graphql error");
        }
        return value.textValue();
    }

    /** The first field of the operation's selection set, skipping an alias; null when there is none. */
    static String rootField(String query) {
        Matcher m = root(query);
        return m == null ? null : m.group(3) != null ? m.group(3) : m.group(1);
    }

    /** The alias of the first field of the operation's selection set, or null. */
    static String rootAlias(String query) {
        Matcher m = root(query);
        return m == null || m.group(3) == null ? null : m.group(1);
    }

    private static Matcher root(String query) {
        int brace = query.indexOf('{');
        if (brace < 0) {
            return null;
        }
        Matcher m = ROOT.matcher(query);
        return m.find(brace + 1) ? m : null;
    }

    /** The root field's arguments: {@code name: $variable} from the variables, or string literals. */
    static Map<String, JsonNode> arguments(String query, String root, JsonNode variables) {
        Map<String, JsonNode> args = new HashMap<>();
        Matcher field = Pattern.compile("\\b" + Pattern.quote(root) + "\\s*\\(([^)]*)\\)")
                .matcher(query);
        if (!field.find()) {
            return args;
        }
        Matcher arg = Pattern.compile("(\\w+)\\s*:\\s*(\\$(\\w+)|\"((?:[^\"\\\\]|\\\\.)*)\")")
                .matcher(field.group(1));
        while (arg.find()) {
            if (arg.group(3) != null) {
                JsonNode value = variables.get(arg.group(3));
                if (value != null && !value.isNull()) {
                    args.put(arg.group(1), value);
                }
            } else {
                args.put(arg.group(1), JSON.getNodeFactory().textNode(arg.group(4)));
            }
        }
        return args;
    }

    private static String error(String message, String code, String type) {
        return errorWithUserMessage(message, code, type, null);
    }

    private static String errorWithUserMessage(String message, String code, String type, String userMessage) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode error = root.putArray("errors").addObject();
        error.put("message", message);
        ObjectNode extensions = error.putObject("extensions");
        extensions.put("code", code);
        extensions.put("type", type);
        extensions.put("userError", true);
        if (userMessage != null) {
            extensions.put("userPresentableMessage", userMessage);
        }
        return root.toString();
    }

    private static void send(HttpExchange exchange, int status, String retryAfter, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders()
                .add("Content-Type", body.startsWith("<") ? "text/html" : "application/json; charset=utf-8");
        if (retryAfter != null) {
            exchange.getResponseHeaders().add("Retry-After", retryAfter);
        }
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
