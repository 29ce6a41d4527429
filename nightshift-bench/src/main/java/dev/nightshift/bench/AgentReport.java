package dev.nightshift.bench;

import static dev.nightshift.bench.Stats.fmt;
import static dev.nightshift.bench.Stats.fmtMs;
import static dev.nightshift.bench.Stats.secs;

import java.util.List;
import java.util.Locale;

/** Renders docs/benchmarks-agent.md from one run's results. */
final class AgentReport extends MarkdownReport {
    private final String agentCode;
    private final AgentBenchmarks.Results r;

    AgentReport(Machine machine, String agentCode, String command, double seconds, AgentBenchmarks.Results results) {
        super(machine, command, seconds);
        this.agentCode = agentCode;
        this.r = results;
    }

    String render() {
        header("Agent loop benchmarks", "AgentBenchmarks");
        line("What the control plane costs an agent, with the model taken out of the picture. A real Nightshift (the "
                + "agent loop of `nightshift-agent`, SQLite, bubblewrap sandboxes, the HTTP API and a live WebSocket "
                + "watcher, all as `nightshift serve` runs them) talks to a scripted model on loopback: the agent tests' "
                + "`FakeModelServer`, which streams real OpenAI Chat Completions responses at once, with no delay "
                + "between chunks. Every request is stamped at the fake when its handler starts (request line and "
                + "headers in) and when it returns (the whole streamed answer written and the exchange closed); the "
                + "fake's time in between is *model time*, and everything else is Nightshift's. Each number stands next "
                + "to a floor measured in the same run.");
        line();
        line("The fake's HTTP server (the JDK's `com.sun.net.httpserver`) runs with `sun.net.httpserver.nodelay=true`. "
                + "By default it leaves Nagle's algorithm on, and then the final small chunk of every streamed answer "
                + "waits for the client's delayed ACK, about 40 ms on Linux: a stall of the fake's transport that "
                + "lands in the gap after every model call, for the agent and the bare floor client alike, and that "
                + "real providers do not have.");
        line();
        howToRun(
                "as root (the sandboxes need it), ",
                AgentBenchmarks.COMMAND,
                ", "
                        + "server and fake model included. It needs bubblewrap and the other sandbox tools on the host (see "
                        + "`docs/benchmarks-sandbox.md`). The server's data directory and sandboxes live in a temporary "
                        + "directory that is removed at the end; it overwrites this file (`NIGHTSHIFT_BENCH_OUT=<file>` writes "
                        + "elsewhere). It takes well under a minute.");
        machine();
        targets();
        part1();
        part2();
        part3();
        observations();
        failures(r.errors());
        return markdown();
    }

    private void machine() {
        machineRows();
        loadAverageRow(
                r.loadBefore(),
                r.loadAfter(),
                " (a 1-minute load near the CPU count or above means other work shared the machine)");
        line("| Store | SQLite in the server's data directory (" + r.dataFilesystem() + "), `synchronous="
                + r.sqliteSynchronous() + "` (the default) |");
        line("| Model | `" + AgentLoop.MODEL + "` on `FakeModelServer` (loopback, zero latency, OpenAI streaming) |");
        codeRows("Agent", agentCode);
        line();
        if (!r.capabilities().isEmpty()) {
            line("Sandboxes (the provider's `capabilities()`): " + String.join("; ", r.capabilities()) + ".");
            line();
        }
        javaVersion();
    }

    private void targets() {
        line("## Targets");
        line();
        line("| Target | This run | Met? |");
        line("|---|---|---|");
        if (r.part1() != null) {
            Series g = r.part1().steps().gap();
            line("| Control-plane overhead per agent step (zero-latency model) under 20 ms, p50 | p50 " + fmtMs(g.p50())
                    + ", p90 " + fmtMs(g.p(0.9)) + ", p99 " + fmtMs(g.p(0.99)) + " over " + g.n() + " steps | "
                    + met(g.p50() < AgentBenchmarks.STEP_TARGET_NANOS) + plainly(g, AgentBenchmarks.STEP_TARGET_NANOS)
                    + " |");
        } else {
            line("| Control-plane overhead per agent step under 20 ms, p50 | not measured (failed) | **unknown** |");
        }
        if (r.part3() != null) {
            Series a = r.part3().accepted();
            line("| Prompt accepted (the 202) to the first model request, warm sandbox, under 200 ms | p50 "
                    + fmtMs(a.p50()) + ", p90 " + fmtMs(a.p(0.9)) + ", p99 " + fmtMs(a.p(0.99)) + " over " + a.n()
                    + " prompts | " + met(a.p50() < AgentBenchmarks.PROMPT_TARGET_NANOS)
                    + plainly(a, AgentBenchmarks.PROMPT_TARGET_NANOS) + " |");
        } else {
            line("| Prompt accepted to the first model request under 200 ms | not measured (failed) | **unknown** |");
        }
        line();
        line("The `bash` step of part 2 has no target of its own; it is reported against the sandbox's exec floor.");
        line();
    }

