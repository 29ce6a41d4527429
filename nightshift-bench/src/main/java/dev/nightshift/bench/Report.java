package dev.nightshift.bench;

import static dev.nightshift.bench.Stats.fmt;
import static dev.nightshift.bench.Stats.fmtMs;
import static dev.nightshift.bench.Stats.pct;

import java.util.List;
import java.util.Locale;

/** Renders docs/benchmarks.md from one run's results. */
final class Report extends MarkdownReport {
    private final List<Appends.Result> appends;
    private final FanOut.Result fanNs;
    private final FanOut.Result fanFloor;
    private final List<Snapshot.Result> snapshots;
    private final Idle.Result idle;
    private final List<String> errors;

    Report(
            Machine machine,
            String command,
            double seconds,
            List<Appends.Result> appends,
            FanOut.Result fanNs,
            FanOut.Result fanFloor,
            List<Snapshot.Result> snapshots,
            Idle.Result idle,
            List<String> errors) {
        super(machine, command, seconds);
        this.appends = appends;
        this.fanNs = fanNs;
        this.fanFloor = fanFloor;
        this.snapshots = snapshots;
        this.idle = idle;
        this.errors = errors;
    }

    String render() {
        header("Benchmarks", "Benchmarks");
        howToRun(
                "",
                Benchmarks.COMMAND,
                ". It needs PostgreSQL on 127.0.0.1:5432 (user `postgres`; override with "
                        + "`NIGHTSHIFT_TEST_POSTGRES_URL` / `_USER` / `_PASSWORD`), creates and drops its own databases and "
                        + "temporary directories, and overwrites this file (`NIGHTSHIFT_BENCH_OUT=<file>` writes elsewhere). "
                        + "It takes about two minutes.");
        machineRows();
        line("| Code measured | " + machine.code() + " |");
        line();
        javaVersion();
        targets();
        appends();
        fanOut();
        snapshot();
        idle();
        failures(errors);
        return markdown();
    }

    private void targets() {
        line("## Targets");
        line();
        line("| Target (from the issue) | This run | Met? |");
        line("|---|---|---|");
        if (fanNs != null) {
            long p99 = pct(fanNs.measured().sorted(), 0.99);
            long cold = pct(fanNs.cold().sorted(), 0.99);
            line("| Fan-out p99 under 50 ms (100 clients, 2-core machine), warm server | p99 " + fmtMs(p99) + " | "
                    + (p99 < Benchmarks.TARGET_NANOS ? "**yes**" : "**no**") + " |");
            line("| Same, first 1,000 events after the server started (cold JIT) | p99 " + fmtMs(cold) + " | "
                    + (cold < Benchmarks.TARGET_NANOS ? "**yes**" : "**no**") + " |");
        } else {
            line("| Fan-out p99 under 50 ms | not measured (failed) | **unknown** |");
        }
        for (Snapshot.Result s : snapshots) {
            long p50 = pct(s.sorted(), 0.5);
            long p99 = pct(s.sorted(), 0.99);
            String met = p99 < Benchmarks.TARGET_NANOS
                    ? "**yes** (p99 and p50)"
                    : p50 < Benchmarks.TARGET_NANOS ? "**no** at p99 (yes at p50)" : "**no**";
            line("| Newcomer snapshot under 50 ms (" + s.db() + ", 500 events) | p50 " + fmtMs(p50) + ", p99 "
                    + fmtMs(p99) + " | " + met + " |");
        }
        line();
    }

    private void appends() {
        line("## 1. Event append throughput");
        line();
        line(
                "`Nightshift.eventLog().append(sessionId, List<NewEvent>)`: the real write path (one transaction that bumps "
                        + "`sessions.last_seq`, reads it back and inserts the rows, then publishes to the live hub; no client is "
                        + "subscribed here). Events carry ~200 bytes of JSON. Each mode runs 1 s of warm-up, then 3 s counted. "
                        + "The floor is raw JDBC on the same database, same durability settings (SQLite: WAL and "
                        + "the server's `synchronous` level; PostgreSQL: the server's defaults; what was in effect is listed "
                        + "under each table), inserting the same "
                        + "rows into a plain table with the same columns and primary key but no foreign key.");
        line();
        for (Appends.Result r : appends) {
            line("### " + r.db());
            line();
            line("| Mode | Nightshift (events/s) | Floor (events/s) | Nightshift / floor | Floor does |");
            line("|---|---:|---:|---:|---|");
            for (Appends.Row row : r.rows()) {
                line("| " + row.mode() + " | " + fmt(row.nightshift(), 0) + " | " + fmt(row.floor(), 0) + " | "
                        + Stats.ratio(row.nightshift(), row.floor()) + " | " + row.floorHow() + " |");
            }
            line();
            for (String note : r.notes()) {
                line("Note: " + note);
                line();
            }
        }
    }

