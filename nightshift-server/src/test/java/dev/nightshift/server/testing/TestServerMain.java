package dev.nightshift.server.testing;

import dev.nightshift.core.model.Event;
import dev.nightshift.core.port.Page;
import dev.nightshift.core.port.Store;
import dev.nightshift.core.port.Turn;
import dev.nightshift.server.Nightshift;
import dev.nightshift.server.NightshiftConfig;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A real server process for crash tests: configured from the environment like {@code nightshift
 * serve}, with an executor that writes {@code NIGHTSHIFT_TEST_EVENTS_PER_TURN} numbered events per
 * turn and, when resumed after a crash, continues after the last one the log holds (as the agent
 * rebuilds its state from the log). Prints {@code READY <url>} once it listens.
 */
public final class TestServerMain {
    private TestServerMain() {}

    public static void main(String[] args) {
        int perTurn = Integer.parseInt(System.getenv().getOrDefault("NIGHTSHIFT_TEST_EVENTS_PER_TURN", "50"));
        AtomicReference<Store> store = new AtomicReference<>();
        Nightshift server = Nightshift.start(NightshiftConfig.fromEnvironment(), p -> {
            p.sandboxes = false; // this process tests the log and the queue, not sandboxes
            p.executor = turn -> {
                int from = turn.resumed() ? lastWritten(store.get(), turn) + 1 : 0;
                for (int i = from; i < perTurn; i++) {
                    turn.emit("token", "{\"i\":" + i + "}");
                    Thread.sleep(2);
                }
            };
        });
        store.set(server.store());
        System.out.println("READY " + server.url());
        System.out.flush();
    }

    private static int lastWritten(Store store, Turn turn) {
        int last = -1;
        long after = 0;
        Page<Event> page;
        do {
            page = store.events().after(turn.session().id(), after, 500);
            for (Event e : page.items()) {
                after = e.seq();
                if (turn.message().id().equals(e.messageId()) && e.type().equals("token")) {
                    last = Math.max(last, Integer.parseInt(e.data().replaceAll("\\D", "")));
                }
            }
        } while (page.hasMore());
        return last;
    }
}