    /** Says whether the tail is also under the target, so a met p50 does not hide a slow p99. */
    private static String plainly(Series s, long target) {
        if (s.p50() >= target) {
            return "";
        }
        return s.p(0.99) < target ? " (p99 too)" : " at p50; p99 is over";
    }

    private void part1() {
        line("## 1. Control-plane overhead per agent step");
        line();
        line("One prompt whose turn is scripted as " + AgentLoop.STEPS + " steps, each a `todo_write` call with a "
                + "one-item list (a tool that never touches the sandbox: it writes a `todo` event and answers), then a "
                + "final text answer; a " + AgentLoop.STEP_WARMUP + "-step turn on another session warms the JVM "
                + "first. Every item differs, so the loop detector never fires. The *gap* of step k is the time from "
                + "the fake finishing its answer k to the next request arriving: all of it is Nightshift (reading the "
                + "stream's end, writing the step's events, running the tool, building and sending the next request). "
                + "The floor replays the very request bodies the agent sent, " + AgentLoop.FLOOR_WARMUP
                + " warm-up then all " + (AgentLoop.STEPS + 1) + ", from a bare `java.net.http` client (HTTP/1.1, as "
                + "the gateway uses) that reads each streamed answer to its end and sends the next pre-serialised "
                + "body: the least any client can spend between two model calls.");
        line();
        if (r.part1() == null) {
            line("Not measured (failed).");
            line();
            return;
        }
        AgentLoop.Steps s = r.part1().steps();
        AgentLoop.Floor f = r.part1().floor();
        latencyHeader();
        latencyRow(s.gap(), f.gap());
        latencyRow(f.gap(), f.gap());
        latencyRow(s.service(), null);
        latencyRow(f.service(), null);
        latencyRow(f.roundTrip(), null);
        line();
        line("The plain average the other way round: (turn wall time − model time) / steps = ("
                + secs(s.turnWallNanos()) + " from the 202 to `turn_complete` reaching the watcher − "
                + secs(s.modelNanos())
                + " at the fake over " + (s.steps() + 1) + " calls) / " + s.steps() + " = **"
                + fmtMs((long) s.meanOverheadNanos()) + " per step** (this one also spreads the turn's start and end "
                + "over the steps).");
        line();
        growth(s);
        segments(s, "todo_write");
        appends(s);
    }

    private void growth(AgentLoop.Steps s) {
        line("The conversation grows with every step, and so does each request: " + kib(s.firstRequestBytes())
                + " for the first call, " + kib(s.lastRequestBytes())
                + " for the last. The gap early and late in the turn:");
        line();
        line("| Steps | p50 | p90 | p99 | n |");
        line("|---|---:|---:|---:|---:|");
        for (Series q : List.of(s.gapFirst(), s.gapLast())) {
            line("| " + q.name() + " | " + fmtMs(q.p50()) + " | " + fmtMs(q.p(0.9)) + " | " + fmtMs(q.p(0.99)) + " | "
                    + q.n() + " |");
        }
        line();
    }

    private void segments(AgentLoop.Steps s, String tool) {
        line(
                "Where a gap goes, by when each of the step's events reached the live WebSocket watcher (every event is a "
                        + "database write through `Turn.emit`, then a publish). The first and last rows mix in the watcher's "
                        + "delivery delay (the first gains it, the last loses it); the middle rows are differences between "
                        + "deliveries, so the delay cancels. Medians of parts do not add up to the median of the whole exactly.");
        line();
        line("| Part of the gap (" + tool + " steps) | p50 | p90 | p99 | n |");
        line("|---|---:|---:|---:|---:|");
        for (Series q : s.segments().all()) {
            line("| " + q.name() + " | " + fmtMs(q.p50()) + " | " + fmtMs(q.p(0.9)) + " | " + fmtMs(q.p(0.99)) + " | "
                    + q.n() + " |");
        }
        line();
    }

    private void appends(AgentLoop.Steps s) {
        if (s.appends().count() <= 0) {
            return;
        }
        double perStep = s.appends().count() / (s.steps() + 1.0);
        line("The server's own append timer (`nightshift.events.append` on `/metrics`) over the turn: "
                + fmt(s.appends().count(), 0) + " appends, "
                + String.format(Locale.ROOT, "%.2f ms", s.appends().meanNanos() / 1e6)
                + " each on average; about " + fmt(perStep, 1) + " per model call (the watcher saw " + s.eventsPerStep()
                + " events per tool step), i.e. about "
                + String.format(Locale.ROOT, "%.1f ms", perStep * s.appends().meanNanos() / 1e6) + " of each step is "
                + "spent inside the store's append.");
        line();
    }

