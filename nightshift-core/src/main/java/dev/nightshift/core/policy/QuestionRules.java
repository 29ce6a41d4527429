package dev.nightshift.core.policy;

import java.util.List;
import java.util.Optional;

/**
 * The shape of what an agent may ask and what a person may answer: one to four questions, each free
 * text or with a few options; answers one per question, none blank, together no longer than a prompt.
 * Pure; any thread.
 */
public final class QuestionRules {
    public static final int MAX_QUESTIONS = 4;
    public static final int MAX_OPTIONS = 6;
    public static final int MAX_QUESTION_CHARS = 1_000;
    public static final int MAX_OPTION_CHARS = 200;
    public static final int MAX_PLAN_CHARS = 20_000;

    private QuestionRules() {}

    public enum Verdict {
        OK,
        /** Not one answer per question. */
        WRONG_COUNT,
        /** An answer is missing or blank. */
        BLANK,
        /** Longer together than a prompt may be. */
        TOO_LARGE
    }

    /** Whether {@code answers} answer {@code questions} questions, within the prompt's size limit. */
    public static Verdict checkAnswers(List<String> answers, int questions, Limits limits) {
        if (answers == null || answers.size() != questions) {
            return Verdict.WRONG_COUNT;
        }
        long chars = 0;
        for (String answer : answers) {
            if (answer == null || answer.isBlank()) {
                return Verdict.BLANK;
            }
            chars += answer.length();
        }
        return chars > limits.maxPromptChars() ? Verdict.TOO_LARGE : Verdict.OK;
    }

    /**
     * What is wrong with an agent's questions, in words the model can act on; empty when they are fine.
     *
     * @param options each question's options (empty: free text)
     */
    public static Optional<String> checkQuestions(List<String> questions, List<List<String>> options) {
        if (questions.isEmpty() || questions.size() > MAX_QUESTIONS) {
            return Optional.of("ask 1 to " + MAX_QUESTIONS + " questions at once, not " + questions.size());
        }
        for (int i = 0; i < questions.size(); i++) {
            String q = questions.get(i);
            if (q == null || q.isBlank()) {
                return Optional.of("question " + (i + 1) + " is blank");
            }
            if (q.length() > MAX_QUESTION_CHARS) {
                return Optional.of(
                        "question " + (i + 1) + " is longer than " + MAX_QUESTION_CHARS + " characters; ask briefly");
            }
            List<String> choices = options.get(i);
            if (choices.size() == 1 || choices.size() > MAX_OPTIONS) {
                return Optional.of("question " + (i + 1) + " has " + choices.size() + " options; give 2 to "
                        + MAX_OPTIONS + ", or none for a free-text answer");
            }
            for (String choice : choices) {
                if (choice == null || choice.isBlank() || choice.length() > MAX_OPTION_CHARS) {
                    return Optional.of("question " + (i + 1) + " has an option that is blank or longer than "
                            + MAX_OPTION_CHARS + " characters");
                }
            }
            if (choices.stream().distinct().count() != choices.size()) {
                return Optional.of("question " + (i + 1) + " lists an option twice");
            }
        }
        return Optional.empty();
    }
}
