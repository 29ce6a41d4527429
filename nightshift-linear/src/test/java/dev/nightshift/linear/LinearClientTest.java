package dev.nightshift.linear;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.sun.net.httpserver.HttpServer;
import dev.nightshift.linear.LinearClient.ActivityType;
import dev.nightshift.linear.LinearClient.Issue;
import dev.nightshift.linear.LinearClient.State;
import dev.nightshift.linear.fake.LinearFake;
import dev.nightshift.linear.fake.LinearFake.RecordedRequest;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link LinearClient} against {@link LinearFake}, a loopback Linear speaking the GraphQL wire format. */
class LinearClientTest {

    private static final Instant NOW = Instant.parse("2025-11-21T08:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private LinearFake linear;
    private final List<Duration> waits = new CopyOnWriteArrayList<>();
    private final AtomicLong nextId = new AtomicLong(1);
    private final Supplier<UUID> ids = () -> new UUID(0xabcdefL, nextId.getAndIncrement());
    private LinearClient client;
    private String teamId;
    private String issueId;
    private String grace;

    @BeforeEach
    void start() {
        linear = LinearFake.start(CLOCK);
        client = client(linear.endpoint(), linear::appToken);
        grace = linear.addUser("Grace Hopper");
        teamId = linear.addTeam("ENG", "Engineering");
        issueId = linear.addIssue(
                teamId, "Importer drops rows", "Steps:\n\n1. Import rows.csv", List.of("Bug", "backend"));
    }

    @AfterEach
    void stop() {
        linear.close();
    }

    private LinearClient client(URI endpoint, AccessTokens token) {
        return new LinearClient(endpoint, token, LinearClient.defaultHttpClient(), CLOCK, waits::add, ids);
    }

    @Test
    void theViewerIsTheAppUser() {
        assertThat(client.viewerId()).isEqualTo(linear.appUserId());
    }

    @Test
    void requestsArePostsWithTheBearerTokenAndANamedOperation() {
        client.viewerId();

        RecordedRequest request = linear.requests().getLast();
        assertThat(request.authorization()).isEqualTo("Bearer " + linear.appToken());
        assertThat(request.operationName()).isEqualTo("NightshiftViewer");
        assertThat(request.rootField()).isEqualTo("viewer");
    }

    @Test
    void readsAUserWithTheirEmailAndWhetherTheyAreActive() {
        linear.addUser("4c1d0a52-1b0e-4f0e-9f3e-0a1b2c3d4e5f", "Katherine Johnson", "katherine@acme.com", true);
        linear.addUser("9e8d7c6b-5a49-4838-a726-150f0e0d0c0b", "Dorothy Vaughan", "dorothy@acme.com", false);

        assertThat(client.user("4c1d0a52-1b0e-4f0e-9f3e-0a1b2c3d4e5f"))
                .contains(new LinearClient.User(
                        "4c1d0a52-1b0e-4f0e-9f3e-0a1b2c3d4e5f",
                        "Katherine Johnson",
                        "katherine@acme.com",
                        true,
                        false));
        assertThat(client.user("9e8d7c6b-5a49-4838-a726-150f0e0d0c0b"))
                .hasValueSatisfying(u -> assertThat(u.active()).isFalse());
        RecordedRequest request = linear.requests().getLast();
        assertThat(request.operationName()).isEqualTo("NightshiftUser");
        assertThat(request.rootField()).isEqualTo("user");
        assertThat(request.variables().path("id").asText()).isEqualTo("9e8d7c6b-5a49-4838-a726-150f0e0d0c0b");
    }

    @Test
    void anUnknownUserIsEmptyAndTheAppUserIsAnApp() {
        assertThat(client.user("00000000-0000-4000-8000-000000000000")).isEmpty();
        assertThat(client.user(linear.appUserId()))
                .hasValueSatisfying(u -> assertThat(u.app()).isTrue());
        assertThatThrownBy(() -> client.user(" ")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void readingAUserIsRetriedLikeEveryRequest() {
        linear.rateLimitNext(1, "7");
        linear.serverErrorNext(1, 503);

        assertThat(client.user(grace))
                .hasValueSatisfying(u -> assertThat(u.name()).isEqualTo("Grace Hopper"));

        assertThat(waits).containsExactly(Duration.ofSeconds(7), LinearClient.FIRST_BACKOFF.multipliedBy(2));
        assertThat(linear.requests()).hasSize(3);
    }

    @Test
    void aUserAnswerWithoutActiveOrAppIsNeverAPerson() throws IOException {
        LinearClient.User partial = canned(
                        200, "{\"data\":{\"user\":{\"id\":\"u1\",\"email\":\" a@b.c \"}}}", c -> c.user("u1"))
                .orElseThrow();

        assertThat(partial).isEqualTo(new LinearClient.User("u1", "", "a@b.c", false, true));
        assertThat(oddAnswer(200, "{\"data\":{}}", c -> c.user("u1")))
                .hasMessage("read user u1: Linear's answer has no user");
        assertThat(oddAnswer(200, "{\"data\":{\"user\":{\"name\":\"x\"}}}", c -> c.user("u1")))
                .hasMessage("read user u1: Linear's answer has no user.id");
    }

    @Test
    void readsAnIssueWithItsTeamStateLabelsAndComments() {
        String ada = linear.addUser("Ada Lovelace");
        linear.addComment(issueId, ada, "Only with a trailing comma.", NOW.minusSeconds(60));
        linear.addComment(issueId, grace, "I can reproduce it.", NOW.minusSeconds(3600));

        Issue issue = client.issue(issueId);

        assertThat(issue.id()).isEqualTo(issueId);
        assertThat(issue.identifier()).isEqualTo("ENG-1");
        assertThat(issue.title()).isEqualTo("Importer drops rows");
        assertThat(issue.description()).isEqualTo("Steps:\n\n1. Import rows.csv");
        assertThat(issue.teamId()).isEqualTo(teamId);
        assertThat(issue.teamKey()).isEqualTo("ENG");
        assertThat(issue.url()).isEqualTo("https://linear.app/acme/issue/eng-1/importer-drops-rows");
        assertThat(issue.labels()).containsExactly("Bug", "backend");
        assertThat(issue.state()).isEqualTo(new State(linear.stateOf(issueId).id(), "Todo", "unstarted"));
        assertThat(issue.comments())
                .containsExactly(
                        new LinearClient.Comment("Grace Hopper", "I can reproduce it.", NOW.minusSeconds(3600)),
                        new LinearClient.Comment("Ada Lovelace", "Only with a trailing comma.", NOW.minusSeconds(60)));
    }

    @Test
    void readsAnIssueByItsIdentifier() {
        assertThat(client.issue("ENG-1").id()).isEqualTo(issueId);
    }

    @Test
    void anIssueWithoutDescriptionHasAnEmptyOne() {
        String bare = linear.addIssue(teamId, "No description", null, List.of());

        assertThat(client.issue(bare).description()).isEmpty();
    }

    @Test
    void aLongThreadGivesItsFirstAndLatestCommentsOldestFirst() {
        for (int i = 1; i <= 60; i++) {
            linear.addComment(issueId, grace, "comment " + i, NOW.plusSeconds(i));
        }

        List<LinearClient.Comment> comments = client.issue(issueId).comments();

        assertThat(comments).hasSize(2 * LinearClient.COMMENTS_FROM_EACH_END);
        assertThat(comments.getFirst().body()).isEqualTo("comment 1");
        assertThat(comments.get(24).body()).isEqualTo("comment 25");
        assertThat(comments.get(25).body()).isEqualTo("comment 36");
        assertThat(comments.getLast().body()).isEqualTo("comment 60");
    }

    @Test
    void aShortThreadIsReadOnceWithoutRepeats() {
        for (int i = 1; i <= 5; i++) {
            linear.addComment(issueId, grace, "comment " + i, NOW.plusSeconds(i));
        }

        assertThat(client.issue(issueId).comments())
                .extracting(LinearClient.Comment::body)
                .containsExactly("comment 1", "comment 2", "comment 3", "comment 4", "comment 5");
    }

    @Test
    void anUnknownIssueIsLinearsError() {
        LinearException e = catchThrowableOfType(LinearException.class, () -> client.issue("ENG-999"));

        assertThat(e).hasMessage("read issue ENG-999: Linear answered: Entity not found: Issue (INVALID_INPUT)");
        assertThat(e.code()).isEqualTo("INVALID_INPUT");
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.authentication()).isFalse();
        assertThat(waits).isEmpty();
    }

    @Test
    void commentsAsTheAppAndUpdatesTheComment() {
        String commentId = client.comment(issueId, "On it: reading the importer.");

        assertThat(linear.comments(issueId)).singleElement().satisfies(c -> {
            assertThat(c.id()).isEqualTo(commentId);
            assertThat(c.userId()).isEqualTo(linear.appUserId());
            assertThat(c.body()).isEqualTo("On it: reading the importer.");
        });

        client.updateComment(commentId, "Done: https://github.com/acme/app/pull/7");

        assertThat(linear.comments(issueId))
                .singleElement()
                .extracting(LinearFake.Comment::body)
                .isEqualTo("Done: https://github.com/acme/app/pull/7");
    }

    @Test
    void theCommentsIdIsMadeHereSoARetryCannotDuplicateIt() {
        String commentId = client.comment(issueId, "hello");

        assertThat(commentId).isEqualTo(new UUID(0xabcdefL, 1).toString());
        assertThat(linear.requests()
                        .getLast()
                        .variables()
                        .path("input")
                        .path("id")
                        .asText())
                .isEqualTo(commentId);
    }

    @Test
    void updatingSomeoneElsesCommentIsRefused() {
        String theirs = linear.addComment(issueId, grace, "mine", NOW);

        assertThatThrownBy(() -> client.updateComment(theirs, "changed"))
                .isInstanceOf(LinearException.class)
                .hasMessageContaining("You can only edit your own comments (FORBIDDEN)");
        assertThat(linear.comments(issueId))
                .extracting(LinearFake.Comment::body)
                .containsExactly("mine");
    }

    @Test
    void readsTheTeamsStatesInItsOrder() {
        String team = linear.addBareTeam("OPS", "Operations");
        String done = linear.addState(team, "Done", "completed", 3);
        String todo = linear.addState(team, "Todo", "unstarted", 0.5);
        String review = linear.addState(team, "Code review", "started", 2);
        String doing = linear.addState(team, "Doing", "started", 1);

        assertThat(client.teamStates(team))
                .containsExactly(
                        new State(todo, "Todo", "unstarted"),
                        new State(doing, "Doing", "started"),
                        new State(review, "Code review", "started"),
                        new State(done, "Done", "completed"));
    }

    @Test
    void movesAnIssueThroughItsWorkflow() {
        List<State> states = client.teamStates(teamId);

        client.moveIssue(issueId, WorkflowStates.started(states).orElseThrow().id());
        assertThat(linear.stateOf(issueId).name()).isEqualTo("In Progress");

        client.moveIssue(issueId, WorkflowStates.review(states).orElseThrow().id());
        assertThat(linear.stateOf(issueId).name()).isEqualTo("In Review");
        assertThat(client.issue(issueId).state().name()).isEqualTo("In Review");
    }

    @Test
    void aStateOfAnotherTeamIsRefused() {
        String other = linear.addTeam("WEB", "Web");
        String foreign = linear.teamStates(other).getFirst().id();

        assertThatThrownBy(() -> client.moveIssue(issueId, foreign))
                .isInstanceOf(LinearException.class)
                .hasMessageStartingWith("move issue " + issueId + ": Linear answered: ");
        assertThat(linear.stateOf(issueId).name()).isEqualTo("Todo");
    }

    @Test
    void attachesAPullRequestOnceEvenWhenAttachedAgain() {
        String first = client.attachUrl(issueId, "https://github.com/acme/app/pull/7", "PR #7");
        String second = client.attachUrl(issueId, "https://github.com/acme/app/pull/7", "PR #7: import fix");

        assertThat(second).isEqualTo(first);
        assertThat(linear.attachments(issueId))
                .containsExactly(new LinearFake.Attachment(
                        first, issueId, "https://github.com/acme/app/pull/7", "PR #7: import fix"));
    }

    @Test
    void postsAgentActivitiesOfEachType() {
        String session = linear.addAgentSession(issueId);

        client.agentActivity(session, ActivityType.THOUGHT, "Reading the importer");
        client.agentAction(session, "Running tests", "mvn test", null);
        client.agentAction(session, "Running tests", "mvn test", "42 passed");
        client.agentActivity(session, ActivityType.ACTION, "Cloning");
        client.agentActivity(session, ActivityType.ELICITATION, "Which branch?");
        client.agentActivity(session, ActivityType.ERROR, "The sandbox stopped");
        String last = client.agentActivity(session, ActivityType.RESPONSE, "Opened a pull request");

        List<LinearFake.Activity> activities = linear.activities(session);
        assertThat(activities)
                .extracting(LinearFake.Activity::type)
                .containsExactly("thought", "action", "action", "action", "elicitation", "error", "response");
        assertThat(activities.getFirst().content().toString())
                .isEqualTo("{\"type\":\"thought\",\"body\":\"Reading the importer\"}");
        assertThat(activities.get(1).content().has("result")).isFalse();
        assertThat(activities.get(2).content().toString())
                .isEqualTo(
                        "{\"type\":\"action\",\"action\":\"Running tests\",\"parameter\":\"mvn test\",\"result\":\"42 passed\"}");
        assertThat(activities.get(3).content().toString())
                .isEqualTo("{\"type\":\"action\",\"action\":\"Cloning\",\"parameter\":\"\"}");
        assertThat(activities.getLast().id()).isEqualTo(last);
    }

    @Test
    void anActivityForAnUnknownSessionIsRefused() {
        assertThatThrownBy(() -> client.agentActivity("no-such-session", ActivityType.THOUGHT, "hi"))
                .isInstanceOf(LinearException.class)
                .hasMessage("post a thought to agent session no-such-session: Linear answered:"
                        + " Entity not found: AgentSession (INVALID_INPUT)");
    }

    @Test
    void aRefusedTokenIsAnAuthenticationErrorAndNotRetried() {
        String token = linear.appToken();
        linear.revoke(token);

        LinearException e = catchThrowableOfType(LinearException.class, () -> client.viewerId());

        assertThat(e.authentication()).isTrue();
        assertThat(e.code()).isEqualTo(LinearException.AUTHENTICATION_ERROR);
        assertThat(e)
                .hasMessage("read the app user: Linear answered: You need to authenticate to access this operation."
                        + " (AUTHENTICATION_ERROR)");
        assertThat(linear.requests()).hasSize(1);
        assertThat(waits).isEmpty();
    }

    @Test
    void aRefusedTokenIsRenewedOnceAndTheRequestSentAgainWithTheNewOne() {
        String stale = linear.issueToken(linear.appUserId());
        linear.revoke(stale);
        List<String> refused = new CopyOnWriteArrayList<>();
        LinearClient renewing = new LinearClient(
                linear.endpoint(),
                new AccessTokens() {
                    @Override
                    public String current() {
                        return stale;
                    }

                    @Override
                    public String refused(String token) {
                        refused.add(token);
                        return linear.appToken();
                    }
                },
                LinearClient.defaultHttpClient(),
                CLOCK,
                waits::add,
                ids);

        assertThat(renewing.viewerId()).isEqualTo(linear.appUserId());

        assertThat(refused).containsExactly(stale);
        assertThat(linear.requests())
                .extracting(RecordedRequest::authorization)
                .containsExactly("Bearer " + stale, "Bearer " + linear.appToken());
        assertThat(waits).isEmpty();
    }

    @Test
    void aRenewalIsTriedOncePerCallAndARenewedTokenThatIsRefusedTooFailsTheCall() {
        List<String> refused = new CopyOnWriteArrayList<>();
        LinearClient renewing = new LinearClient(
                linear.endpoint(),
                new AccessTokens() {
                    @Override
                    public String current() {
                        return "lin_oauth_unknown_1";
                    }

                    @Override
                    public String refused(String token) {
                        refused.add(token);
                        return "lin_oauth_unknown_" + (refused.size() + 1);
                    }
                },
                LinearClient.defaultHttpClient(),
                CLOCK,
                waits::add,
                ids);

        LinearException e = catchThrowableOfType(LinearException.class, renewing::viewerId);

        assertThat(e.authentication()).isTrue();
        assertThat(refused).containsExactly("lin_oauth_unknown_1");
        assertThat(linear.requests()).hasSize(2);

        // a renewal that hands back the refused token itself is not sent again
        LinearClient same = new LinearClient(
                linear.endpoint(),
                new AccessTokens() {
                    @Override
                    public String current() {
                        return "lin_oauth_unknown_9";
                    }

                    @Override
                    public String refused(String token) {
                        return token;
                    }
                },
                LinearClient.defaultHttpClient(),
                CLOCK,
                waits::add,
                ids);
        assertThatThrownBy(same::viewerId).isInstanceOf(LinearException.class);
        assertThat(linear.requests()).hasSize(3);
    }

    @Test
    void theTokenIsAskedForOnEveryRequest() {
        AtomicReference<String> token = new AtomicReference<>("lin_oauth_unknown");
        LinearClient refreshing = client(linear.endpoint(), token::get);
        assertThatThrownBy(refreshing::viewerId).isInstanceOf(LinearException.class);

        token.set(linear.appToken());

        assertThat(refreshing.viewerId()).isEqualTo(linear.appUserId());
    }

    @Test
    void noTokenIsRefusedWithoutARequest() {
        LinearClient noToken = client(linear.endpoint(), () -> " ");

        assertThatThrownBy(noToken::viewerId)
                .isInstanceOf(LinearException.class)
                .satisfies(
                        e -> assertThat(((LinearException) e).authentication()).isTrue());
        assertThat(linear.requests()).isEmpty();
    }

    @Test
    void aRateLimitWaitsAsLinearAsks() {
        linear.rateLimitNext(1, "7");

        assertThat(client.viewerId()).isEqualTo(linear.appUserId());

        assertThat(waits).containsExactly(Duration.ofSeconds(7));
        assertThat(linear.requests()).hasSize(2);
    }

    @Test
    void aRateLimitWithoutRetryAfterBacksOffDoubling() {
        linear.rateLimitNext(2, null);

        assertThat(client.viewerId()).isEqualTo(linear.appUserId());

        assertThat(waits).containsExactly(LinearClient.FIRST_BACKOFF, LinearClient.FIRST_BACKOFF.multipliedBy(2));
        assertThat(linear.requests()).hasSize(3);
    }

    @Test
    void aLastingRateLimitFailsAfterThreeTries() {
        linear.rateLimitNext(3, "1");

        LinearException e = catchThrowableOfType(LinearException.class, () -> client.viewerId());

        assertThat(e.code()).isEqualTo(LinearException.RATELIMITED);
        assertThat(e)
                .hasMessage(
                        "read the app user: Linear answered Rate limit exceeded (RATELIMITED), still after 3 tries");
        assertThat(linear.requests()).hasSize(LinearClient.MAX_ATTEMPTS);
        assertThat(waits).hasSize(2);
    }

    @Test
    void http429WithADateWaitsUntilThen() {
        String inTwelveSeconds =
                DateTimeFormatter.RFC_1123_DATE_TIME.format(NOW.plusSeconds(12).atZone(ZoneOffset.UTC));
        linear.tooManyRequestsNext(1, inTwelveSeconds);

        client.viewerId();

        assertThat(waits).containsExactly(Duration.ofSeconds(12));
    }

    @Test
    void aWaitLongerThanTheLimitFailsAtOnce() {
        linear.rateLimitNext(1, "3600");

        assertThatThrownBy(client::viewerId)
                .isInstanceOf(LinearException.class)
                .hasMessage("read the app user: Linear answered Rate limit exceeded (RATELIMITED) and asks to wait"
                        + " 3600 s, longer than 60 s; try again later");
        assertThat(waits).isEmpty();
        assertThat(linear.requests()).hasSize(1);
    }

    @Test
    void aServerErrorIsRetriedWithTheSameCommentId() {
        linear.serverErrorNext(1, 502);

        String commentId = client.comment(issueId, "hello");

        assertThat(linear.comments(issueId))
                .singleElement()
                .extracting(LinearFake.Comment::id)
                .isEqualTo(commentId);
        List<RecordedRequest> requests = linear.requests();
        assertThat(requests).hasSize(2);
        assertThat(requests.get(0).variables()).isEqualTo(requests.get(1).variables());
        assertThat(waits).containsExactly(LinearClient.FIRST_BACKOFF);
    }

    @Test
    void lastingServerErrorsFail() {
        linear.serverErrorNext(3, 503);

        LinearException e = catchThrowableOfType(LinearException.class, () -> client.comment(issueId, "hello"));

        assertThat(e.status()).isEqualTo(503);
        assertThat(e).hasMessage("comment on issue " + issueId + ": Linear answered HTTP 503, still after 3 tries");
        assertThat(linear.comments(issueId)).isEmpty();
    }

    @Test
    void anInterruptedWaitStopsAndKeepsTheInterrupt() {
        LinearClient interrupted = new LinearClient(
                linear.endpoint(),
                linear::appToken,
                LinearClient.defaultHttpClient(),
                CLOCK,
                d -> {
                    throw new InterruptedException();
                },
                ids);
        linear.rateLimitNext(1, "1");

        try {
            assertThatThrownBy(interrupted::viewerId)
                    .isInstanceOf(LinearException.class)
                    .hasMessageContaining("interrupted while waiting to try again");
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void anUnreachableLinearSaysWhere() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        LinearClient nowhere = client(URI.create("http://127.0.0.1:" + port + "/graphql"), () -> "t");

        LinearException e = catchThrowableOfType(LinearException.class, nowhere::viewerId);

        assertThat(e.status()).isZero();
        assertThat(e).hasMessageStartingWith("read the app user: could not reach Linear at http://127.0.0.1:" + port);
    }

    @Test
    void answersThatAreNotGraphQlAreErrors() throws IOException {
        assertThat(oddAnswer(200, "<html>maintenance</html>"))
                .hasMessage("read the app user: Linear's answer has no data");
        assertThat(oddAnswer(404, "Not Found")).hasMessage("read the app user: Linear answered HTTP 404");
        assertThat(oddAnswer(200, "{\"data\":{\"viewer\":{}}}"))
                .hasMessage("read the app user: Linear's answer has no viewer.id");
        assertThat(oddAnswer(200, "{\"errors\":[{}],\"data\":{\"viewer\":{\"id\":\"u\"}}}"))
                .hasMessage("read the app user: Linear answered: an error without a message");
        assertThat(oddAnswer(200, "{\"errors\":[{\"message\":\"bad\",\"extensions\":{\"type\":\"lock timeout\"}}]}"))
                .hasMessage("read the app user: Linear answered: bad (LOCK_TIMEOUT)");
    }

    @Test
    void aMutationThatDoesNotReportSuccessFails() throws IOException {
        LinearException e = oddAnswer(
                200,
                "{\"data\":{\"commentCreate\":{\"success\":false,\"comment\":{\"id\":\"c\"}}}}",
                c -> c.comment("i", "b"));

        assertThat(e).hasMessage("comment on issue i: Linear did not report success");
    }

    @Test
    void anOversizedAnswerIsRefused() throws IOException {
        String huge = "{\"data\":{\"viewer\":{\"id\":\"" + "x".repeat(LinearClient.MAX_RESPONSE_BYTES) + "\"}}}";

        assertThat(oddAnswer(200, huge)).hasMessageContaining("larger than " + LinearClient.MAX_RESPONSE_BYTES);
    }

    @Test
    void theEndpointMustBeHttp() {
        assertThatThrownBy(() -> client(URI.create("ftp://api.linear.app/graphql"), () -> "t"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("http(s)");
    }

    @Test
    void retryAfterIsSecondsOrADate() {
        assertThat(LinearClient.retryAfter("30", NOW)).contains(Duration.ofSeconds(30));
        assertThat(LinearClient.retryAfter(" 0 ", NOW)).contains(Duration.ZERO);
        assertThat(LinearClient.retryAfter("Fri, 21 Nov 2025 08:01:00 GMT", NOW))
                .contains(Duration.ofSeconds(60));
        assertThat(LinearClient.retryAfter("soon", NOW)).isEmpty();
        assertThat(LinearClient.retryAfter("-5", NOW)).isEmpty();
        assertThat(LinearClient.retryAfter("99999999999999999999", NOW)).isEmpty();
        assertThat(LinearClient.retryAfter(null, NOW)).isEmpty();
        assertThat(client.waitBefore(1, "Fri, 21 Nov 2025 07:00:00 GMT")).isEqualTo(Duration.ZERO);
        assertThat(client.waitBefore(3, null)).isEqualTo(LinearClient.FIRST_BACKOFF.multipliedBy(4));
    }

    private LinearException oddAnswer(int status, String body) throws IOException {
        return oddAnswer(status, body, LinearClient::viewerId);
    }

    /** The error the client makes of one canned answer from a server that is not Linear. */
    private LinearException oddAnswer(int status, String body, java.util.function.Consumer<LinearClient> call)
            throws IOException {
        return catchThrowableOfType(
                LinearException.class,
                () -> canned(status, body, c -> {
                    call.accept(c);
                    return null;
                }));
    }

    /** What the client makes of one canned answer from a server that is not Linear. */
    private <T> T canned(int status, String body, java.util.function.Function<LinearClient, T> call)
            throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/graphql", exchange -> {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
        try {
            URI endpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/graphql");
            return call.apply(client(endpoint, () -> "t"));
        } finally {
            server.stop(0);
        }
    }

    @Test
    void theRequestBodyIsGraphQlJson() {
        client.moveIssue(issueId, linear.teamStates(teamId).get(2).id());

        RecordedRequest request = linear.requests().getLast();
        assertThat(request.rootField()).isEqualTo("issueUpdate");
        assertThat(request.variables().path("id").asText()).isEqualTo(issueId);
        assertThat(Map.of(
                        "stateId",
                        request.variables().path("input").path("stateId").asText()))
                .containsEntry("stateId", linear.teamStates(teamId).get(2).id());
    }
}
