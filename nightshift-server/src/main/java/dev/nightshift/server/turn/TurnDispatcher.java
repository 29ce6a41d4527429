package dev.nightshift.server.turn;

import dev.nightshift.core.Ids;
import dev.nightshift.core.event.EventPayload;
import dev.nightshift.core.model.Attachment;
import dev.nightshift.core.model.Message;
import dev.nightshift.core.model.MessageStatus;
import dev.nightshift.core.model.NewEvent;
import dev.nightshift.core.model.NewQuestion;
import dev.nightshift.core.model.Question;
import dev.nightshift.core.model.Session;
import dev.nightshift.core.model.SessionStatus;
import dev.nightshift.core.policy.SessionStatusPolicy;
import dev.nightshift.core.port.Ask;
import dev.nightshift.core.port.MessageStore;
import dev.nightshift.core.port.PostTurnHook;
import dev.nightshift.core.port.Store;
import dev.nightshift.core.port.TurnExecutor;
import dev.nightshift.core.port.TurnSuspended;
import dev.nightshift.server.live.EventLog;
import dev.nightshift.server.session.Attachments;
import dev.nightshift.server.session.TurnControl;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Claims prompts from the durable queue and runs them, one at a time per session, each on its own
 * virtual thread. The database decides who runs what (conditional claim, one {@code processing}
 * per session); this class only keeps the local threads busy.
 *
 * <p>A claimed prompt carries a lease that this node renews. When a node dies its leases lapse and
 * another node (or this one after a restart) takes the prompt over and runs it as a resumed turn.
 * {@link #stop} ends the running turn at once: the message is marked failed ("stopped") and the
 * executor is signalled; an executor that ignores the signal is abandoned after a grace period so
 * the queue goes on.
 *
 * <p>A turn that asks a person ({@link dev.nightshift.core.port.Turn#ask}) ends for now: its prompt
 * becomes {@code waiting} in the same transaction as the question, no node owns it and its threads
 * end, and the session's queue waits behind it. An answer or the question's timeout makes the prompt
 * processing again, claimed by the node that took it, which {@link #resume}s it as a resumed turn (no
 * {@code turn_resumed} event: nothing died); {@link #stop} ends a waiting prompt too.
 */
public final class TurnDispatcher implements TurnControl, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TurnDispatcher.class);
    public static final String STOPPED = "stopped";
    /** How long a stopped executor may take to return before it is abandoned (OI waits 15 s too). */
    public static final Duration DEFAULT_STOP_GRACE = Duration.ofSeconds(15);

    private final Store store;
    private final EventLog log;
    private final TurnExecutor executor;
    private final PostTurnHook postTurn;
    private final Consumer<String> queueChanged;
    private final String nodeId;
    private final Duration lease;
    private final Clock clock;
    private final Duration stopGrace;
    private final TurnSandboxes sandboxes;
    private final RunningTurns active;
    private final Consumer<Message> turnEnded;
    private final Attachments attachments;
    private final Duration questionTimeout;
    private final Consumer<Question> questionAsked;
    private final Map<String, SessionRunner> runners = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "turn-leases");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean closed;

    /**
     * @param sandboxes the sessions' sandboxes ({@link TurnSandboxes#NONE} on a server without them)
     * @param running where this dispatcher records its running turns; the sandbox manager reads it too
     * @param turnEnded told, on the thread that ended it, when a prompt finished (completed, failed or
     *     stopped): the message as stored then. It must return quickly and never throw.
     * @param attachments prompts' files: logged with their prompt, placed in the workspace before its turn
     * @param questionTimeout how long a turn waits for an answer to its question (or a review of its
     *     plan) before it goes on without
     * @param questionAsked told, on the turn's thread, when a turn paused for a question or plan: the
     *     question as stored. It must return quickly and never throw.
     */
    /** The sessions' screenshots and videos, kept through a turn's {@code keepMedia}. */
    private final dev.nightshift.server.media.MediaLibrary media;

    public TurnDispatcher(
            Store store,
            EventLog log,
            TurnExecutor executor,
            PostTurnHook postTurn,
            Consumer<String> queueChanged,
            TurnSandboxes sandboxes,
            RunningTurns running,
            Consumer<Message> turnEnded,
            String nodeId,
            Duration lease,
            Duration stopGrace,
            Clock clock,
            Attachments attachments,
            Duration questionTimeout,
            Consumer<Question> questionAsked,
            dev.nightshift.server.media.MediaLibrary media) {
        this.attachments = attachments;
        this.media = media;
        this.questionTimeout = questionTimeout;
        this.questionAsked = questionAsked;
        this.sandboxes = sandboxes;
        this.active = running;
        this.turnEnded = turnEnded;
        this.store = store;
        this.log = log;
        this.executor = executor;
        this.postTurn = postTurn;
        this.queueChanged = queueChanged;
        this.nodeId = nodeId;
        this.lease = lease;
        this.clock = clock;
        this.stopGrace = stopGrace;
    }

    /**
     * Takes over orphaned turns and dispatches waiting prompts, then keeps leases fresh.
     *
     * @param exclusive true when no other node can share this store (SQLite): every processing
     *     prompt is then an orphan, without waiting for its lease to lapse
     */
    public void start(boolean exclusive) {
        recoverOrphans(exclusive ? Instant.ofEpochMilli(Long.MAX_VALUE) : clock.instant());
        store.messages().sessionsWaitingForDispatch().forEach(this::kick);
        wakeAllWaiting(); // what a parked turn waited for may have ended while no node was up
        long periodMs = Math.max(50, lease.toMillis() / 3);
        timer.scheduleAtFixedRate(this::maintain, periodMs, periodMs, TimeUnit.MILLISECONDS);
    }

    /** Whether a turn of this session runs on this node right now. */
    public boolean isRunning(String sessionId) {
        return active.isRunning(sessionId);
    }

    @Override
    public String nodeId() {
        return nodeId;
    }

    @Override
    public Duration lease() {
        return lease;
    }

    /**
     * An answer or a timeout made this waiting prompt processing again, claimed by this node: run it.
     * Called on the thread that answered; returns at once.
     */
    @Override
    public void resume(Message message) {
        if (!closed) {
            runners.computeIfAbsent(message.sessionId(), SessionRunner::new).resume(message, Why.ANSWERED);
        }
    }

    public int runningTurns() {
        return active.count();
    }

    /** Something was queued for this session: make sure a local runner looks at it. */
    @Override
    public void kick(String sessionId) {
        if (!closed) {
            runners.computeIfAbsent(sessionId, SessionRunner::new).wake();
        }
    }

    /**
     * Stops the session's running turn, if any: the message ends failed ("stopped"), no post-turn
     * work runs, and the executor is told at once. Returns the stopped message.
     */
    @Override
    public Optional<Message> stop(String sessionId) {
        Optional<Message> stopped = stopOne(sessionId);
        stopChildren(sessionId, 0);
        return stopped;
    }

    /** How deep a family of sessions {@link #stop} follows (the child session limits keep it far shallower). */
    private static final int MAX_FAMILY_DEPTH = 20;

    /**
     * Stopping a session stops the sessions its agent started, and theirs: their queued prompts are
     * cancelled and their running turns stopped. Its forks are sessions of their own and go on.
     */
    private void stopChildren(String sessionId, int depth) {
        if (depth >= MAX_FAMILY_DEPTH) {
            return;
        }
        for (Session child : store.sessions().children(sessionId)) {
            if (!child.isChild()) {
                continue;
            }
            for (Message m : store.messages().unfinished(child.id())) {
                if (m.status() == MessageStatus.PENDING) {
                    store.messages().cancel(child.id(), m.id(), clock.instant());
                }
            }
            queueChanged.accept(child.id());
            stopOne(child.id());
            stopChildren(child.id(), depth + 1);
        }
    }

    private Optional<Message> stopOne(String sessionId) {
        ActiveTurn turn = active.get(sessionId);
        Instant now = clock.instant();
        if (turn != null) {
            turn.requestStop(now);
        }
        sandboxes.killAll(sessionId); // everything the turn started, within the second
        // a turn waiting for an answer runs nowhere: stopping it ends its prompt and cancels its question
        Optional<Message> running = turn != null
                ? Optional.of(turn.message())
                : store.messages().unfinished(sessionId).stream()
                        .filter(m -> m.status() == MessageStatus.PROCESSING || m.status() == MessageStatus.WAITING)
                        .findFirst();
        if (running.isEmpty() || !endTurn(sessionId, running.get(), MessageStatus.FAILED, "stopped", STOPPED, turn)) {
            return Optional.empty();
        }
        return running;
    }

    private void maintain() {
        try {
            Instant now = clock.instant();
            if (active.count() > 0) {
                store.messages().renewLeases(nodeId, now.plus(lease));
                stopTurnsEndedElsewhere();
            }
            recoverOrphans(now);
            wakeAllWaiting();
        } catch (RuntimeException e) {
            LOG.warn("lease maintenance failed; will retry", e);
        }
    }

    /**
     * A turn stopped through another node is no longer processing in the store: stop it here too. One that
     * is waiting has just asked a person and is returning on its own.
     */
    private void stopTurnsEndedElsewhere() {
        for (ActiveTurn turn : active.all()) {
            store.messages()
                    .get(turn.message().id())
                    .filter(m -> m.status() != MessageStatus.PROCESSING && m.status() != MessageStatus.WAITING)
                    .ifPresent(m -> turn.requestStop(clock.instant()));
        }
    }

    private void recoverOrphans(Instant expiredBefore) {
        for (Message orphan : store.messages().expiredLeases(expiredBefore)) {
            if (nodeId.equals(orphan.claimedBy()) && active.isRunning(orphan.sessionId())) {
                continue; // our own, merely late in renewing
            }
            if (store.messages()
                    .takeOver(
                            orphan.id(),
                            orphan.claimedBy(),
                            nodeId,
                            clock.instant().plus(lease))) {
                LOG.info(
                        "taking over prompt {} of session {} from {}",
                        orphan.id(),
                        orphan.sessionId(),
                        orphan.claimedBy());
                runners.computeIfAbsent(orphan.sessionId(), SessionRunner::new).resume(orphan, Why.TAKEN_OVER);
            }
        }
    }

    /**
     * Resumes the session's parked turns ({@link dev.nightshift.core.port.TurnSuspended}) whose sessions
     * all have no work left. Each wake is a compare-and-set in the store, so a turn resumes once, on
     * whichever node woke it. Called when a child's turn ends, after a turn parks, and periodically.
     */
    public void wakeWaiting(String sessionId) {
        if (closed) {
            return;
        }
        for (MessageStore.Waiting waiting : store.messages().waiting(sessionId)) {
            boolean done = waiting.sessionIds().stream()
                    .allMatch(id -> store.messages().unfinished(id).isEmpty());
            if (done
                    && store.messages()
                            .wake(
                                    waiting.message().id(),
                                    nodeId,
                                    clock.instant().plus(lease))) {
                LOG.info("waking prompt {} of session {}", waiting.message().id(), sessionId);
                runners.computeIfAbsent(sessionId, SessionRunner::new).resume(waiting.message(), Why.WOKEN);
            }
        }
    }

    /** Why a parked turn resumes, in its {@code turn_resumed}. */
    static final String WOKEN = "the sessions it waited for have finished";

    private void wakeAllWaiting() {
        store.messages().waiting(null).stream()
                .map(w -> w.message().sessionId())
                .distinct()
                .forEach(this::wakeWaiting);
    }

    /**
     * Why a prompt runs: a new one, or one run again, taken over from a dead node, woken (a parked turn whose
     * sessions are done) or answered (a turn that waited for a person: its {@code answer} or
     * {@code plan_review} event already says why it goes on, so it gets no {@code turn_resumed}).
     */
    private enum Why {
        NEW,
        TAKEN_OVER,
        WOKEN,
        ANSWERED
    }

    /** A prompt to run again. */
    private record Resume(Message message, Why why) {}

    private final class SessionRunner {
        private final String sessionId;
        private final AtomicInteger signals = new AtomicInteger();
        private final Queue<Resume> resumes = new ConcurrentLinkedQueue<>();

        SessionRunner(String sessionId) {
            this.sessionId = sessionId;
        }

        void resume(Message message, Why why) {
            resumes.add(new Resume(message, why));
            wake();
        }

        void wake() {
            if (signals.getAndIncrement() == 0) {
                Thread.ofVirtual().name("session-" + sessionId).start(this::loop);
            }
        }

        private void loop() {
            int seen;
            do {
                seen = signals.get();
                try {
                    drain();
                } catch (RuntimeException e) {
                    LOG.error("dispatch for session {} failed", sessionId, e);
                }
            } while (!signals.compareAndSet(seen, 0));
        }

        private void drain() {
            while (!closed) {
                Resume resumed = resumes.poll();
                if (resumed != null) {
                    if (stillOurs(resumed.message())) {
                        run(resumed.message(), resumed.why());
                    }
                    continue;
                }
                Instant now = clock.instant();
                Optional<Message> claimed = store.messages().claimNext(sessionId, nodeId, now.plus(lease), now);
                if (claimed.isEmpty()) {
                    return;
                }
                run(claimed.get(), Why.NEW);
            }
        }
    }

    /** A prompt queued to run again is still processing and claimed by this node (a stop may have ended it). */
    private boolean stillOurs(Message message) {
        return store.messages()
                .get(message.id())
                .filter(m -> m.status() == MessageStatus.PROCESSING && nodeId.equals(m.claimedBy()))
                .isPresent();
    }

    /**
     * Pauses a turn for a question or plan: the event, the open question and the waiting prompt in one
     * transaction. Runs on the turn's thread; empty when the turn was stopped first.
     */
    private Optional<String> ask(ActiveTurn turn, Ask ask) {
        String sessionId = turn.session().id();
        String messageId = turn.message().id();
        boolean plan = ask.kind() == Question.Kind.PLAN;
        String id = Ids.newId(plan ? "pln" : "qst");
        Instant now = clock.instant();
        Instant expires = now.plus(questionTimeout);
        EventPayload payload = plan
                ? new EventPayload.Plan(id, ask.callId(), ask.plan(), expires)
                : new EventPayload.Question(id, ask.callId(), ask.questions(), expires);
        List<NewEvent> events = log.redacted(sessionId, List.of(NewEvent.of(messageId, payload)));
        NewQuestion question = new NewQuestion(
                id,
                sessionId,
                messageId,
                ask.callId(),
                ask.kind(),
                events.getFirst().data(),
                expires);
        if (log.appendWith(sessionId, () -> store.questions().ask(question, events, now))
                .isEmpty()) {
            return Optional.empty();
        }
        store.questions().get(id).ifPresent(asked -> {
            try {
                questionAsked.accept(asked);
            } catch (RuntimeException e) {
                LOG.warn("telling about question {} failed", id, e);
            }
        });
        return Optional.of(id);
    }

    private void run(Message message, Why why) {
        boolean resumed = why != Why.NEW;
        Optional<Session> found = store.sessions().get(message.sessionId());
        if (found.isEmpty()) {
            store.messages().finish(message.id(), MessageStatus.FAILED, "session no longer exists", clock.instant());
            return;
        }
        Session session = found.get();
        ActiveTurn turn = new ActiveTurn(session, message, resumed, log, sandboxes, attachments, media, this::ask);
        active.add(turn);
        sandboxes.touch(session.id());
        String failure = null;
        try {
            List<Attachment> files = attachments.forMessage(message.id());
            store.sessions().updateStatus(session.id(), SessionStatus.ACTIVE, clock.instant());
            queueChanged.accept(session.id());
            if (why == Why.TAKEN_OVER || why == Why.WOKEN) {
                log.append(
                        session.id(),
                        message.id(),
                        new EventPayload.TurnResumed(nodeId, why == Why.WOKEN ? WOKEN : null));
            } else if (!resumed) {
                log.append(
                        session.id(),
                        message.id(),
                        new EventPayload.UserMessage(
                                message.id(),
                                message.authorId(),
                                message.source().wire(),
                                message.content(),
                                message.model(),
                                files.isEmpty()
                                        ? null
                                        : files.stream()
                                                .map(EventPayload.AttachmentRef::of)
                                                .toList()));
            }
            place(turn, files);
            failure = execute(turn);
            if (failure == null && !turn.stopRequested() && turn.waitingFor() == null && turn.askedQuestion() == null) {
                postTurn.afterTurn(turn);
            }
        } catch (Exception e) {
            failure = describe(e);
        } finally {
            active.remove(turn);
            sandboxes.touch(session.id());
        }
        if (turn.stopRequested()) {
            turn.end();
            return; // stop() already ended the message and wrote the event
        }
        if (turn.askedQuestion() != null) {
            // paused for a person: the prompt waits in the store, held by no node and no thread, until the
            // answer or the timeout resumes it (the session's status changed with the question)
            if (failure != null) {
                LOG.warn("turn {} failed after it asked {}: {}", message.id(), turn.askedQuestion(), failure);
            }
            queueChanged.accept(session.id());
            return;
        }
        if (failure == null && turn.waitingFor() != null) {
            park(session.id(), message, turn);
            return;
        }
        MessageStatus outcome = failure == null ? MessageStatus.COMPLETED : MessageStatus.FAILED;
        endTurn(session.id(), message, outcome, outcome.wire(), failure, turn);
        turn.end();
    }

    /**
     * The executor parked the turn until other sessions are done: the prompt stays processing, held by
     * no node and without a lease, and no thread waits; {@link #wakeWaiting} resumes it. What it waits
     * for may already be done, so it looks at once.
     */
    private void park(String sessionId, Message message, ActiveTurn turn) {
        turn.end();
        if (!store.messages().suspend(message.id(), nodeId, turn.waitingFor())) {
            return; // ended meanwhile (stopped through another node)
        }
        queueChanged.accept(sessionId);
        wakeWaiting(sessionId);
    }

    /**
     * Writes the prompt's attachments into the workspace (again after a take-over: the sandbox may be
     * a new one). A failure is logged and the turn goes on: the model still gets the files in its
     * prompt, only the copies in the workspace are missing.
     */
    private void place(ActiveTurn turn, List<Attachment> files) {
        if (files.isEmpty() || !sandboxes.available() || turn.stopRequested()) {
            return;
        }
        try {
            attachments.place(turn.sandbox(), files);
        } catch (Exception e) {
            LOG.warn("placing the attachments of {} failed", turn.message().id(), e);
            log.append(
                    turn.session().id(),
                    turn.message().id(),
                    new EventPayload.Error("the attachments could not be placed in the workspace at "
                            + Attachment.DIRECTORY + " (" + describe(e) + "); the agent sees them only in the prompt"));
        }
    }

    /** Runs the executor on its own virtual thread so a stopped executor that hangs can be abandoned. */
    private String execute(ActiveTurn turn) throws InterruptedException {
        CompletableFuture<String> result = new CompletableFuture<>();
        Thread thread = Thread.ofVirtual().name("turn-" + turn.message().id()).unstarted(() -> {
            try {
                executor.execute(turn);
                result.complete(null);
            } catch (TurnSuspended parked) {
                turn.suspendedFor(parked.sessionIds());
                result.complete(null);
            } catch (Throwable t) {
                result.complete(describe(t));
            }
        });
        turn.attach(thread);
        thread.start();
        while (true) {
            try {
                return result.get(100, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                Instant stoppedAt = turn.stopRequestedAt();
                if (stoppedAt != null && clock.instant().isAfter(stoppedAt.plus(stopGrace))) {
                    LOG.warn(
                            "executor for {} ignored stop for {}; abandoning it",
                            turn.message().id(),
                            stopGrace);
                    return STOPPED;
                }
            } catch (java.util.concurrent.ExecutionException e) {
                return describe(e.getCause());
            }
        }
    }

    /**
     * Finishes the prompt and writes the turn's end (its error and {@code turn_complete}) in one
     * transaction; false when the prompt was no longer processing (another path ended it).
     * {@code error} is the stored reason; a stop writes no error event, only its status.
     */
    private boolean endTurn(
            String sessionId, Message message, MessageStatus terminal, String status, String error, ActiveTurn turn) {
        if (turn != null) {
            turn.end();
        }
        List<NewEvent> end = new ArrayList<>();
        if (error != null && !"stopped".equals(status)) {
            end.add(NewEvent.of(message.id(), new EventPayload.Error(error)));
        }
        String shown = error != null && !"stopped".equals(status) ? error : null;
        String commit = turn == null || terminal != MessageStatus.COMPLETED ? null : turn.commit();
        end.add(NewEvent.of(message.id(), new EventPayload.TurnComplete(status, shown, commit)));
        Instant now = clock.instant();
        if (log.appendWith(
                        sessionId,
                        () -> store.messages()
                                .finish(
                                        message.id(),
                                        terminal,
                                        log.redacted(sessionId, error),
                                        log.redacted(sessionId, end),
                                        now))
                .isEmpty()) {
            return false;
        }
        boolean more = !store.messages().unfinished(sessionId).isEmpty();
        store.sessions().updateStatus(sessionId, SessionStatusPolicy.afterTurn(terminal, more), now);
        queueChanged.accept(sessionId);
        store.messages().get(message.id()).ifPresent(ended -> {
            try {
                turnEnded.accept(ended);
            } catch (RuntimeException e) {
                LOG.warn("telling about the end of {} failed", message.id(), e);
            }
        });
        // a child session's turn ended: its parent's turn may be waiting for it
        store.sessions().get(sessionId).filter(Session::isChild).ifPresent(child -> wakeWaiting(child.parentId()));
        return true;
    }

    private static String describe(Throwable t) {
        String message = t.getMessage();
        return message == null || message.isBlank() ? t.getClass().getSimpleName() : message;
    }

    /** Stops local work without touching the store: leases lapse and the prompts are taken over. */
    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
        active.all().forEach(t -> t.requestStop(clock.instant()));
    }
}
