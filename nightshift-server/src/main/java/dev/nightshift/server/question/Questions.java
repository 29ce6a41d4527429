package dev.nightshift.server.question;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nightshift.core.event.EventPayload;
import dev.nightshift.core.model.NewEvent;
import dev.nightshift.core.model.Question;
import dev.nightshift.core.model.Source;
import dev.nightshift.core.policy.Access;
import dev.nightshift.core.policy.Limits;
import dev.nightshift.core.policy.QuestionRules;
import dev.nightshift.core.port.QuestionStore.AnswerResult;
import dev.nightshift.core.port.Store;
import dev.nightshift.server.auth.Caller;
import dev.nightshift.server.http.ApiException;
import dev.nightshift.server.http.Json;
import dev.nightshift.server.http.Requests;
import dev.nightshift.server.live.EventLog;
import dev.nightshift.server.session.SessionRoles;
import dev.nightshift.server.session.TurnControl;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What people do with the questions and plans turns wait on, whatever the surface (REST, the CLI,
 * Slack, Linear): answer a question, approve a plan (perhaps edited) or ask for changes to it, and
 * the timeout that answers for nobody. Each checks the caller's role first and refuses without
 * changing anything; the answer itself is one transaction in the store (the {@code answer} or {@code
 * plan_review} event, the question closed, the prompt processing again and claimed by this node), after
 * which this node runs the turn on. Thread-safe: request threads and the timer call it at once, and the
 * store decides which of concurrent answers wins.
 */
public final class Questions {
    private static final Logger LOG = LoggerFactory.getLogger(Questions.class);
    /** Most questions a session's list shows. */
    static final int LIST_LIMIT = 100;
    /** Expired questions handled per check; the next check takes the rest. */
    private static final int EXPIRY_BATCH = 100;

    private final Store store;
    private final EventLog log;
    private final SessionRoles roles;
    private final TurnControl turns;
    private final Limits limits;
    private final Consumer<String> queueChanged;
    private final Clock clock;

    /**
     * @param turns runs the turns answered here (on this node)
     * @param queueChanged told when a session's prompt queue changed (a waiting prompt runs again)
     */
    public Questions(
            Store store,
            EventLog log,
            SessionRoles roles,
            TurnControl turns,
            Limits limits,
            Consumer<String> queueChanged,
            Clock clock) {
        this.store = store;
        this.log = log;
        this.roles = roles;
        this.turns = turns;
        this.limits = limits;
        this.queueChanged = queueChanged;
        this.clock = clock;
    }

    /** 404, then 403 unless the caller may answer in this session (a member); before the body is read. */
    public void requireMember(Caller caller, String sessionId) {
        roles.require(caller, sessionId, Access.Action.PROMPT);
    }

    /** The session's questions and plans, newest first (viewers may read them). */
    public List<Question> list(Caller caller, String sessionId) {
        roles.require(caller, sessionId, Access.Action.READ);
        return store.questions().list(sessionId, LIST_LIMIT);
    }

    /** The session's open question or plan, if its turn waits for one (members may answer it). */
    public Optional<Question> open(String sessionId) {
        return store.questions().list(sessionId, 1).stream()
                .filter(Question::open)
                .findFirst();
    }

    /**
     * Answers a question of the session; for a plan, the one answer is the change asked for. 404 for
     * an unknown question, 403 for a viewer, 409 when it is no longer open, 413 when longer than a prompt.
     */
    public Question answer(Caller caller, String sessionId, String questionId, Requests.Answer request, Source source) {
        roles.require(caller, sessionId, Access.Action.PROMPT);
        Question question = find(sessionId, questionId);
        List<String> answers = request.answers() == null ? List.of() : request.answers();
        if (question.kind() == Question.Kind.PLAN) {
            check(answers, 1, "a plan is answered with the changes you ask for (one answer)");
            return close(
                    question,
                    Question.Status.ANSWERED,
                    caller.userId(),
                    new EventPayload.PlanReview(
                            question.id(),
                            question.callId(),
                            EventPayload.PlanReview.CHANGES_REQUESTED,
                            null,
                            null,
                            answers.getFirst().strip(),
                            caller.userId(),
                            source.wire()),
                    "plan.changes_requested");
        }
        int asked = data(question).path("questions").size();
        check(answers, asked, "question " + questionId + " asks " + asked + (asked == 1 ? " question" : " questions"));
        return close(
                question,
                Question.Status.ANSWERED,
                caller.userId(),
                new EventPayload.Answer(
                        question.id(),
                        question.callId(),
                        answers.stream().map(String::strip).toList(),
                        caller.userId(),
                        source.wire(),
                        false),
                "question.answer");
    }

