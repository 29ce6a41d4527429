package dev.nightshift.core.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What an agent may ask and what counts as an answer. */
class QuestionRulesTest {
    private static final List<String> DATABASES = List.of("PostgreSQL", "SQLite");

    @Test
    void answersAreOnePerQuestionNoneBlankAndNoLongerThanAPrompt() {
        Limits limits = Limits.DEFAULTS;
        assertThat(QuestionRules.checkAnswers(List.of("a", "b"), 2, limits)).isEqualTo(QuestionRules.Verdict.OK);
        assertThat(QuestionRules.checkAnswers(List.of("a"), 2, limits)).isEqualTo(QuestionRules.Verdict.WRONG_COUNT);
        assertThat(QuestionRules.checkAnswers(null, 1, limits)).isEqualTo(QuestionRules.Verdict.WRONG_COUNT);
        assertThat(QuestionRules.checkAnswers(List.of("a", " "), 2, limits)).isEqualTo(QuestionRules.Verdict.BLANK);
        String half = "x".repeat(limits.maxPromptChars() / 2 + 1);
        assertThat(QuestionRules.checkAnswers(List.of(half, half), 2, limits))
                .isEqualTo(QuestionRules.Verdict.TOO_LARGE);
    }

    @Test
    void questionsAreOneToFourWithNoOrTwoToSixDistinctOptions() {
        assertThat(QuestionRules.checkQuestions(List.of("Which?"), List.of(DATABASES)))
                .isEmpty();
        assertThat(QuestionRules.checkQuestions(List.of("Why?"), List.of(List.of())))
                .isEmpty();
        assertThat(QuestionRules.checkQuestions(List.of(), List.of()))
                .hasValueSatisfying(m -> assertThat(m).contains("1 to 4"));
        assertThat(QuestionRules.checkQuestions(
                        List.of("a", "b", "c", "d", "e"),
                        List.of(List.of(), List.of(), List.of(), List.of(), List.of())))
                .isPresent();
        assertThat(QuestionRules.checkQuestions(List.of("Which?"), List.of(List.of("only"))))
                .hasValueSatisfying(m -> assertThat(m).contains("give 2 to 6"));
        assertThat(QuestionRules.checkQuestions(List.of("Which?"), List.of(List.of("x", "x"))))
                .hasValueSatisfying(m -> assertThat(m).contains("twice"));
        assertThat(QuestionRules.checkQuestions(List.of(" "), List.of(List.of())))
                .hasValueSatisfying(m -> assertThat(m).contains("blank"));
    }

    @Test
    void aReplyIsOneLinePerQuestionWithOptionsByLetterOrText() {
        assertThat(QuestionRules.readReply(List.of(DATABASES, List.of()), "b\nit is small"))
                .contains(List.of("SQLite", "it is small"));
        assertThat(QuestionRules.readReply(List.of(DATABASES, List.of()), "1. postgresql\n\n2) because"))
                .contains(List.of("PostgreSQL", "because"));
        assertThat(QuestionRules.readReply(List.of(DATABASES, List.of()), "one line"))
                .isEmpty();
        assertThat(QuestionRules.readReply(List.of(List.of()), "3.5 GB\nof memory"))
                .contains(List.of("3.5 GB\nof memory"));
        assertThat(QuestionRules.readReply(List.of(DATABASES), "B)")).contains(List.of("SQLite"));
        assertThat(QuestionRules.readReply(List.of(DATABASES), "c")).contains(List.of("c"));
        assertThat(QuestionRules.readReply(List.of(DATABASES), "")).isEmpty();
    }

    @Test
    void aFewRepliesApproveAPlanAndAnythingElseAsksForChanges() {
        assertThat(QuestionRules.approves("Approve")).isTrue();
        assertThat(QuestionRules.approves(" LGTM! ")).isTrue();
        assertThat(QuestionRules.approves("go ahead.")).isTrue();
        assertThat(QuestionRules.approves("approve, but test first")).isFalse();
        assertThat(QuestionRules.approves(null)).isFalse();
    }
}
