package dev.nightshift.bench;

import static dev.nightshift.bench.GitBenchmarks.ms;
import static dev.nightshift.bench.Stats.secs;

import java.util.Map;

/** Renders docs/benchmarks-git.md from one run's results. */
final class GitReport extends MarkdownReport {
    private final String gitCode;
    private final GitBenchmarks.Results r;

    GitReport(Machine machine, String gitCode, String command, double seconds, GitBenchmarks.Results results) {
        super(machine, command, seconds);
        this.gitCode = gitCode;
        this.r = results;
    }

    String render() {
        header("Git benchmarks", "GitBenchmarks");
        line("A new session on a repository whose mirror is already on the node: the time from creating the session's "
                + "sandbox to a workspace checked out on its work branch, for a repository with ~100 MB of packed "
                + "history. The code measured is the real one the control plane runs (`BubblewrapProvider.create`, "
                + "then `Workspaces.checkout`), next to a floor measured in the same run on the same machine: "
                + "`git clone --local` of the same repository. The samples of the two alternate, so drift on the "
                + "machine hits both alike.");
        line();
        howToRun(
                AS_ROOT_FOR_THE_PROVIDER,
                GitBenchmarks.COMMAND,
                ". It "
                        + "needs git, bubblewrap, util-linux, socat and tar on the host. The repository, the mirror, the clones "
                        + "and the sandboxes live in a temporary directory that is removed at the end; it overwrites this file "
                        + "(`NIGHTSHIFT_BENCH_OUT=<file>` writes elsewhere). It takes a few minutes and briefly needs ~1 GB of "
                        + "free disk.");
        machine();
        repository();
        targets();
        results();
        whereTheTimeGoes();
        failures(r.errors());
        return markdown();
    }

    private void machine() {
        machineRows();
        loadAverageRow(r.loadBefore(), r.loadAfter(), "");
        line("| CPU pressure (`/proc/pressure/cpu` some, avg10 / avg60 / avg300) | " + r.pressureBefore()
                + " at the start, " + r.pressureAfter() + " at the end |");
        line("| git | " + r.gitVersion()
                + " (the host's; the sandbox runs the same binary from the read-only host toolchain) |");
        codeRows("Git", gitCode);
        sandboxLimitsRow(GitBenchmarks.LIMITS);
        line("| Repository, mirror, clones and sandboxes on one file system | " + r.sameFs() + " |");
        line();
        providerInForce(r.capabilities());
        javaVersion();
    }

    private void repository() {
        line("## The repository");
        line();
        line("Generated at the start of the run with `git fast-import` from a seeded generator (every run writes the "
                + "same bytes), as a bare repository, then `git gc` so its history is one pack: "
                + GitBenchmarks.COMMITS + " commits on `main`; the first adds " + Stats.fmt(GitBenchmarks.TEXT_FILES, 0)
                + " source-like text files of ~2 KB in " + GitBenchmarks.TEXT_DIRS + " directories, every commit "
                + "rewrites one of " + GitBenchmarks.BINARY_FILES + " files of " + Stats.mib(GitBenchmarks.BINARY_BYTES)
                + " random bytes (incompressible, so the pack really holds ~100 MB) and, after the first, "
                + GitBenchmarks.TEXT_CHANGES_PER_COMMIT + " of the text files. So the history is ~10× the size of "
                + "what is checked out, as in a repository that has lived a while.");
        line();
        if (r.repo() == null) {
            line("Not generated (failed).");
            line();
            return;
        }
        GitBenchmarks.Repo repo = r.repo();
        line("| | |");
        line("|---|---|");
        line("| Pack (`size-pack`) | " + Stats.mib(repo.packBytes()) + " in " + repo.packs() + " pack, "
                + Stats.fmt(repo.objects(), 0) + " objects |");
        line("| Files in HEAD | " + Stats.fmt(repo.headFiles(), 0) + ", " + Stats.mib(repo.headBytes()) + " |");
        line("| Generated in | " + secs(repo.generateNs()) + " (not measured) |");
        line();
        line("`git count-objects -vH`:");
        line();
        line("```");
        line(repo.countObjects());
        line("```");
        line();
    }