    private void fanOut() {
        line("## 2. Fan-out to 100 WebSocket clients");
        line();
        line("One session on a SQLite-backed server, " + FanOut.CLIENTS + " JDK `java.net.http` WebSocket clients in "
                + "the same JVM, each subscribed with its own live token (`POST /api/sessions/{id}/live-token`). "
                + FanOut.ROUNDS + " rounds of " + FanOut.EVENTS + " events appended through `eventLog().append` at one "
                + "per millisecond; each round waits until every client has every event. Round 1 is the first traffic "
                + "the server's send path sees (the JIT is still compiling it), round 2 is warm-up, round "
                + FanOut.ROUNDS
                + " is the measurement. Each event's data carries `System.nanoTime()` taken just before "
                + "the append, so a latency includes the database commit, the publish, the client's outbox, the "
                + "WebSocket write and the client's read. Latency = arrival nanoTime at the client − embedded "
                + "nanoTime, over all " + fmt((double) FanOut.CLIENTS * FanOut.EVENTS, 0) + " deliveries of the round. "
                + "The floor is a bare Javalin endpoint in the same JVM that broadcasts a frame of the same shape to "
                + "all its sessions with `session.sendText(frame, Callback.NOOP)` from the pacing thread, to the same "
                + "kind of clients, with the same rounds. Clients and server share the 2 cores.");
        line();
        line("Measured round:");
        line();
        line(
                "| System | p50 | p90 | p99 | max | Deliveries | Clients with all 1,000, in order | Appending 1,000 took | Last delivery after last append |");
        line("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (FanOut.Result r : new FanOut.Result[] {fanNs, fanFloor}) {
            if (r == null) {
                continue;
            }
            FanOut.Round m = r.measured();
            long[] s = m.sorted();
            line("| " + r.system() + " | " + fmtMs(pct(s, 0.5)) + " | " + fmtMs(pct(s, 0.9)) + " | "
                    + fmtMs(pct(s, 0.99)) + " | " + fmtMs(max(s)) + " | " + fmt(m.deliveries(), 0) + " / "
                    + fmt((double) FanOut.CLIENTS * FanOut.EVENTS, 0) + " | " + m.clientsInOrder() + " / "
                    + FanOut.CLIENTS + " | " + fmt(m.sendMillis(), 0) + " ms | " + fmt(m.drainMillis(), 1) + " ms |");
        }
        if (fanNs != null && fanFloor != null) {
            long[] a = fanNs.measured().sorted();
            long[] b = fanFloor.measured().sorted();
            line("| Nightshift / floor | " + Stats.ratio(pct(a, 0.5), pct(b, 0.5)) + " | "
                    + Stats.ratio(pct(a, 0.9), pct(b, 0.9)) + " | " + Stats.ratio(pct(a, 0.99), pct(b, 0.99)) + " | "
                    + Stats.ratio(max(a), max(b)) + " | | | | |");
        }
        line();
        line("Every round:");
        line();
        line("| System | Round | p50 | p99 | max | Clients with all 1,000, in order |");
        line("|---|---|---:|---:|---:|---:|");
        for (FanOut.Result r : new FanOut.Result[] {fanNs, fanFloor}) {
            if (r == null) {
                continue;
            }
            for (FanOut.Round round : r.rounds()) {
                String label = round.round()
                        + (round.round() == 1
                                ? " (cold)"
                                : round.round() == FanOut.ROUNDS ? " (measured)" : " (warm-up)");
                line("| " + r.system() + " | " + label + " | " + fmtMs(pct(round.sorted(), 0.5)) + " | "
                        + fmtMs(pct(round.sorted(), 0.99)) + " | " + fmtMs(max(round.sorted())) + " | "
                        + round.clientsInOrder() + " / " + FanOut.CLIENTS + " |");
            }
        }
        line();
        for (FanOut.Result r : new FanOut.Result[] {fanNs, fanFloor}) {
            if (r == null) {
                continue;
            }
            for (FanOut.Round round : r.rounds()) {
                if (!round.problems().isEmpty()) {
                    line("Delivery problems (" + r.system() + ", round " + round.round() + "): " + round.problems());
                    line();
                }
            }
        }
        if (fanNs != null) {
            boolean all = fanNs.rounds().stream().allMatch(round -> round.clientsInOrder() == FanOut.CLIENTS);
            line((all
                            ? "Every Nightshift client received every event of every round exactly once and in order"
                            : "**Not every Nightshift client received every event in order** (see above)")
                    + "; the server sent " + fanNs.resyncFrames() + " `resync` frames and " + fanNs.otherFrames()
                    + " other non-event frames (presence) in total.");
            line();
        }
    }

    private static long max(long[] sorted) {
        return sorted.length == 0 ? -1 : sorted[sorted.length - 1];
    }

