package dev.nightshift.core.port;

import dev.nightshift.core.model.Event;
import dev.nightshift.core.model.Message;
import dev.nightshift.core.model.NewEvent;
import dev.nightshift.core.model.NewQuestion;
import dev.nightshift.core.model.Question;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Questions and plans that turns wait on. A waiting turn is only rows: its prompt {@code waiting}, its
 * question {@code open} (at most one open per session), the session {@code waiting}; no node owns it and
 * no thread waits for it. Each change of state is one transaction with the events that tell of it, so a
 * crash never leaves a question without its event or an answer without the turn made runnable again.
 */
public interface QuestionStore {
    /**
     * Pauses a turn: its prompt {@code processing → waiting} (released by its node), the question stored
     * open, the session {@code waiting} (unless archived), and {@code events} appended. Empty when the
     * prompt was no longer processing (stopped meanwhile): nothing was written.
     */
    Optional<List<Event>> ask(NewQuestion question, List<NewEvent> events, Instant now);

    Optional<Question> get(String id);

    /** The session's questions, newest first. */
    List<Question> list(String sessionId, int limit);

    /**
     * Closes an open question ({@code answered} or {@code timed_out}) and makes its turn runnable again
     * in one transaction: the prompt {@code waiting → processing}, claimed by {@code nodeId} until {@code
     * leaseUntil}, the session {@code active}, and {@code events} appended. Exactly one of any number of
     * concurrent answers (and the timeout) wins.
     */
    AnswerResult answer(
            String questionId,
            Question.Status outcome,
            String answeredBy,
            List<NewEvent> events,
            String nodeId,
            Instant leaseUntil,
            Instant now);

    /** Open questions whose time ran out before {@code now}, oldest first, at most {@code limit}. */
    List<Question> expired(Instant now, int limit);

    /** How many questions are open now, on every node: turns waiting for people. */
    int countOpen();

    /** What became of an answer. */
    sealed interface AnswerResult {
        /** The answer is recorded and the turn is runnable: {@code message} is processing, claimed by the node. */
        record Answered(Question question, Message message, List<Event> events) implements AnswerResult {}

        /** Someone answered first, it timed out, or the turn was stopped: {@code question} as it is now. */
        record Closed(Question question) implements AnswerResult {}

        record Unknown() implements AnswerResult {}
    }
}
