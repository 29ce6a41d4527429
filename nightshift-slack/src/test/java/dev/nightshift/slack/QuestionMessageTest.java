package dev.nightshift.slack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The agent's questions and plans as Slack messages, and thread replies read back as answers. */
class QuestionMessageTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final QuestionMessage.Item DATABASE =
            new QuestionMessage.Item("Which database?", List.of("PostgreSQL", "SQLite"));
    private static final QuestionMessage.Item WHY = new QuestionMessage.Item("Why <that> one?", List.of());

    private static List<String> actionIds(QuestionMessage m) throws Exception {
        List<String> ids = new java.util.ArrayList<>();
        for (JsonNode block : JSON.readTree(m.blocksJson())) {
            block.path("elements").forEach(e -> {
                if (e.has("action_id")) {
                    ids.add(e.path("action_id").asText() + "=" + e.path("value").asText());
                }
            });
        }
        return ids;
    }

    @Test
    void oneQuestionWithOptionsGetsAButtonPerOption() throws Exception {
        QuestionMessage m = QuestionMessage.question("qst_1", List.of(DATABASE), "https://ns.example/sessions/s");
        assertThat(m.buttons()).isTrue();
        assertThat(actionIds(m)).containsExactly("nightshift_answer_0=qst_1 0", "nightshift_answer_1=qst_1 1");
        assertThat(m.text())
                .contains("Which database?")
                .contains("a) PostgreSQL")
                .contains("Pick an answer");
        assertThat(m.blocksJson()).contains("<https://ns.example/sessions/s|Open the session>");
    }

    @Test
    void severalQuestionsAreAnsweredByAReplyAndWhatTheSessionWroteCannotMentionAnyone() throws Exception {
        QuestionMessage m = QuestionMessage.question(
                "qst_2", List.of(DATABASE, new QuestionMessage.Item("Ping <!channel>?", List.of())), null);
        assertThat(m.buttons()).isFalse();
        assertThat(actionIds(m)).isEmpty();
        assertThat(m.text()).contains("one line per question").contains("2. Ping &lt;!channel&gt;?");
        assertThat(m.blocksJson()).doesNotContain("<!channel>");
    }

    @Test
    void aPlanGetsAnApproveButtonAndIsCutToSlacksLimit() throws Exception {
        QuestionMessage m = QuestionMessage.plan("pln_1", "1. Step\n" + "x".repeat(5_000), null);
        assertThat(actionIds(m)).containsExactly("nightshift_approve=pln_1");
        for (JsonNode block : JSON.readTree(m.blocksJson())) {
            assertThat(block.path("text").path("text").asText().length()).isLessThanOrEqualTo(3_000);
        }
    }

    @Test
    void aReplyIsReadAsOneAnswerPerLineWithOptionsByLetterOrText() {
        assertThat(QuestionMessage.answers(List.of(DATABASE, WHY), "b\nit is small"))
                .contains(List.of("SQLite", "it is small"));
        assertThat(QuestionMessage.answers(List.of(DATABASE, WHY), "1. postgresql\n\n2) because"))
                .contains(List.of("PostgreSQL", "because"));
        assertThat(QuestionMessage.answers(List.of(DATABASE, WHY), "just one line"))
                .isEmpty();
        assertThat(QuestionMessage.answers(List.of(WHY), "3.5 GB\nof memory")).contains(List.of("3.5 GB\nof memory"));
        assertThat(QuestionMessage.answers(List.of(DATABASE), "A")).contains(List.of("PostgreSQL"));
        assertThat(QuestionMessage.answers(List.of(DATABASE), "  ")).isEmpty();
    }
}
