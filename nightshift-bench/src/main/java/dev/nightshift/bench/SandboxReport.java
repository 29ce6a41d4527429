package dev.nightshift.bench;

import static dev.nightshift.bench.Stats.fmt;
import static dev.nightshift.bench.Stats.fmtMs;
import static dev.nightshift.bench.Stats.secs;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToLongFunction;

/** Renders docs/benchmarks-sandbox.md from one run's results. */
final class SandboxReport extends MarkdownReport {
    private final String sandboxCode;
    private final SandboxBenchmarks.Results r;

    SandboxReport(
            Machine machine, String sandboxCode, String command, double seconds, SandboxBenchmarks.Results results) {
        super(machine, command, seconds);
        this.sandboxCode = sandboxCode;
        this.r = results;
    }

    String render() {
        header("Sandbox benchmarks", "SandboxBenchmarks");
        line("Every number is for the bubblewrap provider (`BubblewrapProvider`, the real one the control plane uses), "
                + "next to a physical floor measured in the same run on the same machine: what the operating system "
                + "and standard tools do for the same job without Nightshift. Where it makes sense the samples of the "
                + "two alternate, so drift on the machine hits both alike.");
        line();
        howToRun(
                AS_ROOT_FOR_THE_PROVIDER,
                SandboxBenchmarks.COMMAND,
                ". It "
                        + "needs bubblewrap, util-linux, socat, python3, tar and zstd on the host. Sandboxes, archives and "
                        + "scratch copies live in a temporary directory that is removed at the end; it overwrites this file "
                        + "(`NIGHTSHIFT_BENCH_OUT=<file>` writes elsewhere). It takes about a minute and briefly needs ~1 GB "
                        + "of free disk.");
        machine();
        targets();
        create();
        exec();
        files();
        hibernation();
        fleet();
        problems();
        failures(r.errors());
        return markdown();
    }

    /** Wrong results the provider gave while it was being timed. */
    private void problems() {
        if (r.files() == null || (r.files().shortReads() == 0 && r.files().badWrites() == 0)) {
            return;
        }
        line("## Problems seen in this run");
        line();
        if (r.files().shortReads() > 0) {
            line("- `readFile(path, 0, 1 << 20)` of a 1 MiB file returned a truncated prefix, with no error, in "
                    + r.files().shortReads() + " of " + (SandboxLatency.FILE_RUNS + SandboxLatency.FILE_WARMUP)
                    + " reads (shortest: " + fmt(r.files().shortestRead(), 0) + " bytes). The missing tail is at most "
                    + "a pipe's worth (64 KiB): `BubblewrapSandbox.exec` kills the finished command with "
                    + "`Process.destroyForcibly()` before it joins the threads pumping its output, and the JDK's "
                    + "`destroy` closes the process's stdout and stderr streams even when the process has already "
                    + "exited, so output still in the pipe is lost when the pump thread is behind (more likely on a "
                    + "busy machine). The same can cut the end off any command's output and any `list`.");
        }
        if (r.files().badWrites() > 0) {
            line("- " + r.files().badWrites() + " `writeFile` calls left the file different from the bytes written.");
        }
        line();
    }

    private void machine() {
        machineRows();
        loadAverageRow(r.loadBefore(), r.loadAfter(), "");
        codeRows("Sandbox", sandboxCode);
        sandboxLimitsRow(SandboxBenchmarks.LIMITS);
        line();
        providerInForce(r.capabilities());
        javaVersion();
    }

