package dev.nightshift.sandbox;

import dev.nightshift.core.sandbox.ExecRequest;
import dev.nightshift.core.sandbox.ExecResult;
import dev.nightshift.core.sandbox.FileEntry;
import dev.nightshift.core.sandbox.OutputListener;
import dev.nightshift.core.sandbox.PortConnection;
import dev.nightshift.core.sandbox.SandboxException;
import dev.nightshift.core.sandbox.SandboxSpec;
import java.io.ByteArrayInputStream;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One persistent bubblewrap sandbox. A holder process keeps its namespaces alive; every command
 * enters them with {@code nsenter}, drops to the sandbox's own unprivileged uid and joins a cgroup
 * of its own, so it can be killed with everything it started. File operations also run inside, as
 * the sandbox user, so a symbolic link planted in the workspace can only ever point into the
 * sandbox's own view of the world (where host secrets do not exist), never at the host's files.
 */
final class BubblewrapSandbox extends HostProcessSandbox {
    private static final Logger LOG = LoggerFactory.getLogger(BubblewrapSandbox.class);
    private static final Duration FILE_OP_TIMEOUT = Duration.ofSeconds(30);
    /** How often a running command's sandbox is checked against its disk limit. */
    static final Duration DISK_CHECK_INTERVAL = Duration.ofSeconds(2);

    private final int uid;
    private final Process holder;
    private final long pid;
    private final Cgroups.Group cgroup;
    private final Map<String, String> baseEnv;
    /** Started by a non-root control plane: commands enter through the sandbox's own user namespace. */
    private final boolean rootless;

    BubblewrapSandbox(
            String id,
            SandboxSpec spec,
            Path dir,
            int uid,
            Process holder,
            long pid,
            Cgroups.Group cgroup,
            Map<String, String> baseEnv,
            Duration quickFailureProbe,
            boolean rootless,
            Runnable onDestroyed) {
        super(id, spec, dir, quickFailureProbe, onDestroyed);
        this.rootless = rootless;
        this.uid = uid;
        this.holder = holder;
        this.pid = pid;
        this.cgroup = cgroup;
        this.baseEnv = baseEnv;
    }

    @Override
    String failure() {
        try {
            String err = new String(holder.getErrorStream().readNBytes(4096), StandardCharsets.UTF_8).strip();
            return "its holder process died, exit " + (holder.isAlive() ? "?" : holder.exitValue())
                    + (err.isEmpty() ? "" : ": " + err);
        } catch (IOException e) {
            return e.toString();
        }
    }

    long hostPid() {
        return pid;
    }

    // -- commands: nsenter + prlimit + setpriv, each in a cgroup of its own ---------------------

    @Override
    ProcessBuilder command(String child, ExecRequest request) throws IOException {
        Map<String, String> env = new LinkedHashMap<>(baseEnv);
        addEnvironment(env, spec().env());
        addEnvironment(env, request.env());
        List<String> argv = new ArrayList<>();
        argv.addAll(rootless ? CommandLine.enterRootless(pid) : CommandLine.enter(pid));
        if (request.readOnly()) {
            argv.addAll(CommandLine.readOnlyWorkspace(SandboxPaths.WORKSPACE, SandboxPaths.HOME));
        }
        if (rootless) {
            List<String> inner = new ArrayList<>(CommandLine.rootlessRlimits(
                    spec().limits().diskBytes(),
                    spec().limits().memoryBytes(),
                    spec().limits().maxProcesses()));
            inner.addAll(CommandLine.asRootlessSandboxUser(uid));
            inner.addAll(CommandLine.cleanEnv(SandboxPaths.inWorkspace(request.workdir()), env, request.argv()));
            argv.addAll(CommandLine.commandPidNamespace());
            ProcessBuilder builder = new ProcessBuilder(argv);
            builder.environment().clear();
            builder.environment().put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
            builder.environment().put(CommandLine.COMMAND_VARIABLE, CommandLine.shellQuoted(inner));
            return builder;
        }
        argv.addAll(CommandLine.rlimits(spec().limits().diskBytes())); // while still root: it may raise limits
        argv.addAll(CommandLine.asSandboxUser(uid));
        argv.addAll(CommandLine.cleanEnv(SandboxPaths.inWorkspace(request.workdir()), env, request.argv()));
        ProcessBuilder builder = new ProcessBuilder(CommandLine.joiningCgroups(cgroup.joinFiles(child), argv));
        builder.environment().clear();
        builder.environment().put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        return builder;
    }