    /**
     * Approves the session's waiting plan ({@code planId}, or the one open), as proposed or as the member
     * edited it. 409 when no plan waits; 413 for an edited plan longer than a plan may be.
     */
    public Question approvePlan(Caller caller, String sessionId, Requests.ApprovePlan request, Source source) {
        roles.require(caller, sessionId, Access.Action.PROMPT);
        Question plan;
        if (request.planId() != null) {
            plan = find(sessionId, request.planId());
            if (plan.kind() != Question.Kind.PLAN) {
                throw ApiException.badRequest(
                        request.planId() + " is a question, not a plan: answer it with POST /api/sessions/" + sessionId
                                + "/questions/" + request.planId() + "/answer");
            }
        } else {
            plan = open(sessionId)
                    .filter(q -> q.kind() == Question.Kind.PLAN)
                    .orElseThrow(() -> ApiException.conflict("no plan waits for approval in session " + sessionId
                            + "; a plan-first session's agent proposes one before it changes anything"));
        }
        String proposed = data(plan).path("plan").asText();
        String approved = proposed;
        if (request.plan() != null) {
            if (request.plan().isBlank()) {
                throw ApiException.badRequest("'plan' must not be blank: leave it out to approve the plan as proposed");
            }
            if (request.plan().length() > QuestionRules.MAX_PLAN_CHARS) {
                throw new ApiException(
                        413,
                        "plan_too_large",
                        "the edited plan has " + request.plan().length() + " characters; a plan may have at most "
                                + QuestionRules.MAX_PLAN_CHARS);
            }
            approved = request.plan().strip();
        }
        boolean edited = !approved.equals(proposed);
        return close(
                plan,
                Question.Status.ANSWERED,
                caller.userId(),
                new EventPayload.PlanReview(
                        plan.id(),
                        plan.callId(),
                        EventPayload.PlanReview.APPROVED,
                        approved,
                        edited,
                        null,
                        caller.userId(),
                        source.wire()),
                edited ? "plan.approve_edited" : "plan.approve");
    }

    /**
     * Answers every question whose time ran out for nobody: the agent is told none came and goes on, on
     * this node. Runs on the server's timer; a question answered meanwhile (here or on another node) is
     * left as it is. Returns how many turns it resumed.
     */
    public int expireDue() {
        int resumed = 0;
        for (Question question : store.questions().expired(clock.instant(), EXPIRY_BATCH)) {
            EventPayload timedOut = question.kind() == Question.Kind.PLAN
                    ? new EventPayload.PlanReview(
                            question.id(),
                            question.callId(),
                            EventPayload.PlanReview.TIMED_OUT,
                            null,
                            null,
                            null,
                            null,
                            null)
                    : new EventPayload.Answer(question.id(), question.callId(), null, null, null, true);
            try {
                if (resume(question, Question.Status.TIMED_OUT, null, timedOut) instanceof AnswerResult.Answered) {
                    resumed++;
                }
            } catch (RuntimeException e) {
                LOG.warn("timing out question {} failed; the next check tries again", question.id(), e);
            }
        }
        return resumed;
    }

    private Question find(String sessionId, String questionId) {
        return store.questions()
                .get(questionId)
                .filter(q -> q.sessionId().equals(sessionId))
                .orElseThrow(() -> ApiException.notFound("no question " + questionId + " in session " + sessionId));
    }

    private void check(List<String> answers, int questions, String expected) {
        switch (QuestionRules.checkAnswers(answers, questions, limits)) {
            case WRONG_COUNT ->
                throw ApiException.badRequest(
                        "'answers' needs one answer per question: " + expected + ", got " + answers.size());
            case BLANK -> throw ApiException.badRequest("'answers' holds a blank answer; every answer needs text");
            case TOO_LARGE ->
                throw new ApiException(
                        413,
                        "answer_too_large",
                        "the answers are longer together than a prompt may be (" + limits.maxPromptChars()
                                + " characters)");
            case OK -> {}
        }
    }

    /** Closes the question with its event and runs the turn on; 409 when something else closed it first. */
    private Question close(
            Question question, Question.Status outcome, String userId, EventPayload event, String action) {
        if (!question.open()) {
            throw conflict(question);
        }
        AnswerResult result = resume(question, outcome, userId, event);
        return switch (result) {
            case AnswerResult.Answered answered -> {
                store.audit().record(userId, question.sessionId(), action, question.id(), "ok", null, clock.instant());
                yield answered.question();
            }
            case AnswerResult.Closed closed -> throw conflict(closed.question());
            case AnswerResult.Unknown unknown ->
                throw ApiException.notFound("no question " + question.id() + " in session " + question.sessionId());
        };
    }

    /** The store's answer under the session's log lock (so the event is published in order), then the turn runs. */
    private AnswerResult resume(Question question, Question.Status outcome, String userId, EventPayload event) {
        String sessionId = question.sessionId();
        List<NewEvent> events = log.redacted(sessionId, List.of(NewEvent.of(question.messageId(), event)));
        AtomicReference<AnswerResult> result = new AtomicReference<>();
        Instant now = clock.instant();
        log.appendWith(sessionId, () -> {
            AnswerResult r = store.questions()
                    .answer(question.id(), outcome, userId, events, turns.nodeId(), now.plus(turns.lease()), now);
            result.set(r);
            return r instanceof AnswerResult.Answered answered ? Optional.of(answered.events()) : Optional.empty();
        });
        if (result.get() instanceof AnswerResult.Answered answered) {
            queueChanged.accept(sessionId);
            turns.resume(answered.message());
        }
        return result.get();
    }

    private static ApiException conflict(Question question) {
        String what = question.kind() == Question.Kind.PLAN ? "plan " : "question ";
        return ApiException.conflict(
                switch (question.status()) {
                    case ANSWERED ->
                        what
                                + question.id()
                                + (question.kind() == Question.Kind.PLAN
                                        ? " was already reviewed"
                                        : " was already answered");
                    case TIMED_OUT ->
                        what + question.id() + " timed out at " + question.expiresAt()
                                + "; the agent went on without an answer";
                    case CANCELLED -> what + question.id() + " was cancelled: its turn was stopped";
                    case OPEN -> what + question.id() + " is still open; try again";
                });
    }

    private static JsonNode data(Question question) {
        try {
            return Json.MAPPER.readTree(question.data());
        } catch (Exception e) {
            throw new IllegalStateException("question " + question.id() + " has unreadable data", e);
        }
    }
}