    private void targets() {
        line("## Targets");
        line();
        line("| Target | This run | Met? |");
        line("|---|---|---|");
        Series floor = r.series("floor", GitBenchmarks.Sample::floor);
        Series total = r.series("total", GitBenchmarks.Sample::total);
        if (floor == null || total == null) {
            line("| New session on a warm mirror, ~100 MB of history: within " + GitBenchmarks.RATIO_TARGET
                    + "× of `git clone --local` | not measured (failed) | **unknown** |");
            line("| … and under 2 s | not measured (failed) | **unknown** |");
            line();
            return;
        }
        double ratio = total.p50() / (double) floor.p50();
        line("| New session on a warm mirror, ~100 MB of history: create + checkout within "
                + Stats.fmt(GitBenchmarks.RATIO_TARGET, 1) + "× of `git clone --local`, p50 | " + secs(total.p50())
                + " against " + secs(floor.p50()) + ": " + Stats.ratio(total.p50(), floor.p50()) + " | "
                + met(ratio <= GitBenchmarks.RATIO_TARGET) + " |");
        line("| … and under " + secs(GitBenchmarks.TARGET_NANOS) + ", p50 | p50 " + secs(total.p50()) + ", slowest of "
                + total.n() + " " + secs(total.sorted()[total.n() - 1]) + " | "
                + met(total.p50() < GitBenchmarks.TARGET_NANOS)
                + (total.p50() < GitBenchmarks.TARGET_NANOS
                                && total.sorted()[total.n() - 1] >= GitBenchmarks.TARGET_NANOS
                        ? " at the median, not in every run"
                        : "")
                + " |");
        line();
    }

    private void results() {
        line("## New session on a warm mirror");
        line();
        line("The mirror is made once before the clock starts (`workspaces.mirrors().refresh(url, GitAuth.NONE)`). "
                + "Then " + GitBenchmarks.WARMUP + " warm-up and " + GitBenchmarks.RUNS + " measured rounds, each of "
                + "three, in this order:");
        line();
        line(
                "1. **Floor**: `git clone --local --quiet <repo> <fresh dir>`, spawned with `ProcessBuilder` and waited for "
                        + "(wall clock); then the clone's HEAD is checked and the clone deleted. On one file system "
                        + "`--local` hard-links the pack instead of copying it, so this is little more than writing the "
                        + "working tree and the index.");
        line("2. **Copying floor**: the same with `--no-hardlinks`, which copies the ~100 MB pack as Nightshift "
                + "does (the mirror's objects reach the sandbox as a tar stream, never as links).");
        line(
                "3. **Nightshift**: the clock runs from before `provider.create(new SandboxSpec(<fresh session id>, …))` to "
                        + "after `workspaces.checkout(<session id>, url, GitAuth.NONE, null, <work branch>, user, sandbox)` "
                        + "returns. `checkout` refreshes the mirror (`git ls-remote` and a `git fetch` that finds nothing new), "
                        + "makes the session's outbox, then streams the mirror's `objects` and `refs` as a tar into the sandbox, "
                        + "where git (as the sandbox's user) turns them into a clone and checks the work branch out. Afterwards, "
                        + "untimed, a command in the sandbox checks that HEAD is the repository's HEAD, that the work branch "
                        + "is checked out, that every file of HEAD is tracked and that `git status --porcelain` is empty (the "
                        + "run fails otherwise); then the sandbox is destroyed.");
        line();
        Series floor = r.series("`git clone --local` (floor)", GitBenchmarks.Sample::floor);
        if (floor == null) {
            line("Not measured (failed).");
            line();
            return;
        }
        line("| Measurement | p50 | min | max | n | p50 / floor p50 |");
        line("|---|---:|---:|---:|---:|---:|");
        row(r.series("create + checkout", GitBenchmarks.Sample::total), floor);
        row(r.series("`create()` alone", GitBenchmarks.Sample::create), floor);
        row(r.series("`checkout()` alone", GitBenchmarks.Sample::checkout), floor);
        row(floor, floor);
        row(r.series("`git clone --local --no-hardlinks`", GitBenchmarks.Sample::noHardlinks), floor);
        row(r.series("`destroy()` (not in the total)", GitBenchmarks.Sample::destroy), null);
        line();
        line("Every run, in order (each verified):");
        line();
        line(
                "| Run | Floor | `--no-hardlinks` | Create + checkout | `create()` | `checkout()` | Create + checkout / floor |");
        line("|---:|---:|---:|---:|---:|---:|---:|");
        int i = 1;
        for (GitBenchmarks.Sample s : r.samples()) {
            line("| " + i++ + " | " + secs(s.floor()) + " | " + secs(s.noHardlinks()) + " | " + secs(s.total()) + " | "
                    + ms(s.create()) + " | " + secs(s.checkout()) + " | " + Stats.ratio(s.total(), s.floor()) + " |");
        }
        line();
    }

