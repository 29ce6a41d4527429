package dev.nightshift.server.turn;

import dev.nightshift.core.port.Turn;
import dev.nightshift.core.port.TurnExecutor;

/**
 * What runs a prompt while no agent is plugged in: the turn fails with a message that says so,
 * instead of the prompt waiting forever.
 */
public final class NoAgentExecutor implements TurnExecutor {
    public static final String MESSAGE =
            "No agent is configured on this server, so the prompt was recorded but not run.";

    @Override
    public void execute(Turn turn) {
        throw new IllegalStateException(MESSAGE);
    }
}
