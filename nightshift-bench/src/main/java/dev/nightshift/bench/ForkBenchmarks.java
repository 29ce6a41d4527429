package dev.nightshift.bench;

import static dev.nightshift.bench.Benchmarks.describe;
import static dev.nightshift.bench.Benchmarks.say;
import static dev.nightshift.bench.Machine.loadAverage;
import static dev.nightshift.bench.Stats.secs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nightshift.core.sandbox.ExecRequest;
import dev.nightshift.core.sandbox.ExecResult;
import dev.nightshift.core.sandbox.OutputListener;
import dev.nightshift.core.sandbox.Sandbox;
import dev.nightshift.core.sandbox.SandboxState;
import dev.nightshift.server.fork.SessionForks;
import dev.nightshift.server.testing.ApiClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The fork benchmark: a session whose workspace holds ~200 MiB is forked at the head through the API
 * while it keeps its sandbox, and the time until the fork's sandbox is ready (the fork request
 * returns once its copy of the workspace is taken, made its own and its sandbox runs) is set next to
 * {@code cp -a} of the same tree on the same file system, measured in the same run: the floor until
 * copy-on-write arrives. Prints progress and (over)writes {@code docs/benchmarks-fork.md}.
 */
public final class ForkBenchmarks {
    static final String COMMAND = "./nightshift bench-fork";
    static final int WARMUP = 1;
    static final int RUNS = 7;

    /** The workspace's generated part: a few large files and many small ones, as a project with its dependencies. */
    static final int LARGE_FILES = 10;

    static final int LARGE_BYTES = 10 << 20;
    static final int SMALL_FILES = 5000;
    static final int SMALL_BYTES = 20 << 10;
    static final int DIRS = 50;
    static final long SEED = 20261201L;

    private ForkBenchmarks() {}

    /** One sample: the fork through the API, {@code cp -a} of the same tree, and {@code cp -a} with the chown a new sandbox's uid needs. */
    record Sample(long fork, long floor, long floorChown) {}

    /** What the workspace held. */
    record Workspace(long bytes, long files, long generateNs) {}

    /** Everything one run measured; what failed is null and named in {@code errors}. */
    record Results(
            List<String> capabilities,
            Workspace workspace,
            List<Sample> samples,
            List<String> errors,
            String loadBefore,
            String loadAfter) {
        Series series(String name, java.util.function.ToLongFunction<Sample> what) {
            return samples == null || samples.isEmpty()
                    ? null
                    : Series.of(name, samples.stream().mapToLong(what).toArray());
        }
    }

