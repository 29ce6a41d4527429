package dev.nightshift.core.port;

import dev.nightshift.core.event.EventPayload.QuestionItem;
import dev.nightshift.core.model.Question;
import java.util.List;

/**
 * What a turn asks the session's members (see {@link Turn#ask}): one to four questions, or its plan.
 *
 * @param callId the tool call asking; the answer becomes its result when the turn goes on
 * @param questions for {@link Question.Kind#QUESTION}; empty for a plan
 * @param plan for {@link Question.Kind#PLAN}; null for questions
 */
public record Ask(String callId, Question.Kind kind, List<QuestionItem> questions, String plan) {
    public Ask {
        questions = questions == null ? List.of() : List.copyOf(questions);
    }

    public static Ask questions(String callId, List<QuestionItem> questions) {
        return new Ask(callId, Question.Kind.QUESTION, questions, null);
    }

    public static Ask plan(String callId, String plan) {
        return new Ask(callId, Question.Kind.PLAN, List.of(), plan);
    }
}
