package dev.nightshift.bench;

import static dev.nightshift.bench.Stats.secs;

/** Renders docs/benchmarks-fork.md from one run's results. */
final class ForkReport extends MarkdownReport {
    private final String forkCode;
    private final ForkBenchmarks.Results r;

    ForkReport(Machine machine, String forkCode, String command, double seconds, ForkBenchmarks.Results results) {
        super(machine, command, seconds);
        this.forkCode = forkCode;
        this.r = results;
    }

    String render() {
        header("Fork benchmarks", "ForkBenchmarks");
        line("A session whose workspace holds ~200 MiB is forked at the head (`POST /api/sessions/{id}/fork` "
                + "without `atSeq`) while its own sandbox runs on: the time until the fork's sandbox is ready. The "
                + "request returns once the fork's copy of the workspace is taken (`BubblewrapProvider.copy`: `cp -a` "
                + "on the host, then the copy given the new sandbox's uid), made the fork's own (its work branch, "
                + "`Workspaces.adopt`) and its sandbox is running, so the time to the `201` is the time to a ready "
                + "sandbox; each fork is checked (its first event says `live`, its sandbox is ready and holds every "
                + "byte) and archived before the next. Next to it, measured in the same run on the same file system: "
                + "`cp -a` of the same tree, the floor until copy-on-write arrives, and `cp -a` followed by "
                + "`chown -hR`, the copy a sandbox of its own uid needs. The samples alternate, so drift hits all "
                + "alike.");
        line();
        howToRun(
                AS_ROOT_FOR_THE_PROVIDER,
                ForkBenchmarks.COMMAND,
                ". It needs bubblewrap, util-linux, socat, git and python3 on the host. The server's data directory "
                        + "and the copies live in temporary directories that are removed at the end; it overwrites this "
                        + "file (`NIGHTSHIFT_BENCH_OUT=<file>` writes elsewhere). It takes about a minute and briefly "
                        + "needs ~1 GB of free disk.");
        machineRows();
        loadAverageRowNotingBusy(r.loadBefore(), r.loadAfter(), "");
        codeRows("Fork", forkCode);
        line();
        if (!r.capabilities().isEmpty()) {
            line("What the sandbox manager reported (`describe()`):");
            line();
            r.capabilities().forEach(c -> line("- " + c));
            line();
        }
        workspace();
        results();
        failures(r.errors());
        javaVersion();
        return markdown();
    }

    private void workspace() {
        line("## The workspace");
        line();
        line("A git repository of one commit whose `deps/` is ignored, as a project ignores its dependencies, and in "
                + "`deps/` files written in the parent's sandbox by its user from a seeded generator (every run writes "
                + "the same bytes, incompressible): " + ForkBenchmarks.LARGE_FILES + " files of "
                + Stats.mib(ForkBenchmarks.LARGE_BYTES) + " and " + Stats.fmt(ForkBenchmarks.SMALL_FILES, 0)
                + " of " + Stats.kib(ForkBenchmarks.SMALL_BYTES) + " in " + ForkBenchmarks.DIRS + " directories.");
        line();
        if (r.workspace() == null) {
            line("Not generated (failed).");
            line();
            return;
        }
        line("| | |");
        line("|---|---|");
        line("| `deps/` (`du -sb --apparent-size`) | " + Stats.mib(r.workspace().bytes()) + " |");
        line("| Files in the workspace | " + Stats.fmt(r.workspace().files(), 0) + " (`.git` included) |");
        line("| Generated in | " + secs(r.workspace().generateNs()) + " (not measured) |");
        line();
    }

    private void results() {
        line("## Results");
        line();
        Series fork =
                r.series("Fork at the head through the API, until its sandbox is ready", ForkBenchmarks.Sample::fork);
        Series floor = r.series("`cp -a` of the same tree (floor)", ForkBenchmarks.Sample::floor);
        Series chown = r.series("`cp -a` + `chown -hR` to another uid", ForkBenchmarks.Sample::floorChown);
        if (fork == null || floor == null || chown == null) {
            line("Not measured (failed).");
            line();
            return;
        }
        latencyHeader();
        latencyRow(fork, floor);
        latencyRow(floor, floor);
        latencyRow(chown, floor);
        line();
        line("The fork took " + Stats.ratio(fork.p50(), floor.p50()) + " of `cp -a` at the median ("
                + Stats.fmtMs(fork.p50()) + " against " + Stats.fmtMs(floor.p50()) + "). Beyond the copy itself it "
                + "gives the copy to the new sandbox's uid (the `cp -a` + `chown -hR` row: "
                + (chown.p50() > floor.p50()
                        ? Stats.fmtMs(chown.p50() - floor.p50()) + " more at the median"
                        : "in this run no slower than `cp -a` alone at the median, within its noise")
                + "), starts the sandbox (bubblewrap, "
                + "its cgroups and its egress proxy), fetches the parent's recorded work into the fork's own copy "
                + "on the control plane and switches the copy to the fork's work branch (`git checkout -B`, which "
                + "reads the index), and writes the session, its first event and the sandbox's state to the "
                + "store. The parent's sandbox ran throughout; the fork never paused it.");
        line();
    }
}