    private void part2() {
        line("## 2. A `bash` step against the sandbox's exec floor");
        line();
        line("The same shape on a fresh session: " + AgentLoop.STEPS
                + " steps that each call `bash` with `true` (plus a "
                + "comment that differs per step, for the loop detector), then a final answer, after a "
                + AgentLoop.BASH_WARMUP + "-step warm-up turn on the same session. Each command runs in the "
                + "session's real bubblewrap sandbox. The floor is the sandbox API itself on the same sandbox, "
                + "`server.sandboxes().acquire(id).exec(ExecRequest.shell(\"true\"), OutputListener.IGNORE)`, "
                + AgentLoop.EXEC_RUNS + " times just before the turn (after " + AgentLoop.EXEC_WARMUP
                + " warm-ups) and "
                + AgentLoop.EXEC_RUNS + " times just after it.");
        line();
        if (r.part2() == null) {
            line("Not measured (failed).");
            line();
            return;
        }
        AgentLoop.Part2 p = r.part2();
        AgentLoop.Steps s = p.steps();
        latencyHeader();
        latencyRow(s.gap(), p.execFloor());
        latencyRow(s.segments().tool(), p.execFloor());
        latencyRow(p.execFloor(), p.execFloor());
        latencyRow(p.execBefore(), p.execFloor());
        latencyRow(p.execAfter(), p.execFloor());
        latencyRow(s.service(), null);
        line();
        long overhead = s.gap().p50() - p.execFloor().p50();
        long toolOverhead = s.segments().tool().p50() - p.execFloor().p50();
        line("So a `bash true` step costs the control plane about **" + fmtMs(overhead) + "** above the sandbox's own "
                + "exec at p50 (gap p50 − floor p50), of which about " + fmtMs(toolOverhead)
                + " is inside the tool call "
                + "(`tool_call` → `tool_result` p50 − floor p50: the tool's own thread, output window and result text)"
                + (r.part1() == null
                        ? "."
                        : "; the `todo_write` step of part 1 had a gap of "
                                + fmtMs(r.part1().steps().gap().p50()) + " at p50."));
        line();
        growth(s);
        segments(s, "bash");
        appends(s);
    }

    private void part3() {
        line("## 3. Prompt accepted to the first model request");
        line();
        line(
                "A session whose sandbox was resumed first (`POST /api/sessions/{id}/sandbox/resume`, then its state checked "
                        + "to be `ready`), with a live watcher. " + (AgentLoop.PROMPT_WARMUP + AgentLoop.PROMPTS)
                        + " prompts are "
                        + "sent one after another, each after the previous turn's `turn_complete` reached the watcher and a "
                        + AgentLoop.PROMPT_PAUSE.toMillis()
                        + " ms pause; each turn is one model call answered with text. The "
                        + "first " + AgentLoop.PROMPT_WARMUP
                        + " are warm-ups. The clock runs from the client holding the 202 "
                        + "of `POST /api/sessions/{id}/prompts` to the fake model receiving the turn's first request (same JVM, "
                        + "same `System.nanoTime()`).");
        line();
        if (r.part3() == null) {
            line("Not measured (failed).");
            line();
            return;
        }
        AgentLoop.Part3 p = r.part3();
        Series floor = r.part1() == null ? null : r.part1().floor().sendToArrival();
        latencyHeader();
        latencyRow(p.accepted(), floor);
        latencyRow(p.posted(), floor);
        if (floor != null) {
            latencyRow(floor, floor);
        }
        line();
        line("The floor here is the bare client of part 1 building a request and getting it to the fake (send → "
                + "arrival): the least a prompt's first model call could take once something decided to make it.");
        line();
        line("Where it goes, by the watcher's clock as in part 1:");
        line();
        line("| Part | p50 | p90 | p99 | n |");
        line("|---|---:|---:|---:|---:|");
        for (Series q : List.of(
                p.postToAccepted(),
                p.toUserMessage(),
                p.userToStart(),
                p.startToRequest(),
                p.execFloor(),
                p.twoStats(),
                p.twoStatsVirtual(),
                p.execVirtual(),
                p.twoLogReads())) {
            line("| " + q.name() + " | " + fmtMs(q.p50()) + " | " + fmtMs(q.p(0.9)) + " | " + fmtMs(q.p(0.99)) + " | "
                    + q.n() + " |");
        }
        line();
        line("The last five rows were timed apart, on the same session after its prompts (" + p.logEvents()
                + " events in its log by then), to show what the turn start is made of. A negative `202 → user_message` "
                + "means the event reached the watcher before the 202 reached the client.");
        line();
        line("`202 → user_message` is the dispatcher: waking the session's runner, claiming the prompt, reading the "
                + "session, setting it active, announcing the queue change and appending `user_message`. "
                + "`user_message → step_start` is the agent's turn start: it reads the whole session log twice, builds "
                + "the system prompt and looks for `AGENTS.md` and `CLAUDE.md` in the sandbox (each `stat` is a command "
                + "run in the sandbox, so two of them when neither exists, as here). `step_start → request` builds the "
                + "model request and sends it.");
        line();
    }

