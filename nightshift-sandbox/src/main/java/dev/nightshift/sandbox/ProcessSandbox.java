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
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One unisolated sandbox: a directory with {@code workspace} and {@code home}, commands as plain
 * host processes of the control plane's own user. Nothing stops a command from reading or
 * changing anything that user can; what this class does keep is the contract's shape: a scrubbed
 * environment, every command killed with everything it started (its process tree and, on Linux,
 * its session), output caps, timeouts, and a file API that never follows a symbolic link out of
 * the workspace.
 */
final class ProcessSandbox implements Sandbox {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessSandbox.class);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** env(1)'s status when it cannot change to the working directory, as the bubblewrap provider reports it. */
    private static final int BAD_WORKDIR_EXIT = 125;
    private static final boolean LEAD_SESSIONS = ProcessTrees.SETSID != null;

    private final String id;
    private final SandboxSpec spec;
    private final Path dir;
    private final Path workspace;
    private final Path home;
    /** The workspace without any symbolic link in its path: what every file operation must stay under. */
    private final Path workspaceReal;
    private final Duration quickFailureProbe;
    private final Runnable onGone;
    private final AtomicInteger commandCounter = new AtomicInteger();
    private final Map<String, Detached> detached = new ConcurrentHashMap<>();
    private final Map<String, Process> running = new ConcurrentHashMap<>();
    private volatile SandboxState state = SandboxState.READY;


    /** A working directory that does not exist or leads out of the workspace. */
    private static final class WorkdirException extends IOException {
        WorkdirException(String message) {
            super(message);
        }
    }

    ProcessSandbox(String id, SandboxSpec spec, Path dir, Duration quickFailureProbe, Runnable onGone) throws IOException {
        this.id = id;
        this.spec = spec;
        this.dir = dir;
        this.workspace = dir.resolve("workspace");
        this.home = dir.resolve("home");
        this.workspaceReal = ProcessFiles.realPath(workspace);
        this.quickFailureProbe = quickFailureProbe;
        this.onGone = onGone;
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
            LOG.warn("{} failed: its workspace directory is gone", this);
        }
        return state;
    }

    private void requireReady() {
        SandboxState now = state();
        if (now != SandboxState.READY) {
            throw new SandboxException("sandbox " + id + " is " + now.wire() + ", not ready");
        }
    }

    /** The environment of every command: nothing of the host's but PATH. */
    private Map<String, String> environment(ExecRequest request) {
        Map<String, String> env = new LinkedHashMap<>();
        String path = System.getenv("PATH");
        env.put("PATH", path == null || path.isBlank() ? "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin" : path);
        env.put("HOME", home.toString());
        // macOS has no C.UTF-8 locale
        env.put("LANG", System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("mac") ? "en_US.UTF-8" : "C.UTF-8");
        env.put("TERM", "dumb");
        env.put("GIT_TERMINAL_PROMPT", "0");
        env.putAll(spec.env());
        env.putAll(request.env());
        return env;
    }

    private ProcessBuilder command(ExecRequest request) throws WorkdirException {
        Path workdir = workdir(request.workdir());
        List<String> argv = new ArrayList<>();
        if (ProcessTrees.SETSID != null) {
            argv.add(ProcessTrees.SETSID); // a session of its own: found and killed with everything it started
        }
        argv.addAll(request.argv());
        ProcessBuilder builder = new ProcessBuilder(argv).directory(workdir.toFile());
        builder.environment().clear();
        builder.environment().putAll(environment(request));
        return builder;
    }

    /** The request's working directory on the host; {@code ..} and symbolic links may not leave the workspace. */
    private Path workdir(String requested) throws WorkdirException {
        String target = SandboxPaths.inWorkspace(requested);
        Path real;
        try {
            real = inside(requested, hostPath(target));
        } catch (IOException e) {
            throw new WorkdirException("cannot run in '" + requested + "': " + e.getMessage());
        }
        if (!Files.isDirectory(real, LinkOption.NOFOLLOW_LINKS)) {
            throw new WorkdirException("cannot run in '" + requested + "': no such directory in the workspace");
        }
        return real;
    }

    @Override
    public ExecResult exec(ExecRequest request, java.io.InputStream input, OutputListener listener) throws InterruptedException {
        if (request.readOnly()) {
            throw new SandboxException("the process provider has no isolation, so it cannot give a read-only view of the "
                    + "workspace; read-only (explorer) commands need the bubblewrap provider");
        }
        requireReady();
        long started = System.nanoTime();
        ProcessBuilder builder;
        try {
            builder = command(request);
        } catch (WorkdirException e) {
            return new ExecResult(BAD_WORKDIR_EXIT, false, false, Duration.ofNanos(System.nanoTime() - started), "",
                    "nightshift: " + e.getMessage() + "\n", 0);
        }
        String child = "x" + commandCounter.incrementAndGet();
        OutputCapture out = new OutputCapture(spec.limits().maxOutputBytes() / 2);
        OutputCapture err = new OutputCapture(spec.limits().maxOutputBytes() / 2);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new SandboxException("could not start a command in sandbox " + id + ": " + e.getMessage(), e);
        }
        running.put(child, process);
        try {
            SandboxProcesses.feed(process.getOutputStream(), input);
            Thread stdout = SandboxProcesses.pump(process.getInputStream(), OutputListener.Stream.STDOUT, listener, out);
            Thread stderr = SandboxProcesses.pump(process.getErrorStream(), OutputListener.Stream.STDERR, listener, err);
            boolean finished;
            try {
                finished = process.waitFor(request.timeout().toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                kill(process);
                stdout.join(1000);
                stderr.join(1000);
                throw e;
            }
            boolean cancelled = finished && !running.containsKey(child);
            // leftovers ("cmd &" without detaching) would hold the output pipes open: a command
            // ends with everything it started; servers belong in startDetached. The process object
            // is destroyed only after its output is drained: destroying it closes the pipes.
            ProcessTrees.kill(List.of(process.toHandle()), LEAD_SESSIONS, true);
            stdout.join(2000);
            stderr.join(2000);
            process.destroyForcibly();
            int exit = finished ? process.exitValue() : 137;
            String errText = err.text();
            if (!finished) {
                errText += "\n[nightshift: killed after the " + request.timeout().toSeconds() + " s timeout]";
            }
            return new ExecResult(exit, !finished, cancelled, Duration.ofNanos(System.nanoTime() - started),
                    out.text(), errText, out.dropped() + err.dropped());
        } finally {
            running.remove(child);
        }
    }

    private static void kill(Process process) {
        ProcessTrees.kill(List.of(process.toHandle()), LEAD_SESSIONS, true);
        process.destroyForcibly();
    }

    private static void closeQuietly(OutputStream stdin) {
        try {
            stdin.close(); // commands get no input: one waiting on stdin sees end-of-file, not a hang
        } catch (IOException ignored) {
            // already closed
        }
    }


    @Override
    public DetachedProcess startDetached(ExecRequest request) throws InterruptedException {
        requireReady();
        ProcessBuilder builder;
        try {
            builder = command(request).redirectErrorStream(true);
        } catch (WorkdirException e) {
            throw new SandboxException("could not start a background process in sandbox " + id + ": " + e.getMessage(), e);
        }
        String child = "d" + commandCounter.incrementAndGet();
        OutputCapture output = new OutputCapture(spec.limits().maxOutputBytes());
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new SandboxException("could not start a background process in sandbox " + id + ": " + e.getMessage(), e);
        }
        closeQuietly(process.getOutputStream());
        Thread pump = SandboxProcesses.pump(process.getInputStream(), OutputListener.Stream.STDOUT, OutputListener.IGNORE, output);
        Detached entry = new Detached(child, String.join(" ", request.argv()), Instant.now(), process, output);
        detached.put(child, entry);
        if (process.waitFor(quickFailureProbe.toMillis(), TimeUnit.MILLISECONDS)) { // the quick-failure probe
            pump.join(1000); // so that its output says why it died
        }
        return entry.view();
    }


    @Override
    public List<DetachedProcess> detached() {
        return detached.values().stream()
                .sorted(Comparator.comparing(Detached::startedAt).thenComparing(Detached::id))
                .map(Detached::view)
                .toList();
    }

    @Override
    public String detachedOutput(String processId, int maxBytes) {
        Detached d = detached.get(processId);
        if (d == null) {
            throw new SandboxException("no background process " + processId + " in sandbox " + id);
        }
        return d.output().newest(maxBytes);
    }

    private List<ProcessHandle> leaders() {
        List<ProcessHandle> leaders = new ArrayList<>();
        running.values().forEach(p -> leaders.add(p.toHandle()));
        detached.values().forEach(d -> leaders.add(d.process().toHandle()));
        return leaders;
    }

    @Override
    public void killAll() {
        List<ProcessHandle> leaders = leaders();
        running.clear(); // the commands in flight see they were cancelled
        ProcessTrees.kill(leaders, LEAD_SESSIONS, true);
        leaders.forEach(ProcessHandle::destroyForcibly);
    }

    // -- files, host-side, never out of the workspace ----------------------------------------

    /** "/workspace/src/a" → the host path of the workspace's "src/a" (lexical: links not resolved yet). */
    private Path hostPath(String target) {
        return target.equals(SandboxPaths.WORKSPACE) ? workspace : workspace.resolve(target.substring(SandboxPaths.WORKSPACE.length() + 1));
    }

    /** Resolves every link in {@code host}; refuses a result outside the workspace. */
    private Path inside(String requested, Path host) throws IOException {
        Path real;
        try {
            real = ProcessFiles.realPath(host);
        } catch (IOException e) {
            throw new IOException("cannot resolve '" + requested + "': " + e.getMessage(), e);
        }
        if (!real.startsWith(workspaceReal)) {
            throw new IOException("'" + requested + "' leads outside the workspace (to " + real + ")");
        }
        return real;
    }

    private static String relative(String target) {
        return target.equals(SandboxPaths.WORKSPACE) ? "" : target.substring(SandboxPaths.WORKSPACE.length() + 1);
    }

    private static Optional<BasicFileAttributes> attributes(Path path) throws IOException {
        try {
            return Optional.of(Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    private static FileEntry entry(String path, BasicFileAttributes attrs) {
        FileEntry.Kind kind = attrs.isSymbolicLink() ? FileEntry.Kind.SYMLINK
                : attrs.isDirectory() ? FileEntry.Kind.DIRECTORY
                : attrs.isRegularFile() ? FileEntry.Kind.FILE
                : FileEntry.Kind.OTHER;
        return new FileEntry(path, kind, attrs.size(), attrs.lastModifiedTime().toInstant().truncatedTo(ChronoUnit.MILLIS));
    }

    @Override
    public byte[] readFile(String path, long offset, int maxBytes) throws IOException {
        if (offset < 0 || maxBytes < 0) {
            throw new SandboxException("offset and length must not be negative");
        }
        requireReady();
        Path real = inside(path, hostPath(SandboxPaths.inWorkspace(path)));
        BasicFileAttributes attrs = attributes(real).orElseThrow(() -> new IOException("'" + path + "' does not exist"));
        if (!attrs.isRegularFile()) {
            throw new IOException("'" + path + "' is not a regular file");
        }
        int limit = Math.min(maxBytes, BubblewrapSandbox.MAX_READ_BYTES);
        try (FileChannel channel = FileChannel.open(real, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            long size = channel.size();
            if (offset >= size || limit == 0) {
                return new byte[0];
            }
            ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(limit, size - offset));
            long position = offset;
            while (buffer.hasRemaining()) {
                int n = channel.read(buffer, position);
                if (n < 0) {
                    break;
                }
                position += n;
            }
            return Arrays.copyOf(buffer.array(), buffer.position());
        }
    }

    @Override
    public void writeFile(String path, byte[] content) throws IOException {
        requireReady();
        String target = SandboxPaths.inWorkspace(path);
        if (target.equals(SandboxPaths.WORKSPACE)) {
            throw new SandboxException("cannot write over the workspace directory itself");
        }
        Path real = inside(path, hostPath(target));
        if (real.equals(workspaceReal) || Files.isDirectory(real, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("'" + path + "' is a directory");
        }
        try {
            Files.createDirectories(real.getParent());
        } catch (FileAlreadyExistsException e) {
            throw new IOException("could not write '" + path + "': a parent is not a directory", e);
        }
        // real holds no link; NOFOLLOW_LINKS refuses one planted since
        Files.write(real, content, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
    }

    @Override
    public List<FileEntry> list(String directory) throws IOException {
        requireReady();
        String target = SandboxPaths.inWorkspace(directory);
        Path real = inside(directory, hostPath(target));
        BasicFileAttributes attrs = attributes(real).orElseThrow(() -> new IOException("'" + directory + "' does not exist"));
        if (!attrs.isDirectory()) {
            throw new IOException("'" + directory + "' is not a directory");
        }
        String base = target.equals(SandboxPaths.WORKSPACE) ? "" : relative(target) + "/";
        List<FileEntry> entries = new ArrayList<>();
        try (DirectoryStream<Path> children = Files.newDirectoryStream(real)) {
            for (Path child : children) {
                String name = child.getFileName().toString();
                attributes(child).ifPresent(a -> entries.add(entry(base + name, a)));
            }
        }
        entries.sort(Comparator.comparing(FileEntry::path));
        return entries;
    }

    @Override
    public Optional<FileEntry> stat(String path) throws IOException {
        requireReady();
        String target = SandboxPaths.inWorkspace(path);
        Path host = hostPath(target);
        inside(path, host); // where a link leads must be inside too, as in the bubblewrap provider
        Path entry = target.equals(SandboxPaths.WORKSPACE) ? workspaceReal
                : inside(path, host.getParent()).resolve(host.getFileName().toString());
        Optional<BasicFileAttributes> attrs = attributes(entry); // the entry itself: a link is a SYMLINK
        return attrs.map(a -> entry(relative(target), a));
    }

    // -- ports --------------------------------------------------------------------------------

    @Override
    public List<Integer> ports() {
        return ports(true);
    }

    /** @param useProc false: ask lsof even where /proc could answer (for tests of the macOS path) */
    List<Integer> ports(boolean useProc) {
        return ProcessTrees.listeningPorts(ProcessTrees.members(leaders(), LEAD_SESSIONS, true), useProc);
    }

    /**
     * A plain socket to the port on loopback. Only to a port one of this sandbox's processes
     * listens on: without a network namespace, any other port on loopback belongs to someone else
     * (the control plane itself, a database).
     */
    @Override
    public PortConnection connect(int port) throws IOException {
        requireReady();
        if (port < 1 || port > 65535) {
            throw new SandboxException("port must be between 1 and 65535, got " + port);
        }
        if (!ports().contains(port)) {
            throw new SandboxException("nothing in sandbox " + id + " listens on port " + port
                    + "; the process provider connects only to ports its own processes listen on");
        }
        Socket socket = open(port);
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream();
        OutputStream halfClosing = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                out.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void flush() throws IOException {
                out.flush();
            }

            /** End of input for the server, as with the bubblewrap provider's socat bridge; reading goes on. */
            @Override
            public void close() throws IOException {
                out.flush();
                if (!socket.isClosed() && !socket.isOutputShutdown()) {
                    socket.shutdownOutput();
                }
            }
        };
        return new PortConnection() {
            @Override
            public InputStream input() {
                return in;
            }

            @Override
            public OutputStream output() {
                return halfClosing;
            }

            @Override
            public void close() {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // closed already
                }
            }
        };
    }

    private static Socket open(int port) throws IOException {
        IOException failure = null;
        for (InetAddress address : List.of(InetAddress.getByName("127.0.0.1"), InetAddress.getByName("::1"))) {
            Socket socket = new Socket();
            try {
                socket.connect(new InetSocketAddress(address, port), (int) CONNECT_TIMEOUT.toMillis());
                return socket;
            } catch (ConnectException e) {
                socket.close();
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            } catch (IOException e) {
                socket.close();
                throw e;
            }
        }
        throw failure;
    }

    // -- life ---------------------------------------------------------------------------------

    @Override
    public boolean alive() {
        SandboxState now = state;
        return now != SandboxState.DESTROYED && now != SandboxState.HIBERNATED && now != SandboxState.FAILED
                && Files.isDirectory(workspace, LinkOption.NOFOLLOW_LINKS);
    }

    @Override
    public synchronized void hibernate(OutputStream archive) throws IOException {
        requireReady();
        state = SandboxState.HIBERNATING;
        killAll();
        try {
            SnapshotArchive.write(dir, List.of("workspace", "home"), archive);
        } catch (IOException | RuntimeException e) {
            state = SandboxState.FAILED;
            throw e;
        }
        ProcessFiles.deleteTree(dir);
        state = SandboxState.HIBERNATED;
        onGone.run();
    }

    @Override
    public synchronized void destroy() {
        if (state == SandboxState.DESTROYED) {
            return;
        }
        killAll();
        ProcessFiles.deleteTree(dir);
        state = SandboxState.DESTROYED;
        onGone.run();
    }

    @Override
    public String toString() {
        return "sandbox " + id + " (session " + spec.sessionId() + ", unisolated process provider)";
    }
}