    private void row(Series s, Series floor) {
        if (s == null) {
            return;
        }
        line("| " + s.name() + " | " + secs(s.p50()) + " | " + secs(s.sorted()[0]) + " | " + secs(s.sorted()[s.n() - 1])
                + " | " + s.n() + " | "
                + (floor == null ? "" : floor == s ? "1.00× (floor)" : Stats.ratio(s.p50(), floor.p50())) + " |");
    }

    private void whereTheTimeGoes() {
        line("## Where the time goes");
        line();
        line("Measured after the rounds above, " + GitBenchmarks.BREAKDOWN_RUNS + " times each:");
        line();
        line(
                "- `mirrors().refresh(url, GitAuth.NONE)` alone: the `git ls-remote` and `git fetch` every checkout starts with.");
        line("- `git clone --local` once more, as `bash -c 'git clone … && times'`: the wall clock (including that "
                + "bash) and the user and system CPU time of the clone's processes.");
        line("- The mirror's tar read to the end, `"
                + "tar -c -f - -C <mirror> objects refs [packed-refs] | cat > /dev/null"
                + "` (through `cat`: GNU tar skips reading the files when it writes to /dev/null itself).");
        line(
                "- The import's steps, timed: the script `WorkspaceImport` runs in the sandbox, with `date +%s%N` after each "
                        + "step, fed the same tar, once in a fresh sandbox through `sandbox.exec` and once on the host in an empty "
                        + "directory (no sandbox: the cost of the method itself). Steps: `init` is `git init`; `untar` is "
                        + "`tar -x` of the streamed objects and refs into `.git` (it includes waiting for the host's tar); "
                        + "`refs` moves the branches to `origin`'s and writes the config; `checkout` is `git checkout -b "
                        + "<work> <sha>` (the working tree and the index); `log` is the `git log -1` that names the commit. "
                        + "The script ends with bash's `times`: the CPU time of the import's processes (not of the host's tar).");
        line();
        if (r.refresh() == null || r.tarRead() == null) {
            line("Not measured (failed).");
            line();
            return;
        }
        line("| Step | p50 | min | max | n |");
        line("|---|---:|---:|---:|---:|");
        plain("`mirrors().refresh()` alone (warm, nothing new)", r.refresh());
        plain("tar of the mirror, read to the end", r.tarRead());
        if (r.floorWall() != null) {
            plain("`git clone --local` (floor), wall clock", r.floorWall());
            plain("… its CPU time, user", r.floorCpu().user());
            plain("… its CPU time, system", r.floorCpu().sys());
        }
        GitBenchmarks.Phases p = r.phases();
        if (p != null) {
            plain("import in a sandbox: the whole `sandbox.exec`", p.sandboxExec());
            for (Map.Entry<String, long[]> e : p.sandbox().entrySet()) {
                plain("… in the sandbox: " + e.getKey(), e.getValue());
            }
            plain("… in the sandbox: CPU time, user", p.sandboxCpu().user());
            plain("… in the sandbox: CPU time, system", p.sandboxCpu().sys());
            plain("import on the host, no sandbox: whole", p.hostTotal());
            for (Map.Entry<String, long[]> e : p.host().entrySet()) {
                plain("… on the host: " + e.getKey(), e.getValue());
            }
            plain("… on the host: CPU time, user", p.hostCpu().user());
            plain("… on the host: CPU time, system", p.hostCpu().sys());
        }
        line();
        summary();
    }