    private void targets() {
        line("## Targets");
        line();
        line("| Target | This run | Met? |");
        line("|---|---|---|");
        if (r.create() != null) {
            Series s = r.create().toFirstExec();
            line("| Create a sandbox (to its first command returning) under 150 ms, p50 | p50 " + fmtMs(s.p50())
                    + ", p90 "
                    + fmtMs(s.p(0.9)) + ", p99 " + fmtMs(s.p(0.99)) + " (`create()` alone: p50 "
                    + fmtMs(r.create().createOnly().p50()) + ") | "
                    + met(s.p50() < SandboxBenchmarks.CREATE_TARGET_NANOS) + " |");
        } else {
            line("| Create under 150 ms, p50 | not measured (failed) | **unknown** |");
        }
        if (r.exec() != null) {
            Series s = r.exec().sandbox();
            line("| `exec true` round trip on a warm sandbox under 15 ms, p50 | p50 " + fmtMs(s.p50()) + ", p90 "
                    + fmtMs(s.p(0.9)) + ", p99 " + fmtMs(s.p(0.99)) + " | "
                    + met(s.p50() < SandboxBenchmarks.EXEC_TARGET_NANOS) + " |");
        } else {
            line("| `exec true` under 15 ms, p50 | not measured (failed) | **unknown** |");
        }
        if (r.hibernation() != null) {
            SandboxHibernation.Result h = r.hibernation();
            long median = h.median(SandboxHibernation.Rep::restoreNs);
            long worst = h.reps().stream()
                    .mapToLong(SandboxHibernation.Rep::restoreNs)
                    .max()
                    .orElse(-1);
            line("| Restore of a 200 MB workspace under 3 s (" + Stats.mib(h.bytes()) + " here) | median "
                    + secs(median)
                    + ", slowest of " + h.reps().size() + " " + secs(worst) + " | "
                    + met(median < SandboxBenchmarks.RESTORE_TARGET_NANOS)
                    + (median < SandboxBenchmarks.RESTORE_TARGET_NANOS
                                    && worst >= SandboxBenchmarks.RESTORE_TARGET_NANOS
                            ? " at the median, not in every repetition"
                            : "")
                    + " |");
        } else {
            line("| Restore of a 200 MB workspace under 3 s | not measured (failed) | **unknown** |");
        }
        line();
    }

    private void ratioRow(String label, Series s, Series floor) {
        line("| " + label + " | " + Stats.ratio(s.p50(), floor.p50()) + " | " + Stats.ratio(s.p(0.9), floor.p(0.9))
                + " | " + Stats.ratio(s.p(0.99), floor.p(0.99)) + " | | |");
    }

    private void create() {
        line("## 1. Create to first exec");
        line();
        line(
                "The clock runs from `provider.create(spec)` to `exec(true)` returning on the new sandbox; each sandbox is "
                        + "destroyed afterwards (`destroy()` timed apart). " + SandboxLatency.CREATE_WARMUP
                        + " warm-ups, then "
                        + SandboxLatency.CREATE_RUNS
                        + " samples. `create()` makes the sandbox's directories, `chown -R`s them, "
                        + "writes its /etc, attaches the egress proxy, creates its cgroups and starts the holder (a shell that "
                        + "joins the cgroups, then bwrap with the full mount set, then `setpriv`, a `socat` bridge and "
                        + "`sleep infinity`), returning once the holder prints its ready line. The floor, spawned with "
                        + "`ProcessBuilder` and waited for, is:");
        line();
        line("```sh");
        line(String.join(" ", SandboxLatency.RAW_BWRAP_TRUE));
        line("```");
        line();
        if (r.create() == null) {
            line("Not measured (failed).");
            line();
            return;
        }
        SandboxLatency.Create c = r.create();
        latencyHeader();
        latencyRow(c.toFirstExec(), c.floor());
        latencyRow(c.createOnly(), c.floor());
        latencyRow(c.firstExec(), c.floor());
        latencyRow(c.destroy(), null);
        latencyRow(c.floor(), c.floor());
        ratioRow("create + first exec / floor", c.toFirstExec(), c.floor());
        line();
    }

    private void exec() {
        line("## 2. `exec true` round trip on a warm sandbox");
        line();
        line("`sandbox.exec(new ExecRequest([\"true\"], …), IGNORE)` on a sandbox that already ran "
                + SandboxLatency.EXEC_WARMUP + " warm-up commands; " + SandboxLatency.EXEC_RUNS + " samples. Each "
                + "command is a shell that joins the sandbox's memory, cpu and a fresh per-command pids cgroup, then "
                + "`nsenter` (all namespaces of the holder), `prlimit`, `setpriv` and `env -i` before `true` runs; "
                + "afterwards the provider kills what is left in that per-command cgroup and removes it. The floor is "
                + "`new ProcessBuilder(\"/usr/bin/true\").start().waitFor()`, alternating with the sandbox's samples.");
        line();
        if (r.exec() == null) {
            line("Not measured (failed).");
            line();
            return;
        }
        latencyHeader();
        latencyRow(r.exec().sandbox(), r.exec().floor());
        latencyRow(r.exec().floor(), r.exec().floor());
        ratioRow("exec(true) / floor", r.exec().sandbox(), r.exec().floor());
        line();
    }

