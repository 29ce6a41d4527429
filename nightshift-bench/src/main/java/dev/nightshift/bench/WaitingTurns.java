package dev.nightshift.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.management.HotSpotDiagnosticMXBean;
import dev.nightshift.agent.model.FakeModelServer;
import dev.nightshift.agent.model.FakeModelServer.Reply;
import dev.nightshift.agent.model.ToolCall;
import dev.nightshift.core.model.SessionStatus;
import dev.nightshift.server.testing.ApiClient;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * What a turn waiting for a person's answer costs the server: {@link #WAITING} sessions each prompted
 * once, the real agent's first step an {@code ask_user} call (a scripted model on loopback), until every
 * one waits; the threads and heap of the JVM then, beside the same server idle after a warm-up (the
 * floor). Then every question is answered over the API and every turn goes on to its end; and, for
 * scale, {@link #RUNNING} turns held inside a model call show what a turn that runs holds.
 *
 * <p>The server runs in this JVM (as {@code nightshift serve} starts it, without sandboxes, rate
 * limits off), so the JVM's threads are the server's, the fake model's (virtual threads per request)
 * and the benchmark's own few. Threads are counted from the JDK's JSON thread dump, which lists virtual
 * threads too; a turn's threads are named {@code session-<id>} (its session's runner) and {@code
 * turn-<message id>} (its executor).
 */
final class WaitingTurns {
    static final int WAITING = 1_000;
    static final int WARMUP = 20;
    static final int RUNNING = 100;
    private static final Duration DEADLINE = Duration.ofMinutes(10);
    static final String ASK =
            "{\"questions\":[{\"question\":\"Which database?\",\"options\":" + "[\"PostgreSQL\",\"SQLite\"]}]}";

    /** The JVM at one moment, after garbage collection. */
    record Snapshot(
            String name,
            int platformThreads,
            int allThreads,
            int turnThreads,
            long heapBytes,
            long rssBytes,
            int openQuestions) {}

    record Result(
            Snapshot idle,
            Snapshot waiting,
            Snapshot after,
            Snapshot running,
            Duration allWaitingAfter,
            Series answer,
            Duration allDoneAfter,
            long dbBytesIdle,
            long dbBytesWaiting) {}

    private WaitingTurns() {}

    static Result run(Consumer<String> progress) throws Exception {
        try (FakeModelServer model = FakeModelServer.start();
                BenchServer server = BenchServer.sqlite(
                        Map.of(
                                "NIGHTSHIFT_MODEL", "openai-compatible/coder",
                                "OPENAI_COMPATIBLE_BASE_URL", model.openAiBaseUrl(),
                                "NIGHTSHIFT_RATE_LIMITS", "off",
                                "NIGHTSHIFT_QUESTION_TIMEOUT", "24h"),
                        p -> p.sandboxes = false)) {
            ApiClient api = server.admin;
            progress.accept("warming up: " + WARMUP + " turns that ask, are answered and end");
            List<String> warm = new ArrayList<>();
            for (int i = 0; i < WARMUP; i++) {
                model.enqueue(Reply.toolCalls(new ToolCall("ask", "ask_user", ASK)));
                warm.add(prompted(api, "/srv/bench/warm-" + i));
            }
            untilOpen(server, WARMUP);
            for (int i = 0; i < WARMUP; i++) {
                model.enqueue(Reply.text("Going on with SQLite."));
            }
            for (String session : warm) {
                answer(api, session, questionOf(api, session));
            }
            untilDone(server, warm);
            Snapshot idle = snapshot("idle server (floor)", server, model);
            long dbIdle = dbBytes(server);
            progress.accept("idle: " + describe(idle));

            progress.accept(WAITING + " sessions, each prompted once; every turn asks and waits");
            List<String> sessions = new ArrayList<>();
            for (int i = 0; i < WAITING; i++) {
                model.enqueue(Reply.toolCalls(new ToolCall("ask", "ask_user", ASK)));
            }
            long started = System.nanoTime();
            for (int i = 0; i < WAITING; i++) {
                sessions.add(prompted(api, "/srv/bench/wait-" + i));
            }
            untilOpen(server, WAITING);
            Duration allWaiting = Duration.ofNanos(System.nanoTime() - started);
            Snapshot waiting = snapshot(WAITING + " turns waiting for an answer", server, model);
            long dbWaiting = dbBytes(server);
            progress.accept("waiting: " + describe(waiting) + " (all asked within " + allWaiting.toMillis() + " ms)");

            progress.accept("answering all " + WAITING + " over the API");
            for (int i = 0; i < WAITING; i++) {
                model.enqueue(Reply.text("Going on with SQLite."));
            }
            List<String> questionIds = new ArrayList<>();
            for (String session : sessions) {
                questionIds.add(questionOf(api, session));
            }
            long[] answers = new long[WAITING];
            long answering = System.nanoTime();
            for (int i = 0; i < WAITING; i++) {
                long t0 = System.nanoTime();
                answer(api, sessions.get(i), questionIds.get(i));
                answers[i] = System.nanoTime() - t0;
            }
            untilDone(server, sessions);
            Duration allDone = Duration.ofNanos(System.nanoTime() - answering);
            Snapshot after = snapshot("after every turn went on and ended", server, model);
            progress.accept("after: " + describe(after));

            progress.accept("for scale: " + RUNNING + " turns held inside a model call");
            List<String> held = new ArrayList<>();
            model.forgetRequests();
            for (int i = 0; i < RUNNING; i++) {
                model.enqueue(Reply.stall(Duration.ofMinutes(5)));
            }
            for (int i = 0; i < RUNNING; i++) {
                held.add(prompted(api, "/srv/bench/run-" + i));
            }
            waitFor("the running turns' model calls", () -> model.requests().size() >= RUNNING);
            Snapshot running = snapshot(RUNNING + " turns running (inside a model call)", server, model);
            progress.accept("running: " + describe(running));
            for (String session : held) {
                api.post("/api/sessions/" + session + "/stop", null);
            }
            waitFor("the running turns to stop", () -> turnThreads() == 0);
            return new Result(
                    idle,
                    waiting,
                    after,
                    running,
                    allWaiting,
                    Series.of("answer (POST …/answer, 200)", answers),
                    allDone,
                    dbIdle,
                    dbWaiting);
        }
    }

