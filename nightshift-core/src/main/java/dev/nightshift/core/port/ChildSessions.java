package dev.nightshift.core.port;

import dev.nightshift.core.model.Session;
import java.util.List;

/**
 * Sessions an agent starts and steers from its own turn: child sessions of the turn's session, run as
 * the person who sent the turn's prompt, with the parent's settings, within the deployment's limits
 * (how deep, how many at once, how many in all). The server implements it; the agent's tools call it on
 * the turn's thread. A refusal is a {@link Refused} whose message the model reads and can act on.
 */
public interface ChildSessions {
    /** Something the model asked for that is not allowed or not possible; the message says why (and the limit). */
    final class Refused extends RuntimeException {
        public Refused(String message) {
            super(message);
        }
    }

    /**
     * A child session as its parent's agent sees it.
     *
     * @param status the session's status (created, active, completed, failed, archived)
     * @param working whether it has a prompt queued or running (a parked turn included)
     * @param lastTurn how its latest turn ended (completed, failed, stopped), null before one has
     * @param lastAnswer the end of its agent's latest answer, null before one
     * @param pullRequest its pull request (or compare) URL, null when there is none
     */
    record Child(
            String sessionId,
            String title,
            String repository,
            String status,
            boolean working,
            String workBranch,
            String lastTurn,
            String lastAnswer,
            String pullRequest) {}

    /**
     * Starts a child session of {@code parent}'s session with {@code prompt} queued.
     *
     * @param repository null: the parent's
     * @param title null: one made from the prompt
     */
    Child spawn(Turn parent, String repository, String prompt, String title);

    /** One of the parent's child sessions; refused for any other session. */
    Child status(Turn parent, String sessionId);

    /** Queues a prompt in one of the parent's child sessions as the parent's person; returns the message id. */
    String prompt(Turn parent, String sessionId, String content);

    /** The parent's child sessions among {@code sessionIds} (null: all of them), in the order given. */
    List<Child> children(Turn parent, List<String> sessionIds);

    /**
     * What the other sessions of {@code session}'s family spent: the sessions it was started by and
     * everything they started, forks excepted. A family shares one session budget.
     */
    double spentByFamily(Session session);
}
