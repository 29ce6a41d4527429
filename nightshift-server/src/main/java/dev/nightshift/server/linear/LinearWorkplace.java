package dev.nightshift.server.linear;

import dev.nightshift.core.model.Artifact;
import dev.nightshift.core.model.Identity;
import dev.nightshift.core.model.Question;
import dev.nightshift.core.model.Source;
import dev.nightshift.core.model.User;
import dev.nightshift.core.policy.QuestionRules;
import dev.nightshift.core.port.Store;
import dev.nightshift.core.trigger.NewTrigger;
import dev.nightshift.core.trigger.Origin;
import dev.nightshift.core.trigger.Trigger;
import dev.nightshift.core.trigger.TriggerSink;
import dev.nightshift.core.trigger.TriggerSource;
import dev.nightshift.linear.LinearClient;
import dev.nightshift.linear.LinearEvent;
import dev.nightshift.linear.LinearText;
import dev.nightshift.linear.RepositoryMapping;
import dev.nightshift.linear.WorkflowStates;
import dev.nightshift.server.auth.Caller;
import dev.nightshift.server.auth.SignIn;
import dev.nightshift.server.http.ApiException;
import dev.nightshift.server.http.Json;
import dev.nightshift.server.http.Requests;
import dev.nightshift.server.question.Questions;
import dev.nightshift.server.session.SessionProgress;
import dev.nightshift.server.session.TurnControl;
import dev.nightshift.triggers.TriggerPipeline;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Linear as a place to hand work to the agent: an issue assigned or delegated to the Nightshift app
 * user, or an agent session Linear opens for it, starts a session with the issue as context, on the
 * repository its team or labels map to; a comment (or a prompt in the agent session) on the same
 * issue is a follow-up, and {@code stop} stops the turn. The issue moves to its team's started state
 * when work begins and to its review state when the pull request opens, with the pull request
 * attached; progress is reported as agent activities when Linear opened an agent session, otherwise
 * as comments.
 *
 * <p>Who acts: sessions run as the Nightshift user linked to the Linear user who asked (an identity
 * of kind {@code linear}, issuer the workspace id, subject the Linear user id). Someone not linked yet
 * is linked on first contact — giving an issue to the app, mentioning it, prompting its agent session
 * or commenting on an issue it works on — when the admission policy admits the e-mail address of
 * their Linear account, which Linear has verified (Linear accounts sign in with their e-mail). A
 * deactivated Linear account and an application's user are never linked, nor is anyone the policy
 * refuses. Who is not linked gets no session; when they gave the app an issue or mentioned it, a
 * reply on the issue tells them to ask an administrator (without their address or the policy: the
 * whole workspace reads it), and their comments and prompts are ignored. Nothing about a person is
 * cached between deliveries: each first contact asks Linear and the policy again. Linear is called
 * with the app's own token ({@link LinearInstallation}: an installation made through OAuth, renewed
 * as it expires, or a static token). Every call is audited. Threads: {@link #handle} on the webhook's request
 * thread (it records the trigger before answering); the sink on the pipeline's threads.
 */
public final class LinearWorkplace {
    private static final Logger LOG = LoggerFactory.getLogger(LinearWorkplace.class);
    /** The origin kind of a Linear issue's sessions: {@code linear:<issue id>}. */
    public static final String ORIGIN = "linear";

    private static final String ARTIFACT = "linear";
    private static final int MAX_PROMPT_CHARS = 24_000;
    private static final int MAX_SUMMARY_CHARS = 3_000;

    private final Store store;
    private final TriggerPipeline pipeline;
    private final LinearClient linear;
    private final SignIn signIn;
    private final RepositoryMapping repositories;
    private final TurnControl turns;
    private final Supplier<String> baseUrl;
    private final Clock clock;
    private final Questions questions;
    private final Supplier<String> installation;
    /** The app user of one installation: another installation (another workspace, perhaps) has another. */
    private record AppUser(String installation, String id) {}

    private volatile AppUser appUser;

    /**
     * @param installation which installation Linear is called with now ({@link LinearInstallation#key}):
     *     the app user is asked for again when it changes
     */
    public LinearWorkplace(
            Store store,
            TriggerPipeline pipeline,
            LinearClient linear,
            SignIn signIn,
            RepositoryMapping repositories,
            TurnControl turns,
            Supplier<String> baseUrl,
            Clock clock,
            Supplier<String> installation,
            Questions questions) {
        this.installation = installation;
        this.questions = questions;
        this.store = store;
        this.pipeline = pipeline;
        this.linear = linear;
        this.signIn = signIn;
        this.repositories = repositories;
        this.turns = turns;
        this.baseUrl = baseUrl;
        this.clock = clock;
        pipeline.sink(ORIGIN, new Sink());
    }

    /** The app user's id (asked once per installation): issues given to it are Nightshift's. */
    private String appUser() {
        String key = installation.get();
        AppUser known = appUser;
        if (known == null || !known.installation().equals(key)) {
            known = new AppUser(key, linear.viewerId());
            appUser = known;
        }
        return known.id();
    }

    /** Acts on one verified, first-seen delivery; returns what was done. */
    public String handle(LinearEvent event) {
        try {
            return switch (event) {
                case LinearEvent.IssueAssigned assigned -> assigned(assigned);
                case LinearEvent.CommentCreated comment -> comment(comment);
                case LinearEvent.AgentSessionEvent session -> agentSession(session);
            };
        } catch (RuntimeException e) {
            LOG.warn("handling a Linear {} failed", event.getClass().getSimpleName(), e);
            audit(null, "linear.event", event.getClass().getSimpleName(), "failed", e.getMessage());
            return "failed: " + e.getMessage();
        }
    }

    private String assigned(LinearEvent.IssueAssigned a) {
        if (!a.isFor(appUser())) {
            return "ignored: not assigned to Nightshift";
        }
        return start(a.organizationId(), a.issueId(), a.actorId(), null, "", "assigned:" + a.deliveryKey());
    }

    private String agentSession(LinearEvent.AgentSessionEvent s) {
        if (s.action() == LinearEvent.AgentSessionEvent.Action.CREATED) {
            return start(
                    s.organizationId(),
                    s.issueId(),
                    s.actorId(),
                    s.agentSessionId(),
                    "",
                    "agent:" + s.agentSessionId());
        }
        return followUp(
                s.organizationId(), s.issueId(), s.actorId(), s.stopRequested() ? "stop" : s.prompt(), s.deliveryKey());
    }

    private String comment(LinearEvent.CommentCreated c) {
        if (c.userId().equals(appUser())) {
            return "ignored: our own comment";
        }
        if (pipeline.forOrigin(new Origin(ORIGIN, c.issueId())).isEmpty()) {
            return "ignored: no session on this issue";
        }
        return followUp(c.organizationId(), c.issueId(), c.userId(), c.body(), "comment:" + c.commentId());
    }

    /** A new session for the issue, as the Linear user who asked. */
    private String start(
            String organizationId,
            String issueId,
            String actorId,
            String agentSessionId,
            String request,
            String dedupe) {
        Optional<User> user = person(organizationId, actorId);
        if (user.isEmpty()) {
            say(issueId, agentSessionId, unlinked());
            audit(null, "linear.ignored", issueId, "ignored", "unlinked Linear user " + actorId);
            return "ignored: unlinked";
        }
        LinearClient.Issue issue = linear.issue(issueId);
        audit(
                user.get().id(),
                "linear.read",
                issue.identifier(),
                "ok",
                "issue and " + issue.comments().size() + " comments");
        Optional<String> repository = repositories.resolve(issue.teamKey(), issue.labels());
        if (repository.isEmpty()) {
            say(
                    issueId,
                    agentSessionId,
                    "No repository is set for team " + issue.teamKey()
                            + " or these labels: an administrator maps them in NIGHTSHIFT_LINEAR_REPOSITORIES.");
            audit(
                    user.get().id(),
                    "linear.ignored",
                    issue.identifier(),
                    "ignored",
                    "no repository for team " + issue.teamKey());
            return "ignored: no repository";
        }
        String prompt = "Work on Linear issue " + issue.identifier() + " (" + issue.url() + ")"
                + (request.isBlank() ? "" : ": " + request) + ".\n\n"
                + LinearText.prompt(issue.title(), issue.description(), issue.comments(), MAX_PROMPT_CHARS - 1_000);
        if (agentSessionId != null) {
            agentSessions.put(issueId, agentSessionId);
        }
        NewTrigger trigger = new NewTrigger(
                TriggerPipeline.newTriggerId(),
                TriggerSource.LINEAR,
                user.get().id(),
                repository.get(),
                null,
                prompt.length() > MAX_PROMPT_CHARS ? prompt.substring(0, MAX_PROMPT_CHARS) : prompt,
                dedupe,
                new Origin(ORIGIN, issueId),
                null);
        pipeline.record(trigger);
        audit(user.get().id(), "linear.start", issue.identifier(), "ok", trigger.id());
        return "started: " + trigger.id();
    }

    /** A comment or prompt on an issue whose session exists: a follow-up, or a stop. */
    private String followUp(String organizationId, String issueId, String actorId, String text, String dedupe) {
        Optional<Trigger> bound = pipeline.forOrigin(new Origin(ORIGIN, issueId));
        if (bound.isEmpty()) {
            return "ignored: no session on this issue";
        }
        Optional<User> user = person(organizationId, actorId);
        if (user.isEmpty()) {
            audit(null, "linear.ignored", issueId, "ignored", "unlinked Linear user " + actorId);
            return "ignored: unlinked";
        }
        if (text == null || text.isBlank()) {
            return "ignored: empty";
        }
        if (text.strip().equalsIgnoreCase("stop")) {
            turns.stop(bound.get().sessionId());
            audit(user.get().id(), "linear.stop", issueId, "ok", bound.get().sessionId());
            return "stopped";
        }
        Optional<Question> waiting = questions.open(bound.get().sessionId());
        if (waiting.isPresent()) {
            // the turn waits for an answer: the comment (or prompt) is the answer, not a follow-up
            return answer(user.get(), waiting.get(), issueId, text.strip());
        }
        NewTrigger trigger = new NewTrigger(
                TriggerPipeline.newTriggerId(),
                TriggerSource.LINEAR,
                user.get().id(),
                bound.get().repository(),
                bound.get().baseBranch(),
                text.length() > MAX_PROMPT_CHARS ? text.substring(0, MAX_PROMPT_CHARS) : text,
                dedupe,
                new Origin(ORIGIN, issueId),
                null);
        pipeline.record(trigger);
        audit(user.get().id(), "linear.follow_up", issueId, "ok", trigger.id());
        return "follow-up: " + trigger.id();
    }

    // ---------------------------------------------------------------- the agent's questions

    /**
     * A turn of a session this issue started asks: the question (or plan) goes to the issue, as an
     * elicitation in its agent session or as a comment, and the next comment answers it. Called on the
     * turn's thread; Linear is called on a virtual thread of its own.
     */
    public void questionAsked(Question question) {
        String origin = store.sessions()
                .get(question.sessionId())
                .map(dev.nightshift.core.model.Session::origin)
                .orElse(null);
        if (origin == null || !origin.startsWith(ORIGIN + ":")) {
            return;
        }
        String issueId = origin.substring(ORIGIN.length() + 1);
        String text = questionText(question);
        Thread.ofVirtual().name("linear-question-" + question.id()).start(() -> {
            try {
                String session = agentSessions.get(issueId);
                if (session != null) {
                    linear.agentActivity(session, LinearClient.ActivityType.ELICITATION, text);
                    audit(null, "linear.activity", issueId, "ok", "elicitation " + question.id());
                } else {
                    linear.comment(issueId, text);
                    audit(null, "linear.comment", issueId, "ok", "question " + question.id());
                }
            } catch (RuntimeException e) {
                LOG.warn("asking {} on Linear issue {} failed", question.id(), issueId, e);
                audit(null, "linear.question", issueId, "failed", String.valueOf(e.getMessage()));
            }
        });
    }

    /** The question or plan as Markdown, with how to answer it by a comment. */
    private String questionText(Question question) {
        com.fasterxml.jackson.databind.JsonNode data = Json.tree(question.data());
        String session = baseUrl.get() + "/sessions/" + question.sessionId();
        if (question.kind() == Question.Kind.PLAN) {
            return "**The agent proposes a plan** and waits for approval:\n\n"
                    + data.path("plan").asText()
                    + "\n\nReply *approve* to approve it, or reply with the changes you want (or review it in the "
                    + "session: " + session + ").";
        }
        StringBuilder out = new StringBuilder("**The agent asks:**\n");
        int n = 0;
        for (com.fasterxml.jackson.databind.JsonNode q : data.path("questions")) {
            out.append('\n').append(++n).append(". ").append(q.path("question").asText());
            char letter = 'a';
            for (com.fasterxml.jackson.databind.JsonNode option : q.path("options")) {
                out.append("\n   ").append(letter++).append(") ").append(option.asText());
            }
        }
        out.append("\n\n")
                .append(
                        n == 1
                                ? "Reply to answer (an option's letter or your own words)."
                                : "Reply with one line per question, in order (an option's letter or your own words).")
                .append(" Session: ")
                .append(session);
        return out.toString();
    }

    /** A comment or prompt while the turn waits: the answer, given as the linked person (a member of the session). */
    private String answer(User person, Question question, String issueId, String reply) {
        Caller caller = Caller.actingFor(person, "linear");
        try {
            if (question.kind() == Question.Kind.PLAN) {
                if (QuestionRules.approves(reply)) {
                    questions.approvePlan(
                            caller, question.sessionId(), new Requests.ApprovePlan(question.id(), null), Source.LINEAR);
                } else {
                    questions.answer(
                            caller,
                            question.sessionId(),
                            question.id(),
                            new Requests.Answer(List.of(reply)),
                            Source.LINEAR);
                }
            } else {
                List<List<String>> options = new java.util.ArrayList<>();
                for (com.fasterxml.jackson.databind.JsonNode q :
                        Json.tree(question.data()).path("questions")) {
                    List<String> choices = new java.util.ArrayList<>();
                    q.path("options").forEach(o -> choices.add(o.asText()));
                    options.add(choices);
                }
                Optional<List<String>> answers = QuestionRules.readReply(options, reply);
                if (answers.isEmpty()) {
                    say(
                            issueId,
                            null,
                            "The agent asked " + options.size() + " questions: reply with one line per question, in "
                                    + "order, in one comment.");
                    return "ignored: the reply does not answer the " + options.size() + " questions";
                }
                questions.answer(
                        caller, question.sessionId(), question.id(), new Requests.Answer(answers.get()), Source.LINEAR);
            }
        } catch (ApiException e) {
            say(issueId, null, "That reply could not answer the agent: " + e.getMessage());
            audit(person.id(), "linear.answer", question.id(), "refused", e.getMessage());
            return "ignored: " + e.getMessage();
        }
        audit(person.id(), "linear.answer", question.id(), "ok", question.sessionId());
        return "answered: " + question.id();
    }

    /**
     * What an unlinked person is told on the issue, which the whole workspace reads: whom to ask and
     * what for, never their address, the admission rules or a link that would connect an account.
     */
    private String unlinked() {
        String contact = signIn.contact();
        return "I can only work for people whose Linear account is linked to Nightshift. "
                + "Ask a Nightshift administrator" + (contact.isBlank() ? "" : " (" + contact + ")")
                + " to admit the e-mail address of your Linear account to " + baseUrl.get()
                + ", or to link your Linear account to your Nightshift user, then try again.";
    }

    /**
     * The Nightshift user of a Linear user: their linked identity, else — on first contact — a
     * sign-in with the e-mail address of their Linear account, which the admission policy decides
     * on and which links them. Empty when they are not admitted (the refusal is audited by the
     * sign-in), have no address, are deactivated in Linear or are an application, or when their
     * linked Nightshift user is deactivated. A failure to reach Linear propagates: the delivery
     * fails and Linear sends it again.
     */
    private Optional<User> person(String organizationId, String linearUserId) {
        if (linearUserId == null || linearUserId.isBlank()) {
            return Optional.empty();
        }
        Optional<Identity> linked = store.identities().find("linear", organizationId, linearUserId);
        if (linked.isPresent()) {
            return store.users().byId(linked.get().userId()).filter(User::active);
        }
        Optional<LinearClient.User> member = linear.user(linearUserId);
        String refusal = member.isEmpty()
                ? "unknown to Linear"
                : member.get().app()
                        ? "an application, not a person"
                        : !member.get().active()
                                ? "deactivated in Linear"
                                : member.get().email().indexOf('@') < 1 ? "without an e-mail address" : null;
        audit(null, "linear.read", "user " + linearUserId, "ok", refusal == null ? "for first contact" : refusal);
        if (refusal != null) {
            return Optional.empty();
        }
        String email = member.get().email();
        String name = member.get().name().isBlank()
                ? email.substring(0, email.indexOf('@'))
                : member.get().name();
        try {
            // no login: Linear has none of its own, and admission would match a made-up one against
            // the logins listed for other providers; the policy weighs only the verified address
            // the user who has this address already, or a new one
            return Optional.of(signIn.firstContact(new SignIn.Account(
                    "linear", organizationId, linearUserId, null, name, email, List.of(email), Set.of(), Set.of())));
        } catch (ApiException notAdmitted) {
            return Optional.empty(); // audited by the sign-in; the caller says whom to ask
        }
    }

    /** Agent sessions Linear opened, by issue: progress goes there as activities. */
    private final Map<String, String> agentSessions = new java.util.concurrent.ConcurrentHashMap<>();

    /** Says something on the issue: an activity in its agent session, else a comment. */
    private void say(String issueId, String agentSessionId, String text) {
        String session = agentSessionId != null ? agentSessionId : agentSessions.get(issueId);
        if (session != null) {
            linear.agentActivity(session, LinearClient.ActivityType.RESPONSE, text);
            audit(null, "linear.activity", issueId, "ok", "response");
        } else {
            linear.comment(issueId, text);
            audit(null, "linear.comment", issueId, "ok", null);
        }
    }

    private void move(String issueId, boolean review) {
        LinearClient.Issue issue = linear.issue(issueId);
        List<LinearClient.State> states = linear.teamStates(issue.teamId());
        Optional<LinearClient.State> target = review ? WorkflowStates.review(states) : WorkflowStates.started(states);
        if (target.isPresent()
                && !target.get().id().equals(issue.state().id())
                && (review || !WorkflowStates.startedOrDone(issue.state()))) {
            linear.moveIssue(issueId, target.get().id());
            audit(null, "linear.move", issue.identifier(), "ok", target.get().name());
        }
    }

    private final class Sink implements TriggerSink {
        @Override
        public void started(Trigger trigger, String sessionId) {
            String issueId = trigger.origin().id();
            String session = agentSessions.get(issueId);
            String text = "Working on it in a Nightshift session: " + baseUrl.get() + "/sessions/" + sessionId;
            // the person hears first; moving the issue takes three more round trips
            if (session != null) {
                linear.agentActivity(session, LinearClient.ActivityType.THOUGHT, text);
            } else {
                linear.comment(issueId, text);
            }
            move(issueId, false);
            audit(trigger.actorId(), "linear.status", issueId, "ok", "started " + sessionId);
        }

        @Override
        public void refused(Trigger trigger, String reason) {
            say(trigger.origin().id(), null, "I could not start: " + reason);
        }

        @Override
        public void turnEnded(Trigger trigger, TurnOutcome outcome) {
            String issueId = trigger.origin().id();
            Optional<Artifact> pr = store.artifacts().list(outcome.sessionId()).stream()
                    .filter(a -> a.type().equals("pr")
                            && a.url() != null
                            && !a.data().contains("\"fallback\""))
                    .findFirst();
            if (pr.isPresent() && !attached(outcome.sessionId(), pr.get().url())) {
                linear.attachUrl(issueId, pr.get().url(), "Pull request");
                store.artifacts()
                        .add(
                                outcome.sessionId(),
                                ARTIFACT,
                                pr.get().url(),
                                Json.write(Map.of("attached", pr.get().url())),
                                clock.instant());
                audit(
                        trigger.actorId(),
                        "linear.attach",
                        issueId,
                        "ok",
                        pr.get().url());
                move(issueId, true);
            }
            StringBuilder text =
                    new StringBuilder(outcome.succeeded() ? "Done." : "The turn failed: " + outcome.error());
            String summary = SessionProgress.read(store, outcome.sessionId()).lastAnswer();
            if (!summary.isBlank()) {
                text.append("\n\n")
                        .append(
                                summary.length() > MAX_SUMMARY_CHARS
                                        ? summary.substring(0, MAX_SUMMARY_CHARS) + " …"
                                        : summary);
            }
            pr.ifPresent(p -> text.append("\n\nPull request: ").append(p.url()));
            text.append("\n\nSession: ")
                    .append(baseUrl.get())
                    .append("/sessions/")
                    .append(outcome.sessionId());
            say(issueId, null, text.toString());
        }

        private boolean attached(String sessionId, String url) {
            return store.artifacts().list(sessionId).stream()
                    .anyMatch(a -> a.type().equals(ARTIFACT) && url.equals(a.url()));
        }
    }

    private void audit(String userId, String action, String target, String outcome, String detail) {
        store.audit().record(userId, null, action, target, outcome, detail, clock.instant());
    }
}
