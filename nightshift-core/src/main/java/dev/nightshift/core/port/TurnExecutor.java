package dev.nightshift.core.port;

/**
 * Runs one prompt of a session to its end. The agent implements this; the dispatcher calls it on a
 * virtual thread, at most once at a time per session.
 *
 * <p>Return normally when the turn finished naturally (post-turn work then runs); throw to fail
 * the turn (the exception's message is shown to the user). When {@link Turn#stopRequested()}
 * becomes true, return or throw as soon as possible: the thread is also interrupted.
 */
@FunctionalInterface
public interface TurnExecutor {
    void execute(Turn turn) throws Exception;
}
