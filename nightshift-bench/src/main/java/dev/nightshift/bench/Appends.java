package dev.nightshift.bench;

import dev.nightshift.core.model.NewEvent;
import dev.nightshift.server.live.EventLog;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Measurement 1: events per second through {@link EventLog#append} (store + publish), next to a
 * raw JDBC loop doing the same INSERT into a plain table of the same database.
 */
final class Appends {
    static final Duration WARM = Duration.ofMillis(1000);
    static final Duration MEASURE = Duration.ofMillis(3000);
    static final int THREADS = 8;
    static final int BATCH = 50;

    record Row(String mode, double nightshift, double floor, String floorHow) {}

    record Result(String db, List<Row> rows, List<String> notes) {}

    /** Does some work and says how many events it wrote. */
    interface Op {
        int run() throws Exception;
    }

    interface OpFactory {
        Op create(int thread) throws Exception;
    }

    private static final List<String> PAYLOADS = new ArrayList<>();

    static {
        for (int i = 0; i < 1024; i++) {
            PAYLOADS.add(Payloads.realistic(i));
        }
    }

    static Result run(BenchServer s, Consumer<String> progress) throws Exception {
        EventLog log = s.ns.eventLog();
        List<String> sessions = new ArrayList<>();
        for (int i = 0; i < THREADS + 1; i++) {
            sessions.add(s.admin.createSession("/srv/bench-append-" + i));
        }
        try (Connection c = s.rawConnection();
                Statement st = c.createStatement()) {
            st.execute("""
                    CREATE TABLE bench_floor (
                        session_id VARCHAR(64) NOT NULL,
                        seq        BIGINT      NOT NULL,
                        type       VARCHAR(64) NOT NULL,
                        message_id VARCHAR(64),
                        data       TEXT        NOT NULL,
                        created_at BIGINT      NOT NULL,
                        PRIMARY KEY (session_id, seq))""");
        }
        List<Row> rows = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        notes.add("Durability settings in effect on the floor's connection: " + settings(s) + ".");
        List<Connection> open = new ArrayList<>();
        try {
            // single events, one thread
            double ns1 = rate(1, t -> {
                int[] i = {0};
                return () -> {
                    log.append(sessions.get(0), List.of(new NewEvent("token", null, PAYLOADS.get(i[0]++ & 1023))));
                    return 1;
                };
            });
            progress.accept(s.db + " Nightshift 1 thread, single events: " + Stats.fmt(ns1, 0) + " events/s");
            double fl1 = rate(1, t -> floorSingle(s, open, "single-1", t, null));
            progress.accept(s.db + " raw JDBC 1 thread, single events: " + Stats.fmt(fl1, 0) + " events/s");
            rows.add(new Row("single events, 1 thread", ns1, fl1, "autocommit INSERT, 1 connection"));

            // single events, 8 threads on 8 sessions
            double ns8 = rate(THREADS, t -> {
                int[] i = {0};
                String session = sessions.get(t);
                return () -> {
                    log.append(session, List.of(new NewEvent("token", null, PAYLOADS.get(i[0]++ & 1023))));
                    return 1;
                };
            });
            progress.accept(s.db + " Nightshift 8 threads, single events: " + Stats.fmt(ns8, 0) + " events/s");
            double fl8 = rate(THREADS, t -> floorSingle(s, open, "single-8", t, null));
            progress.accept(s.db + " raw JDBC 8 threads, single events: " + Stats.fmt(fl8, 0) + " events/s");
            if (s.isSqlite()) {
                ReentrantLock fair = new ReentrantLock(true);
                double flFair = rate(THREADS, t -> floorSingle(s, open, "single-8-fair", t, fair));
                progress.accept(s.db + " raw JDBC 8 threads, writers behind one fair in-process lock: "
                        + Stats.fmt(flFair, 0) + " events/s");
                ReentrantLock unfair = new ReentrantLock(false);
                double flUnfair = rate(THREADS, t -> floorSingle(s, open, "single-8-unfair", t, unfair));
                progress.accept(s.db + " raw JDBC 8 threads, writers behind one unfair in-process lock: "
                        + Stats.fmt(flUnfair, 0) + " events/s");
                notes.add("SQLite, 8 threads, raw JDBC with 8 connections: " + Stats.fmt(fl8, 0)
                        + " events/s relying on `busy_timeout` alone; " + Stats.fmt(flFair, 0)
                        + " events/s with the writers queued on one *fair* `ReentrantLock`; " + Stats.fmt(flUnfair, 0)
                        + " events/s with an *unfair* one (what the store's `Db` class does for SQLite writes). "
                        + "The table uses the highest as the floor.");
                double best = Math.max(fl8, Math.max(flFair, flUnfair));
                String how = best == fl8
                        ? "autocommit INSERT, 8 connections (busy_timeout)"
                        : best == flFair
                                ? "autocommit INSERT, 8 connections, one fair in-process writer lock"
                                : "autocommit INSERT, 8 connections, one unfair in-process writer lock";
                rows.add(new Row("single events, 8 threads / 8 sessions", ns8, best, how));
            } else {
                rows.add(
                        new Row("single events, 8 threads / 8 sessions", ns8, fl8, "autocommit INSERT, 8 connections"));
            }

            // batches of 50, one thread
            List<NewEvent> batch = new ArrayList<>();
            for (int i = 0; i < BATCH; i++) {
                batch.add(new NewEvent("token", null, PAYLOADS.get(i)));
            }
            double nsB = rate(1, t -> () -> {
                log.append(sessions.get(THREADS), batch);
                return BATCH;
            });
            progress.accept(s.db + " Nightshift batches of 50: " + Stats.fmt(nsB, 0) + " events/s");
            double flB = rate(1, t -> floorBatch(s, open, t));
            progress.accept(s.db + " raw JDBC batches of 50: " + Stats.fmt(flB, 0) + " events/s");
            rows.add(new Row(
                    "batches of 50, 1 thread", nsB, flB, "JDBC batch of 50 INSERTs, one transaction per batch"));
        } finally {
            for (Connection c : open) {
                c.close();
            }
        }
        return new Result(s.db, rows, notes);
    }

    /** What the floor's own connection reports, so "same durability" is checked rather than assumed. */
    private static String settings(BenchServer s) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = s.rawConnection();
                Statement st = c.createStatement()) {
            String[] queries = s.isSqlite()
                    ? new String[] {"PRAGMA journal_mode", "PRAGMA synchronous"}
                    : new String[] {"SHOW synchronous_commit", "SHOW fsync", "SHOW wal_sync_method"};
            for (String q : queries) {
                try (var rs = st.executeQuery(q)) {
                    rs.next();
                    String value = rs.getString(1);
                    if (q.equals("PRAGMA synchronous")) {
                        value = switch (value) {
                            case "0" -> "OFF";
                            case "1" -> "NORMAL";
                            case "2" -> "FULL";
                            case "3" -> "EXTRA";
                            default -> value;
                        };
                    }
                    out.add("`" + q.replaceFirst("^(PRAGMA|SHOW) ", "") + "=" + value + "`");
                }
            }
        }
        return String.join(", ", out);
    }

    private static Op floorSingle(BenchServer s, List<Connection> open, String mode, int thread, ReentrantLock lock)
            throws Exception {
        Connection c = s.rawConnection();
        synchronized (open) {
            open.add(c);
        }
        c.setAutoCommit(true);
        PreparedStatement insert = c.prepareStatement(
                "INSERT INTO bench_floor (session_id, seq, type, message_id, data, created_at) VALUES (?, ?, ?, ?, ?, ?)");
        String session = "floor-" + mode + "-" + thread;
        long[] seq = {0};
        return () -> {
            insert.setString(1, session);
            insert.setLong(2, ++seq[0]);
            insert.setString(3, "token");
            insert.setString(4, null);
            insert.setString(5, PAYLOADS.get((int) seq[0] & 1023));
            insert.setLong(6, System.currentTimeMillis());
            if (lock == null) {
                insert.executeUpdate();
            } else {
                lock.lock();
                try {
                    insert.executeUpdate();
                } finally {
                    lock.unlock();
                }
            }
            return 1;
        };
    }

    private static Op floorBatch(BenchServer s, List<Connection> open, int thread) throws Exception {
        Connection c = s.rawConnection();
        synchronized (open) {
            open.add(c);
        }
        c.setAutoCommit(false);
        PreparedStatement insert = c.prepareStatement(
                "INSERT INTO bench_floor (session_id, seq, type, message_id, data, created_at) VALUES (?, ?, ?, ?, ?, ?)");
        String session = "floor-batch-" + thread;
        long[] seq = {0};
        return () -> {
            long now = System.currentTimeMillis();
            for (int i = 0; i < BATCH; i++) {
                insert.setString(1, session);
                insert.setLong(2, ++seq[0]);
                insert.setString(3, "token");
                insert.setString(4, null);
                insert.setString(5, PAYLOADS.get(i));
                insert.setLong(6, now);
                insert.addBatch();
            }
            insert.executeBatch();
            c.commit();
            return BATCH;
        };
    }

    /**
     * Runs {@code threads} loops of the op: {@link #WARM} uncounted, then {@link #MEASURE} counted.
     * An op in flight at a boundary counts if it finishes inside the window.
     */
    static double rate(int threads, OpFactory factory) throws Exception {
        Op[] ops = new Op[threads];
        for (int t = 0; t < threads; t++) {
            ops[t] = factory.create(t);
        }
        LongAdder counted = new LongAdder();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch started = new CountDownLatch(threads);
        var measuring = new java.util.concurrent.atomic.AtomicBoolean();
        var stop = new java.util.concurrent.atomic.AtomicBoolean();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Op op = ops[t];
            Thread w = Thread.ofPlatform().name("bench-append-" + t).start(() -> {
                started.countDown();
                try {
                    while (!stop.get()) {
                        int n = op.run();
                        if (measuring.get()) {
                            counted.add(n);
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
            workers.add(w);
        }
        started.await();
        Thread.sleep(WARM.toMillis());
        long from = System.nanoTime();
        measuring.set(true);
        Thread.sleep(MEASURE.toMillis());
        measuring.set(false);
        long elapsed = System.nanoTime() - from;
        stop.set(true);
        for (Thread w : workers) {
            w.join();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("append loop failed: " + failure.get(), failure.get());
        }
        return counted.sum() / (elapsed / 1e9);
    }
}
