package dev.nightshift.server.linear;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nightshift.core.event.EventPayload;
import dev.nightshift.core.port.Ask;
import dev.nightshift.linear.fake.LinearFake;
import dev.nightshift.linear.fake.LinearWebhookPayloads;
import dev.nightshift.server.testing.ApiClient;
import dev.nightshift.server.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The agent's questions on the Linear issue a session came from, against the Linear fake and a real
 * server: a question becomes a comment and the next comment answers it (not a follow-up); in an agent
 * session Linear opened, a plan becomes an elicitation and the prompt that replies approves it.
 */
class LinearQuestionsTest {
    static final String SECRET = "lin_wh_secret_1";
    private static final Duration WAIT = Duration.ofSeconds(30);

    LinearFake linear;
    TestServer server;
    String ada;
    String team;
    final AtomicReference<Ask> asks = new AtomicReference<>();
    final List<String> prompts = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() {
        linear = LinearFake.start();
        ada = linear.addUser("Ada Lovelace");
        team = linear.addTeam("ENG", "Engineering");
        server = TestServer.start(
                Map.of(
                        "NIGHTSHIFT_LINEAR_ACCESS_TOKEN",
                        linear.appToken(),
                        "NIGHTSHIFT_LINEAR_WEBHOOK_SECRET",
                        SECRET,
                        "NIGHTSHIFT_LINEAR_API_URL",
                        linear.endpoint().toString(),
                        "NIGHTSHIFT_LINEAR_REPOSITORIES",
                        "ENG=https://git.example.invalid/acme/app.git"),
                p -> p.executor = turn -> {
                    if (turn.resumed()) {
                        turn.emit(new EventPayload.Token("going on"));
                        return;
                    }
                    prompts.add(turn.message().content());
                    turn.ask(asks.get());
                });
        ApiClient.Response created =
                server.admin.post("/api/users", Map.of("login", "ada", "email", "ada@example.com"));
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        ApiClient.Response linked = server.admin.put(
                "/api/users/ada/identities",
                Map.of("kind", "linear", "issuer", linear.organizationId(), "subject", ada, "login", "ada"));
        assertThat(linked.status()).as(linked.raw()).isIn(200, 201);
    }

    @AfterEach
    void tearDown() {
        server.close();
        linear.close();
    }

    private HttpResponse<String> deliver(String body) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(server.url() + "/webhooks/linear"))
                                .header("Content-Type", "application/json")
                                .header("Linear-Signature", LinearWebhookPayloads.sign(body, SECRET))
                                .header("Linear-Delivery", UUID.randomUUID().toString())
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    private String onlySession() {
        return server.admin
                .get("/api/sessions")
                .body()
                .path("sessions")
                .get(0)
                .path("id")
                .asText();
    }

    private JsonNode last(String session, String type) {
        return server.admin.allEvents(session).stream()
                .filter(e -> e.path("type").asText().equals(type))
                .reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError("no " + type))
                .path("data");
    }

    private boolean completed(String session) {
        return server.admin.allEvents(session).stream()
                .anyMatch(e -> e.path("type").asText().equals("turn_complete"));
    }

    @Test
    void aQuestionIsACommentAndTheNextCommentAnswersIt() throws Exception {
        asks.set(Ask.questions(
                "c1",
                List.of(
                        new EventPayload.QuestionItem("Which database?", List.of("PostgreSQL", "SQLite")),
                        new EventPayload.QuestionItem("Why?", List.of()))));
        String issue = linear.addIssue(team, "Store the notes", "Somewhere durable.", List.of());
        HttpResponse<String> delegated = deliver(LinearWebhookPayloads.issueDelegated(
                linear.organizationId(), linear.issueData(issue), linear.appUserId(), ada, Instant.now()));
        assertThat(delegated.body()).as(delegated.body()).contains("started");
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(linear.comments(issue))
                        .extracting(LinearFake.Comment::body)
                        .anySatisfy(b -> assertThat(b)
                                .startsWith("**The agent asks:**")
                                .contains("1. Which database?\n   a) PostgreSQL\n   b) SQLite\n2. Why?")
                                .contains("one line per question")));
        String session = onlySession();
        assertThat(server.admin.get("/api/sessions/" + session).text("status")).isEqualTo("waiting");

        HttpResponse<String> reply = deliver(LinearWebhookPayloads.commentCreated(
                linear.organizationId(),
                UUID.randomUUID().toString(),
                linear.issueData(issue),
                "b\nit is small",
                ada,
                Instant.now()));
        assertThat(reply.body()).as(reply.body()).contains("answered");
        JsonNode answer = last(session, "answer");
        assertThat(answer.path("answers")).extracting(JsonNode::asText).containsExactly("SQLite", "it is small");
        assertThat(answer.path("source").asText()).isEqualTo("linear");
        await().atMost(WAIT).until(() -> completed(session));
        assertThat(prompts).hasSize(1); // the comment answered; it was no follow-up
    }

    @Test
    void aPlanInAnAgentSessionIsAnElicitationAndAReplyingPromptApprovesIt() throws Exception {
        asks.set(Ask.plan("c1", "1. Add the table\n2. Migrate"));
        String issue = linear.addIssue(team, "Keep the notes", "…", List.of());
        String agentSession = linear.addAgentSession(issue);
        HttpResponse<String> created = deliver(LinearWebhookPayloads.agentSessionCreated(
                linear.organizationId(),
                linear.appUserId(),
                agentSession,
                linear.issueData(issue),
                ada,
                "Keep them",
                Instant.now()));
        assertThat(created.body()).as(created.body()).contains("started");
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(linear.activities(agentSession)).anySatisfy(a -> {
                    assertThat(a.type()).isEqualTo("elicitation");
                    assertThat(a.content().path("body").asText())
                            .contains("proposes a plan")
                            .contains("2. Migrate");
                }));
        String session = onlySession();

        HttpResponse<String> prompted = deliver(LinearWebhookPayloads.agentSessionPrompted(
                linear.organizationId(),
                linear.appUserId(),
                agentSession,
                linear.issueData(issue),
                UUID.randomUUID().toString(),
                ada,
                "LGTM",
                null,
                Instant.now()));
        assertThat(prompted.body()).as(prompted.body()).contains("answered");
        assertThat(last(session, "plan_review").path("outcome").asText()).isEqualTo("approved");
        await().atMost(WAIT).until(() -> completed(session));
        assertThat(prompts).hasSize(1);
    }
}
