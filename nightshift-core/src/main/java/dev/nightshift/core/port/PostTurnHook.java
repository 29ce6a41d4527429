package dev.nightshift.core.port;

/** Work the server does after a turn finished naturally: commit, push, open a PR, notify. */
@FunctionalInterface
public interface PostTurnHook {
    PostTurnHook NONE = turn -> {};

    void afterTurn(Turn turn) throws Exception;
}