    private void observations() {
        line("## What looks slow");
        line();
        line("Read from this run's numbers and the code paths they time; nothing here was changed to find out.");
        line();
        if (r.part1() != null) {
            AgentLoop.Steps s = r.part1().steps();
            long store = s.appends().count() > 0
                    ? (long) (s.appends().count()
                            / (s.steps() + 1.0)
                            * s.appends().meanNanos())
                    : -1;
            line("- **Per step, the store.** Each tool step is " + s.eventsPerStep()
                    + " separate appends (`step_start`, "
                    + "`assistant_message`, `step_finish`, `tool_call`, the tool's own `todo`, `tool_result`), each its "
                    + "own transaction, one after another on the turn's thread"
                    + (store > 0
                            ? "; by the server's timer they took about " + fmtMs(store) + " of the step's "
                                    + fmtMs(s.gap().p50()) + " p50 gap"
                            : "")
                    + ". `assistant_message` and `step_finish` are written back to back, as are `tool_result` and the "
                    + "next `step_start`: each pair could be one batch (`EventLog.append` takes a list).");
            line("- **Per step, the request.** The gap was "
                    + fmtMs(s.gapFirst().p50()) + " at p50 over the first "
                    + s.gapFirst().n() + " steps and " + fmtMs(s.gapLast().p50()) + " over the last "
                    + s.gapLast().n()
                    + ", while the request grew from " + kib(s.firstRequestBytes()) + " to " + kib(s.lastRequestBytes())
                    + ": every call converts and serialises the whole conversation again, and `LangChain4jClient` builds "
                    + "a new LangChain4j streaming model object for every call. Compare the `step_start → request` row with "
                    + "the floor's send → arrival ("
                    + fmtMs(r.part1().floor().sendToArrival().p50()) + " p50 for the same "
                    + "bodies).");
        }
        if (r.part2() != null) {
            AgentLoop.Part2 p = r.part2();
            line("- **`bash`.** Inside the tool call, `tool_call → tool_result` was "
                    + fmtMs(p.steps().segments().tool().p50())
                    + " at p50 against the raw exec's " + fmtMs(p.execFloor().p50())
                    + ": the tool starts a virtual thread "
                    + "per command (`StoppableExec`, so a stop can interrupt it), reaches the sandbox through "
                    + "`turn.sandbox()` (the sandbox manager's lock and a liveness check) and formats the result"
                    + (r.part3() == null
                            ? ""
                            : "; `exec true` from a virtual thread took "
                                    + fmtMs(r.part3().execVirtual().p50()) + " at p50 in part 3, against "
                                    + fmtMs(r.part3().execFloor().p50()) + " from a platform thread")
                    + ". The rest of a `bash` step's gap is the same per-step bookkeeping as in part 1.");
        }
        if (r.part3() != null) {
            AgentLoop.Part3 p = r.part3();
            long attributed = p.twoStatsVirtual().p50() + p.twoLogReads().p50();
            line("- **Turn start.** `user_message → step_start` is "
                    + fmtMs(p.userToStart().p50()) + " at p50, most of "
                    + "the prompt's wait. `AgentExecutor.instructions` looks for `AGENTS.md` and then `CLAUDE.md` with "
                    + "`Sandbox.stat`, and each `stat` is a command run in the sandbox: the two took "
                    + fmtMs(p.twoStats().p50()) + " at p50 timed alone ("
                    + fmtMs(p.twoStatsVirtual().p50())
                    + " from a virtual thread, as the turn calls them), on every turn of a repository without those "
                    + "files; one command, or a host-side check, would do. It also reads the session's whole log twice "
                    + "(`readLog` for `Conversation.rebuild`, then again to rebuild the messages): "
                    + fmtMs(p.twoLogReads().p50()) + " here with " + p.logEvents()
                    + " events, growing with the session. "
                    + "Those two account for about " + fmtMs(attributed) + " of the "
                    + fmtMs(p.userToStart().p50())
                    + (p.userToStart().p50() > attributed * 3 / 2
                            ? "; the rest was not attributed by this run (the parts were timed on a quiet session, the "
                                    + "turn start runs while the prompt's own events are being published)."
                            : "."));
        }
        line();
    }

    private static String kib(long bytes) {
        return bytes < 0 ? "unknown" : Stats.kib(bytes);
    }
}
