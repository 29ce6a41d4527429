package dev.nightshift.linear;

import static dev.nightshift.linear.Json.array;
import static dev.nightshift.linear.Json.nonEmpty;
import static dev.nightshift.linear.Json.text;
import static dev.nightshift.linear.Json.textOrEmpty;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Linear's GraphQL API, as the app user Nightshift installs as: reading an issue, commenting,
 * moving it through its team's workflow, attaching a pull request, and reporting on an agent
 * session. Requests are {@code POST}s of {@code {query, variables, operationName}} with
 * {@code Authorization: Bearer <token>}, where the token is an OAuth access token issued with
 * {@code actor=app}, so what Nightshift writes shows as the app, not as a person.
 *
 * <p>Each call blocks the calling thread for its request (and for waits between retries): call it
 * from a virtual thread or a worker, never an event loop. Instances hold no per-call state, so any
 * number of threads may share one.
 *
 * <p>Retries: an answer of HTTP 429, HTTP 5xx, or a GraphQL error with code
 * {@value LinearException#RATELIMITED} is tried again, at most {@value #MAX_ATTEMPTS} times in all,
 * after {@code Retry-After} when Linear sends it (failing at once when that is longer than
 * {@link #MAX_WAIT}), else after {@link #FIRST_BACKOFF} doubled each time: Linear's limits are leaky
 * buckets that free room continuously. Creations carry an id made here, the same on every try, so a
 * retry after an answer that was lost cannot create a second comment or activity. Any other GraphQL
 * error becomes a {@link LinearException} with Linear's message and code.
 *
 * <p>Tokens: an answer of HTTP 401 or a GraphQL {@value LinearException#AUTHENTICATION_ERROR} is
 * reported to the {@link AccessTokens} once per call; when they hand back another token (an OAuth
 * installation renewed with its refresh token), the request is sent again with it, without counting
 * as a retry.
 */
public final class LinearClient {

    /** Linear's GraphQL endpoint. */
    public static final URI DEFAULT_ENDPOINT = URI.create("https://api.linear.app/graphql");
    /** Requests, counting the first, before a refused one fails. */
    public static final int MAX_ATTEMPTS = 3;
    /** The longest {@code Retry-After} waited out: longer would hold a person's request past their patience. */
    public static final Duration MAX_WAIT = Duration.ofSeconds(60);
    /** The wait before the second try when Linear names none; doubled before each further try. */
    public static final Duration FIRST_BACKOFF = Duration.ofSeconds(2);
    /**
     * Comments read with an issue from each end of its thread: the first ones (what the issue is
     * about) and the latest (where the discussion is).
     */
    public static final int COMMENTS_FROM_EACH_END = 25;

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    /** Answers are read up to this; a larger one is refused rather than held in memory. */
    static final int MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

    /**
     * An issue as {@link #issue} reads it.
     *
     * @param id the UUID
     * @param identifier the key, e.g. {@code ENG-123}
     * @param title the title
     * @param description the markdown description; empty when there is none
     * @param teamId the team's UUID
     * @param teamKey the team's key, e.g. {@code ENG}
     * @param url the issue's page
     * @param labels the label names
     * @param comments up to {@value #COMMENTS_FROM_EACH_END} first and as many latest comments,
     *     oldest first, without repeats
     * @param state the workflow state it is in
     */
    public record Issue(
            String id,
            String identifier,
            String title,
            String description,
            String teamId,
            String teamKey,
            String url,
            List<String> labels,
            List<Comment> comments,
            State state) {
        public Issue {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(identifier, "identifier");
            Objects.requireNonNull(title, "title");
            Objects.requireNonNull(description, "description");
            Objects.requireNonNull(teamId, "teamId");
            Objects.requireNonNull(teamKey, "teamKey");
            Objects.requireNonNull(url, "url");
            labels = List.copyOf(labels);
            comments = List.copyOf(comments);
            Objects.requireNonNull(state, "state");
        }
    }

    /**
     * A comment on an issue.
     *
     * @param author the author's name: a person's full name, or the integration's or external
     *     user's; empty when Linear names none
     * @param body the markdown
     * @param createdAt when it was written; null when Linear's answer lacked a readable time
     */
    public record Comment(String author, String body, Instant createdAt) {
        public Comment {
            Objects.requireNonNull(author, "author");
            Objects.requireNonNull(body, "body");
        }
    }

    /**
     * A workflow state of a team.
     *
     * @param id the UUID, for {@link #moveIssue}
     * @param name as the team named it: {@code In Progress}, {@code In Review}, …
     * @param type Linear's category: {@code triage}, {@code backlog}, {@code unstarted},
     *     {@code started}, {@code completed} or {@code canceled}
     */
    public record State(String id, String name, String type) {
        public State {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(type, "type");
        }
    }

    /**
     * A member of the workspace as {@link #user} reads them.
     *
     * @param id the UUID, what webhooks name as the actor
     * @param name the full name; empty when Linear gives none
     * @param email the address they sign in to Linear with; empty when Linear gives none
     * @param active false once the account is deactivated (suspended) in the workspace
     * @param app true for an application's user (an integration or agent acting in Linear), not a person
     */
    public record User(String id, String name, String email, boolean active, boolean app) {
        public User {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(email, "email");
        }
    }

    /** What an agent activity says, in Linear's terms; each shows differently in the session. */
    public enum ActivityType {
        /** Progress or reasoning; Linear expects one within seconds of a session's creation. */
        THOUGHT("thought"),
        /** A step taken, e.g. a tool run; see {@link #agentAction} to give its parameter and result. */
        ACTION("action"),
        /** The final answer: the session completes. */
        RESPONSE("response"),
        /** A failure: the session shows an error. */
        ERROR("error"),
        /** A question for the person: the session waits for their answer. */
        ELICITATION("elicitation");

        private final String wire;

        ActivityType(String wire) {
            this.wire = wire;
        }

        /** As Linear's {@code AgentActivityType} writes it. */
        public String wire() {
            return wire;
        }
    }

    private static final String VIEWER = """
            query NightshiftViewer { viewer { id } }""";

    private static final String USER = """
            query NightshiftUser($id: String!) { user(id: $id) { id name email active app } }""";

    private static final String COMMENT_FIELDS =
            "nodes { id body createdAt user { name } botActor { name } externalUser { name } }";

    private static final String ISSUE = """
            query NightshiftIssue($id: String!) {
              issue(id: $id) {
                id identifier title description url
                team { id key }
                state { id name type }
                labels(first: 100) { nodes { name } }
                firstComments: comments(first: %1$d) { %2$s }
                lastComments: comments(last: %1$d) { %2$s }
              }
            }""".formatted(COMMENTS_FROM_EACH_END, COMMENT_FIELDS);

    private static final String TEAM_STATES = """
            query NightshiftTeamStates($id: String!) {
              team(id: $id) { states(first: 100) { nodes { id name type position } } }
            }""";

    private static final String COMMENT_CREATE = """
            mutation NightshiftCommentCreate($input: CommentCreateInput!) {
              commentCreate(input: $input) { success comment { id } }
            }""";

    private static final String COMMENT_UPDATE = """
            mutation NightshiftCommentUpdate($id: String!, $input: CommentUpdateInput!) {
              commentUpdate(id: $id, input: $input) { success }
            }""";

    private static final String ISSUE_UPDATE = """
            mutation NightshiftIssueUpdate($id: String!, $input: IssueUpdateInput!) {
              issueUpdate(id: $id, input: $input) { success }
            }""";

    private static final String ATTACHMENT_CREATE = """
            mutation NightshiftAttachmentCreate($input: AttachmentCreateInput!) {
              attachmentCreate(input: $input) { success attachment { id } }
            }""";

    private static final String AGENT_ACTIVITY_CREATE = """
            mutation NightshiftAgentActivityCreate($input: AgentActivityCreateInput!) {
              agentActivityCreate(input: $input) { success agentActivity { id } }
            }""";

    private final URI endpoint;
    private final AccessTokens tokens;
    private final HttpClient http;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Supplier<UUID> ids;

    /**
     * @param endpoint the GraphQL endpoint, {@link #DEFAULT_ENDPOINT} for Linear
     * @param tokens the app actor's OAuth access token ({@code () -> token} for a fixed one): asked
     *     for before each request, so a refreshed token is used as soon as it exists, and told once
     *     per call when Linear refuses one, so a renewed token is tried once more (see
     *     {@link AccessTokens#refused})
     * @param http the client to send with; it should not follow redirects (see {@link #defaultHttpClient})
     * @param clock to read {@code Retry-After} dates against
     */
    public LinearClient(URI endpoint, AccessTokens tokens, HttpClient http, Clock clock) {
        this(endpoint, tokens, http, clock, Sleeper.REAL, UUID::randomUUID);
    }

    LinearClient(URI endpoint, AccessTokens tokens, HttpClient http, Clock clock, Sleeper sleeper, Supplier<UUID> ids) {
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.http = Objects.requireNonNull(http, "http");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.ids = Objects.requireNonNull(ids, "ids");
        String scheme = endpoint.getScheme();
        if (!"https".equalsIgnoreCase(scheme) && !"http".equalsIgnoreCase(scheme) || endpoint.getHost() == null) {
            throw new IllegalArgumentException("the Linear endpoint must be an http(s) URL, got " + endpoint);
        }
    }

    /** A client for Linear itself with a fixed token. */
    public static LinearClient create(String token, Clock clock) {
        Objects.requireNonNull(token, "token");
        return new LinearClient(DEFAULT_ENDPOINT, () -> token, defaultHttpClient(), clock);
    }

    /** Redirects are not followed: a redirect to another host would take the token along. */
    public static HttpClient defaultHttpClient() {
        return HttpClient.newBuilder()
                .connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** The app user's id, to recognise its own comments and the issues given to it. */
    public String viewerId() {
        JsonNode data = execute("read the app user", "NightshiftViewer", VIEWER, Map.of());
        return required(data.path("viewer").path("id"), "read the app user", "viewer.id");
    }

    /**
     * A member of the workspace, e.g. whoever gave an issue to the app, to find their Nightshift
     * account by e-mail. Linear accounts sign in with their e-mail address (a link sent to it, or
     * the Google or SAML account of that address), so the address is one Linear has verified.
     * Nothing is cached: a deactivation or a changed address counts at the next call.
     *
     * @param userId the user's UUID
     * @return empty when Linear answers that there is no such user ({@code user: null}); an answer
     *     without a readable {@code active} or {@code app} counts as inactive and as an app, so it
     *     is never taken for a person
     */
    public Optional<User> user(String userId) {
        requireText(userId, "userId");
        String doing = "read user " + userId;
        JsonNode user =
                execute(doing, "NightshiftUser", USER, Map.of("id", userId)).path("user");
        if (user.isNull()) {
            return Optional.empty();
        }
        if (!user.isObject()) {
            throw new LinearException(200, "", doing + ": Linear's answer has no user");
        }
        return Optional.of(new User(
                required(user.path("id"), doing, "user.id"),
                textOrEmpty(user.path("name")),
                textOrEmpty(user.path("email")).strip(),
                user.path("active").isBoolean() && user.path("active").booleanValue(),
                !user.path("app").isBoolean() || user.path("app").booleanValue()));
    }

    /**
     * An issue with its team, state, labels and comments.
     *
     * @param issueId the UUID or the identifier ({@code ENG-123})
     */
    public Issue issue(String issueId) {
        requireText(issueId, "issueId");
        String doing = "read issue " + issueId;
        JsonNode issue =
                execute(doing, "NightshiftIssue", ISSUE, Map.of("id", issueId)).path("issue");
        if (!issue.isObject()) {
            throw new LinearException(200, "", doing + ": Linear's answer has no issue");
        }
        List<String> labels = new ArrayList<>();
        for (JsonNode label : array(issue.path("labels").path("nodes"))) {
            String name = nonEmpty(label.path("name"));
            if (name != null && !labels.contains(name)) {
                labels.add(name);
            }
        }
        Map<String, Comment> comments = new LinkedHashMap<>();
        List<JsonNode> nodes = new ArrayList<>();
        array(issue.path("firstComments").path("nodes")).forEach(nodes::add);
        array(issue.path("lastComments").path("nodes")).forEach(nodes::add);
        for (JsonNode node : nodes) {
            String id = nonEmpty(node.path("id"));
            String key = id != null ? id : "#" + comments.size();
            comments.putIfAbsent(key, comment(node));
        }
        List<Comment> ordered = new ArrayList<>(comments.values());
        ordered.sort(Comparator.comparing(Comment::createdAt, Comparator.nullsFirst(Comparator.naturalOrder())));
        JsonNode state = issue.path("state");
        return new Issue(
                required(issue.path("id"), doing, "issue.id"),
                required(issue.path("identifier"), doing, "issue.identifier"),
                textOrEmpty(issue.path("title")),
                textOrEmpty(issue.path("description")),
                textOrEmpty(issue.path("team").path("id")),
                textOrEmpty(issue.path("team").path("key")),
                textOrEmpty(issue.path("url")),
                labels,
                ordered,
                new State(
                        textOrEmpty(state.path("id")),
                        textOrEmpty(state.path("name")),
                        textOrEmpty(state.path("type"))));
    }

    /**
     * Writes a comment on an issue as the app.
     *
     * @return the new comment's id, to {@link #updateComment} it later
     */
    public String comment(String issueId, String body) {
        requireText(issueId, "issueId");
        Objects.requireNonNull(body, "body");
        String id = ids.get().toString();
        String doing = "comment on issue " + issueId;
        JsonNode payload = execute(
                        doing,
                        "NightshiftCommentCreate",
                        COMMENT_CREATE,
                        Map.of("input", Map.of("id", id, "issueId", issueId, "body", body)))
                .path("commentCreate");
        succeeded(payload, doing);
        String created = nonEmpty(payload.path("comment").path("id"));
        return created != null ? created : id;
    }

    /** Replaces a comment's body, e.g. a status comment as the work goes on. */
    public void updateComment(String commentId, String body) {
        requireText(commentId, "commentId");
        Objects.requireNonNull(body, "body");
        String doing = "update comment " + commentId;
        succeeded(
                execute(
                                doing,
                                "NightshiftCommentUpdate",
                                COMMENT_UPDATE,
                                Map.of("id", commentId, "input", Map.of("body", body)))
                        .path("commentUpdate"),
                doing);
    }

    /** The team's workflow states in the team's order (Linear's {@code position}). */
    public List<State> teamStates(String teamId) {
        requireText(teamId, "teamId");
        String doing = "read the workflow states of team " + teamId;
        JsonNode nodes = execute(doing, "NightshiftTeamStates", TEAM_STATES, Map.of("id", teamId))
                .path("team")
                .path("states")
                .path("nodes");
        record Positioned(State state, double position) {}
        List<Positioned> states = new ArrayList<>();
        for (JsonNode node : array(nodes)) {
            String id = nonEmpty(node.path("id"));
            if (id == null) {
                continue;
            }
            JsonNode position = node.path("position");
            states.add(new Positioned(
                    new State(id, textOrEmpty(node.path("name")), textOrEmpty(node.path("type"))),
                    position.isNumber() ? position.doubleValue() : Double.MAX_VALUE));
        }
        states.sort(Comparator.comparingDouble(Positioned::position));
        return states.stream().map(Positioned::state).toList();
    }

    /** Moves an issue to a workflow state of its team (see {@link WorkflowStates} to pick one). */
    public void moveIssue(String issueId, String stateId) {
        requireText(issueId, "issueId");
        requireText(stateId, "stateId");
        String doing = "move issue " + issueId;
        succeeded(
                execute(
                                doing,
                                "NightshiftIssueUpdate",
                                ISSUE_UPDATE,
                                Map.of("id", issueId, "input", Map.of("stateId", stateId)))
                        .path("issueUpdate"),
                doing);
    }

    /**
     * Attaches a link to an issue, e.g. the pull request a session opened. Linear keys attachments by
     * URL: attaching the same URL again updates the one there.
     *
     * @return the attachment's id
     */
    public String attachUrl(String issueId, String url, String title) {
        requireText(issueId, "issueId");
        requireText(url, "url");
        requireText(title, "title");
        String doing = "attach " + url + " to issue " + issueId;
        JsonNode payload = execute(
                        doing,
                        "NightshiftAttachmentCreate",
                        ATTACHMENT_CREATE,
                        Map.of("input", Map.of("issueId", issueId, "url", url, "title", title)))
                .path("attachmentCreate");
        succeeded(payload, doing);
        return textOrEmpty(payload.path("attachment").path("id"));
    }

    /**
     * Posts an activity to an agent session: {@code content} is {@code {type, body}}, as Linear's Agents
     * API documents for thought, response, error and elicitation. For {@link ActivityType#ACTION},
     * {@code body} is the action's name with an empty parameter; {@link #agentAction} gives both.
     *
     * @return the activity's id
     */
    public String agentActivity(String agentSessionId, ActivityType type, String body) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(body, "body");
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("type", type.wire());
        if (type == ActivityType.ACTION) {
            content.put("action", body);
            content.put("parameter", "");
        } else {
            content.put("body", body);
        }
        return activity(agentSessionId, content, type.wire());
    }

    /**
     * Posts an {@code action} activity: {@code {type: "action", action, parameter, result}}.
     *
     * @param action what is done, e.g. {@code Running tests}
     * @param parameter on what, e.g. a file or command; may be empty
     * @param result how it went; null while it runs
     * @return the activity's id
     */
    public String agentAction(String agentSessionId, String action, String parameter, String result) {
        requireText(action, "action");
        Objects.requireNonNull(parameter, "parameter");
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("type", ActivityType.ACTION.wire());
        content.put("action", action);
        content.put("parameter", parameter);
        if (result != null) {
            content.put("result", result);
        }
        return activity(agentSessionId, content, ActivityType.ACTION.wire());
    }

    private String activity(String agentSessionId, Map<String, Object> content, String type) {
        requireText(agentSessionId, "agentSessionId");
        String id = ids.get().toString();
        String doing = "post a " + type + " to agent session " + agentSessionId;
        JsonNode payload = execute(
                        doing,
                        "NightshiftAgentActivityCreate",
                        AGENT_ACTIVITY_CREATE,
                        Map.of("input", Map.of("id", id, "agentSessionId", agentSessionId, "content", content)))
                .path("agentActivityCreate");
        succeeded(payload, doing);
        String created = nonEmpty(payload.path("agentActivity").path("id"));
        return created != null ? created : id;
    }

    // --- the request and its retries ---

    /** One answer: its status, the {@code Retry-After} header, and the JSON (MissingNode when none). */

    /**
     * Sends an operation, trying again as the class describes, and returns its {@code data}.
     *
     * @throws LinearException for GraphQL errors, HTTP refusals, exhausted retries, an unreachable
     *     endpoint, or an interruption while waiting (the thread's interrupt flag is set again)
     */
    private JsonNode execute(String doing, String operationName, String query, Map<String, Object> variables) {
        ObjectNode request = Json.MAPPER.createObjectNode();
        request.put("query", query);
        request.set("variables", Json.MAPPER.valueToTree(variables));
        request.put("operationName", operationName);
        byte[] body;
        try {
            body = Json.MAPPER.writeValueAsBytes(request);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a request of strings and maps is always JSON", e);
        }
        String bearer = tokens.current();
        boolean renewed = false;
        for (int attempt = 1; ; attempt++) {
            JsonExchange.Answer answer = send(body, bearer, doing);
            JsonNode error = first(answer.body().path("errors"));
            String code = error == null ? "" : code(error);
            if (!renewed && (answer.status() == 401 || LinearException.AUTHENTICATION_ERROR.equals(code))) {
                // once per call: an expired or rotated token is renewed and the request sent again
                renewed = true;
                String fresh = tokens.refused(bearer);
                if (fresh != null && !fresh.isBlank() && !fresh.equals(bearer)) {
                    bearer = fresh;
                    attempt--;
                    continue;
                }
            }
            boolean retryable = LinearException.RATELIMITED.equals(code)
                    || answer.status() == 429
                    || (answer.status() >= 500 && answer.status() <= 599);
            if (!retryable) {
                if (error != null) {
                    throw new LinearException(
                            answer.status(),
                            code,
                            doing + ": Linear answered: " + message(error) + (code.isEmpty() ? "" : " (" + code + ")"));
                }
                if (answer.status() < 200 || answer.status() > 299) {
                    throw new LinearException(answer.status(), "", doing + ": Linear answered HTTP " + answer.status());
                }
                JsonNode data = answer.body().path("data");
                if (!data.isObject()) {
                    throw new LinearException(answer.status(), "", doing + ": Linear's answer has no data");
                }
                return data;
            }
            String why = error != null
                    ? message(error) + (code.isEmpty() ? "" : " (" + code + ")")
                    : "HTTP " + answer.status();
            if (attempt >= MAX_ATTEMPTS) {
                throw new LinearException(
                        answer.status(),
                        code,
                        doing + ": Linear answered " + why + ", still after " + attempt + " tries");
            }
            Duration wait = waitBefore(attempt, answer.retryAfter());
            if (wait.compareTo(MAX_WAIT) > 0) {
                throw new LinearException(
                        answer.status(),
                        code,
                        doing + ": Linear answered " + why + " and asks to wait " + wait.toSeconds()
                                + " s, longer than " + MAX_WAIT.toSeconds() + " s; try again later");
            }
            try {
                sleeper.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LinearException(0, code, doing + ": interrupted while waiting to try again", e);
            }
            bearer = tokens.current(); // renewed while this call waited, perhaps
        }
    }

    /** {@code Retry-After} (seconds or an HTTP date) when readable, else the doubling backoff. */
    Duration waitBefore(int attempt, String retryAfter) {
        Optional<Duration> told = retryAfter(retryAfter, clock.instant());
        if (told.isPresent()) {
            return told.get().isNegative() ? Duration.ZERO : told.get();
        }
        return FIRST_BACKOFF.multipliedBy(1L << Math.min(attempt - 1, 20));
    }

    static Optional<Duration> retryAfter(String value, Instant now) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        String v = value.strip();
        if (v.length() <= 12 && v.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return Optional.of(Duration.ofSeconds(Long.parseLong(v)));
        }
        try {
            return Optional.of(Duration.between(
                    now,
                    ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant()));
        } catch (DateTimeParseException notADate) {
            return Optional.empty();
        }
    }

    private JsonExchange.Answer send(byte[] body, String bearer, String doing) {
        if (bearer == null || bearer.isBlank()) {
            throw new LinearException(
                    0, LinearException.AUTHENTICATION_ERROR, doing + ": no Linear access token; install the app again");
        }
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(endpoint)
                    .timeout(REQUEST_TIMEOUT)
                    .header("Content-Type", "application/json")
                    .header("Accept", "application/json")
                    .header("Authorization", "Bearer " + bearer.strip())
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build();
        } catch (IllegalArgumentException badHeader) {
            throw new LinearException(
                    0, LinearException.AUTHENTICATION_ERROR, doing + ": the Linear access token is not a valid header");
        }
        return JsonExchange.send(http, request, MAX_RESPONSE_BYTES, doing);
    }

    private String origin() {
        return endpoint.getScheme() + "://" + endpoint.getAuthority();
    }

    /** The first element of a JSON array, or null. */
    private static JsonNode first(JsonNode errors) {
        return errors.isArray() && !errors.isEmpty() ? errors.get(0) : null;
    }

    /**
     * A GraphQL error's code: {@code extensions.code}, else {@code extensions.type} in the same form
     * ({@code "authentication error"} becomes {@code AUTHENTICATION_ERROR}); empty when neither.
     */
    static String code(JsonNode error) {
        JsonNode extensions = error.path("extensions");
        String code = nonEmpty(extensions.path("code"));
        if (code == null) {
            String type = nonEmpty(extensions.path("type"));
            code = type == null ? "" : type.strip().replace(' ', '_').toUpperCase(Locale.ROOT);
        }
        return code.length() > 100 ? code.substring(0, 100) : code;
    }

    /** Linear's message for people when it gave one, else the error's message. */
    static String message(JsonNode error) {
        String message = nonEmpty(error.path("extensions").path("userPresentableMessage"));
        if (message == null) {
            message = nonEmpty(error.path("message"));
        }
        if (message == null) {
            return "an error without a message";
        }
        return message.length() > 1_000 ? message.substring(0, 1_000) + "…" : message;
    }

    private static Comment comment(JsonNode node) {
        String author = firstText(
                node.path("user").path("name"),
                node.path("botActor").path("name"),
                node.path("externalUser").path("name"));
        Instant createdAt = null;
        String created = text(node.path("createdAt"));
        if (created != null) {
            try {
                createdAt = Instant.parse(created);
            } catch (DateTimeParseException unreadable) {
                createdAt = null;
            }
        }
        return new Comment(author, textOrEmpty(node.path("body")), createdAt);
    }

    private static String firstText(JsonNode... nodes) {
        for (JsonNode node : nodes) {
            String text = nonEmpty(node);
            if (text != null) {
                return text;
            }
        }
        return "";
    }

    private static void succeeded(JsonNode payload, String doing) {
        if (!payload.path("success").isBoolean() || !payload.path("success").booleanValue()) {
            throw new LinearException(200, "", doing + ": Linear did not report success");
        }
    }

    private static String required(JsonNode node, String doing, String field) {
        String value = nonEmpty(node);
        if (value == null) {
            throw new LinearException(200, "", doing + ": Linear's answer has no " + field);
        }
        return value;
    }

    private static void requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
    }
}