    private void files() {
        line("## 3. 1 MiB through the file API");
        line();
        line("A 1 MiB file of random bytes. `sandbox.writeFile(path, bytes)` " + SandboxLatency.FILE_RUNS
                + " times (the "
                + "same path, overwritten), then `sandbox.readFile(path, 0, 1 << 20)` " + SandboxLatency.FILE_RUNS
                + " times, " + SandboxLatency.FILE_WARMUP + " warm-ups each; every read is compared with what was "
                + "written. Both run inside the sandbox as its user (a shell resolving the path, then `cat` or "
                + "`tail | head`), which is what keeps a planted symlink from reaching host files. Floors: "
                + "`Files.readAllBytes` of the same file through its host path (the sandbox's workspace directory), "
                + "and `Files.write` of the same bytes to a host file on the same file system.");
        line();
        if (r.files() == null) {
            line("Not measured (failed).");
            line();
            return;
        }
        SandboxLatency.Files1MiB f = r.files();
        latencyHeader();
        latencyRow(f.read(), f.readFloor());
        latencyRow(f.readFloor(), f.readFloor());
        latencyRow(f.write(), f.writeFloor());
        latencyRow(f.writeFloor(), f.writeFloor());
        line();
        if (f.shortReads() > 0) {
            line("**" + f.shortReads() + " of " + (SandboxLatency.FILE_RUNS + SandboxLatency.FILE_WARMUP)
                    + " reads returned "
                    + "fewer bytes than the file holds** (the shortest " + fmt(f.shortestRead(), 0) + " of "
                    + fmt(SandboxLatency.FILE_BYTES, 0) + "), without an error: see Problems below.");
        } else {
            line("Every read returned exactly the bytes written.");
        }
        if (f.badWrites() > 0) {
            line("**" + f.badWrites() + " writes left the host file different from the bytes written.**");
        }
        line();
        line("At p50 that is " + mibPerSecond(f.read().p50()) + " read and "
                + mibPerSecond(f.write().p50())
                + " written through the sandbox (floor "
                + mibPerSecond(f.readFloor().p50()) + " and "
                + mibPerSecond(f.writeFloor().p50()) + ").");
        line();
    }

    private static String mibPerSecond(long nanosPerMiB) {
        return nanosPerMiB <= 0 ? "n/a" : String.format(Locale.ROOT, "%,.0f MiB/s", 1e9 / nanosPerMiB);
    }