    static String describe(Snapshot s) {
        return s.platformThreads() + " platform threads, " + s.allThreads() + " in all, " + s.turnThreads()
                + " turn threads, heap " + Stats.mib(s.heapBytes()) + ", " + s.openQuestions() + " open questions";
    }

    private static String prompted(ApiClient api, String repository) {
        ApiClient.Response created = api.post("/api/sessions", Map.of("repository", repository));
        if (created.status() != 201) {
            throw new IllegalStateException("creating a session: " + created.status() + " " + created.raw());
        }
        String id = created.text("id");
        ApiClient.Response prompt = api.prompt(id, "set up the database", null);
        if (prompt.status() != 202) {
            throw new IllegalStateException("prompting: " + prompt.status() + " " + prompt.raw());
        }
        return id;
    }

    private static String questionOf(ApiClient api, String session) {
        return api.get("/api/sessions/" + session + "/questions")
                .body()
                .path("questions")
                .get(0)
                .path("id")
                .asText();
    }

    private static void answer(ApiClient api, String session, String id) {
        ApiClient.Response answered = api.post(
                "/api/sessions/" + session + "/questions/" + id + "/answer", Map.of("answers", List.of("SQLite")));
        if (answered.status() != 200) {
            throw new IllegalStateException("answering " + id + ": " + answered.status() + " " + answered.raw());
        }
    }

    private static void untilOpen(BenchServer server, int open) throws InterruptedException {
        waitFor(
                open + " open questions",
                () -> server.ns.store().questions().countOpen() == open && turnThreads() == 0);
    }

    private static void untilDone(BenchServer server, List<String> sessions) throws InterruptedException {
        Set<String> left = new HashSet<>(sessions);
        waitFor("every turn to end", () -> {
            left.removeIf(id -> server.ns
                    .store()
                    .sessions()
                    .get(id)
                    .map(s -> s.status() == SessionStatus.COMPLETED)
                    .orElse(false));
            return left.isEmpty() && turnThreads() == 0;
        });
    }

    private static void waitFor(String what, java.util.function.BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("gave up waiting for " + what + " after " + DEADLINE);
            }
            Thread.sleep(50);
        }
    }

    /**
     * The JVM now. The fake model shares this JVM and keeps every request it served (a parsed body of
     * tens of KiB each): its record is dropped first, so the heap is the server's and not the fake's.
     */
    private static Snapshot snapshot(String name, BenchServer server, FakeModelServer model) throws Exception {
        model.forgetRequests();
        long heap = Child.heapAfterGc();
        List<String> names = threadNames();
        return new Snapshot(
                name,
                ManagementFactory.getThreadMXBean().getThreadCount(),
                names.size(),
                (int) names.stream().filter(WaitingTurns::isTurnThread).count(),
                heap,
                Child.selfRss(),
                server.ns.store().questions().countOpen());
    }

    private static boolean isTurnThread(String name) {
        return name.startsWith("turn-msg_") || name.startsWith("session-ses_");
    }

    static int turnThreads() {
        return (int) threadNames().stream().filter(WaitingTurns::isTurnThread).count();
    }

    /** Every live thread's name, virtual threads included (the JDK's JSON thread dump). */
    static List<String> threadNames() {
        try {
            Path dir = Files.createTempDirectory("threads");
            Path file = dir.resolve("dump.json");
            try {
                ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                        .dumpThreads(file.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
                JsonNode dump = ApiClient.JSON.readTree(file.toFile());
                List<String> names = new ArrayList<>();
                for (JsonNode container : dump.path("threadDump").path("threadContainers")) {
                    for (JsonNode thread : container.path("threads")) {
                        names.add(thread.path("name").asText());
                    }
                }
                return names;
            } finally {
                Files.deleteIfExists(file);
                Files.deleteIfExists(dir);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The SQLite database's files (main file and write-ahead log) in the server's data directory. */
    private static long dbBytes(BenchServer server) throws java.io.IOException {
        long total = 0;
        try (var files = Files.list(server.ns.config().dataDir())) {
            for (Path f : files.toList()) {
                if (f.getFileName().toString().contains(".db")) {
                    total += Files.size(f);
                }
            }
        }
        return total;
    }
}
