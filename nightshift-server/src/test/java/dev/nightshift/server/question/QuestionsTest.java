package dev.nightshift.server.question;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nightshift.agent.model.FakeModelServer;
import dev.nightshift.agent.model.FakeModelServer.Reply;
import dev.nightshift.agent.model.ToolCall;
import dev.nightshift.server.testing.ApiClient;
import dev.nightshift.server.testing.TestServer;
import dev.nightshift.server.testing.ThreadDump;
import dev.nightshift.server.testing.WsTestClient;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The agent's {@code ask_user} through a real server, the real agent and a scripted model speaking
 * the OpenAI protocol: the turn pauses holding no thread, members answer (viewers, strangers and late
 * answers are refused and change nothing), everyone watching sees the answer, and the turn goes on
 * with it; a question nobody answers times out; a stopped turn cancels its question.
 */
class QuestionsTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String QUESTIONS = "{\"questions\":[{\"question\":\"Which database?\",\"options\":"
            + "[\"PostgreSQL\",\"SQLite\"]},{\"question\":\"Anything else I should know?\"}]}";

    private static TestServer serve(FakeModelServer model, Map<String, String> extra) {
        Map<String, String> settings = new HashMap<>(Map.of(
                "NIGHTSHIFT_MODEL", "openai-compatible/coder", "OPENAI_COMPATIBLE_BASE_URL", model.openAiBaseUrl()));
        settings.putAll(extra);
        return TestServer.start(settings, p -> {});
    }

    private static List<String> types(ApiClient api, String id) {
        return api.allEvents(id).stream().map(e -> e.path("type").asText()).toList();
    }

    private static JsonNode last(ApiClient api, String id, String type) {
        return api.allEvents(id).stream()
                .filter(e -> e.path("type").asText().equals(type))
                .reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError("no " + type + " event"));
    }

    private static ApiClient user(TestServer s, String session, String login, String role) {
        ApiClient.Response created = s.admin.post("/api/users", Map.of("login", login));
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        if (role != null) {
            assertThat(s.admin
                            .put("/api/sessions/" + session + "/participants/" + login, Map.of("role", role))
                            .status())
                    .isEqualTo(200);
        }
        return s.client(created.body().path("token").path("token").asText());
    }

    private static String answerPath(String session, String question) {
        return "/api/sessions/" + session + "/questions/" + question + "/answer";
    }

    @Test
    void aQuestionPausesTheTurnHoldingNoThreadAndAMembersAnswerGoesOnLiveForEveryone() throws Exception {
        try (FakeModelServer model = FakeModelServer.start();
                TestServer s = serve(model, Map.of("NIGHTSHIFT_MAX_PROMPT_CHARS", "1000"))) {
            model.enqueue(
                    Reply.text("I need a decision. ").andToolCalls(new ToolCall("ask1", "ask_user", QUESTIONS)),
                    Reply.text("PostgreSQL it is; noted."),
                    Reply.text("The second prompt, after the first."));
            ApiClient api = s.admin;
            String id = api.createSession("/srv/questions");
            ApiClient viewer = user(s, id, "vera", "viewer");
            ApiClient member = user(s, id, "mo", "member");
            ApiClient stranger = user(s, id, "sam", null);
            String share = api.post("/api/sessions/" + id + "/share-links", Map.of())
                    .body()
                    .path("token")
                    .asText();

            try (WsTestClient watcher = WsTestClient.subscribe(s.wsUrl(id), viewer.liveToken(id))) {
                assertThat(api.prompt(id, "set up the database", null).status()).isEqualTo(202);
                await().atMost(WAIT).until(() -> types(api, id).contains("question"));
                await().atMost(WAIT)
                        .until(() ->
                                api.get("/api/sessions/" + id).text("status").equals("waiting"));

                // waiting: held by no node and no thread, and the next prompt waits behind it
                JsonNode queue =
                        api.get("/api/sessions/" + id + "/prompts").body().path("queue");
                assertThat(queue)
                        .singleElement()
                        .satisfies(m -> assertThat(m.path("status").asText()).isEqualTo("waiting"));
                String messageId = queue.get(0).path("id").asText();
                await().atMost(WAIT)
                        .until(() -> ThreadDump.names().stream()
                                .noneMatch(n -> n.equals("turn-" + messageId) || n.equals("session-" + id)));
                assertThat(api.get("/metrics").raw())
                        .contains("nightshift_turns_running 0.0")
                        .contains("nightshift_turns_waiting 1.0");
                assertThat(api.prompt(id, "then write the migration", null).status())
                        .isEqualTo(202);
                assertThat(model.requests()).hasSize(1);

                JsonNode question = last(api, id, "question").path("data");
                String qid = question.path("questionId").asText();
                assertThat(qid).startsWith("qst_");
                assertThat(question.path("callId").asText()).isEqualTo("ask1");
                assertThat(question.path("questions").get(0).path("options"))
                        .extracting(JsonNode::asText)
                        .containsExactly("PostgreSQL", "SQLite");
                JsonNode listed =
                        viewer.get("/api/sessions/" + id + "/questions").body();
                assertThat(listed.path("questions")).singleElement().satisfies(q -> {
                    assertThat(q.path("id").asText()).isEqualTo(qid);
                    assertThat(q.path("status").asText()).isEqualTo("open");
                    assertThat(q.path("kind").asText()).isEqualTo("question");
                    assertThat(q.path("data").path("questions").size()).isEqualTo(2);
                });

                // refusals, none of which answers anything
                Map<String, Object> good = Map.of("answers", List.of("PostgreSQL", "it runs on Debian"));
                assertThat(viewer.post(answerPath(id, qid), good).status()).isEqualTo(403);
                assertThat(s.client(share).post(answerPath(id, qid), good).status())
                        .isEqualTo(403);
                assertThat(stranger.post(answerPath(id, qid), good).status()).isEqualTo(403);
                assertThat(s.client(null).post(answerPath(id, qid), good).status())
                        .isEqualTo(401);
                assertThat(member.post(answerPath(id, "qst_nope"), good).status())
                        .isEqualTo(404);
                assertThat(member.post(answerPath("ses_nope", qid), good).status())
                        .isEqualTo(404);
                ApiClient.Response oneAnswer =
                        member.post(answerPath(id, qid), Map.of("answers", List.of("PostgreSQL")));
                assertThat(oneAnswer.status()).isEqualTo(400);
                assertThat(oneAnswer.errorMessage()).contains("asks 2 questions");
                assertThat(member.post(answerPath(id, qid), Map.of("answers", List.of("PostgreSQL", " ")))
                                .status())
                        .isEqualTo(400);
                ApiClient.Response tooLong =
                        member.post(answerPath(id, qid), Map.of("answers", List.of("PostgreSQL", "x".repeat(1000))));
                assertThat(tooLong.status()).isEqualTo(413);
                assertThat(tooLong.body().path("error").path("code").asText()).isEqualTo("answer_too_large");
                assertThat(member.post(answerPath(id, qid), "{\"answers\":[\"" + "y".repeat(1_100_000) + "\"]}")
                                .status())
                        .isEqualTo(413);
                assertThat(member.post(answerPath(id, qid), Map.of("answer", "PostgreSQL"))
                                .status())
                        .isEqualTo(400);
                assertThat(viewer.get("/api/sessions/" + id + "/questions")
                                .body()
                                .path("questions")
                                .get(0)
                                .path("status")
                                .asText())
                        .isEqualTo("open");
                assertThat(types(api, id)).doesNotContain("answer");

                ApiClient.Response answered = member.post(answerPath(id, qid), good);
                assertThat(answered.status()).as(answered.raw()).isEqualTo(200);
                assertThat(answered.text("status")).isEqualTo("answered");
                ApiClient.Response again = api.post(answerPath(id, qid), good);
                assertThat(again.status()).isEqualTo(409);
                assertThat(again.errorMessage()).contains("already answered");

                JsonNode seen = untilEvent(watcher, "answer");
                assertThat(seen.path("data").path("answers"))
                        .extracting(JsonNode::asText)
                        .containsExactly("PostgreSQL", "it runs on Debian");
                assertThat(seen.path("data").path("source").asText()).isEqualTo("api");

                await().atMost(WAIT)
                        .until(() -> types(api, id).stream()
                                        .filter("turn_complete"::equals)
                                        .count()
                                == 2);
            }
            List<JsonNode> events = api.allEvents(id);
            JsonNode result = events.stream()
                    .filter(e -> e.path("type").asText().equals("tool_result")
                            && e.path("data").path("callId").asText().equals("ask1"))
                    .findFirst()
                    .orElseThrow();
            assertThat(result.path("data").path("error").asBoolean()).isFalse();
            assertThat(result.path("data").path("content").asText())
                    .contains("Which database?\n   → PostgreSQL")
                    .contains("→ it runs on Debian");
            assertThat(model.requests().get(1).messages().toString()).contains("→ PostgreSQL");
            assertThat(events.stream().map(e -> e.path("type").asText()))
                    .containsSubsequence(
                            "user_message",
                            "tool_call",
                            "question",
                            "answer",
                            "tool_result",
                            "assistant_message",
                            "turn_complete",
                            "user_message",
                            "turn_complete")
                    .doesNotContain("turn_resumed");
            assertThat(model.requests()).hasSize(3);
            assertThat(api.get("/api/sessions/" + id).text("status")).isEqualTo("completed");
            assertThat(api.get("/api/sessions/" + id + "/questions")
                            .body()
                            .path("questions")
                            .get(0)
                            .path("answeredBy")
                            .asText())
                    .isNotBlank();
        }
    }

    private static JsonNode untilEvent(WsTestClient client, String type) {
        while (true) {
            JsonNode event = client.next("event", WAIT).path("event");
            if (event.path("type").asText().equals(type)) {
                return event;
            }
        }
    }

    @Test
    void aQuestionNobodyAnswersTimesOutAndTheAgentGoesOnAlone() {
        try (FakeModelServer model = FakeModelServer.start();
                TestServer s =
                        serve(model, Map.of("NIGHTSHIFT_QUESTION_TIMEOUT", "1s", "NIGHTSHIFT_TURN_LEASE", "3s"))) {
            model.enqueue(
                    Reply.toolCalls(new ToolCall("ask1", "ask_user", QUESTIONS)),
                    Reply.text("No answer; I chose PostgreSQL."));
            String id = s.admin.createSession("/srv/questions");
            s.admin.prompt(id, "set up the database", null);
            await().atMost(WAIT).until(() -> types(s.admin, id).contains("turn_complete"));

            JsonNode answer = last(s.admin, id, "answer").path("data");
            assertThat(answer.path("timedOut").asBoolean()).isTrue();
            assertThat(answer.has("answers")).isFalse();
            assertThat(model.requests().get(1).messages().toString()).contains("No one answered in the time allowed");
            assertThat(last(s.admin, id, "turn_complete")
                            .path("data")
                            .path("status")
                            .asText())
                    .isEqualTo("completed");
            String qid = answer.path("questionId").asText();
            ApiClient.Response late = s.admin.post(answerPath(id, qid), Map.of("answers", List.of("PostgreSQL", "no")));
            assertThat(late.status()).isEqualTo(409);
            assertThat(late.errorMessage()).contains("timed out");
        }
    }

    @Test
    void stoppingAWaitingTurnCancelsItsQuestionAndTheQueueGoesOn() {
        try (FakeModelServer model = FakeModelServer.start();
                TestServer s = serve(model, Map.of())) {
            model.enqueue(Reply.toolCalls(new ToolCall("ask1", "ask_user", QUESTIONS)), Reply.text("next one"));
            ApiClient api = s.admin;
            String id = api.createSession("/srv/questions");
            api.prompt(id, "set up the database", null);
            await().atMost(WAIT)
                    .until(() -> api.get("/api/sessions/" + id).text("status").equals("waiting"));
            String qid =
                    last(api, id, "question").path("data").path("questionId").asText();

            ApiClient.Response stopped = api.post("/api/sessions/" + id + "/stop", null);
            assertThat(stopped.status()).isEqualTo(202);
            assertThat(stopped.body().path("stopped").asBoolean()).isTrue();
            assertThat(last(api, id, "turn_complete")
                            .path("data")
                            .path("status")
                            .asText())
                    .isEqualTo("stopped");
            assertThat(api.get("/api/sessions/" + id + "/questions")
                            .body()
                            .path("questions")
                            .get(0)
                            .path("status")
                            .asText())
                    .isEqualTo("cancelled");
            ApiClient.Response late = api.post(answerPath(id, qid), Map.of("answers", List.of("a", "b")));
            assertThat(late.status()).isEqualTo(409);
            assertThat(late.errorMessage()).contains("stopped");

            api.prompt(id, "something else", null);
            await().atMost(WAIT)
                    .until(() -> types(api, id).stream()
                                    .filter("turn_complete"::equals)
                                    .count()
                            == 2);
            assertThat(last(api, id, "turn_complete")
                            .path("data")
                            .path("status")
                            .asText())
                    .isEqualTo("completed");
        }
    }
}