    public static void main(String[] args) throws Exception {
        Benchmarks.quietLogging();
        long start = System.nanoTime();
        Path out = BenchOutput.output("benchmarks-fork.md");
        Path repoRoot = BenchOutput.repoRoot();
        Machine machine = Machine.collect(repoRoot);
        String forkCode = Machine.moduleCode(
                repoRoot,
                SessionForks.class,
                "nightshift-server",
                "fork",
                "nightshift-server/src/main/java/dev/nightshift/server/fork",
                "nightshift-server/src/main/java/dev/nightshift/server/sandbox",
                "nightshift-sandbox/src/main",
                "nightshift-git/src/main");
        say("Nightshift fork benchmark; report goes to " + out);
        machine.lines().forEach(l -> say("  " + l));
        String loadBefore = loadAverage();
        List<String> errors = new ArrayList<>();
        List<String> capabilities = List.of();
        Workspace workspace = null;
        List<Sample> samples = new ArrayList<>();

        Path work = Files.createTempDirectory("nightshift-fork-bench");
        try (BenchServer server = BenchServer.sqlite(Map.of(), p -> p.executor = turn -> {})) {
            capabilities = server.ns.sandboxes().describe();
            Path repo = repository(work.resolve("repo"));
            ApiClient api = server.admin;
            String parent = api.createSession(repo.toString());
            say("[1/3] the parent's sandbox, and ~"
                    + Stats.mib((long) LARGE_FILES * LARGE_BYTES + (long) SMALL_FILES * SMALL_BYTES)
                    + " generated in its workspace: " + LARGE_FILES + " files of " + Stats.mib(LARGE_BYTES) + ", "
                    + SMALL_FILES + " of " + Stats.kib(SMALL_BYTES) + " in " + DIRS + " directories (not measured)");
            Sandbox sandbox = server.ns.sandboxes().acquire(parent);
            workspace = generate(sandbox);
            say("[1/3] " + Stats.mib(workspace.bytes()) + " in " + workspace.files() + " files, generated in "
                    + secs(workspace.generateNs()));
            // a fork starts after a turn's end: one (empty) turn
            api.prompt(parent, "nothing to do", null);
            waitForTurnEnd(api, parent);
            Path hostWorkspace = server.ns
                    .config()
                    .dataDir()
                    .resolve("sandboxes")
                    .resolve(sandbox.id())
                    .resolve("workspace");
            if (!Files.isDirectory(hostWorkspace)) {
                throw new IllegalStateException("the parent's workspace is not at " + hostWorkspace);
            }
            say("[2/3] " + WARMUP + " warm-up + " + RUNS + " measured, alternating: POST /fork at the head (until 201, "
                    + "its sandbox ready), cp -a of the same tree (floor), cp -a + chown -hR");
            try {
                samples = measure(server, api, parent, sandbox, hostWorkspace, work, workspace, l -> say("[2/3] " + l));
            } catch (Exception e) {
                errors.add("fork against the floor: " + describe(e));
                say("[2/3] FAILED: " + describe(e));
            }
            say("[3/3] the parent still runs: " + sandbox.state().wire());
            if (sandbox.state() != SandboxState.READY) {
                errors.add("the parent's sandbox is " + sandbox.state().wire() + " after the forks");
            }
        } catch (Exception e) {
            errors.add("setting up (server, repository or workspace): " + describe(e));
            say("FAILED: " + describe(e));
        } finally {
            HostCommands.deleteQuietly(work);
        }

        double seconds = (System.nanoTime() - start) / 1e9;
        Results results = new Results(capabilities, workspace, samples, errors, loadBefore, loadAverage());
        String report = new ForkReport(machine, forkCode, BenchOutput.command(COMMAND), seconds, results).render();
        BenchOutput.finish(out, report, seconds, errors);
    }