    /** Plain sentences about the medians: which step is the big one, against which floor. */
    private void summary() {
        Series floor = r.series("floor", GitBenchmarks.Sample::floor);
        Series copy = r.series("copy", GitBenchmarks.Sample::noHardlinks);
        Series total = r.series("total", GitBenchmarks.Sample::total);
        Series checkout = r.series("checkout", GitBenchmarks.Sample::checkout);
        Series create = r.series("create", GitBenchmarks.Sample::create);
        GitBenchmarks.Phases p = r.phases();
        if (floor == null || total == null || p == null) {
            return;
        }
        long refresh = Series.of("", r.refresh()).p50();
        long tar = Series.of("", r.tarRead()).p50();
        long untar = Series.of("", p.sandbox().get("untar")).p50();
        long co = Series.of("", p.sandbox().get("checkout")).p50();
        long hostUntar = Series.of("", p.host().get("untar")).p50();
        long hostCo = Series.of("", p.host().get("checkout")).p50();
        long exec = Series.of("", p.sandboxExec()).p50();
        long host = Series.of("", p.hostTotal()).p50();
        line("Reading the medians together: create + checkout took " + secs(total.p50()) + " against the floor's "
                + secs(floor.p50()) + ". Of that, `create()` was " + ms(create.p50()) + " and `checkout()` "
                + secs(checkout.p50()) + "; inside `checkout()` the mirror refresh costs about " + ms(refresh)
                + " and the import (`sandbox.exec` of the streamed tar) about " + secs(exec) + ", of which streaming "
                + "and unpacking the "
                + Stats.mib(r.repo() == null ? 0 : r.repo().packBytes()) + " of objects (`untar`) is "
                + ms(untar) + " and writing the working tree (`checkout`) " + ms(co) + ". Reading the mirror as a tar "
                + "alone takes " + ms(tar) + ".");
        line();
        line("The same import on the host, without a sandbox, took " + secs(host) + " (untar " + ms(hostUntar)
                + ", checkout " + ms(hostCo) + "), and `git clone --local --no-hardlinks`, which also copies the pack, "
                + secs(copy.p50()) + ". The floor (" + secs(floor.p50()) + ") copies no objects"
                + (r.sameFs().startsWith("yes") ? " at all: it hard-links the pack" : " when it can hard-link them")
                + " and only writes the working tree, which is what the sandbox's `checkout` step does in "
                + ms(co) + ". So against the floor, Nightshift additionally pays for copying the history ("
                + ms(untar) + "), the mirror refresh (" + ms(refresh) + ") and creating the sandbox ("
                + ms(create.p50()) + ").");
        line();
        if (r.floorCpu() != null) {
            long floorSys = Series.of("", r.floorCpu().sys()).p50();
            long floorUser = Series.of("", r.floorCpu().user()).p50();
            long floorWall = Series.of("", r.floorWall()).p50();
            long sandboxSys = Series.of("", p.sandboxCpu().sys()).p50();
            long sandboxUser = Series.of("", p.sandboxCpu().user()).p50();
            line("CPU time: the floor's clone spent " + ms(floorUser) + " in user space and " + ms(floorSys)
                    + " in the "
                    + "kernel for " + ms(floorWall) + " of wall clock; the import in the sandbox " + ms(sandboxUser)
                    + " and " + ms(sandboxSys) + ". "
                    + (floorSys > floorWall / 2
                            ? "Most of the floor's time is the kernel creating and writing the "
                                    + Stats.fmt(r.repo() == null ? 0 : r.repo().headFiles(), 0)
                                    + " files of the working "
                                    + "tree, not git's own work, and the sandbox's checkout pays the same."
                            : "The kernel's share is not the larger part of the floor's time."));
            line();
        }
        if (total.p50() >= GitBenchmarks.TARGET_NANOS) {
            long co2 = Series.of("", p.sandbox().get("checkout")).p50();
            line(
                    "**Why the " + secs(GitBenchmarks.TARGET_NANOS) + " target is not met here:** "
                            + (floor.p50() >= GitBenchmarks.TARGET_NANOS
                                    ? "the floor itself takes " + secs(floor.p50())
                                            + ", so no way of making a workspace that "
                                            + "writes this working tree can meet it on this machine in this state. "
                                    : "")
                            + "Writing the working tree (`git checkout`, " + ms(co2) + " in the sandbox) is "
                            + Math.round(100.0 * co2 / total.p50())
                            + " % of create + checkout; the part that is Nightshift's "
                            + "own (copying the history, the mirror refresh, creating the sandbox) is "
                            + ms(untar + refresh + create.p50())
                            + ". For how busy the machine was, see the load average and "
                            + "CPU pressure in the machine table: other work on it inflates the kernel time of both sides alike.");
            line();
        }
    }

    private void plain(String name, long[] samples) {
        if (samples == null) {
            return;
        }
        Series s = Series.of(name, samples);
        line("| " + name + " | " + ms(s.p50()) + " | " + ms(s.sorted()[0]) + " | " + ms(s.sorted()[s.n() - 1]) + " | "
                + s.n() + " |");
    }
}