    private void snapshot() {
        line("## 3. Snapshot for a newcomer");
        line();
        line(
                "A session holding " + Snapshot.EVENTS + " events of realistic data. Each join opens a fresh WebSocket "
                        + "(not timed), then the clock runs from sending `subscribe` to having the complete `snapshot` frame "
                        + "(the last fragment). " + Snapshot.WARMUP + " warm-up joins, then " + Snapshot.RUNS
                        + " measured. The floor reads the same 501 newest rows with one raw JDBC query and serialises them with "
                        + "Jackson (the server's `ObjectMapper`), in the same JVM: no network, no auth, no other snapshot parts.");
        line();
        line(
                "| Database | Nightshift p50 | Nightshift p99 | Floor p50 | Floor p99 | Nightshift / floor (p50) | Frame size | Events in frame |");
        line("|---|---:|---:|---:|---:|---:|---:|---:|");
        for (Snapshot.Result s : snapshots) {
            line("| " + s.db() + " | " + fmtMs(pct(s.sorted(), 0.5)) + " | " + fmtMs(pct(s.sorted(), 0.99)) + " | "
                    + fmtMs(pct(s.floorSorted(), 0.5)) + " | " + fmtMs(pct(s.floorSorted(), 0.99)) + " | "
                    + Stats.ratio(pct(s.sorted(), 0.5), pct(s.floorSorted(), 0.5)) + " | "
                    + Stats.kib(s.snapshotBytes()) + " (floor " + Stats.kib(s.floorBytes()) + ") | "
                    + s.snapshotEvents() + " |");
        }
        if (!snapshots.isEmpty()) {
            line();
            line(String.format(
                    Locale.ROOT,
                    "Event data averaged %.0f bytes.",
                    snapshots.getFirst().avgEventBytes()));
        }
        line();
    }

    private void idle() {
        line("## 4. 1,000 idle sessions, one client each");
        line();
        line("The server (SQLite) runs alone in a child JVM started with the same `java` and classpath; the "
                + Idle.SESSIONS + " clients (JDK WebSocket, each subscribed with its own live token) run in a second "
                + "child JVM, so the server's RSS below is the server's alone. Sessions and tokens are created over "
                + "HTTP before the baseline. Each sample is taken inside the server JVM after `System.gc()` three "
                + "times with 300 ms pauses: heap used from the `MemoryMXBean`, RSS from `/proc/self/status` VmRSS.");
        line();
        if (idle == null) {
            line("Not measured (failed).");
            line();
            return;
        }
        line("| Server state | Heap used | RSS | WebSocket connections | JVM threads | Jetty HTTP sessions alive |");
        line("|---|---:|---:|---:|---:|---:|");
        row("before the clients connect", idle.before());
        for (int i = 0; i < idle.connected().size(); i++) {
            String cycle = idle.connected().size() > 1 ? " (cycle " + (i + 1) + ")" : "";
            row(
                    "1,000 clients connected and subscribed" + cycle,
                    idle.connected().get(i));
            row("after the clients closed" + cycle, idle.disconnected().get(i));
        }
        Idle.Sample first = idle.connected().getFirst();
        double heapPer = (first.heap() - idle.before().heap()) / (double) Idle.SESSIONS;
        double rssPer = (first.rss() - idle.before().rss()) / (double) Idle.SESSIONS;
        line("| **per connected session** (cycle 1 − before) | **" + Stats.kib(heapPer) + "** | **"
                + Stats.kib(rssPer) + "** | | "
                + fmt((first.threads() - idle.before().threads()) / (double) Idle.SESSIONS, 2)
                + " | |");
        line();
        long left = idle.disconnected().getLast().heap() - idle.before().heap();
        long sessionsLeft =
                idle.disconnected().getLast().httpSessions() - idle.before().httpSessions();
        line("After the last disconnect the server's heap is " + Stats.mib(left) + " above the baseline ("
                + Stats.kib(left / (double) (Idle.SESSIONS * Idle.CYCLES)) + " per connection made) and "
                + sessionsLeft + " Jetty HTTP sessions are still alive for " + Idle.SESSIONS * Idle.CYCLES
                + " WebSocket connections made and closed"
                + (sessionsLeft > 0
                        ? ": every WebSocket upgrade creates an HTTP session (Javalin copies the session "
                                + "attributes at upgrade) and, with no session timeout configured, it is never freed. "
                                + "That is a leak per connection for clients that do not send the session cookie back."
                        : "."));
        line();
        line("All " + idle.snapshots() + " clients got their snapshot (setup: " + fmt(idle.setupSeconds(), 1)
                + " s to create the sessions and tokens, " + fmt(idle.connectSeconds(), 1) + " s to connect and "
                + "subscribe). The clients' own JVM had an RSS of " + Stats.mib(idle.clientsRss())
                + ", not counted above. RSS only grows when the JVM touches new pages, so the RSS delta is a lower "
                + "bound on what the connections cost the process; heap used is the steadier number.");
        line();
    }

    private void row(String label, Idle.Sample s) {
        line("| " + label + " | " + Stats.mib(s.heap()) + " | " + Stats.mib(s.rss()) + " | " + s.connections() + " | "
                + s.threads() + " | " + s.httpSessions() + " |");
    }
}
