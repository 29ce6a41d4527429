package dev.nightshift.bench;

import dev.nightshift.core.sandbox.ExecResult;
import dev.nightshift.core.sandbox.OutputListener;
import dev.nightshift.core.sandbox.Sandbox;
import dev.nightshift.core.sandbox.SandboxProvider;
import dev.nightshift.core.sandbox.SandboxSpec;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Part 5 of the sandbox benchmark: what {@link #SANDBOXES} live sandboxes cost the control plane
 * (this JVM's RSS, heap and threads) and the host (the processes under this JVM), next to the
 * floor of as many bare {@code bwrap … sleep infinity} processes started from this JVM.
 */
final class SandboxFleet {
    static final int SANDBOXES = 20;
    private static final List<String> RAW_BWRAP_SLEEP =
            SandboxLatency.concat(SandboxLatency.RAW_BWRAP, "/usr/bin/sleep", "infinity");

    private SandboxFleet() {}

    /**
     * One sample. {@code idleReapers} are the JDK's cached "process reaper" threads waiting for
     * work: they outlive the processes they waited for by up to a minute, so they are counted
     * apart from the threads something really holds.
     */
    record Footprint(
            long jvmRssBytes,
            long heapUsedBytes,
            int threads,
            int idleReapers,
            int processes,
            long processRssBytes,
            long processPssBytes,
            Map<String, Integer> processNames,
            Map<String, Integer> threadNames) {
        int busyThreads() {
            return threads - idleReapers;
        }
    }

    record Fleet(String system, Footprint before, Footprint live, Footprint after, long startNs) {}

    record Result(Fleet floor, Fleet nightshift) {}

    static Result run(SandboxProvider provider, SandboxSpec spec, Consumer<String> say) throws Exception {
        Fleet floor = floor(say);
        Fleet nightshift = nightshift(provider, spec, say);
        return new Result(floor, nightshift);
    }

    private static Fleet floor(Consumer<String> say) throws Exception {
        Footprint before = sample();
        List<Process> holders = new ArrayList<>();
        long t0 = System.nanoTime();
        Footprint live;
        try {
            for (int i = 0; i < SANDBOXES; i++) {
                holders.add(new ProcessBuilder(RAW_BWRAP_SLEEP).start());
            }
            // ready when each runs its sleep: outer bwrap, its pid-1 child, sleep (what create() waits for, near
            // enough)
            awaitProcesses(before.processes() + 3 * SANDBOXES, false, 5_000);
            long startNs = System.nanoTime() - t0;
            live = sample();
            for (Process p : holders) {
                if (!p.isAlive()) {
                    throw new IOException("a raw bwrap sleep exited: "
                            + new String(p.getErrorStream().readNBytes(2000)));
                }
            }
            say.accept("floor: " + SANDBOXES + " raw bwrap sleep processes: " + (live.processes() - before.processes())
                    + " host processes, JVM RSS +" + Stats.mib(live.jvmRssBytes() - before.jvmRssBytes()));
            stop(holders);
            awaitProcesses(before.processes(), true, 5_000);
            return new Fleet("raw bwrap sleep (floor)", before, live, sample(), startNs);
        } finally {
            stop(holders);
        }
    }

    private static void stop(List<Process> holders) throws InterruptedException {
        for (Process p : holders) {
            p.destroyForcibly();
        }
        for (Process p : holders) {
            p.waitFor(5, TimeUnit.SECONDS);
            HostCommands.close(p);
        }
    }

    private static Fleet nightshift(SandboxProvider provider, SandboxSpec spec, Consumer<String> say) throws Exception {
        Footprint before = sample();
        List<Sandbox> sandboxes = new ArrayList<>();
        try {
            long t0 = System.nanoTime();
            for (int i = 0; i < SANDBOXES; i++) {
                sandboxes.add(provider.create(new SandboxSpec(spec.sessionId() + "_" + i, spec.limits(), spec.env())));
            }
            long startNs = System.nanoTime() - t0;
            for (Sandbox s : sandboxes) {
                ExecResult r = s.exec(SandboxLatency.TRUE, OutputListener.IGNORE);
                SandboxLatency.requireSuccess("exec true in sandbox " + s.id(), r);
            }
            Footprint live = sample();
            long dead = sandboxes.stream().filter(s -> !s.alive()).count();
            if (dead > 0) {
                throw new IOException(
                        dead + " of " + SANDBOXES + " sandboxes died while idle; is another control plane or a "
                                + "test run starting on this host? (its removeOrphans kills every sandbox cgroup it does not own)");
            }
            say.accept("Nightshift: " + SANDBOXES + " sandboxes created in " + Stats.fmt(startNs / 1e9, 2) + " s: "
                    + (live.processes() - before.processes()) + " host processes, JVM RSS +"
                    + Stats.mib(live.jvmRssBytes() - before.jvmRssBytes()) + ", threads +"
                    + (live.threads() - before.threads()));
            for (Sandbox s : sandboxes) {
                s.destroy();
            }
            awaitProcesses(before.processes(), true, 5_000);
            return new Fleet("Nightshift bubblewrap sandboxes", before, live, sample(), startNs);
        } finally {
            sandboxes.forEach(Sandbox::destroy);
        }
    }

    /** Waits until at least (or, with {@code atMost}, at most) {@code count} processes run under this JVM. */
    private static void awaitProcesses(int count, boolean atMost, long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < deadline) {
            long now = ProcessHandle.current().descendants().count();
            if (atMost ? now <= count : now >= count) {
                return;
            }
            Thread.sleep(20);
        }
    }

    static Footprint sample() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        long rss = kib(Path.of("/proc/self/status"), "VmRSS:") * 1024;
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        int threads = ManagementFactory.getThreadMXBean().getThreadCount();
        Map<String, Integer> threadNames = new TreeMap<>();
        int idle = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals("process reaper")) {
                idle++;
            }
            threadNames.merge(t.getName().replaceAll("\\d+", "#"), 1, Integer::sum);
        }
        int processes = 0;
        long procRss = 0;
        long procPss = 0;
        Map<String, Integer> names = new TreeMap<>();
        for (ProcessHandle h : ProcessHandle.current().descendants().toList()) {
            Path proc = Path.of("/proc", Long.toString(h.pid()));
            long r = kib(proc.resolve("status"), "VmRSS:");
            if (r < 0) {
                continue; // gone meanwhile
            }
            processes++;
            procRss += r * 1024;
            procPss += Math.max(0, kib(proc.resolve("smaps_rollup"), "Pss:")) * 1024;
            names.merge(comm(proc), 1, Integer::sum);
        }
        return new Footprint(rss, heap, threads, idle, processes, procRss, procPss, names, threadNames);
    }

    private static String comm(Path proc) {
        try {
            return Files.readString(proc.resolve("comm")).strip();
        } catch (IOException e) {
            return "?";
        }
    }

    /** The kB value of a "Key:   123 kB" line, or -1 when the file or line is not there. */
    private static long kib(Path file, String key) {
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.startsWith(key)) {
                    return Long.parseLong(line.substring(key.length()).replaceAll("\\D", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