    @Override
    void killStarted(String child, Process process) {
        cgroup.kill(child);
        process.descendants().forEach(ProcessHandle::destroyForcibly); // where no cgroup is writable
    }

    @Override
    void killEverything(Map<String, Process> processes) {
        cgroup.killAllChildren();
        super.killEverything(processes);
    }

    /**
     * Kills a command whose sandbox grows past its disk limit (many files, each under the
     * per-file limit), checking on a virtual thread; at the end, says whether memory or disk ran out.
     */
    @Override
    LimitWatch watchLimits(String child, Process process) {
        AtomicLong overDisk = new AtomicLong(-1);
        Thread diskWatch = Thread.ofVirtual().start(() -> {
            try {
                while (process.isAlive()) {
                    Thread.sleep(DISK_CHECK_INTERVAL.toMillis());
                    long used = diskUsed();
                    if (used > spec().limits().diskBytes()) {
                        overDisk.set(used);
                        kill(child, process);
                        return;
                    }
                }
            } catch (InterruptedException e) {
                // the command ended
            }
        });
        return () -> {
            diskWatch.interrupt();
            long usedAtEnd = overDisk.get() >= 0 ? overDisk.get() : diskUsed();
            String notes = "";
            if (cgroup.oomKilledSinceLastCheck()) {
                notes += "\n[nightshift: a process was killed because the sandbox ran out of memory (limit "
                        + (spec().limits().memoryBytes() >> 20) + " MiB)]";
            }
            if (usedAtEnd > spec().limits().diskBytes()) {
                notes += "\n[nightshift: the sandbox's files take " + (usedAtEnd >> 20) + " MiB, over its "
                        + (spec().limits().diskBytes() >> 20) + " MiB disk limit"
                        + (overDisk.get() >= 0 ? "; the command was killed" : "")
                        + ". Delete files to go on.]";
            }
            return notes;
        };
    }

    private long diskUsed() {
        return DiskUsage.of(
                List.of(hostDirectory().resolve("workspace"), hostDirectory().resolve("home")));
    }

    // -- files, through the sandbox as its own user ------------------------------------------

    /** Resolves links inside the sandbox and refuses anything that ends up outside the workspace. */
    private static final String RESOLVE = """
            r=$(realpath -m -- "$P") || exit 3
            case "$r" in /workspace|/workspace/*) ;; *) echo "'$P' leads outside the workspace (to $r)" >&2; exit 3 ;; esac
            """;

    @Override
    public byte[] readFile(String path, long offset, int maxBytes) throws IOException {
        int limit = readLimit(offset, maxBytes);
        String target = SandboxPaths.inWorkspace(path);
        String script = RESOLVE + """
                [ -f "$r" ] || { if [ -e "$r" ]; then echo "'$P' is not a regular file" >&2; else echo "'$P' does not exist" >&2; fi; exit 4; }
                tail -c +$((OFFSET + 1)) -- "$r" | head -c "$LIMIT"
                """;
        Captured read = execCapture(
                script,
                Map.of("P", target, "OFFSET", Long.toString(offset), "LIMIT", Integer.toString(limit)),
                InputStream.nullInputStream(),
                limit);
        if (read.result().exitCode() != 0) {
            throw new IOException(read.result().stderr().strip());
        }
        return read.stdout();
    }

    private record Captured(ExecResult result, byte[] stdout) {}

