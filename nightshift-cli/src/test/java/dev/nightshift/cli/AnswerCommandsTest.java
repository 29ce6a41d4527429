package dev.nightshift.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nightshift.core.event.EventPayload;
import dev.nightshift.core.port.Ask;
import dev.nightshift.core.port.Turn;
import dev.nightshift.core.port.TurnExecutor;
import dev.nightshift.server.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** answer and approve against a real server whose turns ask (as the agent's ask_user and propose_plan do). */
class AnswerCommandsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    /** Asks on its first run; going on, writes what the log holds as the answer. */
    private static TurnExecutor asking(Ask ask) {
        return new TurnExecutor() {
            @Override
            public void execute(Turn turn) {
                if (!turn.resumed()) {
                    turn.ask(ask);
                    return;
                }
                turn.emit(new EventPayload.Token("going on"));
            }
        };
    }

    private static List<String> types(TestServer s, String id) {
        return s.admin.allEvents(id).stream().map(e -> e.path("type").asText()).toList();
    }

    private static JsonNode last(TestServer s, String id, String type) {
        return s.admin.allEvents(id).stream()
                .filter(e -> e.path("type").asText().equals(type))
                .reduce((a, b) -> b)
                .orElseThrow()
                .path("data");
    }

    private static String waiting(TestServer s, String prompt) {
        String id = s.admin.createSession("/srv/app");
        s.admin.prompt(id, prompt, null);
        await().atMost(WAIT)
                .until(() -> s.admin.get("/api/sessions/" + id).text("status").equals("waiting"));
        return id;
    }

    @Test
    void answerTakesOneAnswerPerQuestionWithOptionsByLetterAndIsRefusedASecondTime() {
        Ask ask = Ask.questions(
                "c1",
                List.of(
                        new EventPayload.QuestionItem("Which database?", List.of("PostgreSQL", "SQLite")),
                        new EventPayload.QuestionItem("Why?", List.of())));
        try (TestServer s = TestServer.start(p -> p.executor = asking(ask))) {
            Cli cli = Cli.of(s.url(), s.admin.token());
            String id = waiting(s, "pick a database");

            Cli.Result sessions = cli.run("sessions");
            assertThat(sessions.out()).contains(id).contains("waiting for an answer");
            Cli.Result logs = cli.run("logs", id);
            assertThat(logs.out())
                    .contains("? The agent asks")
                    .contains("1. Which database?")
                    .contains("b) SQLite")
                    .contains("nightshift answer <session>");

            Cli.Result tooFew = cli.run("answer", id, "b");
            assertThat(tooFew.exitCode()).as(tooFew.toString()).isEqualTo(ExitCodes.USAGE);
            assertThat(tooFew.err())
                    .contains("asked 2 questions")
                    .contains("Which database?")
                    .contains("Why?");
            assertThat(types(s, id)).doesNotContain("answer");

            Cli.Result answered = cli.run("answer", id, "b", "it is small");
            assertThat(answered.exitCode()).as(answered.toString()).isZero();
            assertThat(answered.out()).contains("answered qst_").contains("the agent goes on");
            JsonNode answer = last(s, id, "answer");
            assertThat(answer.path("answers")).extracting(JsonNode::asText).containsExactly("SQLite", "it is small");
            assertThat(answer.path("source").asText()).isEqualTo("cli");
            await().atMost(WAIT).until(() -> types(s, id).contains("turn_complete"));

            Cli.Result again = cli.run("answer", id, "a", "b");
            assertThat(again.exitCode()).isEqualTo(ExitCodes.REFUSED);
            assertThat(again.err()).contains("waits for no answer");
            String questionId = answer.path("questionId").asText();
            Cli.Result named = cli.run("answer", id, "--question", questionId, "a", "b");
            assertThat(named.exitCode()).isEqualTo(ExitCodes.REFUSED);
            assertThat(named.err()).contains("already answered");
        }
    }

    @Test
    void approveTakesTheEditedPlanFromAFileAndAnswerAsksForChanges(@TempDir Path dir) throws Exception {
        try (TestServer s = TestServer.start(p -> p.executor = asking(Ask.plan("c1", "1. Do it")))) {
            Cli cli = Cli.of(s.url(), s.admin.token());
            String changes = waiting(s, "plan it");
            Cli.Result asked = cli.run("answer", changes, "test", "it", "first");
            assertThat(asked.exitCode()).as(asked.toString()).isZero();
            assertThat(asked.out()).contains("asked for changes to plan pln_");
            JsonNode review = last(s, changes, "plan_review");
            assertThat(review.path("outcome").asText()).isEqualTo("changes_requested");
            assertThat(review.path("feedback").asText()).isEqualTo("test it first");

            String approve = waiting(s, "plan it");
            Path edited = Files.writeString(dir.resolve("plan.md"), "1. Test it\n2. Do it\n");
            Cli.Result approved = cli.run("approve", approve, "--plan-file", edited.toString());
            assertThat(approved.exitCode()).as(approved.toString()).isZero();
            assertThat(approved.out()).contains("approved plan pln_").contains("as edited");
            JsonNode approval = last(s, approve, "plan_review");
            assertThat(approval.path("outcome").asText()).isEqualTo("approved");
            assertThat(approval.path("plan").asText()).isEqualTo("1. Test it\n2. Do it");
            assertThat(approval.path("edited").asBoolean()).isTrue();
            await().atMost(WAIT).until(() -> types(s, approve).contains("turn_complete"));

            Cli.Result nothing = cli.run("approve", approve);
            assertThat(nothing.exitCode()).isEqualTo(ExitCodes.REFUSED);
            assertThat(nothing.err()).contains("no plan waits for approval");
        }
    }
}
