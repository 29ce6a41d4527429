package dev.nightshift.server.slack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nightshift.core.event.EventPayload;
import dev.nightshift.core.port.Ask;
import dev.nightshift.server.testing.ApiClient;
import dev.nightshift.server.testing.TestServer;
import dev.nightshift.slack.SlackSignatures;
import dev.nightshift.slack.fake.SlackFake;
import dev.nightshift.slack.fake.SlackPayloads;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The agent's questions in the Slack thread a session came from, against the Slack fake and a real
 * server: the question is posted in the thread; one click on an option answers it (an unlinked person
 * or a non-member is refused, a second click is too late); several questions are answered by one reply,
 * a line each, which is not taken as a follow-up; a plan is approved by a reply.
 */
class SlackQuestionsTest {
    static final String SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
    static final String CHANNEL = "C0ENG";
    private static final Duration WAIT = Duration.ofSeconds(30);

    SlackFake slack;
    TestServer server;
    /** What the next turn asks. */
    final AtomicReference<Ask> asks = new AtomicReference<>();
    /** The prompts that started turns (a resumed turn adds none). */
    final List<String> prompts = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() {
        slack = SlackFake.start();
        slack.addUser("U0ADA", "ada@example.com");
        slack.addUser("U0BOB", "bob@example.com");
        slack.addUser("U0EVE", "eve@elsewhere.org");
        server = TestServer.start(
                Map.of(
                        "NIGHTSHIFT_SLACK_BOT_TOKEN",
                        slack.botToken(),
                        "NIGHTSHIFT_SLACK_SIGNING_SECRET",
                        SECRET,
                        "NIGHTSHIFT_SLACK_API_URL",
                        slack.methodsUrl(),
                        "NIGHTSHIFT_SLACK_CHANNEL_REPOSITORIES",
                        CHANNEL + "=/srv/app"),
                p -> p.executor = turn -> {
                    if (turn.resumed()) {
                        turn.emit(new EventPayload.Token("going on"));
                        return;
                    }
                    prompts.add(turn.message().content());
                    turn.ask(asks.get());
                });
        for (String[] person : new String[][] {{"ada", "U0ADA"}, {"bob", "U0BOB"}}) {
            ApiClient.Response created =
                    server.admin.post("/api/users", Map.of("login", person[0], "email", person[0] + "@example.com"));
            assertThat(created.status()).as(created.raw()).isEqualTo(201);
            ApiClient.Response linked = server.admin.put(
                    "/api/users/" + person[0] + "/identities",
                    Map.of("kind", "slack", "issuer", SlackFake.TEAM_ID, "subject", person[1], "login", person[0]));
            assertThat(linked.status()).as(linked.raw()).isIn(200, 201);
        }
    }

    @AfterEach
    void tearDown() {
        server.close();
        slack.close();
    }

    private HttpResponse<String> signed(String path, String contentType, String body) throws Exception {
        String ts = String.valueOf(Instant.now().getEpochSecond());
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(server.url() + path))
                                .header("Content-Type", contentType)
                                .header(SlackSignatures.TIMESTAMP_HEADER, ts)
                                .header(
                                        SlackSignatures.SIGNATURE_HEADER,
                                        SlackSignatures.signature(SECRET, ts, body.getBytes(StandardCharsets.UTF_8)))
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> event(String body) throws Exception {
        return signed("/webhooks/slack/events", "application/json", body);
    }

    private HttpResponse<String> press(String payload) throws Exception {
        return signed(
                "/webhooks/slack/interactivity",
                "application/x-www-form-urlencoded",
                "payload=" + java.net.URLEncoder.encode(payload, StandardCharsets.UTF_8));
    }

