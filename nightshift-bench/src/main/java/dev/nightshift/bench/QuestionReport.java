package dev.nightshift.bench;

import java.util.List;

/** Renders docs/benchmarks-questions.md from one run's results. */
final class QuestionReport extends MarkdownReport {
    private final String serverCode;
    private final QuestionBenchmarks.Results r;

    QuestionReport(
            Machine machine, String serverCode, String command, double seconds, QuestionBenchmarks.Results results) {
        super(machine, command, seconds);
        this.serverCode = serverCode;
        this.r = results;
    }

    String render() {
        header("Questions benchmark", "QuestionBenchmarks");
        line("What a turn that waits for a person's answer costs the server. When the agent calls `ask_user`, the "
                + "`question` event, the open question and the prompt's `waiting` state are written in one "
                + "transaction and the turn's threads end: the wait is rows in the database, not a parked thread. "
                + "This shows it with " + Stats.fmt(WaitingTurns.WAITING, 0) + " turns waiting at once, beside a "
                + "floor measured in the same run: the same server idle.");
        line();
        line("**How.** A server in this JVM, started as `nightshift serve` starts it (SQLite, the real agent of "
                + "`nightshift-agent`), without sandboxes and with rate limits off (`NIGHTSHIFT_RATE_LIMITS=off`: "
                + "this measures the waiting, not the limiter). Its model is the agent tests' `FakeModelServer` on "
                + "loopback, whose first answer to every prompt is an `ask_user` call with one question and two "
                + "options. First " + WaitingTurns.WARMUP + " turns ask, are answered and end (warm-up); then the "
                + "floor is taken. Then " + Stats.fmt(WaitingTurns.WAITING, 0) + " sessions are created and prompted "
                + "once each over the HTTP API, and the benchmark waits until all " + Stats.fmt(WaitingTurns.WAITING, 0)
                + " questions are open and no turn thread is left; that is the second snapshot. Every question is then "
                + "answered over the API (`POST /api/sessions/{id}/questions/{questionId}/answer`, one after "
                + "another) and every turn goes on to its end (third snapshot). Last, for scale, "
                + WaitingTurns.RUNNING + " turns are held inside a model call (the fake answers nothing for minutes) "
                + "and counted while they run, then stopped.");
        line();
        line(
                "**What is counted.** Threads come from the JDK's JSON thread dump (`HotSpotDiagnosticMXBean.dumpThreads`), "
                        + "which lists virtual threads as well as platform threads; *platform threads* is "
                        + "`ThreadMXBean.getThreadCount()`. A turn's threads are the dispatcher's runner for its session "
                        + "(`session-<id>`) and the executor running the agent (`turn-<message id>`), both virtual; the "
                        + "other threads are the server's fixed ones (Jetty, the connection pool, timers), the fake model's "
                        + "(a virtual thread per request it is serving) and the benchmark's own. Heap is "
                        + "`MemoryMXBean` heap used after three `System.gc()` calls 300 ms apart, taken after the "
                        + "fake model has dropped its record of the requests it served (it shares the JVM and would "
                        + "otherwise keep each request's parsed body); RSS is the JVM's "
                        + "`VmRSS`, which the heap's high-water mark keeps up (the JVM returns little memory to the "
                        + "system); the database is the size of the SQLite files in the data directory.");
        line();
        howToRun(
                "",
                QuestionBenchmarks.COMMAND,
                ". It needs no sandboxes and no PostgreSQL; it creates and removes its own temporary data directory "
                        + "and overwrites this file (`NIGHTSHIFT_BENCH_OUT=<file>` writes elsewhere). It takes a "
                        + "minute or two.");
        machineRows();
        loadAverageRowNotingBusy(r.loadBefore(), r.loadAfter(), "");
        line("| Store | SQLite in the server's data directory, `synchronous=NORMAL` (the default) |");
        codeRows("Server", serverCode);
        line();
        javaVersion();
        results();
        failures(r.errors());
        return markdown();
    }

