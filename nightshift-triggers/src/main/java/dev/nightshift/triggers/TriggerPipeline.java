package dev.nightshift.triggers;

import dev.nightshift.core.port.TriggerStore;
import dev.nightshift.core.trigger.NewTrigger;
import dev.nightshift.core.trigger.Origin;
import dev.nightshift.core.trigger.Trigger;
import dev.nightshift.core.trigger.TriggerSink;
import dev.nightshift.core.trigger.TriggerStatus;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way every start that is not a person typing becomes a session: a schedule, a webhook, a
 * signed delivery, and later a chat thread, an issue or a PR comment.
 *
 * <ol>
 *   <li>The trigger is stored ({@code received}) before its origin is acknowledged, so a crash after
 *       the acknowledgement loses nothing: {@link #recover} finds it again.
 *   <li>A node takes it under a lease ({@link TriggerStore#claim}), so two nodes never work on it
 *       at once and a dead node's trigger is taken over when the lease lapses.
 *   <li>The {@link Gate} checks admission, repository policy and rate limits.
 *   <li>A session is created as the actor, with the prompt queued, or the prompt is queued as a
 *       follow-up on the session already bound to the same origin. The session's and the prompt's
 *       ids are derived from the trigger's ({@link #sessionIdFor}, {@link #messageIdFor}), so doing
 *       it again after a crash finds what the first attempt made instead of making a second one.
 *   <li>The origin's {@link TriggerSink} hears that it started or was refused, and later how the
 *       turn ended ({@link #turnEnded}).
 * </ol>
 *
 * <p>Threads: {@link #submit} returns at once and works on a virtual thread; {@link #recover} runs on
 * the pipeline's own timer; {@link #turnEnded} on the thread that ended the turn. Everything is
 * thread-safe; the store's conditional writes decide races between nodes.
 */
public final class TriggerPipeline implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TriggerPipeline.class);
    /** How long a node holds a trigger it works on before another node may take it over. */
    public static final Duration DEFAULT_LEASE = Duration.ofSeconds(30);
    /** How often unfinished triggers (a crash, a lapsed lease) are looked for. */
    public static final Duration DEFAULT_RECOVERY_PERIOD = Duration.ofSeconds(10);

    private static final String TRIGGER_PREFIX = "trg_";
    /**
     * The origin kind of a trigger that follows up on one existing session, named by its id ({@code
     * session:<id>}): it never starts a new one.
     */
    public static final String SESSION_ORIGIN = "session";

    private static final int RECOVERY_BATCH = 100;

    /** Admission, repository policy and rate limits: the reason a trigger may not start, or empty. */
    @FunctionalInterface
    public interface Gate {
        Optional<String> refusal(Trigger trigger);
    }

    /**
     * Sessions as the pipeline needs them; the server implements it over its session service, so a
     * trigger's session is checked like any other. Called on the pipeline's threads.
     */
    public interface Sessions {
        /**
         * Creates session {@code sessionId} as the trigger's actor, on its repository and base branch,
         * with the trigger's prompt queued as message {@code messageId}. When the session exists
         * already (an earlier attempt crashed midway) only what is missing is done.
         *
         * @throws RuntimeException with a message for the origin when the session may not be created
         */
        void start(Trigger trigger, String sessionId, String messageId);

        /**
         * Queues the trigger's prompt as message {@code messageId} on an existing session; false when
         * that session takes no more prompts (archived or gone) and a new one should be started.
         */
        boolean followUp(Trigger trigger, String sessionId, String messageId);
    }

    private final TriggerStore triggers;
    private final Gate gate;
    private final Sessions sessions;
    private final Map<String, TriggerSink> sinks = new ConcurrentHashMap<>();
    private final String nodeId;
    private final Clock clock;
    private final Duration lease;
    private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "trigger-recovery");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean closed;

    public TriggerPipeline(
            TriggerStore triggers, Gate gate, Sessions sessions, String nodeId, Duration lease, Clock clock) {
        this.triggers = triggers;
        this.gate = gate;
        this.sessions = sessions;
        this.nodeId = nodeId;
        this.lease = lease;
        this.clock = clock;
    }

    /** Tells the origins of kind {@code originKind} (e.g. {@code automation}) what became of their triggers. */
    public void sink(String originKind, TriggerSink sink) {
        sinks.put(originKind, sink);
    }

    /**
     * Finishes what a crash left unfinished, then keeps looking every {@code period}.
     *
     * @param exclusive true when no other node can share the store (SQLite): a lease held when this node
     *     starts is then a dead process's, taken over at once instead of after it lapses
     */
    public void start(Duration period, boolean exclusive) {
        if (exclusive) {
            triggers.releaseLeases();
        }
        timer.scheduleWithFixedDelay(this::recoverQuietly, 0, period.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** A new trigger id; the session and prompt it makes get ids derived from it. */
    public static String newTriggerId() {
        return dev.nightshift.core.Ids.newId("trg");
    }

    /** The id of the session a trigger creates. */
    public static String sessionIdFor(String triggerId) {
        return "ses_" + suffix(triggerId);
    }

    /** The id of the prompt a trigger queues. */
    public static String messageIdFor(String triggerId) {
        return "msg_" + suffix(triggerId);
    }

    /** The trigger that queued a prompt, when it was one. */
    public static Optional<String> triggerIdFor(String messageId) {
        return messageId != null && messageId.startsWith("msg_")
                ? Optional.of(TRIGGER_PREFIX + messageId.substring(4))
                : Optional.empty();
    }

    private static String suffix(String triggerId) {
        if (!triggerId.startsWith(TRIGGER_PREFIX)) {
            throw new IllegalArgumentException("not a trigger id: " + triggerId);
        }
        return triggerId.substring(TRIGGER_PREFIX.length());
    }

    /**
     * Stores a trigger (a repeat of its source and dedupe key finds the first one), then works on it
     * in the background. Returns once it is durable: only then may the origin be acknowledged.
     */
    public TriggerStore.Recorded record(NewTrigger trigger) {
        TriggerStore.Recorded recorded = triggers.record(trigger, clock.instant());
        if (recorded.created()) {
            submit(recorded.trigger().id());
        }
        return recorded;
    }

    /**
     * Works on a stored trigger in the background; the future completes with its state afterwards
     * (still unfinished when another node holds it).
     */
    public CompletableFuture<Trigger> submit(String triggerId) {
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("the trigger pipeline is closed"));
        }
        return CompletableFuture.supplyAsync(() -> process(triggerId), workers);
    }

    /** Works on every unfinished trigger nobody holds (after a crash, or a node gone); returns how many. */
    public int recover() {
        List<Trigger> pending = triggers.pending(RECOVERY_BATCH, clock.instant());
        for (Trigger trigger : pending) {
            if (closed) {
                break;
            }
            process(trigger.id());
        }
        return pending.size();
    }

    private void recoverQuietly() {
        try {
            recover();
        } catch (RuntimeException e) {
            LOG.warn("looking for unfinished triggers failed; will retry", e);
        }
    }

    /** Takes the trigger, gates it, starts or follows up its session and tells its origin. */
    private Trigger process(String triggerId) {
        if (!triggers.claim(triggerId, nodeId, clock.instant().plus(lease), clock.instant())) {
            return triggers.find(triggerId).orElse(null);
        }
        Trigger trigger = triggers.find(triggerId).orElseThrow();
        Optional<String> refusal;
        try {
            refusal = gate.refusal(trigger);
        } catch (RuntimeException e) {
            LOG.warn("checking trigger {} failed; it is retried", triggerId, e);
            return trigger;
        }
        if (refusal.isPresent()) {
            return end(trigger, TriggerStatus.REFUSED, null, refusal.get());
        }
        String sessionId;
        try {
            sessionId = startOrFollowUp(trigger);
        } catch (RuntimeException e) {
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            LOG.info("trigger {} could not start a session: {}", triggerId, reason);
            return end(trigger, TriggerStatus.FAILED, null, reason);
        }
        return end(trigger, TriggerStatus.STARTED, sessionId, null);
    }

    private String startOrFollowUp(Trigger trigger) {
        String messageId = messageIdFor(trigger.id());
        if (SESSION_ORIGIN.equals(trigger.origin().kind())) {
            // a follow-up on one named session (a failing check on the branch it pushed)
            if (sessions.followUp(trigger, trigger.origin().id(), messageId)) {
                return trigger.origin().id();
            }
            throw new IllegalStateException("session " + trigger.origin().id() + " takes no more prompts");
        }
        Optional<Trigger> bound = triggers.forOrigin(trigger.origin())
                .filter(earlier -> !earlier.id().equals(trigger.id()) && earlier.sessionId() != null);
        if (bound.isPresent() && sessions.followUp(trigger, bound.get().sessionId(), messageId)) {
            return bound.get().sessionId();
        }
        String sessionId = sessionIdFor(trigger.id());
        sessions.start(trigger, sessionId, messageId);
        return sessionId;
    }

    private Trigger end(Trigger trigger, TriggerStatus status, String sessionId, String reason) {
        triggers.finish(trigger.id(), status, sessionId, reason, clock.instant());
        Trigger ended = triggers.find(trigger.id()).orElseThrow();
        tell(ended);
        return ended;
    }

    /** Tells a finished trigger's origin what became of it (again, when reconciling). */
    public void tell(Trigger trigger) {
        TriggerSink sink = sinks.get(trigger.origin().kind());
        if (sink == null || !trigger.status().terminal()) {
            return;
        }
        try {
            if (trigger.status() == TriggerStatus.STARTED) {
                sink.started(trigger, trigger.sessionId());
            } else {
                sink.refused(
                        trigger, trigger.reason() == null ? trigger.status().wire() : trigger.reason());
            }
        } catch (RuntimeException e) {
            LOG.warn("telling {} about trigger {} failed", trigger.origin(), trigger.id(), e);
        }
    }

    /**
     * A turn ended: when its prompt came from a trigger, that trigger's origin hears how, on a worker
     * thread. Called on the thread that ended the turn, which it holds up for one lookup by id only.
     */
    public void turnEnded(String messageId, TriggerSink.TurnOutcome outcome) {
        Optional<Trigger> trigger = triggerIdFor(messageId).flatMap(triggers::find);
        if (trigger.isEmpty()) {
            return;
        }
        TriggerSink sink = sinks.get(trigger.get().origin().kind());
        if (sink == null || closed) {
            return;
        }
        // on a worker: a chat or tracker that is slow or down never holds up the session's next turn
        workers.execute(() -> {
            try {
                sink.turnEnded(trigger.get(), outcome);
            } catch (RuntimeException e) {
                LOG.warn(
                        "telling {} how trigger {} ended failed",
                        trigger.get().origin(),
                        trigger.get().id(),
                        e);
            }
        });
    }

    public Optional<Trigger> find(String triggerId) {
        return triggers.find(triggerId);
    }

    /** The newest trigger that started or followed up a session from this origin. */
    public Optional<Trigger> forOrigin(Origin origin) {
        return triggers.forOrigin(origin);
    }

    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
        workers.shutdown();
        try {
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