    private static List<Sample> measure(
            BenchServer server,
            ApiClient api,
            String parent,
            Sandbox parentSandbox,
            Path hostWorkspace,
            Path work,
            Workspace workspace,
            Consumer<String> progress)
            throws Exception {
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < WARMUP + RUNS; i++) {
            boolean floorFirst = i % 2 == 0;
            long floor = 0;
            long floorChown = 0;
            long fork;
            if (floorFirst) {
                floor = copy(hostWorkspace, work.resolve("floor-" + i), false);
                floorChown = copy(hostWorkspace, work.resolve("floor-chown-" + i), true);
            }
            long t0 = System.nanoTime();
            ApiClient.Response forked = api.post("/api/sessions/" + parent + "/fork", null);
            fork = System.nanoTime() - t0;
            if (forked.status() != 201) {
                throw new IllegalStateException("the fork was refused: " + forked.status() + " " + forked.raw());
            }
            String id = forked.text("id");
            verify(server, api, id, workspace);
            api.post("/api/sessions/" + id + "/archive", null); // its sandbox goes
            if (!floorFirst) {
                floor = copy(hostWorkspace, work.resolve("floor-" + i), false);
                floorChown = copy(hostWorkspace, work.resolve("floor-chown-" + i), true);
            }
            if (parentSandbox.state() != SandboxState.READY) {
                throw new IllegalStateException("the parent's sandbox stopped: " + parentSandbox.state());
            }
            boolean measured = i >= WARMUP;
            progress.accept((measured ? "run " + (i - WARMUP + 1) : "warm-up") + ": fork " + Stats.fmtMs(fork)
                    + ", cp -a " + Stats.fmtMs(floor) + ", cp -a + chown " + Stats.fmtMs(floorChown));
            if (measured) {
                samples.add(new Sample(fork, floor, floorChown));
            }
        }
        return samples;
    }

    /** The fork's sandbox is ready with the whole workspace, as a copy of the live one. */
    private static void verify(BenchServer server, ApiClient api, String forkId, Workspace workspace) throws Exception {
        JsonNode first = api.get("/api/sessions/" + forkId + "/events?after=0&limit=1")
                .body()
                .path("events")
                .get(0);
        if (!first.path("data").path("workspace").asText().equals("live")) {
            throw new IllegalStateException("the fork did not copy the live workspace: " + first);
        }
        Sandbox copy = server.ns
                .sandboxes()
                .current(forkId)
                .orElseThrow(() -> new IllegalStateException("the fork has no sandbox after the request"));
        if (copy.state() != SandboxState.READY) {
            throw new IllegalStateException(
                    "the fork's sandbox is " + copy.state().wire());
        }
        long bytes = Long.parseLong(sh(copy, "du -sb --apparent-size deps | cut -f1"));
        if (bytes != workspace.bytes()) {
            throw new IllegalStateException(
                    "the fork's workspace holds " + bytes + " bytes of deps/, not " + workspace.bytes());
        }
    }

    /** {@code cp -a} of the tree (with {@code chown -hR} to another uid when asked), timed, then removed. */
    private static long copy(Path from, Path to, boolean chown) throws Exception {
        List<String> argv = chown
                ? List.of(
                        "/bin/bash",
                        "-c",
                        "/bin/cp -a --reflink=auto -- \"$0\" \"$1\" && /bin/chown -hR 299999:299999 \"$1\"",
                        from.toString(),
                        to.toString())
                : List.of("/bin/cp", "-a", "--reflink=auto", "--", from.toString(), to.toString());
        long took = HostCommands.spawnAndWait(argv);
        HostCommands.deleteTree(to);
        return took;
    }

    /** A tiny repository whose {@code deps/} (the generated part) git ignores, as a project ignores its dependencies. */
    private static Path repository(Path dir) throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("README.md"), "A project with many dependencies.\n");
        Files.writeString(dir.resolve(".gitignore"), "deps/\n");
        HostCommands.bash("cd '" + dir + "' && git init -q -b main && git add . && git -c user.name=B "
                + "-c user.email=b@example.com commit -q -m project");
        return dir;
    }

    /** Writes the generated files inside the sandbox, as its user, from a seeded generator: every run the same bytes. */
    private static Workspace generate(Sandbox sandbox) throws Exception {
        String script = String.format("""
                import os, random
                r = random.Random(%d)
                for d in range(%d):
                    os.makedirs(f"deps/pkg{d:03d}", exist_ok=True)
                for i in range(%d):
                    with open(f"deps/pkg{i %% %d:03d}/blob{i}.bin", "wb") as f:
                        f.write(r.randbytes(%d))
                for i in range(%d):
                    with open(f"deps/pkg{i %% %d:03d}/file{i}.js", "wb") as f:
                        f.write(r.randbytes(%d))
                """, SEED, DIRS, LARGE_FILES, DIRS, LARGE_BYTES, SMALL_FILES, DIRS, SMALL_BYTES);
        sandbox.writeFile(".generate.py", script.getBytes(StandardCharsets.UTF_8));
        long t0 = System.nanoTime();
        sh(sandbox, "python3 .generate.py && rm .generate.py");
        long took = System.nanoTime() - t0;
        long bytes = Long.parseLong(sh(sandbox, "du -sb --apparent-size deps | cut -f1"));
        long files = Long.parseLong(sh(sandbox, "find . -type f | wc -l"));
        return new Workspace(bytes, files, took);
    }

    private static String sh(Sandbox sandbox, String script) throws Exception {
        ExecResult r =
                sandbox.exec(ExecRequest.shell(script).withTimeout(Duration.ofMinutes(5)), OutputListener.IGNORE);
        if (r.exitCode() != 0) {
            throw new IllegalStateException(
                    script + ": exit " + r.exitCode() + " " + r.stderr().strip());
        }
        return r.stdout().strip();
    }

    private static void waitForTurnEnd(ApiClient api, String session) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline) {
            if (api.allEvents(session).stream()
                    .anyMatch(e -> e.path("type").asText().equals("turn_complete"))) {
                return;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("the parent's turn did not end within 2 minutes");
    }
}
