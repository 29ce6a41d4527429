package dev.nightshift.sandbox;

import dev.nightshift.core.sandbox.DetachedProcess;
import dev.nightshift.core.sandbox.ExecRequest;
import dev.nightshift.core.sandbox.ExecResult;
import dev.nightshift.core.sandbox.OutputListener;
import dev.nightshift.core.sandbox.Sandbox;
import dev.nightshift.core.sandbox.SandboxException;
import dev.nightshift.core.sandbox.SandboxSpec;
import dev.nightshift.core.sandbox.SandboxState;
import dev.nightshift.sandbox.SandboxProcesses.Detached;
import dev.nightshift.sandbox.archive.SnapshotArchive;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The part every local provider shares: each command is a host process the control plane starts,
 * pumps, times out and kills with everything it started; background processes are tracked; a
 * snapshot stops everything, archives {@code workspace} and {@code home} and removes the files.
 *
 * <p>A provider says only what differs, in small hooks: how a command is wrapped
 * ({@link #command}), how what it started is killed ({@link #killStarted}, {@link #killEverything}),
 * what its limits add to a command's report ({@link #watchLimits}), and how the sandbox itself is
 * stopped and removed. Every method may be called from any thread: commands run on their
 * callers' threads while another thread lists files or stops everything; output is pumped on
 * virtual threads of its own.
 */
abstract class HostProcessSandbox implements Sandbox {
    /** When a background process started, as shown to people listing them; it decides nothing. */
    private static final java.time.Clock CLOCK = java.time.Clock.systemUTC();

    private static final Logger LOG = LoggerFactory.getLogger(HostProcessSandbox.class);
    /** The exit status of a command killed by SIGKILL (timeout, stop), as a shell reports it. */
    static final int KILLED_EXIT = 137;
    /** The exit status of a refused command: env(1)'s when it cannot change to the working directory. */
    static final int REFUSED_EXIT = 125;
    /** The most one file read returns. */
    static final int MAX_READ_BYTES = 16 << 20;

    private final String id;
    private volatile SandboxSpec spec;
    private final Path dir;
    private final Duration quickFailureProbe;
    private final Runnable onGone;
    private final AtomicInteger commandCounter = new AtomicInteger();
    private final Map<String, Detached> detached = new ConcurrentHashMap<>();
    private final Map<String, Process> running = new ConcurrentHashMap<>();
    private volatile SandboxState state = SandboxState.READY;

    /** A command refused before it started (a working directory that is missing or leads out). */
    static final class RefusedCommand extends IOException {
        RefusedCommand(String message) {
            super(message);
        }
    }

    /**
     * What a provider's limits watch while one command runs; {@link #end} stops watching and
     * returns the notes for the command's stderr ("" when there is nothing to say).
     */
    interface LimitWatch {
        LimitWatch NONE = () -> "";

        String end();
    }

    HostProcessSandbox(String id, SandboxSpec spec, Path dir, Duration quickFailureProbe, Runnable onGone) {
        this.id = id;
        this.spec = spec;
        this.dir = dir;
        this.quickFailureProbe = quickFailureProbe;
        this.onGone = onGone;
    }

    // -- hooks --------------------------------------------------------------------------------

    /**
     * The host process that runs {@code request}, not started yet. {@code child} names the
     * command (x…, d…) for a provider that puts it into a group of its own.
     *
     * @throws RefusedCommand the request cannot run here (reported as {@link #REFUSED_EXIT} with the reason on stderr)
     */
    abstract ProcessBuilder command(String child, ExecRequest request) throws IOException;

    /**
     * A command's environment: the provider's own, then the sandbox's (its spec), then the
     * command's. {@code JAVA_TOOL_OPTIONS} adds up instead of replacing, since the provider's proxy
     * settings and the server's trust store settings are both needed by a JVM in the sandbox.
     */
    static void addEnvironment(Map<String, String> env, Map<String, String> more) {
        for (Map.Entry<String, String> e : more.entrySet()) {
            String before = env.get(e.getKey());
            env.put(
                    e.getKey(),
                    e.getKey().equals(JAVA_TOOL_OPTIONS) && before != null && !before.isBlank()
                            ? before + " " + e.getValue()
                            : e.getValue());
        }
    }

    private static final String JAVA_TOOL_OPTIONS = "JAVA_TOOL_OPTIONS";

    /** Kills everything a command started, but not the process object, whose pipes may still be read. */
    abstract void killStarted(String child, Process process);

    /** Kills every process of the sandbox: the commands running and the background ones. */
    void killEverything(Map<String, Process> processes) {
        processes.forEach(this::kill);
    }

    /** Starts watching a running command against the sandbox's limits; the default watches nothing. */
    LimitWatch watchLimits(String child, Process process) {
        return LimitWatch.NONE;
    }

    /** Stops every process, before the files are archived or removed; the sandbox cannot run commands afterwards. */
    void stopProcesses() {
        killAll();
    }

    /** Removes the sandbox's files from the host. */
    abstract void removeFiles();

    /** Why a sandbox that is no longer alive failed, for the log. */
    abstract String failure();

    // -- what every local provider shares ------------------------------------------------------

    @Override
    public final String id() {
        return id;
    }

    @Override
    public final String sessionId() {
        return spec.sessionId();
    }

    final SandboxSpec spec() {
        return spec;
    }

    /** Hands a pooled sandbox to a session. */
    final void assign(SandboxSpec newSpec) {
        this.spec = newSpec;
    }

    final Path hostDirectory() {
        return dir;
    }

    /** The state as set by this class (no liveness check), for {@link #alive()}. */
    final SandboxState lastState() {
        return state;
    }

    @Override
    public final SandboxState state() {
        if (state == SandboxState.READY && !alive()) {
            state = SandboxState.FAILED;
            LOG.warn("{} failed: {}", this, failure());
        }
        return state;
    }

    final void requireReady() {
        SandboxState now = state();
        if (now != SandboxState.READY) {
            throw new SandboxException("sandbox " + id + " is " + now.wire() + ", not ready");
        }
    }

    /** How many bytes a read of {@code maxBytes} at {@code offset} returns at most; refuses negative numbers. */
    static int readLimit(long offset, int maxBytes) {
        if (offset < 0 || maxBytes < 0) {
            throw new SandboxException("offset and length must not be negative");
        }
        return Math.min(maxBytes, MAX_READ_BYTES);
    }

    /** Where a write of {@code path} goes, "/workspace/…"; the workspace itself cannot be written over. */
    final String writeTarget(String path) {
        requireReady();
        String target = SandboxPaths.inWorkspace(path);
        if (target.equals(SandboxPaths.WORKSPACE)) {
            throw new SandboxException("cannot write over the workspace directory itself");
        }
        return target;
    }

    final void kill(String child, Process process) {
        killStarted(child, process);
        process.destroyForcibly();
    }

    @Override
    public final ExecResult exec(ExecRequest request, InputStream input, OutputListener listener)
            throws InterruptedException {
        requireReady();
        long started = System.nanoTime();
        String child = "x" + commandCounter.incrementAndGet();
        Process process;
        try {
            process = command(child, request).start();
        } catch (RefusedCommand e) {
            return new ExecResult(
                    REFUSED_EXIT,
                    false,
                    false,
                    Duration.ofNanos(System.nanoTime() - started),
                    "",
                    "nightshift: " + e.getMessage() + "\n",
                    0);
        } catch (IOException e) {
            throw new SandboxException("could not start a command in sandbox " + id + ": " + e.getMessage(), e);
        }
        OutputCapture out = new OutputCapture(spec.limits().maxOutputBytes() / 2);
        OutputCapture err = new OutputCapture(spec.limits().maxOutputBytes() / 2);
        running.put(child, process);
        try {
            SandboxProcesses.feed(process.getOutputStream(), input);
            Thread stdout =
                    SandboxProcesses.pump(process.getInputStream(), OutputListener.Stream.STDOUT, listener, out);
            Thread stderr =
                    SandboxProcesses.pump(process.getErrorStream(), OutputListener.Stream.STDERR, listener, err);
            LimitWatch watch = watchLimits(child, process);
            boolean finished;
            try {
                finished = process.waitFor(request.timeout().toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                watch.end();
                kill(child, process);
                stdout.join(1000);
                stderr.join(1000);
                throw e;
            }
            String limitNotes = watch.end();
            boolean cancelled = finished && !running.containsKey(child);
            // leftovers ("cmd &" without detaching) would hold the output pipes open: a command
            // ends with everything it started; servers belong in startDetached. The process object
            // is destroyed only after its output is drained: destroying it closes the pipes.
            killStarted(child, process);
            stdout.join(2000);
            stderr.join(2000);
            process.destroyForcibly();
            int exit = finished ? process.exitValue() : KILLED_EXIT;
            String errText = err.text();
            if (!finished) {
                errText +=
                        "\n[nightshift: killed after the " + request.timeout().toSeconds() + " s timeout]";
            }
            return new ExecResult(
                    exit,
                    !finished,
                    cancelled,
                    Duration.ofNanos(System.nanoTime() - started),
                    out.text(),
                    errText + limitNotes,
                    out.dropped() + err.dropped());
        } finally {
            running.remove(child);
        }
    }

    @Override
    public final DetachedProcess startDetached(ExecRequest request) throws InterruptedException {
        requireReady();
        String child = "d" + commandCounter.incrementAndGet();
        Process process;
        try {
            process = command(child, request).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new SandboxException(
                    "could not start a background process in sandbox " + id + ": " + e.getMessage(), e);
        }
        try {
            process.getOutputStream().close(); // no input: one waiting on stdin sees end-of-file, not a hang
        } catch (IOException ignored) {
            // already closed
        }
        OutputCapture output = new OutputCapture(spec.limits().maxOutputBytes());
        Thread pump = SandboxProcesses.pump(
                process.getInputStream(), OutputListener.Stream.STDOUT, OutputListener.IGNORE, output);
        Detached entry = new Detached(child, String.join(" ", request.argv()), CLOCK.instant(), process, output);
        detached.put(child, entry);
        if (process.waitFor(quickFailureProbe.toMillis(), TimeUnit.MILLISECONDS)) { // the quick-failure probe
            pump.join(1000); // so that its output says why it died
        }
        return entry.view();
    }

    /** Oldest first. */
    @Override
    public final List<DetachedProcess> detached() {
        return detached.values().stream()
                .sorted(Comparator.comparing(Detached::startedAt).thenComparing(Detached::id))
                .map(Detached::view)
                .toList();
    }

    @Override
    public final String detachedOutput(String processId, int maxBytes) {
        Detached d = detached.get(processId);
        if (d == null) {
            throw new SandboxException("no background process " + processId + " in sandbox " + id);
        }
        return d.output().newest(maxBytes);
    }

    /** The host processes that lead the sandbox's commands, running and in the background. */
    final List<ProcessHandle> leaders() {
        List<ProcessHandle> leaders = new ArrayList<>();
        running.values().forEach(p -> leaders.add(p.toHandle()));
        detached.values().forEach(d -> leaders.add(d.process().toHandle()));
        return leaders;
    }

    @Override
    public final void killAll() {
        Map<String, Process> all = new LinkedHashMap<>(running);
        running.clear(); // the commands in flight see they were cancelled
        detached.forEach((child, d) -> all.put(child, d.process()));
        killEverything(all);
    }

    @Override
    public final synchronized void hibernate(OutputStream archive) throws IOException {
        requireReady();
        state = SandboxState.HIBERNATING;
        stopProcesses();
        try {
            SnapshotArchive.write(dir, List.of("workspace", "home"), archive);
        } catch (IOException | RuntimeException e) {
            state = SandboxState.FAILED;
            throw e;
        }
        removeFiles();
        state = SandboxState.HIBERNATED;
        onGone.run();
    }

    @Override
    public final synchronized void destroy() {
        if (state == SandboxState.DESTROYED) {
            return;
        }
        stopProcesses();
        removeFiles();
        state = SandboxState.DESTROYED;
        onGone.run();
    }
}
