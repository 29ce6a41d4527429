package dev.nightshift.bench;

import dev.nightshift.agent.model.FakeModelServer;
import dev.nightshift.agent.model.FakeModelServer.Reply;
import dev.nightshift.agent.model.ToolCall;
import dev.nightshift.core.sandbox.ExecRequest;
import dev.nightshift.core.sandbox.ExecResult;
import dev.nightshift.core.sandbox.OutputListener;
import dev.nightshift.server.testing.ApiClient;
import dev.nightshift.server.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The three agent-loop measurements, all against one real server (agent, SQLite, bubblewrap
 * sandboxes) and one scripted model with a stopwatch ({@link TimedModel}): what the control plane
 * adds to each step of a long turn, what a {@code bash} step adds to the sandbox's own exec, and
 * how long a prompt waits before the model hears of it.
 */
final class AgentLoop implements AutoCloseable {
    static final int STEPS = 200;
    /** Steps of the warm-up turn before each measured turn: enough for the JIT to settle on the loop's code. */
    static final int STEP_WARMUP = 100;

    static final int BASH_WARMUP = 30;
    static final int FLOOR_WARMUP = 50;
    static final int EXEC_WARMUP = 10;
    static final int EXEC_RUNS = 100; // before the bash turn, and as many again after it
    static final int PROMPT_WARMUP = 3;
    static final int PROMPTS = 30;
    /** The pause between the prompts of part 3, so each finds the session idle. */
    static final Duration PROMPT_PAUSE = Duration.ofMillis(100);

    static final Duration TURN_TIMEOUT = Duration.ofSeconds(90);
    static final String MODEL = "openai-compatible/coder";

    final TimedModel model;
    final TestServer server;
    final ApiClient api;
    private final List<String> sessions = new ArrayList<>();
    private final List<LiveWatch> watches = new ArrayList<>();

    private AgentLoop(TimedModel model, TestServer server) {
        this.model = model;
        this.server = server;
        this.api = server.admin;
    }