    /** Ada asks in a new thread; returns the session once its turn waits, and the question's message. */
    private String[] askedInThread(String ts, String eventId) throws Exception {
        HttpResponse<String> mention = event(SlackPayloads.appMention(
                CHANNEL, "U0ADA", "<@" + SlackFake.BOT_USER_ID + "> set up the database", ts, null, eventId));
        assertThat(mention.body()).as(mention.body()).contains("started");
        await().atMost(WAIT)
                .until(() -> slack.messages(CHANNEL).stream()
                        .anyMatch(m -> ts.equals(m.threadTs()) && m.text().startsWith("The agent")));
        SlackFake.PostedMessage asked = slack.messages(CHANNEL).stream()
                .filter(m -> ts.equals(m.threadTs()) && m.text().startsWith("The agent"))
                .findFirst()
                .orElseThrow();
        String session = server.admin
                .get("/api/sessions")
                .body()
                .path("sessions")
                .get(0)
                .path("id")
                .asText();
        return new String[] {session, asked.ts(), asked.blocks()};
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
    void oneClickOnAnOptionAnswersAndOnlyAMemberMayClick() throws Exception {
        asks.set(Ask.questions(
                "c1", List.of(new EventPayload.QuestionItem("Which database?", List.of("PostgreSQL", "SQLite")))));
        String thread = "1733500000.000100";
        String[] asked = askedInThread(thread, "Ev100");
        String session = asked[0];
        assertThat(asked[2]).contains("nightshift_answer_0").contains("nightshift_answer_1");
        String questionId = last(session, "question").path("questionId").asText();
        assertThat(asked[2]).contains(questionId + " 1");

        // Eve is not linked; Bob is, but not a member of Ada's session
        assertThat(press(SlackPayloads.answerPressed(
                                CHANNEL, asked[1], thread, "U0EVE", "nightshift_answer_1", questionId + " 1"))
                        .body())
                .contains("unlinked");
        HttpResponse<String> bob = press(SlackPayloads.answerPressed(
                CHANNEL, asked[1], thread, "U0BOB", "nightshift_answer_1", questionId + " 1"));
        assertThat(bob.body()).contains("not a participant");
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(slack.ephemerals())
                        .anySatisfy(e -> assertThat(e.user()).isEqualTo("U0BOB")));
        assertThat(server.admin.get("/api/sessions/" + session).text("status")).isEqualTo("waiting");

        HttpResponse<String> ada = press(SlackPayloads.answerPressed(
                CHANNEL, asked[1], thread, "U0ADA", "nightshift_answer_1", questionId + " 1"));
        assertThat(ada.body()).as(ada.body()).contains("answered");
        JsonNode answer = last(session, "answer");
        assertThat(answer.path("answers").get(0).asText()).isEqualTo("SQLite");
        assertThat(answer.path("source").asText()).isEqualTo("slack");
        await().atMost(WAIT).until(() -> completed(session));
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(slack.updates(CHANNEL)).anySatisfy(u -> {
                    assertThat(u.ts()).isEqualTo(asked[1]);
                    assertThat(u.blocks()).contains("Answered by <@U0ADA>").doesNotContain("nightshift_answer");
                }));
        assertThat(press(SlackPayloads.answerPressed(
                                CHANNEL, asked[1], thread, "U0ADA", "nightshift_answer_0", questionId + " 0"))
                        .body())
                .contains("already answered");
        assertThat(prompts).hasSize(1);
    }

    @Test
    void severalQuestionsAreAnsweredByOneReplyWhichIsNoFollowUp() throws Exception {
        asks.set(Ask.questions(
                "c1",
                List.of(
                        new EventPayload.QuestionItem("Which database?", List.of("PostgreSQL", "SQLite")),
                        new EventPayload.QuestionItem("Why?", List.of()))));
        String thread = "1733500100.000100";
        String[] asked = askedInThread(thread, "Ev110");
        String session = asked[0];
        assertThat(asked[2]).doesNotContain("nightshift_answer").contains("one line per question");

        HttpResponse<String> oneLine = event(
                SlackPayloads.message(CHANNEL, "channel", "U0ADA", "SQLite", "1733500100.000200", thread, "Ev111"));
        assertThat(oneLine.body()).contains("does not answer the 2 questions");
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(slack.ephemerals())
                        .anySatisfy(e -> assertThat(e.text()).contains("each on its own line")));

        HttpResponse<String> reply = event(SlackPayloads.message(
                CHANNEL, "channel", "U0ADA", "b\nit is small", "1733500100.000300", thread, "Ev112"));
        assertThat(reply.body()).as(reply.body()).contains("answered");
        assertThat(last(session, "answer").path("answers"))
                .extracting(JsonNode::asText)
                .containsExactly("SQLite", "it is small");
        await().atMost(WAIT).until(() -> completed(session));
        await().atMost(WAIT)
                .until(() -> slack.reactions(CHANNEL, "1733500100.000300").contains("white_check_mark"));
        // the reply answered; it did not queue a prompt
        assertThat(prompts).hasSize(1);
        assertThat(server.admin
                        .get("/api/sessions/" + session + "/prompts")
                        .body()
                        .path("queue"))
                .isEmpty();
    }

    @Test
    void aPlanIsApprovedByAReplyInTheThread() throws Exception {
        asks.set(Ask.plan("c1", "1. Add the table\n2. Migrate"));
        String thread = "1733500200.000100";
        String[] asked = askedInThread(thread, "Ev120");
        String session = asked[0];
        assertThat(asked[2]).contains("nightshift_approve").contains("Add the table");

        HttpResponse<String> reply = event(
                SlackPayloads.message(CHANNEL, "channel", "U0ADA", "approve", "1733500200.000200", thread, "Ev121"));
        assertThat(reply.body()).as(reply.body()).contains("answered");
        JsonNode review = last(session, "plan_review");
        assertThat(review.path("outcome").asText()).isEqualTo("approved");
        assertThat(review.path("source").asText()).isEqualTo("slack");
        await().atMost(WAIT).until(() -> completed(session));
    }
}
