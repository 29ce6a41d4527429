package dev.nightshift.bench;

import static dev.nightshift.bench.Benchmarks.describe;
import static dev.nightshift.bench.Benchmarks.say;
import static dev.nightshift.bench.Machine.loadAverage;
import static dev.nightshift.bench.Stats.secs;

import dev.nightshift.core.sandbox.ExecRequest;
import dev.nightshift.core.sandbox.ExecResult;
import dev.nightshift.core.sandbox.OutputListener;
import dev.nightshift.core.sandbox.Sandbox;
import dev.nightshift.core.sandbox.SandboxLimits;
import dev.nightshift.core.sandbox.SandboxSpec;
import dev.nightshift.git.Checkout;
import dev.nightshift.git.CommitIdentity;
import dev.nightshift.git.GitAuth;
import dev.nightshift.git.Mirror;
import dev.nightshift.git.RepositoryUrl;
import dev.nightshift.git.Workspaces;
import dev.nightshift.sandbox.BubblewrapConfig;
import dev.nightshift.sandbox.BubblewrapProvider;
import dev.nightshift.sandbox.EgressAttachment;
import dev.nightshift.sandbox.egress.AllowlistPolicy;
import dev.nightshift.sandbox.egress.EgressListener;
import dev.nightshift.sandbox.egress.EgressProxy;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The git benchmark: a new session on a repository whose mirror is warm, from creating its sandbox
 * to a workspace on its work branch, for a repository with ~100 MB of packed history; next to
 * {@code git clone --local} of the same repository on the same machine. Prints progress and
 * (over)writes {@code docs/benchmarks-git.md}.
 */
public final class GitBenchmarks {
    static final String COMMAND = "./nightshift bench-git";
    /** The sandbox benchmark's limits: 2 GiB of memory and disk per file are room enough for a 100 MB pack. */
    static final SandboxLimits LIMITS = SandboxBenchmarks.LIMITS;

    static final int WARMUP = 1;
    static final int RUNS = 7;
    static final int BREAKDOWN_RUNS = 5;
    /** The target: create + checkout at most this many times the floor's p50 ... */
    static final double RATIO_TARGET = 1.5;
    /** ... and under this, p50. */
    static final long TARGET_NANOS = 2_000_000_000L;

    /** The generated repository: commits, each rewriting one incompressible binary file and some text files. */
    static final int COMMITS = 100;

    static final int BINARY_FILES = 10;
    static final int BINARY_BYTES = 1 << 20;
    static final int TEXT_FILES = 4000;
    static final int TEXT_DIRS = 40;
    static final int TEXT_CHANGES_PER_COMMIT = 40;
    static final long SEED = 20261121L;
    static final CommitIdentity USER = new CommitIdentity("Bench User", "bench@example.com");

    private GitBenchmarks() {}

    /** The repository measured. */
    record Repo(
            Path dir,
            String head,
            long packBytes,
            long packs,
            long objects,
            int headFiles,
            long headBytes,
            String countObjects,
            long generateNs) {}

    /** One sample of the main loop. */
    record Sample(long floor, long noHardlinks, long total, long create, long checkout, long destroy) {}

    /** Phases of the same import inside a sandbox and on the host, from timestamps the script prints. */
    record Phases(
            Map<String, long[]> sandbox,
            Map<String, long[]> host,
            long[] sandboxExec,
            long[] hostTotal,
            Cpu sandboxCpu,
            Cpu hostCpu) {}

    /** User and system CPU time of a command's processes (bash's {@code times}), one pair per run. */
    record Cpu(long[] user, long[] sys) {
        static Cpu of(int runs) {
            return new Cpu(new long[runs], new long[runs]);
        }

        /** Reads the children's line of {@code times} (the last "XmY.YYYs XmY.YYYs" line) into run {@code i}. */
        void read(String out, int i) {
            java.util.regex.Matcher last = null;
            for (String line : out.split("\n")) {
                java.util.regex.Matcher m = TIMES.matcher(line.strip());
                if (m.matches()) {
                    last = m;
                }
            }
            if (last == null) {
                throw new IllegalStateException("no output of times in: " + out.strip());
            }
            user[i] = nanos(last.group(1), last.group(2));
            sys[i] = nanos(last.group(3), last.group(4));
        }

