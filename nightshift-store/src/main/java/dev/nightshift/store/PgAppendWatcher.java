package dev.nightshift.store;

import dev.nightshift.core.port.AppendListener;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens on PostgreSQL's {@code nightshift_events} channel on a connection of its own (a pooled
 * one would be handed back and lose the LISTEN). Notices from this store instance are skipped:
 * its own appends are published locally already. After a reconnect, notices may have been missed,
 * so the listener is told to re-check everything.
 */
final class PgAppendWatcher implements AutoCloseable {
    static final String CHANNEL = "nightshift_events";
    private static final Logger LOG = LoggerFactory.getLogger(PgAppendWatcher.class);
    private static final int POLL_MS = 500;
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

    private final StoreConfig config;
    private final String instanceId;
    private final AppendListener listener;
    private final Thread thread;
    private volatile boolean closed;

    PgAppendWatcher(StoreConfig config, String instanceId, AppendListener listener) {
        this.config = config;
        this.instanceId = instanceId;
        this.listener = listener;
        this.thread = Thread.ofPlatform().daemon().name("pg-append-watcher").start(this::run);
    }

    private void run() {
        long backoffMs = 100;
        boolean first = true;
        while (!closed) {
            try (Connection connection =
                    DriverManager.getConnection(config.jdbcUrl(), config.user(), config.password())) {
                try (Statement s = connection.createStatement()) {
                    s.execute("LISTEN " + CHANNEL);
                }
                if (!first) {
                    listener.appended(null, 0);
                }
                first = false;
                backoffMs = 100;
                PGConnection pg = connection.unwrap(PGConnection.class);
                while (!closed) {
                    PGNotification[] notices = pg.getNotifications(POLL_MS);
                    if (notices != null) {
                        for (PGNotification notice : notices) {
                            deliver(notice.getParameter());
                        }
                    }
                }
            } catch (SQLException e) {
                if (closed) {
                    return;
                }
                LOG.warn("listening for other nodes' events failed ({}); retrying in {} ms", e.getMessage(), backoffMs);
                sleep(backoffMs);
                backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF.toMillis());
            }
        }
    }

    private void deliver(String payload) {
        String[] parts = payload.split(" ");
        if (parts.length != 3 || parts[0].equals(instanceId)) {
            return;
        }
        try {
            listener.appended(parts[1], Long.parseLong(parts[2]));
        } catch (RuntimeException e) {
            LOG.warn("relaying an append notice failed", e);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