    private void results() {
        WaitingTurns.Result w = r.waiting();
        if (w == null) {
            return;
        }
        line("## Target");
        line();
        line("| Target | This run | Met? |");
        line("|---|---|---|");
        boolean met = w.waiting().turnThreads() == 0 && w.waiting().openQuestions() == WaitingTurns.WAITING;
        line("| Zero threads held per waiting turn, shown with " + Stats.fmt(WaitingTurns.WAITING, 0)
                + " waiting turns | " + w.waiting().turnThreads() + " turn threads with "
                + w.waiting().openQuestions() + " turns waiting; "
                + signed(w.waiting().allThreads() - w.idle().allThreads())
                + " threads in all and "
                + signed(w.waiting().platformThreads() - w.idle().platformThreads())
                + " platform threads against the idle server | " + (met ? "**met**" : "**not met**") + " |");
        line();
        line("## Results");
        line();
        line("| Snapshot | turns waiting | turn threads | threads in all | platform threads | heap used | "
                + "heap / floor | RSS |");
        line("|---|---:|---:|---:|---:|---:|---:|---:|");
        for (WaitingTurns.Snapshot s : List.of(w.idle(), w.waiting(), w.after(), w.running())) {
            boolean floor = s == w.idle();
            line("| " + s.name() + " | " + s.openQuestions() + " | " + s.turnThreads() + " | " + s.allThreads()
                    + " | " + s.platformThreads() + " | " + Stats.mib(s.heapBytes()) + " | "
                    + (floor
                            ? "1.00× (floor)"
                            : Stats.ratio(s.heapBytes(), w.idle().heapBytes())) + " | "
                    + Stats.mib(s.rssBytes()) + " |");
        }
        line();
        long heapPerTurn = (w.waiting().heapBytes() - w.idle().heapBytes()) / WaitingTurns.WAITING;
        line("- **Threads.** With " + Stats.fmt(WaitingTurns.WAITING, 0) + " turns waiting, no thread of any turn is "
                + "alive (" + w.waiting().turnThreads() + " named `session-…` or `turn-…`), and the JVM has "
                + signed(w.waiting().allThreads() - w.idle().allThreads()) + " threads against the idle server. For "
                + "scale, " + WaitingTurns.RUNNING + " turns inside a model call hold "
                + w.running().turnThreads()
                + " turn threads (" + Stats.fmt((double) w.running().turnThreads() / WaitingTurns.RUNNING, 1)
                + " each: the session's runner and the executor), "
                + signed(w.running().allThreads() - w.idle().allThreads())
                + " threads in all with the fake model's own.");
        line("- **Memory.** Heap after GC is "
                + Stats.ratio(w.waiting().heapBytes(), w.idle().heapBytes())
                + " the idle server's with " + Stats.fmt(WaitingTurns.WAITING, 0) + " turns waiting: "
                + signedKib(heapPerTurn) + " per waiting turn, which includes what the "
                + Stats.fmt(WaitingTurns.WAITING, 0) + " new sessions leave in memory whether they wait or not (the "
                + "dispatcher keeps a small runner object per session it has seen, caches fill). After every turn "
                + "went on and ended it is "
                + Stats.ratio(w.after().heapBytes(), w.idle().heapBytes())
                + " the floor.");
        line("- **Database.** The SQLite files grew from " + Stats.mib(w.dbBytesIdle()) + " to "
                + Stats.mib(w.dbBytesWaiting()) + " with the " + Stats.fmt(WaitingTurns.WAITING, 0)
                + " sessions, their prompts, their first steps' events and their questions: where a waiting turn "
                + "really lives.");
        line("- **Asking and answering.** All " + Stats.fmt(WaitingTurns.WAITING, 0) + " turns had asked within "
                + Stats.secs(w.allWaitingAfter().toNanos()) + " of the first prompt. Answering them one after "
                + "another and every turn going on to its end took "
                + Stats.secs(w.allDoneAfter().toNanos())
                + "; one answer's request:");
        line();
        line("| Measurement | p50 | p90 | p99 | n |");
        line("|---|---:|---:|---:|---:|");
        Series a = w.answer();
        line("| " + a.name() + " | " + Stats.fmtMs(a.p50()) + " | " + Stats.fmtMs(a.p(0.9)) + " | "
                + Stats.fmtMs(a.p(0.99)) + " | " + a.n() + " |");
        line();
        line("The answer's `200` comes after the transaction that records it and makes the turn runnable again "
                + "(the `answer` event, the question closed, the prompt processing and claimed by this node), and "
                + "after the turn is handed to the dispatcher; the turn itself runs on after the answer.");
        line();
    }

    private static String signed(long n) {
        return (n >= 0 ? "+" : "−") + Math.abs(n);
    }

    private static String signedKib(long bytes) {
        return (bytes >= 0 ? "+" : "−") + Stats.kib(Math.abs(bytes));
    }
}
