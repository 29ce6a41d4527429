package dev.nightshift.sandbox;

import dev.nightshift.core.Ids;
import dev.nightshift.core.sandbox.Sandbox;
import dev.nightshift.core.sandbox.SandboxException;
import dev.nightshift.core.sandbox.SandboxProvider;
import dev.nightshift.core.sandbox.SandboxSpec;
import dev.nightshift.sandbox.archive.SnapshotArchive;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sandboxes with NO isolation, for machines without bubblewrap (macOS development), and only when
 * an operator chooses it explicitly: each sandbox is a plain directory ({@code <root>/<id>/workspace}
 * and {@code home}) and its commands run as host processes of the control plane's own user, with
 * that user's permissions on everything: other sessions' workspaces, the control plane's data, the
 * network. What it keeps of the contract: a scrubbed environment, commands killed with everything
 * they started, output caps and timeouts, a file API that stays in the workspace, snapshots.
 */
public final class ProcessProvider implements SandboxProvider {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessProvider.class);
    static final String NO_ISOLATION = "NO ISOLATION: sandboxes are plain directories and commands run as the control"
            + " plane's own user with its permissions; use only on a trusted single-user machine";
    private static final int MAX_ARCHIVE_ENTRIES = 2_000_000;

    private final Path root;
    private final Duration quickFailureProbe;
    private final Map<String, ProcessSandbox> live = new ConcurrentHashMap<>();

    public ProcessProvider(Path root) {
        this(root, BubblewrapConfig.DEFAULT_QUICK_FAILURE_PROBE);
    }

    ProcessProvider(Path root, Duration quickFailureProbe) {
        this.root = root.toAbsolutePath().normalize();
        this.quickFailureProbe = quickFailureProbe;
        try {
            Files.createDirectories(this.root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + this.root, e);
        }
        LOG.warn("""

                ************************************************************************
                ** {}
                ** the process sandbox provider keeps its sandboxes under {}
                ************************************************************************""", NO_ISOLATION, this.root);
    }

    @Override
    public String name() {
        return "process";
    }

    @Override
    public List<String> capabilities() {
        return List.of(
                NO_ISOLATION,
                "commands see the host's whole file system, processes and network (no namespaces, no egress proxy);"
                        + " only the file API refuses paths and symbolic links leading out of the workspace",
                "limits: none enforced (no memory, process, CPU or disk limits); only the output cap and command timeouts",
                "environment: scrubbed (only PATH from the host; HOME is the sandbox's own directory)",
                ProcessTrees.SETSID != null && ProcessTrees.HAS_PROC
                        ? "stopping: every command leads a session of its own (setsid); its process tree and session are killed"
                        : "stopping: a command's process tree is killed; a process that detaches from it (double fork) can survive",
                ProcessTrees.HAS_PROC
                        ? "ports: listening sockets held by the sandbox's processes (/proc)"
                        : ProcessTrees.LSOF != null
                                ? "ports: listening sockets held by the sandbox's processes (lsof)"
                                : "ports: not detectable here (no /proc, no lsof)");
    }

    @Override
    public Sandbox create(SandboxSpec spec) {
        String id = Ids.newId("sbx");
        Path dir = root.resolve(id);
        try {
            createPrivate(dir);
            Files.createDirectories(dir.resolve("workspace"));
            Files.createDirectories(dir.resolve("home"));
            return start(id, dir, spec);
        } catch (IOException e) {
            ProcessFiles.deleteTree(dir);
            throw new SandboxException("could not create a sandbox: " + e.getMessage(), e);
        }
    }

    @Override
    public Sandbox restore(SandboxSpec spec, InputStream archive) {
        String id = Ids.newId("sbx");
        Path dir = root.resolve(id);
        Path staging = dir.resolve("restore");
        try {
            createPrivate(dir);
            Files.createDirectories(staging);
            SnapshotArchive.extract(archive, staging, spec.limits().diskBytes(), MAX_ARCHIVE_ENTRIES);
            for (String keep : List.of("workspace", "home")) {
                Path from = staging.resolve(keep);
                if (Files.isDirectory(from, LinkOption.NOFOLLOW_LINKS)) {
                    Files.move(from, dir.resolve(keep));
                } else {
                    Files.createDirectories(dir.resolve(keep));
                }
            }
            ProcessFiles.deleteTree(staging); // anything else in the archive is not ours to keep
            return start(id, dir, spec);
        } catch (IOException | RuntimeException e) {
            ProcessFiles.deleteTree(dir);
            if (e instanceof SandboxException se) {
                throw se;
            }
            throw new SandboxException("could not restore a sandbox: " + e.getMessage(), e);
        }
    }

    @Override
    public Sandbox copy(SandboxSpec spec, Sandbox source) {
        ProcessSandbox from = live.get(source.id());
        if (from == null || from != source) {
            throw new SandboxException("the sandbox " + source.id() + " is not running here; it cannot be copied");
        }
        String id = Ids.newId("sbx");
        Path dir = root.resolve(id);
        try {
            createPrivate(dir);
            WorkspaceCopy.copy(from.hostDirectory().resolve("workspace"), dir.resolve("workspace"));
            Files.createDirectories(dir.resolve("home"));
            return start(id, dir, spec);
        } catch (IOException | RuntimeException e) {
            ProcessFiles.deleteTree(dir);
            if (e instanceof SandboxException se) {
                throw se;
            }
            throw new SandboxException("could not copy a sandbox: " + e.getMessage(), e);
        }
    }

    /** Other local users have no business in a sandbox's files. */
    private static void createPrivate(Path dir) throws IOException {
        Files.createDirectory(dir);
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        }
    }

    private Sandbox start(String id, Path dir, SandboxSpec spec) throws IOException {
        ProcessSandbox sandbox = new ProcessSandbox(id, spec, dir, quickFailureProbe, () -> live.remove(id));
        live.put(id, sandbox);
        LOG.info("{} ready", sandbox);
        return sandbox;
    }

    /**
     * Removes sandbox directories left by a control plane that crashed, after killing the
     * processes still working in them (on Linux: those whose working directory is inside, or
     * whose HOME is the sandbox's, with their descendants).
     */
    @Override
    public int removeOrphans() {
        List<Path> orphans = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path dir : dirs.toList()) {
                String id = dir.getFileName().toString();
                if (id.startsWith("sbx_") && !live.containsKey(id)) {
                    orphans.add(dir);
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot list {}", root, e);
        }
        for (Path dir : orphans) {
            if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                List<ProcessHandle> left = ProcessTrees.leftIn(dir, dir.resolve("home"));
                if (!left.isEmpty()) {
                    LOG.info("killing {} processes left in {}", left.size(), dir.getFileName());
                    ProcessTrees.kill(left, false, false);
                }
            }
            ProcessFiles.deleteTree(dir);
        }
        if (!orphans.isEmpty()) {
            LOG.info("removed {} sandbox directories left by an earlier run", orphans.size());
        }
        return orphans.size();
    }

    @Override
    public void close() {
        List.copyOf(live.values()).forEach(ProcessSandbox::destroy);
    }
}