        private static long nanos(String minutes, String seconds) {
            return Long.parseLong(minutes) * 60_000_000_000L + Math.round(Double.parseDouble(seconds) * 1e9);
        }
    }

    private static final java.util.regex.Pattern TIMES =
            java.util.regex.Pattern.compile("(\\d+)m([\\d.]+)s (\\d+)m([\\d.]+)s");

    /** Everything one run measured; a part that failed is null and named in {@code errors}. */
    record Results(
            List<String> capabilities,
            Repo repo,
            List<Sample> samples,
            long[] refresh,
            long[] tarRead,
            long[] floorWall,
            Cpu floorCpu,
            Phases phases,
            List<String> errors,
            String loadBefore,
            String loadAfter,
            String pressureBefore,
            String pressureAfter,
            String gitVersion,
            String sameFs) {
        Series series(String name, java.util.function.ToLongFunction<Sample> what) {
            return samples == null || samples.isEmpty()
                    ? null
                    : Series.of(name, samples.stream().mapToLong(what).toArray());
        }
    }

    public static void main(String[] args) throws Exception {
        Benchmarks.quietLogging();
        long start = System.nanoTime();
        Path out = BenchOutput.output("benchmarks-git.md");
        Path repoRoot = BenchOutput.repoRoot();
        Machine machine = Machine.collect(repoRoot);
        String gitCode =
                Machine.moduleCode(repoRoot, Workspaces.class, "nightshift-git", "git", "nightshift-git/src/main");
        say("Nightshift git benchmark; report goes to " + out);
        machine.lines().forEach(l -> say("  " + l));
        String gitVersion = firstLine(HostCommands.run(List.of("git", "--version")));
        say("  " + gitVersion);

        String loadBefore = loadAverage();
        String pressureBefore = cpuPressure();
        List<String> errors = new ArrayList<>();
        List<String> capabilities = List.of();
        Repo repo = null;
        List<Sample> samples = new ArrayList<>();
        long[] refresh = null;
        long[] tarRead = null;
        long[] floorWall = null;
        Cpu floorCpu = null;
        Phases phases = null;
        String sameFs = "unknown";

        Path work = Files.createTempDirectory("nightshift-git-bench");
        EgressAttachment egress = (sessionId, socket) ->
                EgressProxy.start(socket, new AllowlistPolicy(sessionId, List.of()), EgressListener.NONE);
        try (BubblewrapProvider provider =
                new BubblewrapProvider(BubblewrapConfig.under(work.resolve("sandboxes")), egress)) {
            capabilities = provider.capabilities();
            say("[1/4] generating a repository: " + COMMITS + " commits, each rewriting one of " + BINARY_FILES
                    + " files of "
                    + Stats.mib(BINARY_BYTES) + " random bytes and " + TEXT_CHANGES_PER_COMMIT + " of " + TEXT_FILES
                    + " text files; then git gc");
            repo = generate(work.resolve("repo.git"), l -> say("[1/4] " + l));
            sameFs = sameFileSystem(work);

            Workspaces workspaces = new Workspaces(work.resolve("git"));
            RepositoryUrl url = RepositoryUrl.parse(repo.dir().toString());
            say("[2/4] warming the mirror (not measured)");
            long w0 = System.nanoTime();
            Mirror mirror = workspaces.mirrors().refresh(url, GitAuth.NONE);
            say("[2/4] mirror ready in " + secs(System.nanoTime() - w0) + ": "
                    + mirror.dir().getFileName() + ", default branch " + mirror.defaultBranch());

            say("[3/4] " + WARMUP + " warm-up + " + RUNS + " measured, alternating: git clone --local (floor), "
                    + "git clone --local --no-hardlinks, create + checkout (each workspace verified, then destroyed)");
            try {
                samples = measure(provider, workspaces, url, repo, work, l -> say("[3/4] " + l));
            } catch (Exception e) {
                errors.add("create + checkout against the floor: " + describe(e));
                say("[3/4] FAILED: " + describe(e));
            }

            say("[4/4] where the time goes: " + BREAKDOWN_RUNS + " runs each of the mirror refresh alone, tar of the "
                    + "mirror read to the end, and the import's steps timed inside a sandbox and on the host");
            try {
                refresh = new long[BREAKDOWN_RUNS];
                tarRead = new long[BREAKDOWN_RUNS];
                floorWall = new long[BREAKDOWN_RUNS];
                floorCpu = Cpu.of(BREAKDOWN_RUNS);
                for (int i = 0; i < BREAKDOWN_RUNS; i++) {
                    Path clone = work.resolve("timed-clone-" + i);
                    long c0 = System.nanoTime();
                    String times = HostCommands.run(List.of(
                            "/bin/bash",
                            "-c",
                            "git clone --local --quiet \"$0\" \"$1\" && times",
                            repo.dir().toString(),
                            clone.toString()));
                    floorWall[i] = System.nanoTime() - c0;
                    floorCpu.read(times, i);
                    HostCommands.deleteTree(clone);
                    long t0 = System.nanoTime();
                    workspaces.mirrors().refresh(url, GitAuth.NONE);
                    refresh[i] = System.nanoTime() - t0;
                    tarRead[i] = HostCommands.spawnAndWait(List.of(
                            "/bin/bash", "-c", "set -o pipefail; " + tarCommand(mirror.dir()) + " | cat > /dev/null"));
                }
                say("[4/4] refresh p50 " + secs(Series.of("", refresh).p50()) + ", tar read p50 "
                        + secs(Series.of("", tarRead).p50()) + "; git clone --local p50 "
                        + secs(Series.of("", floorWall).p50())
                        + " of which CPU user "
                        + secs(Series.of("", floorCpu.user()).p50()) + ", sys "
                        + secs(Series.of("", floorCpu.sys()).p50()));
                phases = phases(provider, mirror, repo, work, l -> say("[4/4] " + l));
            } catch (Exception e) {
                errors.add("where the time goes: " + describe(e));
                say("[4/4] FAILED: " + describe(e));
            }
        } catch (Exception e) {
            errors.add("setting up (repository, provider or mirror): " + describe(e));
            say("FAILED: " + describe(e));
        } finally {
            HostCommands.deleteQuietly(work);
        }

        double seconds = (System.nanoTime() - start) / 1e9;
        Results results = new Results(
                capabilities,
                repo,
                samples,
                refresh,
                tarRead,
                floorWall,
                floorCpu,
                phases,
                errors,
                loadBefore,
                loadAverage(),
                pressureBefore,
                cpuPressure(),
                gitVersion,
                sameFs);
        String report = new GitReport(machine, gitCode, BenchOutput.command(COMMAND), seconds, results).render();
        BenchOutput.finish(out, report, seconds, errors);
    }

