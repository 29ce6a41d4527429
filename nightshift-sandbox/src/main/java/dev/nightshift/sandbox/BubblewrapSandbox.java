package dev.nightshift.sandbox;

import dev.nightshift.sandbox.SandboxProcesses.Detached;
import dev.nightshift.core.sandbox.DetachedProcess;
import dev.nightshift.core.sandbox.ExecRequest;
import dev.nightshift.core.sandbox.ExecResult;
import dev.nightshift.core.sandbox.FileEntry;
import dev.nightshift.core.sandbox.OutputListener;
import dev.nightshift.core.sandbox.PortConnection;
import dev.nightshift.core.sandbox.Sandbox;
import dev.nightshift.core.sandbox.SandboxException;
import dev.nightshift.core.sandbox.SandboxSpec;
import dev.nightshift.core.sandbox.SandboxState;
import dev.nightshift.sandbox.archive.SnapshotArchive;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One persistent bubblewrap sandbox. A holder process keeps its namespaces alive; every command
 * enters them with {@code nsenter}, drops to the sandbox's own unprivileged uid and joins a cgroup
 * of its own, so it can be killed with everything it started. File operations also run inside, as
 * the sandbox user, so a symbolic link planted in the workspace can only ever point into the
 * sandbox's own view of the world (where host secrets do not exist), never at the host's files.
 */
final class BubblewrapSandbox implements Sandbox {
    private static final Logger LOG = LoggerFactory.getLogger(BubblewrapSandbox.class);
    private static final Duration FILE_OP_TIMEOUT = Duration.ofSeconds(30);
    /** How often a running command's sandbox is checked against its disk limit. */
    static final Duration DISK_CHECK_INTERVAL = Duration.ofSeconds(2);
    static final int MAX_READ_BYTES = 16 << 20;

    private final String id;
    private volatile SandboxSpec spec;
    private final Path dir;
    private final int uid;
    private final Process holder;
    private final long pid;
    private final Cgroups.Group cgroup;
    private final Map<String, String> baseEnv;
    private final Duration quickFailureProbe;
    private final Runnable onDestroyed;
    private final AtomicInteger commandCounter = new AtomicInteger();
    private final Map<String, Detached> detached = new ConcurrentHashMap<>();
    private final Map<String, Process> running = new ConcurrentHashMap<>();
    private volatile SandboxState state = SandboxState.READY;


