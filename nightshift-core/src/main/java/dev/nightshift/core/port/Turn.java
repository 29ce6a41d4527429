package dev.nightshift.core.port;

import dev.nightshift.core.event.EventPayload;
import dev.nightshift.core.model.Event;
import dev.nightshift.core.model.Message;
import dev.nightshift.core.model.Session;

/** What an executor gets for one turn: the prompt, a way to write to the log, and the stop signal. */
public interface Turn {
    Session session();

    Message message();

    /**
     * True when this turn was begun before: taken over after the node running it died, or going on
     * after the answer to a question it asked. The executor should rebuild its state from the session
     * log rather than start over.
     */
    boolean resumed();

    /**
     * Appends an event to the session log (durably, before returning) and broadcasts it. The
     * platform's own types go through {@link #emit(EventPayload)}; this form is for an executor's
     * own event types.
     */
    Event emit(String type, String jsonData);

    /** Appends one of the catalogue's events (see {@link dev.nightshift.core.event.EventType}). */
    default Event emit(EventPayload payload) {
        return emit(payload.eventType().wire(), payload.toJson());
    }

    boolean stopRequested();

    /**
     * The session's sandbox, ready to use: created on first use, resumed after hibernation,
     * replaced if it died. Stop kills every process in it.
     */
    dev.nightshift.core.sandbox.Sandbox sandbox();

    /** Registers an action to run at once when the turn is stopped (abort a stream, kill a process). */
    void onStop(Runnable action);

    /**
     * Asks the session's members and pauses the turn until they answer: the {@code question} (or
     * {@code plan}) event is written and the prompt set waiting in one transaction. Once this returns
     * a question id the turn has ended for now (nothing more can be written to it) and the executor
     * must return at once: a waiting turn holds no thread. The answer, or the question's timeout,
     * runs the prompt again as a {@link #resumed()} turn, whose log holds the answer.
     *
     * @return the question's id; empty when the turn was stopped first (nothing was asked)
     */
    default java.util.Optional<String> ask(Ask ask) {
        throw new UnsupportedOperationException("this turn cannot wait for an answer");
    }

    /**
     * Records the workspace's commit at the end of this turn (post-turn work that published it calls
     * this); it goes into the turn's {@code turn_complete}, where a fork from this turn finds it.
     */
    default void recordCommit(String commit) {}

    /**
     * The content of one of this session's attachments (of this prompt or an earlier one), read
     * from the blob store; empty when the session has no such attachment or its content is gone.
     */
    default java.util.Optional<byte[]> attachment(String attachmentId) throws java.io.IOException {
        return java.util.Optional.empty();
    }

    /**
     * Keeps a screenshot or video the agent made as one of the session's artifacts: the content is
     * stored by its hash under the data directory (or the fleet's object store) and served at an
     * authenticated URL. Called on the turn's thread.
     *
     * @param content the bytes, read to their end (the caller closes it)
     * @return the artifact, whose {@code url} serves the content
     * @throws Media.Refused past a limit of {@link Media} (size, count, length), with the limit in the message
     */
    default dev.nightshift.core.model.Artifact keepMedia(Media media, java.io.InputStream content)
            throws java.io.IOException {
        throw new UnsupportedOperationException("this turn cannot keep screenshots or videos");
    }

    /**
     * The content of one of this session's screenshots or videos (an artifact {@link #keepMedia}
     * returned), read from the blob store, for the model to see; empty when the session has no
     * such media or its content is gone.
     */
    default java.util.Optional<byte[]> media(String artifactId) throws java.io.IOException {
        return java.util.Optional.empty();
    }
}
