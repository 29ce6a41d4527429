package dev.nightshift.sandbox;

import dev.nightshift.core.sandbox.ExecRequest;
import dev.nightshift.core.sandbox.FileEntry;
import dev.nightshift.core.sandbox.PortConnection;
import dev.nightshift.core.sandbox.SandboxException;
import dev.nightshift.core.sandbox.SandboxSpec;
import dev.nightshift.core.sandbox.SandboxState;
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
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One unisolated sandbox: a directory with {@code workspace} and {@code home}, commands as plain
 * host processes of the control plane's own user. Nothing stops a command from reading or
 * changing anything that user can; what this class does keep is the contract's shape: a scrubbed
 * environment, every command killed with everything it started (its process tree and, on Linux,
 * its session), output caps, timeouts, and a file API that never follows a symbolic link out of
 * the workspace.
 */
final class ProcessSandbox extends HostProcessSandbox {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final boolean LEAD_SESSIONS = ProcessTrees.SETSID != null;

    private final Path workspace;
    private final Path home;
    /** The workspace without any symbolic link in its path: what every file operation must stay under. */
    private final Path workspaceReal;

    ProcessSandbox(String id, SandboxSpec spec, Path dir, Duration quickFailureProbe, Runnable onGone)
            throws IOException {
        super(id, spec, dir, quickFailureProbe, onGone);
        this.workspace = dir.resolve("workspace");
        this.home = dir.resolve("home");
        this.workspaceReal = ProcessFiles.realPath(workspace);
    }

    @Override
    String failure() {
        return "its workspace directory is gone";
    }

    // -- commands: plain host processes, each leading a session of its own ---------------------

    /** The environment of every command: nothing of the host's but PATH. */
    private Map<String, String> environment(ExecRequest request) {
        Map<String, String> env = new LinkedHashMap<>();
        String path = System.getenv("PATH");
        env.put("PATH", path == null || path.isBlank() ? "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin" : path);
        env.put("HOME", home.toString());
        // macOS has no C.UTF-8 locale
        env.put(
                "LANG",
                System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("mac") ? "en_US.UTF-8" : "C.UTF-8");
        env.put("TERM", "dumb");
        env.put("GIT_TERMINAL_PROMPT", "0");
        addEnvironment(env, spec().env());
        addEnvironment(env, request.env());
        return env;
    }

    @Override
    ProcessBuilder command(String child, ExecRequest request) throws RefusedCommand {
        if (request.readOnly()) {
            throw new SandboxException(
                    "the process provider has no isolation, so it cannot give a read-only view of the "
                            + "workspace; read-only (explorer) commands need the bubblewrap provider");
        }
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
    private Path workdir(String requested) throws RefusedCommand {
        String target = SandboxPaths.inWorkspace(requested);
        Path real;
        try {
            real = inside(requested, hostPath(target));
        } catch (IOException e) {
            throw new RefusedCommand("cannot run in '" + requested + "': " + e.getMessage());
        }
        if (!Files.isDirectory(real, LinkOption.NOFOLLOW_LINKS)) {
            throw new RefusedCommand("cannot run in '" + requested + "': no such directory in the workspace");
        }
        return real;
    }

    @Override
    void killStarted(String child, Process process) {
        ProcessTrees.kill(List.of(process.toHandle()), LEAD_SESSIONS, true);
    }

    /** All at once: each tree is found and awaited once, not one after the other. */
    @Override
    void killEverything(Map<String, Process> processes) {
        List<ProcessHandle> leaders =
                processes.values().stream().map(Process::toHandle).toList();
        ProcessTrees.kill(leaders, LEAD_SESSIONS, true);
        leaders.forEach(ProcessHandle::destroyForcibly);
    }

    // -- files, host-side, never out of the workspace ----------------------------------------

    /** "/workspace/src/a" → the host path of the workspace's "src/a" (lexical: links not resolved yet). */
    private Path hostPath(String target) {
        return target.equals(SandboxPaths.WORKSPACE)
                ? workspace
                : workspace.resolve(target.substring(SandboxPaths.WORKSPACE.length() + 1));
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
        FileEntry.Kind kind = attrs.isSymbolicLink()
                ? FileEntry.Kind.SYMLINK
                : attrs.isDirectory()
                        ? FileEntry.Kind.DIRECTORY
                        : attrs.isRegularFile() ? FileEntry.Kind.FILE : FileEntry.Kind.OTHER;
        return new FileEntry(
                path, kind, attrs.size(), attrs.lastModifiedTime().toInstant().truncatedTo(ChronoUnit.MILLIS));
    }

    @Override
    public byte[] readFile(String path, long offset, int maxBytes) throws IOException {
        int limit = readLimit(offset, maxBytes);
        requireReady();
        Path real = inside(path, hostPath(SandboxPaths.inWorkspace(path)));
        BasicFileAttributes attrs =
                attributes(real).orElseThrow(() -> new IOException("'" + path + "' does not exist"));
        if (!attrs.isRegularFile()) {
            throw new IOException("'" + path + "' is not a regular file");
        }
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
        String target = writeTarget(path);
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
        Files.write(
                real,
                content,
                StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS);
    }

    @Override
    public List<FileEntry> list(String directory) throws IOException {
        requireReady();
        String target = SandboxPaths.inWorkspace(directory);
        Path real = inside(directory, hostPath(target));
        BasicFileAttributes attrs =
                attributes(real).orElseThrow(() -> new IOException("'" + directory + "' does not exist"));
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
        Path entry = target.equals(SandboxPaths.WORKSPACE)
                ? workspaceReal
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
            throw new SandboxException("nothing in sandbox " + id() + " listens on port " + port
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
        SandboxState now = lastState();
        return now != SandboxState.DESTROYED
                && now != SandboxState.HIBERNATED
                && now != SandboxState.FAILED
                && Files.isDirectory(workspace, LinkOption.NOFOLLOW_LINKS);
    }

    @Override
    void removeFiles() {
        ProcessFiles.deleteTree(hostDirectory());
    }

    @Override
    public String toString() {
        return "sandbox " + id() + " (session " + sessionId() + ", unisolated process provider)";
    }
}
