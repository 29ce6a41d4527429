package dev.nightshift.server.trigger;

import dev.nightshift.core.automation.Automation;
import dev.nightshift.core.model.Message;
import dev.nightshift.core.model.Session;
import dev.nightshift.core.model.Source;
import dev.nightshift.core.model.User;
import dev.nightshift.core.policy.SessionStatusPolicy;
import dev.nightshift.core.port.Store;
import dev.nightshift.core.trigger.Trigger;
import dev.nightshift.core.trigger.TriggerSink;
import dev.nightshift.core.trigger.TriggerSource;
import dev.nightshift.server.auth.Caller;
import dev.nightshift.server.http.ApiException;
import dev.nightshift.server.http.Requests;
import dev.nightshift.server.limits.RateLimits;
import dev.nightshift.server.session.SessionService;
import dev.nightshift.server.session.TurnControl;
import dev.nightshift.triggers.AutomationService;
import dev.nightshift.triggers.TriggerPipeline;
import java.util.Optional;

/**
 * The trigger pipeline's view of this server: the gate (the actor exists and is active, and their
 * trigger budget is not spent; repository policy is the session service's own check) and sessions
 * created and prompted through {@link SessionService} as the actor, so a trigger's session passes
 * every check a person's does. Called on the pipeline's worker threads and the scheduler's thread.
 */
public final class TriggerSessions implements TriggerPipeline.Gate, TriggerPipeline.Sessions, AutomationService.Turns {
    private final Store store;
    private final SessionService sessions;
    private final TurnControl turns;
    private final RateLimits rateLimits;

    public TriggerSessions(Store store, SessionService sessions, TurnControl turns, RateLimits rateLimits) {
        this.store = store;
        this.sessions = sessions;
        this.turns = turns;
        this.rateLimits = rateLimits;
    }

    @Override
    public Optional<String> refusal(Trigger trigger) {
        if (trigger.actorId() == null) {
            return Optional.of("nobody to run it as: the " + trigger.source().wire()
                    + " trigger names no Nightshift user; link your account first");
        }
        Optional<User> user = store.users().byId(trigger.actorId());
        if (user.isEmpty()) {
            return Optional.of("its user " + trigger.actorId() + " no longer exists");
        }
        if (!user.get().active()) {
            return Optional.of("its user " + user.get().login() + " is deactivated; an administrator can "
                    + "reactivate them, or the automation can be given to someone else");
        }
        return rateLimits.takeTrigger(user.get().id());
    }

    @Override
    public void start(Trigger trigger, String sessionId, String messageId) {
        Caller caller = caller(trigger);
        if (store.sessions().get(sessionId).isEmpty()) {
            Optional<Automation> automation = automation(trigger);
            try {
                sessions.create(
                        caller,
                        new Requests.CreateSession(
                                trigger.repository(),
                                trigger.baseBranch(),
                                trigger.workBranch(),
                                automation.map(Automation::model).orElse(null),
                                automation.map(Automation::name).orElse(null),
                                settings(trigger)),
                        source(trigger.source()),
                        sessionId,
                        trigger.origin().toString());
            } catch (ApiException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }
        queue(caller, trigger, sessionId, messageId);
    }

    /**
     * Origins whose sessions only look and report (an automatic review): read-only, nothing is
     * committed or pushed.
     */
    public static final java.util.Set<String> READ_ONLY_ORIGINS =
            java.util.Set.of(dev.nightshift.server.github.GitHubWorkplace.REVIEW_ORIGIN);

    private static Requests.SettingsPatch settings(Trigger trigger) {
        if (READ_ONLY_ORIGINS.contains(trigger.origin().kind())) {
            return new Requests.SettingsPatch(null, null, null, null, null, true);
        }
        // a session on an existing branch works on someone's pull request: it pushes there and never
        // rewrites that pull request's title or body
        return trigger.workBranch() == null ? null : new Requests.SettingsPatch(null, false, null, null, null);
    }

    @Override
    public boolean followUp(Trigger trigger, String sessionId, String messageId) {
        Optional<Session> session = store.sessions().get(sessionId);
        if (session.isEmpty()
                || !SessionStatusPolicy.acceptsPrompts(session.get().status())) {
            return false;
        }
        queue(caller(trigger), trigger, sessionId, messageId);
        return true;
    }

    private void queue(Caller caller, Trigger trigger, String sessionId, String messageId) {
        try {
            sessions.prompt(
                    caller,
                    sessionId,
                    new Requests.Prompt(trigger.prompt(), trigger.id(), null),
                    source(trigger.source()),
                    messageId);
        } catch (ApiException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private Caller caller(Trigger trigger) {
        User user = store.users()
                .byId(trigger.actorId())
                .orElseThrow(() -> new IllegalStateException("its user " + trigger.actorId() + " no longer exists"));
        return Caller.actingFor(user, "trigger " + trigger.id());
    }

    private Optional<Automation> automation(Trigger trigger) {
        if (!AutomationService.ORIGIN_KIND.equals(trigger.origin().kind())) {
            return Optional.empty();
        }
        return AutomationService.parseOrigin(trigger.origin().toString())
                .flatMap(ids -> store.automations().find(ids[0]));
    }

    private static Source source(TriggerSource source) {
        return switch (source) {
            case SCHEDULE -> Source.SCHEDULE;
            case WEBHOOK, SIGNED -> Source.WEBHOOK;
            case SLACK -> Source.SLACK;
            case GITHUB -> Source.GITHUB;
            case LINEAR -> Source.LINEAR;
        };
    }

    @Override
    public Optional<TriggerSink.TurnOutcome> outcome(String sessionId, String messageId) {
        Optional<Message> message = store.messages().get(messageId);
        if (message.isEmpty()) {
            return Optional.of(new TriggerSink.TurnOutcome(sessionId, false, "its prompt is gone"));
        }
        return outcome(message.get());
    }

    /** How a finished prompt ended, or empty while it is pending or running. */
    public static Optional<TriggerSink.TurnOutcome> outcome(Message message) {
        return switch (message.status()) {
            case COMPLETED -> Optional.of(new TriggerSink.TurnOutcome(message.sessionId(), true, ""));
            case FAILED ->
                Optional.of(new TriggerSink.TurnOutcome(
                        message.sessionId(), false, message.error() == null ? "the turn failed" : message.error()));
            case CANCELLED ->
                Optional.of(new TriggerSink.TurnOutcome(message.sessionId(), false, "its prompt was cancelled"));
            default -> Optional.empty();
        };
    }

    @Override
    public void stop(String sessionId) {
        turns.stop(sessionId);
    }
}