    private void hibernation() {
        line("## 4. Hibernate and restore a 200 MiB workspace");
        line();
        line("The workspace is filled from inside the sandbox: python3 writes "
                + fmt(SandboxHibernation.SOURCE_FILES, 0)
                + " source-like text files of " + fmt(SandboxHibernation.SOURCE_FILE_BYTES / 1024.0, 1) + " KiB (lines "
                + "of identifiers, calls and comments drawn from a pool, with the repetition real code has; seeded, so "
                + "every run writes the same bytes) in 32 directories, and `head -c … /dev/urandom` writes "
                + SandboxHibernation.BLOBS + " incompressible blobs of " + Stats.mib(SandboxHibernation.BLOB_BYTES)
                + ". Then the host's workspace and home directories are copied with `cp -a` for the floor.");
        line();
        line("Each repetition times `sandbox.hibernate(new FileOutputStream(file))` (stops the sandbox, writes tar + "
                + "zstd level 3 with up to 2 compression threads, then deletes the sandbox's files) and "
                + "`provider.restore(spec, new FileInputStream(file))` (extracts with every hostile-archive check, "
                + "`chown -R`s, and starts the sandbox: the time includes a ready sandbox). The restored sandbox is the "
                + "one the next repetition hibernates; after every restore its files are counted and summed on the "
                + "host (they must match the original) and a command reads them inside. The floor works on the "
                + "identical copy:");
        line();
        line("```sh");
        line("tar -C <copy> -cf - workspace home | zstd -3 -T0 -q -o <archive>");
        line("zstd -d -q -c <archive> | tar -C <empty dir> -xf -");
        line("```");
        line();
        if (r.hibernation() == null) {
            line("Not measured (failed).");
            line();
            return;
        }
        SandboxHibernation.Result h = r.hibernation();
        line("Content: " + fmt(h.files(), 0) + " files, " + Stats.mib(h.bytes()) + " (" + fmt(h.bytes(), 0)
                + " bytes), " + "written inside the sandbox in " + secs(h.generateNs()) + ".");
        line();
        line("| Repetition | Hibernate | Floor `tar \\| zstd` | Hibernate / floor | Restore | Floor `zstd -d \\| tar` "
                + "| Restore / floor | Archive | Floor archive |");
        line("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        int i = 1;
        for (SandboxHibernation.Rep rep : h.reps()) {
            repRow(
                    Integer.toString(i++),
                    rep.hibernateNs(),
                    rep.floorHibernateNs(),
                    rep.restoreNs(),
                    rep.floorRestoreNs(),
                    rep.archiveBytes(),
                    rep.floorArchiveBytes());
        }
        ToLongFunction<SandboxHibernation.Rep> hib = SandboxHibernation.Rep::hibernateNs;
        repRow(
                "**median**",
                h.median(hib),
                h.median(SandboxHibernation.Rep::floorHibernateNs),
                h.median(SandboxHibernation.Rep::restoreNs),
                h.median(SandboxHibernation.Rep::floorRestoreNs),
                h.median(SandboxHibernation.Rep::archiveBytes),
                h.median(SandboxHibernation.Rep::floorArchiveBytes));
        line();
        long archive = h.median(SandboxHibernation.Rep::archiveBytes);
        long floorArchive = h.median(SandboxHibernation.Rep::floorArchiveBytes);
        line("Compression: " + Stats.mib(h.hostBytes()) + " of file content became a " + Stats.mib(archive)
                + " archive, " + String.format(Locale.ROOT, "%.2f×", h.hostBytes() / (double) archive)
                + " (the floor's: "
                + Stats.mib(floorArchive) + ", "
                + String.format(Locale.ROOT, "%.2f×", h.hostBytes() / (double) floorArchive)
                + "). Median throughput: hibernate " + mibPerSecondOf(h.hostBytes(), h.median(hib)) + ", restore "
                + mibPerSecondOf(h.hostBytes(), h.median(SandboxHibernation.Rep::restoreNs)) + " (floor "
                + mibPerSecondOf(h.hostBytes(), h.median(SandboxHibernation.Rep::floorHibernateNs)) + " and "
                + mibPerSecondOf(h.hostBytes(), h.median(SandboxHibernation.Rep::floorRestoreNs)) + ").");
        line();
        line("What the parts cost, each timed on its own right after the pair above (medians: `SnapshotArchive.write` "
                + secs(h.median(SandboxHibernation.Rep::writeOnlyNs)) + " against hibernate's " + secs(h.median(hib))
                + ", `SnapshotArchive.extract` " + secs(h.median(SandboxHibernation.Rep::extractOnlyNs))
                + " against restore's " + secs(h.median(SandboxHibernation.Rep::restoreNs))
                + "). Hibernate adds stopping "
                + "the sandbox and deleting its files to the first; restore adds moving the directories into place, "
                + "`chown -R` and starting the sandbox to the second. The last column is the floor's extraction into "
                + "a memory file system (tmpfs), which shows how much of every extraction here is the disk:");
        line();
        line(
                "| Repetition | Order | `SnapshotArchive.write` alone | `SnapshotArchive.extract` alone | Floor `zstd -d \\| tar` into tmpfs |");
        line("|---|---|---:|---:|---:|");
        int k = 1;
        for (SandboxHibernation.Rep rep : h.reps()) {
            line("| " + k++ + " | " + (rep.nightshiftFirst() ? "Nightshift first" : "floor first") + " | "
                    + secs(rep.writeOnlyNs()) + " | " + secs(rep.extractOnlyNs()) + " | "
                    + (rep.tmpfsRestoreNs() < 0 ? "n/a" : secs(rep.tmpfsRestoreNs())) + " |");
        }
        line();
        line("Before every timed step the page cache is flushed with `sync` (untimed): a sandbox that hibernates has "
                + "been idle long enough for its writes to reach the disk. Odd repetitions time Nightshift's step "
                + "before the floor's, even ones after, so neither always meets the disk in the same state.");
        line();
        line("The floor neither deletes its source after archiving nor starts anything after extracting; hibernate "
                + "does the first and restore the second. For scale: deleting the floor's extracted tree with a Java "
                + "file walk (as the provider deletes a sandbox's files) took a median of "
                + secs(h.median(SandboxHibernation.Rep::deleteCopyNs)) + ".");
        line();
    }

    private static String mibPerSecondOf(long bytes, long nanos) {
        return nanos <= 0 ? "n/a" : String.format(Locale.ROOT, "%,.0f MiB/s", bytes / 1048576.0 / (nanos / 1e9));
    }

    private void repRow(
            String label, long hib, long floorHib, long restore, long floorRestore, long archive, long floorArchive) {
        line("| " + label + " | " + secs(hib) + " | " + secs(floorHib) + " | " + Stats.ratio(hib, floorHib) + " | "
                + secs(restore) + " | " + secs(floorRestore) + " | " + Stats.ratio(restore, floorRestore) + " | "
                + Stats.mib(archive) + " | " + Stats.mib(floorArchive) + " |");
    }

    private void fleet() {
        int n = SandboxFleet.SANDBOXES;
        line("## 5. " + n + " concurrent sandboxes: what each costs");
        line();
        line(n + " sandboxes are created one after another and each runs `true` once; then, after `System.gc()` three "
                + "times with 200 ms pauses, this JVM's RSS (`/proc/self/status` VmRSS), heap used (`MemoryMXBean`) and "
                + "thread count (`ThreadMXBean`) are read, and every process under this JVM "
                + "(`ProcessHandle.current().descendants()`) is counted with its VmRSS and its PSS "
                + "(`/proc/<pid>/smaps_rollup`; RSS counts shared library pages once per process, PSS splits them). "
                + "The same before they are created and after all are destroyed. The floor is " + n + " bare "
                + "`bwrap … sleep infinity` processes (the command of part 1 with `sleep infinity`) started with "
                + "`ProcessBuilder` from this JVM and measured the same way (its start time runs until all " + n
                + " run their `sleep`). \"Busy threads\" leave out the JDK's "
                + "idle cached `process reaper` threads, which linger for up to a minute after the process they "
                + "waited for and are reused by the next one.");
        line();
        if (r.fleet() == null) {
            line("Not measured (failed).");
            line();
            return;
        }
        SandboxFleet.Fleet floor = r.fleet().floor();
        SandboxFleet.Fleet ns = r.fleet().nightshift();
        line("| System | State | JVM RSS | Heap used | JVM threads (busy) | Host processes | Their RSS | Their PSS |");
        line("|---|---|---:|---:|---:|---:|---:|---:|");
        for (SandboxFleet.Fleet f : List.of(floor, ns)) {
            footprintRow(f.system(), "before", f.before());
            footprintRow(f.system(), n + " live", f.live());
            footprintRow(f.system(), "after stopping all", f.after());
        }
        line();
        line("Per sandbox ((live − before) / " + n + "):");
        line();
        line(
                "| System | JVM RSS | Heap used | JVM threads | Busy threads | Host processes | Their RSS | Their PSS | Start of all "
                        + n + " |");
        line("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        perRow(floor);
        perRow(ns);
        line("| Nightshift / floor | " + ratio(ns, floor, SandboxFleet.Footprint::jvmRssBytes) + " | "
                + ratio(ns, floor, SandboxFleet.Footprint::heapUsedBytes) + " | "
                + ratio(ns, floor, SandboxFleet.Footprint::threads) + " | "
                + ratio(ns, floor, SandboxFleet.Footprint::busyThreads) + " | "
                + ratio(ns, floor, SandboxFleet.Footprint::processes) + " | "
                + ratio(ns, floor, SandboxFleet.Footprint::processRssBytes) + " | "
                + ratio(ns, floor, SandboxFleet.Footprint::processPssBytes) + " | "
                + Stats.ratio(ns.startNs(), floor.startNs()) + " |");
        line();
        for (SandboxFleet.Fleet f : List.of(floor, ns)) {
            line("Processes per sandbox, " + f.system() + ": "
                    + perName(f.before().processNames(), f.live().processNames()) + ". Threads that came with them: "
                    + perName(f.before().threadNames(), f.live().threadNames()) + ".");
            line();
        }
        int leftProcesses = ns.after().processes() - ns.before().processes();
        int leftThreads = ns.after().busyThreads() - ns.before().busyThreads();
        line("After destroying all " + n + ": " + leftProcesses + " processes and " + leftThreads
                + " busy threads more than "
                + "before they were created"
                + (leftProcesses == 0 && leftThreads <= 0
                        ? ", so nothing was left behind."
                        : " (" + delta(ns.before().threadNames(), ns.after().threadNames()) + ")."));
        line();
        line("`ForkJoinPool-#-worker-#` threads are the carriers of virtual threads. The JDK adds one (up to "
                + "`jdk.virtualThreadScheduler.maxPoolSize`, 256 by default) whenever a virtual thread blocks in a "
                + "read that cannot unmount it, such as a read of a process's pipe; a Nightshift sandbox keeps one such "
                + "reader (of its holder's stdout) for its whole life. Idle carriers retire after a keep-alive, so "
                + "carriers left after the sandboxes are gone are not a leak. A `process reaper (pid #)` is the JDK "
                + "thread waiting for one live child process.");
        line();
    }

    /** Raw count changes by thread name between two samples, e.g. "+19 `ForkJoinPool-#-worker-#`". */
    private static String delta(Map<String, Integer> before, Map<String, Integer> after) {
        Map<String, Integer> d = new TreeMap<>();
        after.forEach((name, c) -> d.merge(name, c, Integer::sum));
        before.forEach((name, c) -> d.merge(name, -c, Integer::sum));
        StringBuilder out = new StringBuilder();
        d.forEach((name, c) -> {
            if (c != 0) {
                out.append(out.isEmpty() ? "" : ", ")
                        .append(c > 0 ? "+" : "")
                        .append(c)
                        .append(" `")
                        .append(name)
                        .append('`');
            }
        });
        return out.isEmpty() ? "no change by name" : out.toString();
    }

    private void footprintRow(String system, String state, SandboxFleet.Footprint f) {
        line("| " + system + " | " + state + " | " + Stats.mib(f.jvmRssBytes()) + " | " + Stats.mib(f.heapUsedBytes())
                + " | "
                + f.threads() + " (" + f.busyThreads() + ") | " + f.processes() + " | " + Stats.mib(f.processRssBytes())
                + " | "
                + Stats.mib(f.processPssBytes()) + " |");
    }

    private static double per(SandboxFleet.Fleet f, ToLongFunction<SandboxFleet.Footprint> what) {
        return (what.applyAsLong(f.live()) - what.applyAsLong(f.before())) / (double) SandboxFleet.SANDBOXES;
    }

    private static String ratio(
            SandboxFleet.Fleet ns, SandboxFleet.Fleet floor, ToLongFunction<SandboxFleet.Footprint> what) {
        double a = per(ns, what);
        double b = per(floor, what);
        return b <= 0 ? "n/a" : String.format(Locale.ROOT, "%.2f×", a / b);
    }

    private void perRow(SandboxFleet.Fleet f) {
        line("| " + f.system() + " | " + Stats.kib(per(f, SandboxFleet.Footprint::jvmRssBytes)) + " | "
                + Stats.kib(per(f, SandboxFleet.Footprint::heapUsedBytes)) + " | "
                + fmt(per(f, SandboxFleet.Footprint::threads), 2) + " | "
                + fmt(per(f, SandboxFleet.Footprint::busyThreads), 2)
                + " | " + fmt(per(f, SandboxFleet.Footprint::processes), 2) + " | "
                + Stats.kib(per(f, SandboxFleet.Footprint::processRssBytes)) + " | "
                + Stats.kib(per(f, SandboxFleet.Footprint::processPssBytes)) + " | " + fmtMs(f.startNs()) + " |");
    }

    /** "2 × bwrap, 1 × sleep": what was added between two name counts, per sandbox. */
    private static String perName(Map<String, Integer> before, Map<String, Integer> live) {
        Map<String, Double> added = new TreeMap<>();
        live.forEach((name, count) -> {
            int d = count - before.getOrDefault(name, 0);
            if (d != 0) {
                added.put(name, d / (double) SandboxFleet.SANDBOXES);
            }
        });
        before.forEach((name, count) -> {
            if (!live.containsKey(name)) {
                added.put(name, -count / (double) SandboxFleet.SANDBOXES);
            }
        });
        if (added.isEmpty()) {
            return "none";
        }
        StringBuilder out = new StringBuilder();
        added.forEach((name, d) -> out.append(out.isEmpty() ? "" : ", ")
                .append(d == Math.rint(d) ? fmt(d, 0) : fmt(d, 2))
                .append(" × `")
                .append(name)
                .append('`'));
        return out.toString();
    }
}
