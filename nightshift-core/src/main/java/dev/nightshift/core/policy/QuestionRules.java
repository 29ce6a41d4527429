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
     * A reply in a thread or on an issue as answers: one per line when several questions were asked
     * (blank lines and a leading {@code 1.} skipped), the whole reply for one; a letter ({@code a},
     * {@code b} …) or an option's text in any case stands for that option. Empty when the reply does
     * not have one answer per question.
     *
     * @param options each question's options, in order (empty: free text)
     */
    public static Optional<List<String>> readReply(List<List<String>> options, String reply) {
        String text = reply == null ? "" : reply.strip();
        List<String> lines = options.size() == 1
                ? List.of(text)
                : text.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        if (text.isEmpty() || lines.size() != options.size()) {
            return Optional.empty();
        }
        List<String> answers = new java.util.ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = options.size() > 1 ? lines.get(i).replaceFirst("^\\d+[.)]\\s+", "") : lines.get(i);
            answers.add(option(options.get(i), line));
        }
        return Optional.of(answers);
    }

    private static final java.util.regex.Pattern APPROVAL =
            java.util.regex.Pattern.compile("(?i)(approve|approved|lgtm|go ahead|ok|yes)[.!]*");

    /** Whether a reply to a plan approves it ("approve", "LGTM", "go ahead" …) rather than asking for changes. */
    public static boolean approves(String reply) {
        return reply != null && APPROVAL.matcher(reply.strip()).matches();
    }

    /** An answer given as an option's letter ({@code b}, {@code b)}) or its text in any case: that option; else the answer. */
    public static String option(List<String> options, String answer) {
        String a = answer.strip().replaceFirst("^([A-Za-z])[.)]$", "$1");
        if (a.length() == 1) {
            int index = Character.toLowerCase(a.charAt(0)) - 'a';
            if (index >= 0 && index < options.size()) {
                return options.get(index);
            }
        }
        for (String option : options) {
            if (option.equalsIgnoreCase(answer.strip())) {
                return option;
            }
        }
        return answer;
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
