package dev.nightshift.server.turn;

import dev.nightshift.core.model.Event;
import dev.nightshift.core.model.Message;
import dev.nightshift.core.model.Session;
import dev.nightshift.core.port.Ask;
import dev.nightshift.core.port.Turn;
import dev.nightshift.server.live.EventLog;
import dev.nightshift.server.session.Attachments;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@link Turn} handed to an executor, plus the stop machinery the dispatcher drives. */
final class ActiveTurn implements Turn {
    private static final Logger LOG = LoggerFactory.getLogger(ActiveTurn.class);

    private final Session session;
    private final Message message;
    private final boolean resumed;
    private final EventLog log;
    private final List<Runnable> stopActions = new CopyOnWriteArrayList<>();
    private volatile boolean stopRequested;
    private volatile Instant stopRequestedAt;
    private volatile boolean ended;
    private volatile Thread thread;
    private volatile String commit;
    private volatile java.util.List<String> waitingFor;

    private final TurnSandboxes sandboxes;
    private final Attachments attachments;
    private final dev.nightshift.server.media.MediaLibrary media;
    private final Asker asker;
    /** The question this turn paused for; set on the executor's thread, read by the dispatcher after it returns. */
    private volatile String askedQuestion;

    /** How a turn asks: pauses it durably, or says it was stopped first (the dispatcher's). */
    @FunctionalInterface
    interface Asker {
        Optional<String> ask(ActiveTurn turn, Ask ask);
    }

    ActiveTurn(
            Session session,
            Message message,
            boolean resumed,
            EventLog log,
            TurnSandboxes sandboxes,
            Attachments attachments,
            dev.nightshift.server.media.MediaLibrary media,
            Asker asker) {
        this.attachments = attachments;
        this.media = media;
        this.session = session;
        this.message = message;
        this.resumed = resumed;
        this.log = log;
        this.sandboxes = sandboxes;
        this.asker = asker;
    }

    /**
     * Pauses the turn for a person's answer: once asked, nothing more can be written to it and the
     * executor is expected to return. Runs on the executor's thread.
     */
    @Override
    public synchronized Optional<String> ask(Ask ask) {
        if (stopRequested || ended) {
            return Optional.empty();
        }
        Optional<String> id = asker.ask(this, ask);
        id.ifPresent(asked -> {
            askedQuestion = asked;
            ended = true;
        });
        return id;
    }

    /**
     * The question the turn paused for, or null when it did not pause for one. Not to be mixed up with
     * {@link #waitingFor()}: a turn parked until other sessions are done.
     */
    String askedQuestion() {
        return askedQuestion;
    }

    @Override
    public dev.nightshift.core.sandbox.Sandbox sandbox() {
        if (stopRequested) {
            throw new IllegalStateException("the turn was stopped");
        }
        sandboxes.touch(session.id());
        return sandboxes.acquire(session.id());
    }

    @Override
    public Session session() {
        return session;
    }

    @Override
    public Message message() {
        return message;
    }

    @Override
    public boolean resumed() {
        return resumed;
    }

    @Override
    public Event emit(String type, String jsonData) {
        if (ended) {
            throw new IllegalStateException("the turn has ended (" + (stopRequested ? "stopped" : "finished")
                    + "); nothing more can be written to it");
        }
        return log.append(session.id(), type, message.id(), jsonData);
    }

    @Override
    public java.util.Optional<byte[]> attachment(String attachmentId) throws java.io.IOException {
        return attachments.content(session.id(), attachmentId);
    }

    /**
     * Checks and stores the content, adds the artifact and announces it with an {@code artifact}
     * event (the timeline and the session's page show it at once). Runs on the executor's thread
     * (a tool call's); the per-session count limits hold for concurrent calls (see {@link
     * dev.nightshift.server.media.MediaLibrary}).
     */
    @Override
    public dev.nightshift.core.model.Artifact keepMedia(
            dev.nightshift.core.port.Media item, java.io.InputStream content) throws java.io.IOException {
        if (stopRequested || ended) {
            throw new java.io.IOException("the turn has ended; nothing more can be kept");
        }
        dev.nightshift.core.model.Artifact artifact = media.keep(session.id(), item, content);
        emit(dev.nightshift.core.event.EventPayload.Artifact.of(artifact));
        return artifact;
    }

    /** A screenshot of the session for the model, within the size the model's view takes. */
    @Override
    public java.util.Optional<byte[]> media(String artifactId) throws java.io.IOException {
        return media.read(session.id(), artifactId, dev.nightshift.core.port.Media.MAX_SCREENSHOT_BYTES);
    }

    @Override
    public boolean stopRequested() {
        return stopRequested;
    }

    @Override
    public void onStop(Runnable action) {
        stopActions.add(action);
        if (stopRequested) {
            runQuietly(action);
        }
    }

    @Override
    public void recordCommit(String recorded) {
        this.commit = recorded;
    }

    /** The workspace's commit post-turn work recorded, for the turn's {@code turn_complete}; null: none. */
    String commit() {
        return commit;
    }

    /** The executor parked the turn until these sessions are done ({@link dev.nightshift.core.port.TurnSuspended}). */
    void suspendedFor(java.util.List<String> sessionIds) {
        this.waitingFor = sessionIds;
    }

    /** The sessions the parked turn waits for; null when it was not parked. */
    java.util.List<String> waitingFor() {
        return waitingFor;
    }

    void attach(Thread executorThread) {
        this.thread = executorThread;
    }

    /** Signals the stop: flag, registered actions (abort streams, kill processes), then interrupt. */
    void requestStop(Instant now) {
        if (stopRequested) {
            return;
        }
        stopRequestedAt = now;
        stopRequested = true;
        stopActions.forEach(ActiveTurn::runQuietly);
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
    }

    Instant stopRequestedAt() {
        return stopRequestedAt;
    }

    void end() {
        ended = true;
    }

    private static void runQuietly(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            LOG.warn("a stop action failed", e);
        }
    }
}
