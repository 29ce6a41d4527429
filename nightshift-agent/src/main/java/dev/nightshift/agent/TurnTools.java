package dev.nightshift.agent;

import dev.nightshift.agent.tools.Tool;
import dev.nightshift.core.port.Turn;
import java.util.List;

/**
 * Tools a turn gets besides the agent's own, which depend on the session (the MCP servers of its
 * deployment and repository). Opened when a turn starts and closed when it ends, on the turn's
 * thread; a source that cannot be reached leaves its tools out, it never fails the turn.
 */
@FunctionalInterface
public interface TurnTools {
    TurnTools NONE = turn -> Opened.of(List.of(), () -> {});

    Opened open(Turn turn) throws InterruptedException;

    /** The tools of one turn, and what closes them when it ends. */
    interface Opened extends AutoCloseable {
        List<Tool> tools();

        @Override
        void close();

        static Opened of(List<Tool> tools, Runnable close) {
            List<Tool> copy = List.copyOf(tools);
            return new Opened() {
                @Override
                public List<Tool> tools() {
                    return copy;
                }

                @Override
                public void close() {
                    close.run();
                }
            };
        }
    }
}