    // -- the repository -----------------------------------------------------------------------

    private static final String[] WORDS = {
        "session", "event", "sandbox", "mirror", "branch", "commit", "turn", "model", "stream", "client", "record",
        "value", "buffer", "limit", "result", "config", "handler", "request", "index", "offset", "payload", "writer",
        "reader", "state", "token"
    };

    /** A bare repository written with {@code git fast-import} from a seeded generator, then packed into one pack. */
    static Repo generate(Path dir, java.util.function.Consumer<String> say) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        HostCommands.run(List.of("git", "init", "--quiet", "--bare", "--initial-branch=main", dir.toString()));
        Random random = new Random(SEED);
        Process p = new ProcessBuilder("git", "-C", dir.toString(), "fast-import", "--quiet")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectErrorStream(false)
                .start();
        Thread errors = Thread.ofVirtual().start(() -> {
            try {
                p.getErrorStream().transferTo(OutputStream.nullOutputStream());
            } catch (IOException ignored) {
                // the exit code says whether it failed
            }
        });
        byte[] blob = new byte[BINARY_BYTES];
        try (OutputStream stream = new BufferedOutputStream(p.getOutputStream(), 1 << 20)) {
            long time = 1_700_000_000L;
            for (int c = 1; c <= COMMITS; c++) {
                time += 3600;
                String message =
                        c == 1 ? "Initial import" : "Change " + c + ": rewrite assets/blob-" + ((c - 1) % BINARY_FILES);
                write(
                        stream,
                        "commit refs/heads/main\nmark :" + c + "\n"
                                + "author Bench User <bench@example.com> " + time + " +0000\n"
                                + "committer Bench User <bench@example.com> " + time + " +0000\n");
                data(stream, message.getBytes(StandardCharsets.UTF_8));
                if (c > 1) {
                    write(stream, "from :" + (c - 1) + "\n");
                }
                if (c == 1) {
                    for (int f = 0; f < TEXT_FILES; f++) {
                        file(stream, textPath(f), text(random, f, c));
                    }
                } else {
                    for (int k = 0; k < TEXT_CHANGES_PER_COMMIT; k++) {
                        int f = random.nextInt(TEXT_FILES);
                        file(stream, textPath(f), text(random, f, c));
                    }
                }
                random.nextBytes(blob);
                file(stream, "assets/blob-" + ((c - 1) % BINARY_FILES) + ".bin", blob);
                if (c % 20 == 0) {
                    say.accept("written " + c + " of " + COMMITS + " commits");
                }
            }
            write(stream, "done\n");
        }
        int exit = p.waitFor();
        errors.join();
        if (exit != 0) {
            throw new IOException("git fast-import exited with " + exit);
        }
        HostCommands.run(List.of("git", "-C", dir.toString(), "gc", "--quiet"));
        String count = HostCommands.run(List.of("git", "-C", dir.toString(), "count-objects", "-vH"))
                .strip();
        Map<String, String> raw = new LinkedHashMap<>();
        for (String line : HostCommands.run(List.of("git", "-C", dir.toString(), "count-objects", "-v"))
                .split("\n")) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                raw.put(
                        line.substring(0, colon).strip(),
                        line.substring(colon + 1).strip());
            }
        }
        long packBytes = Long.parseLong(raw.getOrDefault("size-pack", "0")) * 1024;
        long packs = Long.parseLong(raw.getOrDefault("packs", "0"));
        long objects = Long.parseLong(raw.getOrDefault("in-pack", "0"));
        String head = HostCommands.run(List.of("git", "-C", dir.toString(), "rev-parse", "HEAD"))
                .strip();
        String[] tree = HostCommands.run(List.of("git", "-C", dir.toString(), "ls-tree", "-r", "-l", "HEAD"))
                .split("\n");
        long headBytes = 0;
        for (String entry : tree) {
            String[] f = entry.split("\\s+", 5);
            headBytes += Long.parseLong(f[3]);
        }
        long took = System.nanoTime() - t0;
        say.accept(
                "repository ready in " + secs(took) + ": pack " + Stats.mib(packBytes) + " in " + packs + " pack(s), "
                        + objects + " objects; HEAD " + head.substring(0, 12) + " has " + tree.length + " files, "
                        + Stats.mib(headBytes));
        return new Repo(dir, head, packBytes, packs, objects, tree.length, headBytes, count, took);
    }

    static String textPath(int f) {
        return "src/module-" + (f % TEXT_DIRS) + "/File" + f + ".java";
    }

    /** A ~2 KB source-like text file; {@code version} makes each rewrite differ. */
    private static byte[] text(Random random, int file, int version) {
        StringBuilder s = new StringBuilder(2400);
        s.append("package bench.module").append(file % TEXT_DIRS).append(";\n\n");
        s.append("/** Generated file ")
                .append(file)
                .append(", version ")
                .append(version)
                .append(". */\n");
        s.append("final class File").append(file).append(" {\n");
        while (s.length() < 2000) {
            String a = WORDS[random.nextInt(WORDS.length)];
            String b = WORDS[random.nextInt(WORDS.length)];
            switch (random.nextInt(3)) {
                case 0 ->
                    s.append("    int ")
                            .append(a)
                            .append(random.nextInt(100))
                            .append(" = ")
                            .append(b)
                            .append("Count(")
                            .append(random.nextInt(1000))
                            .append(");\n");
                case 1 ->
                    s.append("    // the ")
                            .append(a)
                            .append(" keeps its ")
                            .append(b)
                            .append(" until the turn ends\n");
                default ->
                    s.append("    void ")
                            .append(a)
                            .append(Character.toUpperCase(b.charAt(0)))
                            .append(b.substring(1))
                            .append("() { ")
                            .append(b)
                            .append(".apply(")
                            .append(a)
                            .append("); }\n");
            }
        }
        s.append("}\n");
        return s.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void write(OutputStream out, String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.UTF_8));
    }

    private static void data(OutputStream out, byte[] bytes) throws IOException {
        write(out, "data " + bytes.length + "\n");
        out.write(bytes);
        write(out, "\n");
    }

    private static void file(OutputStream out, String path, byte[] bytes) throws IOException {
        write(out, "M 100644 inline " + path + "\n");
        data(out, bytes);
    }

    // -- the main measurement -----------------------------------------------------------------

    static List<Sample> measure(
            BubblewrapProvider provider,
            Workspaces workspaces,
            RepositoryUrl url,
            Repo repo,
            Path work,
            java.util.function.Consumer<String> say)
            throws Exception {
        List<Sample> samples = new ArrayList<>();
        Path clones = Files.createDirectories(work.resolve("clones"));
        for (int i = -WARMUP; i < RUNS; i++) {
            String label = i < 0 ? "warm-up" : "run " + (i + 1) + "/" + RUNS;
            Path dest = clones.resolve("floor-" + (i + WARMUP));
            long floor = HostCommands.spawnAndWait(
                    List.of("git", "clone", "--local", "--quiet", repo.dir().toString(), dest.toString()));
            verifyClone(dest, repo);
            HostCommands.deleteTree(dest);

            Path copy = clones.resolve("copy-" + (i + WARMUP));
            long noHardlinks = HostCommands.spawnAndWait(List.of(
                    "git",
                    "clone",
                    "--local",
                    "--no-hardlinks",
                    "--quiet",
                    repo.dir().toString(),
                    copy.toString()));
            verifyClone(copy, repo);
            HostCommands.deleteTree(copy);

            String session = "ses_gitbench_" + (i + WARMUP);
            String branch = "nightshift/bench-" + (i + WARMUP);
            long t0 = System.nanoTime();
            Sandbox sandbox = provider.create(new SandboxSpec(session, LIMITS, Map.of()));
            long t1 = System.nanoTime();
            long t2;
            long destroyed;
            try {
                Checkout checkout = workspaces.checkout(session, url, GitAuth.NONE, null, branch, USER, sandbox);
                t2 = System.nanoTime();
                if (!repo.head().equals(checkout.baseCommit())) {
                    throw new IllegalStateException("checkout reported base " + checkout.baseCommit()
                            + ", the repository's HEAD is " + repo.head());
                }
                verifyWorkspace(sandbox, repo, branch);
            } finally {
                long d0 = System.nanoTime();
                sandbox.destroy();
                destroyed = System.nanoTime() - d0;
            }
            Sample s = new Sample(floor, noHardlinks, t2 - t0, t1 - t0, t2 - t1, destroyed);
            say.accept(label + ": floor " + secs(s.floor()) + ", --no-hardlinks " + secs(s.noHardlinks())
                    + ", create + checkout " + secs(s.total()) + " (create " + ms(s.create()) + ", checkout "
                    + secs(s.checkout()) + "), " + Stats.ratio(s.total(), s.floor())
                    + " the floor; workspace verified");
            if (i >= 0) {
                samples.add(s);
            }
        }
        return samples;
    }

    private static void verifyClone(Path dest, Repo repo) throws IOException, InterruptedException {
        String head = HostCommands.run(List.of("git", "-C", dest.toString(), "rev-parse", "HEAD"))
                .strip();
        if (!head.equals(repo.head())) {
            throw new IllegalStateException("the floor's clone is at " + head + ", not " + repo.head());
        }
    }

    private static final String VERIFY = """
            set -eu
            git() { command git -c core.hooksPath=/dev/null -c core.fsmonitor=false "$@"; }
            git rev-parse HEAD
            git symbolic-ref --short HEAD
            git ls-files | wc -l
            git status --porcelain --untracked-files=all | head -n 20 | sed 's/^/STATUS /'
            """;

    /** Fails loudly unless the sandbox's workspace is a clean checkout of the repository's HEAD on the work branch. */
    static void verifyWorkspace(Sandbox sandbox, Repo repo, String branch) throws InterruptedException {
        ExecResult r = sandbox.exec(
                new ExecRequest(List.of("bash", "-c", VERIFY), "", Map.of(), Duration.ofMinutes(2)),
                OutputListener.IGNORE);
        if (r.exitCode() != 0) {
            throw new IllegalStateException("verifying the workspace failed (exit " + r.exitCode() + "): "
                    + r.stderr().strip());
        }
        String[] lines = r.stdout().strip().split("\n");
        List<String> problems = new ArrayList<>();
        if (lines.length < 3) {
            throw new IllegalStateException("verifying the workspace printed too little: " + r.stdout());
        }
        if (!lines[0].strip().equals(repo.head())) {
            problems.add("HEAD is " + lines[0].strip() + ", not " + repo.head());
        }
        if (!lines[1].strip().equals(branch)) {
            problems.add("the branch is " + lines[1].strip() + ", not " + branch);
        }
        if (!lines[2].strip().equals(Integer.toString(repo.headFiles()))) {
            problems.add(lines[2].strip() + " files are tracked, not " + repo.headFiles());
        }
        for (int i = 3; i < lines.length; i++) {
            problems.add("git status: " + lines[i].substring("STATUS ".length()));
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("the workspace is wrong: " + String.join("; ", problems));
        }
    }

    // -- where the time goes ------------------------------------------------------------------

    /** The command WorkspaceImport streams the mirror with. */
    static String tarCommand(Path mirror) {
        return "tar -c -f - -C '" + mirror + "' objects refs"
                + (Files.exists(mirror.resolve("packed-refs")) ? " packed-refs" : "");
    }

    /**
     * WorkspaceImport's script, step by step, with a timestamp after each step. Kept in step with
     * {@code dev.nightshift.git.WorkspaceImport}; the timed checkout above is the real one.
     */
    static final String TIMED_IMPORT = """
            set -eu
            git() { command git -c core.hooksPath=/dev/null -c core.fsmonitor=false "$@"; }
            stamp() { echo "T $1 $(date +%s%N)"; }
            stamp start
            git init -q
            stamp init
            tar -x -f - -C .git
            stamp untar
            refs=$(mktemp)
            git for-each-ref --format='delete %(refname) %(objectname)' refs/heads > "$refs"
            git for-each-ref --format='create refs/remotes/origin/%(refname:lstrip=2) %(objectname)' refs/heads >> "$refs"
            git update-ref --stdin < "$refs"
            rm -f "$refs"
            git remote add origin "$ORIGIN"
            git config commit.gpgsign false
            git config user.name "$USER_NAME"
            git config user.email "$USER_EMAIL"
            git symbolic-ref refs/remotes/origin/HEAD "refs/remotes/origin/$BASE"
            stamp refs
            git checkout -q -b "$WORK" "$START_SHA"
            stamp checkout
            git log -1 --format='%h %s' > /dev/null
            stamp log
            times
            """;

    static final List<String> STEPS = List.of("init", "untar", "refs", "checkout", "log");

    static Phases phases(
            BubblewrapProvider provider, Mirror mirror, Repo repo, Path work, java.util.function.Consumer<String> say)
            throws Exception {
        Map<String, long[]> inSandbox = new LinkedHashMap<>();
        Map<String, long[]> onHost = new LinkedHashMap<>();
        for (String step : STEPS) {
            inSandbox.put(step, new long[BREAKDOWN_RUNS]);
            onHost.put(step, new long[BREAKDOWN_RUNS]);
        }
        long[] sandboxExec = new long[BREAKDOWN_RUNS];
        long[] hostTotal = new long[BREAKDOWN_RUNS];
        Cpu sandboxCpu = Cpu.of(BREAKDOWN_RUNS);
        Cpu hostCpu = Cpu.of(BREAKDOWN_RUNS);
        Map<String, String> env = Map.of(
                "ORIGIN",
                mirror.repository().url(),
                "BASE",
                mirror.defaultBranch(),
                "START_SHA",
                repo.head(),
                "WORK",
                "nightshift/phases",
                "USER_NAME",
                USER.name(),
                "USER_EMAIL",
                USER.email());
        for (int i = 0; i < BREAKDOWN_RUNS; i++) {
            Sandbox sandbox = provider.create(new SandboxSpec("ses_gitphases_" + i, LIMITS, Map.of()));
            try {
                Process producer = new ProcessBuilder("/bin/bash", "-c", tarCommand(mirror.dir()))
                        .redirectError(ProcessBuilder.Redirect.DISCARD)
                        .start();
                ExecResult r;
                long t0 = System.nanoTime();
                try (InputStream tar = producer.getInputStream()) {
                    r = sandbox.exec(
                            new ExecRequest(List.of("bash", "-c", TIMED_IMPORT), "", env, Duration.ofMinutes(10)),
                            tar,
                            OutputListener.IGNORE);
                } finally {
                    producer.destroyForcibly();
                }
                sandboxExec[i] = System.nanoTime() - t0;
                if (r.exitCode() != 0) {
                    throw new IllegalStateException("the timed import failed in the sandbox: "
                            + r.stderr().strip());
                }
                stamps(r.stdout(), inSandbox, i);
                sandboxCpu.read(r.stdout(), i);
                verifyWorkspace(sandbox, repo, "nightshift/phases");
            } finally {
                sandbox.destroy();
            }

            Path dir = Files.createDirectories(work.resolve("host-import-" + i));
            long t0 = System.nanoTime();
            String out = hostImport(dir, mirror, env);
            hostTotal[i] = System.nanoTime() - t0;
            stamps(out, onHost, i);
            hostCpu.read(out, i);
            HostCommands.deleteTree(dir);
            say.accept("run " + (i + 1) + "/" + BREAKDOWN_RUNS + ": in the sandbox " + describeSteps(inSandbox, i)
                    + " (exec "
                    + secs(sandboxExec[i]) + ", CPU user " + ms(sandboxCpu.user()[i]) + " sys "
                    + ms(sandboxCpu.sys()[i])
                    + "); on the host " + describeSteps(onHost, i) + " (CPU user " + ms(hostCpu.user()[i]) + " sys "
                    + ms(hostCpu.sys()[i]) + ")");
        }
        return new Phases(inSandbox, onHost, sandboxExec, hostTotal, sandboxCpu, hostCpu);
    }

    private static String hostImport(Path dir, Mirror mirror, Map<String, String> env)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(
                        "/bin/bash",
                        "-c",
                        "set -o pipefail; " + tarCommand(mirror.dir()) + " | /bin/bash -c \"$SCRIPT\"")
                .directory(dir.toFile())
                .redirectErrorStream(true);
        pb.environment().putAll(env);
        pb.environment().put("SCRIPT", TIMED_IMPORT);
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IOException("the timed import failed on the host: " + out.strip());
        }
        return out;
    }

    private static void stamps(String out, Map<String, long[]> into, int i) {
        long previous = -1;
        for (String line : out.split("\n")) {
            if (!line.startsWith("T ")) {
                continue;
            }
            String[] f = line.strip().split(" ");
            long at = Long.parseLong(f[2]);
            if (previous >= 0 && into.containsKey(f[1])) {
                into.get(f[1])[i] = at - previous;
            }
            previous = at;
        }
    }

    private static String describeSteps(Map<String, long[]> steps, int i) {
        StringBuilder s = new StringBuilder();
        steps.forEach((name, v) ->
                s.append(s.isEmpty() ? "" : ", ").append(name).append(' ').append(ms(v[i])));
        return s.toString();
    }

    // -- helpers ------------------------------------------------------------------------------

    /** Whether the floor's clones and the sandboxes' workspaces share a file system with the repository. */
    private static String sameFileSystem(Path work) {
        try {
            String a = Files.getFileStore(work.resolve("repo.git")).name();
            Path sandboxes = Files.createDirectories(work.resolve("sandboxes"));
            String b = Files.getFileStore(sandboxes).name();
            return a.equals(b) ? "yes" : "no (" + a + " and " + b + ")";
        } catch (IOException e) {
            return "unknown";
        }
    }

    static String ms(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.0f ms", nanos / 1e6);
    }

    private static String firstLine(String s) {
        return s.strip().lines().findFirst().orElse("");
    }

    /** The share of time some runnable task waited for a CPU (PSI, {@code /proc/pressure/cpu} "some" avg10 / avg60 / avg300). */
    private static String cpuPressure() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/pressure/cpu"))) {
                if (line.startsWith("some ")) {
                    java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                                    "avg10=([\\d.]+) avg60=([\\d.]+) avg300=([\\d.]+)")
                            .matcher(line);
                    if (m.find()) {
                        return m.group(1) + " % / " + m.group(2) + " % / " + m.group(3) + " %";
                    }
                }
            }
            return "unknown";
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