    static AgentLoop start() {
        TimedModel model = TimedModel.start();
        try {
            TestServer server = TestServer.start(
                    Map.of("NIGHTSHIFT_MODEL", MODEL, "OPENAI_COMPATIBLE_BASE_URL", model.openAiBaseUrl()),
                    p -> p.sandboxes = true);
            return new AgentLoop(model, server);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    // ---------------------------------------------------------------- sessions and turns

    /** A session with a ready sandbox and someone watching it live. */
    record Live(String id, LiveWatch watch) {}

    Live session(String repository) throws Exception {
        String id = api.createSession(repository);
        sessions.add(id);
        ApiClient.Response resumed = api.post("/api/sessions/" + id + "/sandbox/resume", null);
        if (resumed.status() != 200) {
            throw new IOException("resuming the sandbox: " + resumed.status() + " " + resumed.raw());
        }
        String state = api.get("/api/sessions/" + id + "/sandbox").text("state");
        if (!state.equals("ready")) {
            throw new IOException("the sandbox is " + state + " after resume, not ready");
        }
        LiveWatch watch = LiveWatch.subscribe(server.wsUrl(id), api.liveToken(id));
        watches.add(watch);
        return new Live(id, watch);
    }

    /** One finished turn: when the prompt went in, what the model saw, what the watcher saw. */
    record Turn(
            String messageId,
            long postNanos,
            long acceptedNanos,
            long completeNanos,
            List<TimedModel.Exchange> exchanges,
            List<LiveWatch.Seen> events) {}

    Turn turn(Live s, List<Reply> replies) throws Exception {
        int m0 = model.count();
        int e0 = s.watch().count();
        model.fake.enqueue(replies.toArray(Reply[]::new));
        long post = System.nanoTime();
        ApiClient.Response r = api.prompt(s.id(), "go", null);
        long accepted = System.nanoTime();
        if (r.status() != 202) {
            throw new IOException("prompt: " + r.status() + " " + r.raw());
        }
        String messageId = r.text("messageId");
        LiveWatch.Seen done = s.watch().awaitTurnComplete(messageId, TURN_TIMEOUT);
        String status = done.data().path("status").asText();
        if (!status.equals("completed")) {
            throw new IOException("the turn ended " + status + ": "
                    + done.data().path("error").asText());
        }
        List<TimedModel.Exchange> all = model.awaitCount(m0 + replies.size(), Duration.ofSeconds(10));
        if (model.fake.pendingReplies() != 0 || all.size() != m0 + replies.size()) {
            throw new IOException("the turn made " + (all.size() - m0) + " model calls, scripted " + replies.size());
        }
        List<LiveWatch.Seen> events = s.watch().since(e0).stream()
                .filter(e -> messageId.equals(e.messageId()))
                .toList();
        return new Turn(messageId, post, accepted, done.nanos(), all.subList(m0, all.size()), events);
    }

    static List<Reply> todoSteps(int steps, String tag) {
        List<Reply> replies = new ArrayList<>();
        for (int k = 1; k <= steps; k++) {
            // a different item each step, so the loop detector never sees a repeat
            replies.add(Reply.toolCalls(new ToolCall(
                    tag + k,
                    "todo_write",
                    "{\"todos\":[{\"content\":\"" + tag + " step " + k + "\",\"status\":\"in_progress\"}]}")));
        }
        replies.add(Reply.text("Done."));
        return replies;
    }

    static List<Reply> bashSteps(int steps, String tag) {
        List<Reply> replies = new ArrayList<>();
        for (int k = 1; k <= steps; k++) {
            // `true` with a different comment each step (the loop detector again); bash ignores the comment
            replies.add(
                    Reply.toolCalls(new ToolCall(tag + k, "bash", "{\"command\":\"true # " + tag + " " + k + "\"}")));
        }
        replies.add(Reply.text("Done."));
        return replies;
    }

    // ---------------------------------------------------------------- per-step analysis

    /** Where the time between two model calls went, by the events a live watcher saw. */
    record Segments(
            Series answerToMessage,
            Series messageToFinish,
            Series finishToCall,
            Series tool,
            Series resultToStart,
            Series startToRequest) {
        List<Series> all() {
            return List.of(answerToMessage, messageToFinish, finishToCall, tool, resultToStart, startToRequest);
        }
    }

    /** A turn of tool steps: the model's time, the gaps between its calls, and their parts. */
    record Steps(
            Series gap,
            Series service,
            Series gapFirst,
            Series gapLast,
            Segments segments,
            long turnWallNanos,
            long modelNanos,
            int steps,
            long firstRequestBytes,
            long lastRequestBytes,
            AppendStats appends,
            int eventsPerStep) {
        /** (turn wall time − model time) / steps, the plain average. */
        double meanOverheadNanos() {
            return (turnWallNanos - modelNanos) / (double) steps;
        }
    }

    static Steps analyse(String name, Turn turn, AppendStats appends) {
        List<TimedModel.Exchange> ex = turn.exchanges();
        int steps = ex.size() - 1;
        long[] gaps = new long[steps];
        long[] service = new long[ex.size()];
        long model = 0;
        for (int k = 0; k < ex.size(); k++) {
            service[k] = ex.get(k).serviceNanos();
            model += service[k];
            if (k < steps) {
                gaps[k] = ex.get(k + 1).arrivalNanos() - ex.get(k).endNanos();
            }
        }
        int quarter = Math.max(1, steps / 4);
        long[] first = java.util.Arrays.copyOfRange(gaps, 0, quarter);
        long[] last = java.util.Arrays.copyOfRange(gaps, steps - quarter, steps);

        // the events of each step, by the step_start that opened it
        Map<Integer, Map<String, Long>> byStep = new LinkedHashMap<>();
        int step = 0;
        for (LiveWatch.Seen e : turn.events()) {
            if (e.type().equals("step_start")) {
                step = e.data().path("step").asInt();
            }
            byStep.computeIfAbsent(step, k -> new LinkedHashMap<>()).putIfAbsent(e.type(), e.nanos());
        }
        long[][] seg = new long[6][steps];
        int n = 0;
        for (int k = 1; k <= steps; k++) {
            Map<String, Long> t = byStep.get(k);
            Map<String, Long> next = byStep.get(k + 1);
            if (t == null
                    || next == null
                    || !t.keySet().containsAll(List.of("assistant_message", "step_finish", "tool_call", "tool_result"))
                    || !next.containsKey("step_start")) {
                continue;
            }
            seg[0][n] = t.get("assistant_message") - ex.get(k - 1).endNanos();
            seg[1][n] = t.get("step_finish") - t.get("assistant_message");
            seg[2][n] = t.get("tool_call") - t.get("step_finish");
            seg[3][n] = t.get("tool_result") - t.get("tool_call");
            seg[4][n] = next.get("step_start") - t.get("tool_result");
            seg[5][n] = ex.get(k).arrivalNanos() - next.get("step_start");
            n++;
        }
        int m = n;
        java.util.function.IntFunction<long[]> cut = i -> java.util.Arrays.copyOf(seg[i], m);
        Segments segments = new Segments(
                Series.of("model's answer ends → `assistant_message` seen", cut.apply(0)),
                Series.of("`assistant_message` → `step_finish`", cut.apply(1)),
                Series.of("`step_finish` → `tool_call`", cut.apply(2)),
                Series.of("`tool_call` → `tool_result` (the tool runs)", cut.apply(3)),
                Series.of("`tool_result` → next `step_start`", cut.apply(4)),
                Series.of("`step_start` → the model receives the next request", cut.apply(5)));
        // log writes per tool step: the events from a step_start up to the next one
        int inToolSteps = 0;
        int current = 0;
        for (LiveWatch.Seen e : turn.events()) {
            if (e.type().equals("step_start")) {
                current = e.data().path("step").asInt();
            }
            if (current >= 1 && current <= steps) {
                inToolSteps++;
            }
        }
        return new Steps(
                Series.of(name, gaps),
                Series.of("model time per call (at the fake)", service),
                Series.of("steps 1–" + quarter, first),
                Series.of("steps " + (steps - quarter + 1) + "–" + steps, last),
                segments,
                turn.completeNanos() - turn.acceptedNanos(),
                model,
                steps,
                ex.getFirst().requestBytes(),
                ex.get(steps).requestBytes(),
                appends,
                Math.round(inToolSteps / (float) steps));
    }

    // ---------------------------------------------------------------- part 1: zero-latency steps

    record Part1(Steps steps, Floor floor) {}

    /** The floor of part 1: the same request bodies, sent by a bare JDK HTTP client, one after another. */
    record Floor(Series gap, Series roundTrip, Series service, Series sendToArrival) {}

    Part1 part1(Consumer<String> say) throws Exception {
        Live warm = session("/srv/agent-bench-warmup");
        turn(warm, todoSteps(STEP_WARMUP, "w"));
        Live s = session("/srv/agent-bench-steps");
        say.accept("warm-up turn of " + STEP_WARMUP + " steps done; measuring " + STEPS + " todo_write steps");
        AppendStats before = AppendStats.scrape(api);
        Turn turn = turn(s, todoSteps(STEPS, "t"));
        AppendStats appends = AppendStats.scrape(api).minus(before);
        Steps steps = analyse("per-step overhead (gap between model calls)", turn, appends);
        say.accept("per-step overhead: p50 " + Stats.fmtMs(steps.gap().p50()) + ", p99 "
                + Stats.fmtMs(steps.gap().p(0.99)) + "; mean by (wall − model) / steps "
                + Stats.fmtMs((long) steps.meanOverheadNanos()));
        destroy(warm);

        // the floor: the very bodies the agent sent, replayed
        List<FakeModelServer.RecordedRequest> recorded = model.fake.requests();
        List<byte[]> bodies = new ArrayList<>();
        for (FakeModelServer.RecordedRequest r : recorded.subList(recorded.size() - (STEPS + 1), recorded.size())) {
            bodies.add(r.body().toString().getBytes(StandardCharsets.UTF_8));
        }
        List<Reply> replies = todoSteps(STEPS, "f");
        replay(bodies.subList(0, FLOOR_WARMUP), replies.subList(0, FLOOR_WARMUP));
        Floor floor = replay(bodies, replies);
        say.accept("floor (same bodies, bare java.net.http client): gap p50 "
                + Stats.fmtMs(floor.gap().p50()) + ", round trip p50 "
                + Stats.fmtMs(floor.roundTrip().p50()));
        destroy(s);
        return new Part1(steps, floor);
    }

    private Floor replay(List<byte[]> bodies, List<Reply> replies) throws Exception {
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
        try {
            URI uri = URI.create(model.openAiBaseUrl() + "/chat/completions");
            int m0 = model.count();
            model.fake.enqueue(replies.toArray(Reply[]::new));
            long[] sent = new long[bodies.size()];
            long[] trip = new long[bodies.size()];
            byte[] sink = new byte[8192];
            for (int k = 0; k < bodies.size(); k++) {
                long t0 = System.nanoTime();
                HttpRequest request = HttpRequest.newBuilder(uri)
                        .timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/json")
                        .header("Authorization", "Bearer none")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(bodies.get(k)))
                        .build();
                HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
                try (InputStream in = response.body()) {
                    while (in.read(sink) >= 0) {
                        // read the stream to its end, as a client must
                    }
                }
                if (response.statusCode() != 200) {
                    throw new IOException("floor request " + k + ": status " + response.statusCode());
                }
                sent[k] = t0;
                trip[k] = System.nanoTime() - t0;
            }
            List<TimedModel.Exchange> ex = model.awaitCount(m0 + bodies.size(), Duration.ofSeconds(10));
            ex = ex.subList(m0, ex.size());
            long[] gaps = new long[bodies.size() - 1];
            long[] service = new long[bodies.size()];
            long[] toArrival = new long[bodies.size()];
            for (int k = 0; k < bodies.size(); k++) {
                service[k] = ex.get(k).serviceNanos();
                toArrival[k] = ex.get(k).arrivalNanos() - sent[k];
                if (k + 1 < bodies.size()) {
                    gaps[k] = ex.get(k + 1).arrivalNanos() - ex.get(k).endNanos();
                }
            }
            return new Floor(
                    Series.of("floor: gap between calls, bare JDK client", gaps),
                    Series.of("floor: client round trip (send → stream read to its end)", trip),
                    Series.of("model time per call, floor run", service),
                    Series.of("floor: request built and sent → the model receives it", toArrival));
        } finally {
            http.close();
        }
    }

    // ---------------------------------------------------------------- part 2: bash steps

    record Part2(Steps steps, Series execFloor, Series execBefore, Series execAfter) {}

    Part2 part2(Consumer<String> say) throws Exception {
        Live s = session("/srv/agent-bench-bash");
        turn(s, bashSteps(BASH_WARMUP, "w"));
        long[] before = execFloor(s.id(), EXEC_WARMUP, EXEC_RUNS);
        say.accept("exec floor before: p50 " + Stats.fmtMs(Stats.pct(Stats.sorted(before), 0.5)) + "; measuring "
                + STEPS + " bash steps");
        AppendStats a0 = AppendStats.scrape(api);
        Turn turn = turn(s, bashSteps(STEPS, "b"));
        AppendStats appends = AppendStats.scrape(api).minus(a0);
        long[] after = execFloor(s.id(), 0, EXEC_RUNS);
        long[] both = new long[before.length + after.length];
        System.arraycopy(before, 0, both, 0, before.length);
        System.arraycopy(after, 0, both, before.length, after.length);
        Steps steps = analyse("per-step overhead with `bash true` (gap between model calls)", turn, appends);
        Series floor = Series.of("floor: `acquire(id).exec(shell(\"true\"))` on the same sandbox", both);
        say.accept(
                "bash step gap p50 " + Stats.fmtMs(steps.gap().p50()) + ", exec floor p50 " + Stats.fmtMs(floor.p50()));
        destroy(s);
        return new Part2(
                steps,
                floor,
                Series.of("exec floor, before the turn", before),
                Series.of("exec floor, after the turn", after));
    }

    private long[] execFloor(String sessionId, int warmup, int runs) throws Exception {
        long[] out = new long[runs];
        for (int i = -warmup; i < runs; i++) {
            long t0 = System.nanoTime();
            ExecResult r =
                    server.server.sandboxes().acquire(sessionId).exec(ExecRequest.shell("true"), OutputListener.IGNORE);
            long took = System.nanoTime() - t0;
            if (!r.succeeded()) {
                throw new IOException("exec true failed: exit " + r.exitCode() + " " + r.stderr());
            }
            if (i >= 0) {
                out[i] = took;
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- part 3: prompt to first model request

    record Part3(
            Series accepted,
            Series posted,
            Series toUserMessage,
            Series userToStart,
            Series startToRequest,
            Series postToAccepted,
            Series execFloor,
            Series twoStats,
            Series twoStatsVirtual,
            Series execVirtual,
            Series twoLogReads,
            int logEvents) {}

    Part3 part3(Consumer<String> say) throws Exception {
        Live s = session("/srv/agent-bench-prompts");
        long[] fromAccepted = new long[PROMPTS];
        long[] fromPost = new long[PROMPTS];
        long[] toUser = new long[PROMPTS];
        long[] userToStart = new long[PROMPTS];
        long[] startToRequest = new long[PROMPTS];
        long[] postToAccepted = new long[PROMPTS];
        for (int i = -PROMPT_WARMUP; i < PROMPTS; i++) {
            Thread.sleep(PROMPT_PAUSE.toMillis());
            Turn t = turn(s, List.of(Reply.text("Done.")));
            long arrival = t.exchanges().getFirst().arrivalNanos();
            Long user = null;
            Long start = null;
            for (LiveWatch.Seen e : t.events()) {
                if (user == null && e.type().equals("user_message")) {
                    user = e.nanos();
                }
                if (start == null && e.type().equals("step_start")) {
                    start = e.nanos();
                }
            }
            if (user == null || start == null) {
                throw new IOException("the watcher missed user_message or step_start");
            }
            if (i >= 0) {
                fromAccepted[i] = arrival - t.acceptedNanos();
                fromPost[i] = arrival - t.postNanos();
                toUser[i] = user - t.acceptedNanos();
                userToStart[i] = start - user;
                startToRequest[i] = arrival - start;
                postToAccepted[i] = t.acceptedNanos() - t.postNanos();
            }
        }
        long[] exec = execFloor(s.id(), 3, PROMPTS);
        // what the agent's turn start does before step_start, each part alone on the same session
        long[] stats = new long[PROMPTS];
        long[] statsVirtual = new long[PROMPTS];
        long[] execVirtual = new long[PROMPTS];
        long[] logs = new long[PROMPTS];
        int logEvents = 0;
        for (int i = -3; i < PROMPTS; i++) {
            long stat = twoStats(s.id());
            // the turn runs on a virtual thread, and the bash tool's exec on another: the same calls from one
            long[] onVirtual = new long[2];
            Thread v = Thread.ofVirtual().start(() -> {
                try {
                    onVirtual[0] = twoStats(s.id());
                    long t0 = System.nanoTime();
                    server.server.sandboxes().acquire(s.id()).exec(ExecRequest.shell("true"), OutputListener.IGNORE);
                    onVirtual[1] = System.nanoTime() - t0;
                } catch (Exception e) {
                    onVirtual[0] = -1;
                }
            });
            v.join();
            if (onVirtual[0] < 0) {
                throw new IOException("stat or exec on a virtual thread failed");
            }
            long t1 = System.nanoTime();
            logEvents = readLog(s.id()) + readLog(s.id());
            long t2 = System.nanoTime();
            if (i >= 0) {
                stats[i] = stat;
                statsVirtual[i] = onVirtual[0];
                execVirtual[i] = onVirtual[1];
                logs[i] = t2 - t1;
            }
        }
        Part3 result = new Part3(
                Series.of("202 received → the model receives the first request", fromAccepted),
                Series.of("POST sent → the model receives the first request", fromPost),
                Series.of("202 received → `user_message` seen", toUser),
                Series.of("`user_message` → `step_start`", userToStart),
                Series.of("`step_start` → the model receives the request", startToRequest),
                Series.of("POST sent → 202 received", postToAccepted),
                Series.of("`exec true` on the same sandbox (for scale)", exec),
                Series.of("`stat(\"AGENTS.md\")` + `stat(\"CLAUDE.md\")` on the same sandbox", stats),
                Series.of("the same two `stat`s from a virtual thread (the turn runs on one)", statsVirtual),
                Series.of("`exec true` from a virtual thread (as the `bash` tool runs it)", execVirtual),
                Series.of("the session's log read twice from the store, as the turn start does", logs),
                logEvents / 2);
        say.accept("prompt accepted → first model request: p50 "
                + Stats.fmtMs(result.accepted().p50()) + ", p99 "
                + Stats.fmtMs(result.accepted().p(0.99)));
        destroy(s);
        return result;
    }

    /** {@code AgentExecutor.instructions} on a repository with neither file: two {@code stat}s. */
    private long twoStats(String sessionId) throws IOException {
        long t0 = System.nanoTime();
        var sandbox = server.server.sandboxes().acquire(sessionId);
        sandbox.stat("AGENTS.md");
        sandbox.stat("CLAUDE.md");
        return System.nanoTime() - t0;
    }

    /** Reads a session's whole log the way {@code AgentExecutor.readLog} does; returns the number of events. */
    private int readLog(String sessionId) {
        var events = server.server.store().events();
        long after = 0;
        int n = 0;
        dev.nightshift.core.port.Page<dev.nightshift.core.model.Event> page;
        do {
            page = events.after(sessionId, after, 500);
            n += page.items().size();
            if (!page.items().isEmpty()) {
                after = page.items().getLast().seq();
            }
        } while (page.hasMore());
        return n;
    }

    // ---------------------------------------------------------------- bookkeeping

    /** The server's own timer of log appends ({@code nightshift.events.append}), from /metrics. */
    record AppendStats(double count, double seconds) {
        static AppendStats scrape(ApiClient api) {
            ApiClient.Response r = api.get("/metrics");
            double count = -1;
            double sum = -1;
            for (String line : r.raw().split("\n")) {
                if (line.startsWith("nightshift_events_append_seconds_count")) {
                    count = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                } else if (line.startsWith("nightshift_events_append_seconds_sum")) {
                    sum = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
            return new AppendStats(count, sum);
        }

        AppendStats minus(AppendStats before) {
            return count < 0 || before.count < 0
                    ? new AppendStats(-1, -1)
                    : new AppendStats(count - before.count, seconds - before.seconds);
        }

        double meanNanos() {
            return count <= 0 ? -1 : seconds * 1e9 / count;
        }
    }

    private void destroy(Live s) {
        try {
            server.server.sandboxes().destroy(s.id());
        } catch (RuntimeException e) {
            // the server's close destroys what is left
        }
    }

    @Override
    public void close() {
        for (LiveWatch w : watches) {
            w.close();
        }
        try {
            for (String id : sessions) {
                try {
                    server.server.sandboxes().destroy(id);
                } catch (RuntimeException e) {
                    // gone already
                }
            }
            server.close();
        } finally {
            model.close();
        }
    }
}