    BubblewrapSandbox(String id, SandboxSpec spec, Path dir, int uid, Process holder, long pid, Cgroups.Group cgroup,
            Map<String, String> baseEnv, Duration quickFailureProbe, Runnable onDestroyed) {
        this.id = id;
        this.spec = spec;
        this.dir = dir;
        this.uid = uid;
        this.holder = holder;
        this.pid = pid;
        this.cgroup = cgroup;
        this.baseEnv = baseEnv;
        this.quickFailureProbe = quickFailureProbe;
        this.onDestroyed = onDestroyed;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String sessionId() {
        return spec.sessionId();
    }

    @Override
    public SandboxState state() {
        if (state == SandboxState.READY && !alive()) {
            state = SandboxState.FAILED;
            LOG.warn("{} died: {}", this, holderError());
        }
        return state;
    }

    private String holderError() {
        try {
            String err = new String(holder.getErrorStream().readNBytes(4096), StandardCharsets.UTF_8).strip();
            return "exit " + (holder.isAlive() ? "?" : holder.exitValue()) + (err.isEmpty() ? "" : ": " + err);
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** Hands a pooled sandbox to a session. */
    void assign(SandboxSpec newSpec) {
        this.spec = newSpec;
    }

    long hostPid() {
        return pid;
    }

    Path hostDirectory() {
        return dir;
    }

    private void requireReady() {
        SandboxState now = state();
        if (now != SandboxState.READY) {
            throw new SandboxException("sandbox " + id + " is " + now.wire() + ", not ready");
        }
    }

    private ProcessBuilder command(String child, ExecRequest request) throws IOException {
        Map<String, String> env = new LinkedHashMap<>(baseEnv);
        env.putAll(spec.env());
        env.putAll(request.env());
        List<String> argv = new ArrayList<>();
        argv.addAll(CommandLine.enter(pid));
        if (request.readOnly()) {
            argv.addAll(CommandLine.readOnlyWorkspace(SandboxPaths.WORKSPACE, SandboxPaths.HOME));
        }
        argv.addAll(CommandLine.rlimits(spec.limits().diskBytes())); // while still root: it may raise limits
        argv.addAll(CommandLine.asSandboxUser(uid));
        argv.addAll(CommandLine.cleanEnv(SandboxPaths.inWorkspace(request.workdir()), env, request.argv()));
        ProcessBuilder builder = new ProcessBuilder(CommandLine.joiningCgroups(cgroup.joinFiles(child), argv));
        builder.environment().clear();
        builder.environment().put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        return builder;
    }

    @Override
    public ExecResult exec(ExecRequest request, java.io.InputStream input, OutputListener listener) throws InterruptedException {
        requireReady();
        String child = "x" + commandCounter.incrementAndGet();
        long started = System.nanoTime();
        OutputCapture out = new OutputCapture(spec.limits().maxOutputBytes() / 2);
        OutputCapture err = new OutputCapture(spec.limits().maxOutputBytes() / 2);
        Process process;
        try {
            process = command(child, request).start();
        } catch (IOException e) {
            throw new SandboxException("could not start a command in sandbox " + id + ": " + e.getMessage(), e);
        }
        running.put(child, process);
        try {
            SandboxProcesses.feed(process.getOutputStream(), input);
            Thread stdout = SandboxProcesses.pump(process.getInputStream(), OutputListener.Stream.STDOUT, listener, out);
            Thread stderr = SandboxProcesses.pump(process.getErrorStream(), OutputListener.Stream.STDERR, listener, err);
            boolean finished;
            java.util.concurrent.atomic.AtomicLong overDisk = new java.util.concurrent.atomic.AtomicLong(-1);
            Thread diskWatch = Thread.ofVirtual().start(() -> watchDisk(child, process, overDisk));
            try {
                finished = process.waitFor(request.timeout().toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                kill(child, process);
                stdout.join(1000);
                stderr.join(1000);
                throw e;
            } finally {
                diskWatch.interrupt();
            }
            long usedAtEnd = overDisk.get() >= 0 ? overDisk.get() : diskUsed();
            boolean diskExceeded = usedAtEnd > spec.limits().diskBytes();
            boolean cancelled = !finished ? false : !running.containsKey(child);
            // leftovers (a "cmd &" without detaching) would hold the output pipes open: a command
            // ends with everything it started; servers belong in startDetached. The process object
            // itself is left alone until its output is drained: destroying it closes the pipes.
            killLeftovers(child, process);
            stdout.join(2000);
            stderr.join(2000);
            process.destroyForcibly();
            int exit = finished ? process.exitValue() : 137;
            String errText = err.text();
            if (cgroup.oomKilledSinceLastCheck()) {
                errText += "\n[nightshift: a process was killed because the sandbox ran out of memory (limit "
                        + (spec.limits().memoryBytes() >> 20) + " MiB)]";
            }
            if (!finished) {
                errText += "\n[nightshift: killed after the " + request.timeout().toSeconds() + " s timeout]";
            }
            if (diskExceeded) {
                errText += "\n[nightshift: the sandbox's files take " + (usedAtEnd >> 20) + " MiB, over its "
                        + (spec.limits().diskBytes() >> 20) + " MiB disk limit" + (overDisk.get() >= 0 ? "; the command was killed" : "")
                        + ". Delete files to go on.]";
            }
            return new ExecResult(exit, !finished, cancelled, Duration.ofNanos(System.nanoTime() - started),
                    out.text(), errText, out.dropped() + err.dropped());
        } finally {
            running.remove(child);
        }
    }

    private long diskUsed() {
        return DiskUsage.of(List.of(dir.resolve("workspace"), dir.resolve("home")));
    }

    /** Kills a command whose sandbox grows past its disk limit (many files, each under the per-file limit). */
    private void watchDisk(String child, Process process, java.util.concurrent.atomic.AtomicLong overDisk) {
        try {
            while (process.isAlive()) {
                Thread.sleep(DISK_CHECK_INTERVAL.toMillis());
                long used = diskUsed();
                if (used > spec.limits().diskBytes()) {
                    overDisk.set(used);
                    kill(child, process);
                    return;
                }
            }
        } catch (InterruptedException e) {
            // the command ended
        }
    }

    private static void closeQuietly(OutputStream stdin) {
        try {
            stdin.close(); // commands get no input: one waiting on stdin sees end-of-file, not a hang
        } catch (IOException ignored) {
            // already closed
        }
    }

    /** Kills what a command left behind, but not the (finished) process object whose pipes we still read. */
    private void killLeftovers(String child, Process process) {
        cgroup.kill(child);
        process.descendants().forEach(ProcessHandle::destroyForcibly); // where no cgroup is writable
    }

    private void kill(String child, Process process) {
        cgroup.kill(child);
        process.descendants().forEach(ProcessHandle::destroyForcibly); // where no cgroup is writable
        process.destroyForcibly();
    }


    @Override
    public DetachedProcess startDetached(ExecRequest request) throws InterruptedException {
        requireReady();
        String child = "d" + commandCounter.incrementAndGet();
        OutputCapture output = new OutputCapture(spec.limits().maxOutputBytes());
        Process process;
        try {
            process = command(child, request).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new SandboxException("could not start a background process in sandbox " + id + ": " + e.getMessage(), e);
        }
        closeQuietly(process.getOutputStream());
        SandboxProcesses.pump(process.getInputStream(), OutputListener.Stream.STDOUT, OutputListener.IGNORE, output);
        Detached entry = new Detached(child, String.join(" ", request.argv()), Instant.now(), process, output);
        detached.put(child, entry);
        process.waitFor(quickFailureProbe.toMillis(), TimeUnit.MILLISECONDS); // the quick-failure probe
        return entry.view();
    }


    @Override
    public List<DetachedProcess> detached() {
        return detached.values().stream().map(Detached::view).toList();
    }

    @Override
    public String detachedOutput(String processId, int maxBytes) {
        Detached d = detached.get(processId);
        if (d == null) {
            throw new SandboxException("no background process " + processId + " in sandbox " + id);
        }
        return d.output().newest(maxBytes);
    }

    @Override
    public void killAll() {
        cgroup.killAllChildren();
        running.forEach((child, process) -> kill(child, process));
        running.clear();
        detached.forEach((child, d) -> kill(child, d.process()));
    }

    // -- files, through the sandbox as its own user ------------------------------------------

    private ExecResult execWithInput(ExecRequest request, byte[] stdin) throws IOException {
        String child = "f" + commandCounter.incrementAndGet();
        try {
            Process process = command(child, request).start();
            running.put(child, process);
            try {
                Thread writer = Thread.ofVirtual().start(() -> {
                    try (OutputStream in = process.getOutputStream()) {
                        in.write(stdin);
                    } catch (IOException ignored) {
                        // the command ended early; its exit status says why
                    }
                });
                OutputCapture err = new OutputCapture(64 * 1024);
                Thread stderr = SandboxProcesses.pump(process.getErrorStream(), OutputListener.Stream.STDERR, OutputListener.IGNORE, err);
                process.getInputStream().transferTo(OutputStream.nullOutputStream());
                boolean finished = process.waitFor(request.timeout().toMillis(), TimeUnit.MILLISECONDS);
                if (finished) {
                    killLeftovers(child, process);
                } else {
                    kill(child, process);
                }
                writer.join(1000);
                stderr.join(1000);
                return new ExecResult(finished ? process.exitValue() : 137, !finished, false, Duration.ZERO, "", err.text(), 0);
            } finally {
                running.remove(child);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** Resolves links inside the sandbox and refuses anything that ends up outside the workspace. */
    private static final String RESOLVE = """
            r=$(realpath -m -- "$P") || exit 3
            case "$r" in /workspace|/workspace/*) ;; *) echo "'$P' leads outside the workspace (to $r)" >&2; exit 3 ;; esac
            """;

    @Override
    public byte[] readFile(String path, long offset, int maxBytes) throws IOException {
        if (offset < 0 || maxBytes < 0) {
            throw new SandboxException("offset and length must not be negative");
        }
        String target = SandboxPaths.inWorkspace(path);
        int limit = Math.min(maxBytes, MAX_READ_BYTES);
        String script = RESOLVE + """
                [ -f "$r" ] || { if [ -e "$r" ]; then echo "'$P' is not a regular file" >&2; else echo "'$P' does not exist" >&2; fi; exit 4; }
                tail -c +$((OFFSET + 1)) -- "$r" | head -c "$LIMIT"
                """;
        Captured read = execCapture(script, Map.of("P", target, "OFFSET", Long.toString(offset), "LIMIT", Integer.toString(limit)), limit);
        if (read.result().exitCode() != 0) {
            throw new IOException(read.result().stderr().strip());
        }
        return read.stdout();
    }

    private record Captured(ExecResult result, byte[] stdout) {}

    private Captured execCapture(String script, Map<String, String> env, int limit) throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try {
            ExecResult result = exec(new ExecRequest(List.of("/bin/sh", "-c", script), "", env, FILE_OP_TIMEOUT), (stream, chunk) -> {
                synchronized (bytes) {
                    if (stream == OutputListener.Stream.STDOUT && bytes.size() < limit) {
                        bytes.write(chunk, 0, Math.min(chunk.length, limit - bytes.size()));
                    }
                }
            });
            synchronized (bytes) {
                return new Captured(result, bytes.toByteArray());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    @Override
    public void writeFile(String path, byte[] content) throws IOException {
        requireReady();
        String target = SandboxPaths.inWorkspace(path);
        if (target.equals(SandboxPaths.WORKSPACE)) {
            throw new SandboxException("cannot write over the workspace directory itself");
        }
        String script = RESOLVE + """
                [ -d "$r" ] && { echo "'$P' is a directory" >&2; exit 4; }
                mkdir -p -- "$(dirname -- "$r")" && cat > "$r"
                """;
        ExecResult result = execWithInput(new ExecRequest(List.of("/bin/sh", "-c", script), "", Map.of("P", target), FILE_OP_TIMEOUT), content);
        if (result.exitCode() != 0) {
            throw new IOException(result.stderr().strip().isEmpty() ? "could not write '" + path + "'" : result.stderr().strip());
        }
    }

    @Override
    public List<FileEntry> list(String directory) throws IOException {
        String target = SandboxPaths.inWorkspace(directory);
        String script = RESOLVE + """
                [ -d "$r" ] || { echo "'$P' is not a directory" >&2; exit 4; }
                find "$r" -mindepth 1 -maxdepth 1 -printf '%y\\t%s\\t%T@\\t%P\\0'
                """;
        Captured listing = execCapture(script, Map.of("P", target), MAX_READ_BYTES);
        if (listing.result().exitCode() != 0) {
            throw new IOException(listing.result().stderr().strip());
        }
        String base = target.equals(SandboxPaths.WORKSPACE) ? "" : target.substring(SandboxPaths.WORKSPACE.length() + 1) + "/";
        List<FileEntry> entries = new ArrayList<>();
        for (String record : new String(listing.stdout(), StandardCharsets.UTF_8).split("\0")) {
            parseEntry(record, base).ifPresent(entries::add);
        }
        entries.sort(java.util.Comparator.comparing(FileEntry::path));
        return entries;
    }

    @Override
    public Optional<FileEntry> stat(String path) throws IOException {
        String target = SandboxPaths.inWorkspace(path);
        String script = RESOLVE + """
                [ -e "$P" ] || [ -L "$P" ] || exit 5
                find "$P" -maxdepth 0 -printf '%y\\t%s\\t%T@\\t%p\\0'
                """;
        Captured found = execCapture(script, Map.of("P", target), 64 * 1024);
        if (found.result().exitCode() == 5) {
            return Optional.empty();
        }
        if (found.result().exitCode() != 0) {
            throw new IOException(found.result().stderr().strip());
        }
        String record = new String(found.stdout(), StandardCharsets.UTF_8).split("\0")[0];
        String relative = target.equals(SandboxPaths.WORKSPACE) ? "" : target.substring(SandboxPaths.WORKSPACE.length() + 1);
        return parseEntry(record.substring(0, record.lastIndexOf('\t') + 1) + relative, "");
    }

    private static Optional<FileEntry> parseEntry(String record, String base) {
        String[] parts = record.split("\t", 4);
        if (parts.length < 4) {
            return Optional.empty();
        }
        FileEntry.Kind kind = switch (parts[0]) {
            case "f" -> FileEntry.Kind.FILE;
            case "d" -> FileEntry.Kind.DIRECTORY;
            case "l" -> FileEntry.Kind.SYMLINK;
            default -> FileEntry.Kind.OTHER;
        };
        long size = Long.parseLong(parts[1]);
        double seconds = Double.parseDouble(parts[2]);
        return Optional.of(new FileEntry(base + parts[3], kind, size,
                Instant.ofEpochMilli((long) (seconds * 1000))));
    }

    // -- ports --------------------------------------------------------------------------------

    @Override
    public List<Integer> ports() {
        List<Integer> ports = new ArrayList<>();
        for (String table : List.of("tcp", "tcp6")) {
            Path file = Path.of("/proc", Long.toString(pid), "net", table);
            try {
                for (String line : Files.readAllLines(file).subList(1, Files.readAllLines(file).size())) {
                    String[] cols = line.trim().split("\\s+");
                    if (cols.length > 3 && cols[3].equals("0A")) { // LISTEN
                        int port = Integer.parseInt(cols[1].substring(cols[1].indexOf(':') + 1), 16);
                        if (!ports.contains(port)) {
                            ports.add(port);
                        }
                    }
                }
            } catch (IOException | RuntimeException e) {
                LOG.debug("reading {} failed", file, e);
            }
        }
        ports.sort(Integer::compare);
        return ports;
    }

    @Override
    public PortConnection connect(int port) throws IOException {
        requireReady();
        if (port < 1 || port > 65535) {
            throw new SandboxException("port must be between 1 and 65535, got " + port);
        }
        List<String> argv = new ArrayList<>(CommandLine.enterNetwork(pid));
        argv.addAll(CommandLine.asSandboxUser(uid));
        argv.addAll(List.of("/usr/bin/socat", "STDIO", "TCP:127.0.0.1:" + port));
        Process bridge = new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        return new PortConnection() {
            @Override
            public InputStream input() {
                return bridge.getInputStream();
            }

            @Override
            public OutputStream output() {
                return bridge.getOutputStream();
            }

            @Override
            public void close() {
                bridge.destroyForcibly();
            }
        };
    }

    // -- life ---------------------------------------------------------------------------------

    @Override
    public boolean alive() {
        return holder.isAlive() && Files.exists(Path.of("/proc", Long.toString(pid)));
    }

    @Override
    public synchronized void hibernate(OutputStream archive) throws IOException {
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
        onDestroyed.run();
    }

    private void stopProcesses() {
        killAll();
        holder.descendants().forEach(ProcessHandle::destroyForcibly);
        holder.destroyForcibly();
        try {
            holder.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        cgroup.remove();
    }

    private void removeFiles() {
        BubblewrapProvider.deleteTree(dir);
    }

    @Override
    public synchronized void destroy() {
        if (state == SandboxState.DESTROYED) {
            return;
        }
        stopProcesses();
        removeFiles();
        state = SandboxState.DESTROYED;
        onDestroyed.run();
    }

    @Override
    public String toString() {
        return "sandbox " + id + " (session " + spec.sessionId() + ", uid " + uid + ", pid " + pid + ")";
    }

    static Map<String, String> baseEnvironment(int egressPort, Map<String, String> extra) {
        String proxy = "http://127.0.0.1:" + egressPort;
        Map<String, String> env = new HashMap<>();
        env.put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        env.put("HOME", SandboxPaths.HOME);
        env.put("USER", SandboxPaths.USER);
        env.put("LOGNAME", SandboxPaths.USER);
        env.put("SHELL", "/bin/bash");
        env.put("LANG", "C.UTF-8");
        env.put("TERM", "dumb");
        env.put("TMPDIR", "/tmp");
        env.put("GIT_TERMINAL_PROMPT", "0");
        for (String name : List.of("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy")) {
            env.put(name, proxy);
        }
        env.put("NO_PROXY", "localhost,127.0.0.1,::1");
        env.put("no_proxy", "localhost,127.0.0.1,::1");
        // JVMs ignore HTTP_PROXY
        env.put("JAVA_TOOL_OPTIONS", "-Dhttp.proxyHost=127.0.0.1 -Dhttp.proxyPort=" + egressPort
                + " -Dhttps.proxyHost=127.0.0.1 -Dhttps.proxyPort=" + egressPort
                + " -Dhttp.nonProxyHosts=localhost|127.0.0.1");
        env.putAll(extra);
        return Map.copyOf(env);
    }
}