    /** Runs a file operation's script as the sandbox user, keeping at most {@code limit} bytes of its stdout. */
    private Captured execCapture(String script, Map<String, String> env, InputStream input, int limit)
            throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try {
            ExecResult result = exec(
                    new ExecRequest(List.of("/bin/sh", "-c", script), "", env, FILE_OP_TIMEOUT),
                    input,
                    (stream, chunk) -> {
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
        String target = writeTarget(path);
        String script = RESOLVE + """
                [ -d "$r" ] && { echo "'$P' is a directory" >&2; exit 4; }
                mkdir -p -- "$(dirname -- "$r")" && cat > "$r"
                """;
        ExecResult result = execCapture(script, Map.of("P", target), new ByteArrayInputStream(content), 0)
                .result();
        if (result.exitCode() != 0) {
            throw new IOException(
                    result.stderr().strip().isEmpty()
                            ? "could not write '" + path + "'"
                            : result.stderr().strip());
        }
    }

    @Override
    public List<FileEntry> list(String directory) throws IOException {
        String target = SandboxPaths.inWorkspace(directory);
        String script = RESOLVE + """
                [ -d "$r" ] || { echo "'$P' is not a directory" >&2; exit 4; }
                find "$r" -mindepth 1 -maxdepth 1 -printf '%y\\t%s\\t%T@\\t%P\\0'
                """;
        Captured listing = execCapture(script, Map.of("P", target), InputStream.nullInputStream(), MAX_READ_BYTES);
        if (listing.result().exitCode() != 0) {
            throw new IOException(listing.result().stderr().strip());
        }
        String base = target.equals(SandboxPaths.WORKSPACE)
                ? ""
                : target.substring(SandboxPaths.WORKSPACE.length() + 1) + "/";
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
        Captured found = execCapture(script, Map.of("P", target), InputStream.nullInputStream(), 64 * 1024);
        if (found.result().exitCode() == 5) {
            return Optional.empty();
        }
        if (found.result().exitCode() != 0) {
            throw new IOException(found.result().stderr().strip());
        }
        String record = new String(found.stdout(), StandardCharsets.UTF_8).split("\0")[0];
        String relative =
                target.equals(SandboxPaths.WORKSPACE) ? "" : target.substring(SandboxPaths.WORKSPACE.length() + 1);
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
        return Optional.of(new FileEntry(base + parts[3], kind, size, Instant.ofEpochMilli((long) (seconds * 1000))));
    }

    // -- ports --------------------------------------------------------------------------------

    @Override
    public List<Integer> ports() {
        List<Integer> ports = new ArrayList<>();
        for (String table : List.of("tcp", "tcp6")) {
            Path file = Path.of("/proc", Long.toString(pid), "net", table);
            try {
                for (String line : Files.readAllLines(file)
                        .subList(1, Files.readAllLines(file).size())) {
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
        List<String> argv =
                new ArrayList<>(rootless ? CommandLine.enterNetworkRootless(pid) : CommandLine.enterNetwork(pid));
        argv.addAll(rootless ? CommandLine.asRootlessSandboxUser(uid) : CommandLine.asSandboxUser(uid));
        argv.addAll(List.of("/usr/bin/socat", "STDIO", "TCP:127.0.0.1:" + port));
        Process bridge = new ProcessBuilder(argv)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
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
    void stopProcesses() {
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

    @Override
    void removeFiles() {
        BubblewrapProvider.deleteTree(hostDirectory());
    }

    @Override
    public String toString() {
        return "sandbox " + id() + " (session " + sessionId() + ", uid " + uid + (rootless ? " (rootless)" : "")
                + ", pid " + pid + ")";
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
        env.put(
                "JAVA_TOOL_OPTIONS",
                "-Dhttp.proxyHost=127.0.0.1 -Dhttp.proxyPort=" + egressPort
                        + " -Dhttps.proxyHost=127.0.0.1 -Dhttps.proxyPort=" + egressPort
                        + " -Dhttp.nonProxyHosts=localhost|127.0.0.1");
        env.putAll(extra);
        return Map.copyOf(env);
    }
}
