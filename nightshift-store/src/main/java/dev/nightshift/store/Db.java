package dev.nightshift.store;

import java.sql.SQLException;
import java.time.Instant;
import java.util.concurrent.locks.ReentrantLock;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;

/**
 * The JDBI handle plus what differs between the two databases.
 *
 * <p>SQLite allows one writer at a time and makes a blocked writer sleep in growing steps, which
 * turns contention into latency spikes. So on SQLite writes queue on an in-process lock instead;
 * readers never take it (WAL lets them run beside the writer). The lock is not fair: on two
 * cores a fair hand-off costs a context switch per write and halved throughput in the
 * benchmark. It is for latency only: every invariant is still enforced by the database.
 */
final class Db {
    private final Jdbi jdbi;
    private final boolean sqlite;
    private final ReentrantLock sqliteWriteLock = new ReentrantLock();
    private final java.time.Clock clock;

    Db(Jdbi jdbi, boolean sqlite, java.time.Clock clock) {
        this.jdbi = jdbi;
        this.sqlite = sqlite;
        this.clock = clock;
    }

    /** Now, in the milliseconds the store keeps, so a record returned equals the record read back. */
    java.time.Instant now() {
        return java.time.Instant.ofEpochMilli(clock.millis());
    }

    <T> T read(HandleCallback<T, RuntimeException> work) {
        return jdbi.withHandle(work);
    }

    <T> T write(HandleCallback<T, RuntimeException> work) {
        if (!sqlite) {
            return jdbi.inTransaction(work);
        }
        sqliteWriteLock.lock();
        try {
            return jdbi.inTransaction(work);
        } finally {
            sqliteWriteLock.unlock();
        }
    }

    boolean sqlite() {
        return sqlite;
    }

    static boolean isUniqueViolation(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                if ("23505".equals(sql.getSQLState())) {
                    return true;
                }
                String message = sql.getMessage();
                if (message != null
                        && (message.contains("UNIQUE constraint failed")
                                || message.contains("PRIMARYKEY")
                                || message.contains("PRIMARY KEY constraint failed"))) {
                    return true;
                }
            }
        }
        return false;
    }

    static Long millis(Instant instant) {
        return instant == null ? null : instant.toEpochMilli();
    }

    static Instant instant(java.sql.ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(value);
    }

    static Long nullableLong(java.sql.ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }

    static int flag(boolean value) {
        return value ? 1 : 0;
    }
}
