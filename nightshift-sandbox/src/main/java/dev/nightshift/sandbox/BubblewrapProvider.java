package dev.nightshift.sandbox;

import dev.nightshift.core.Ids;
import dev.nightshift.core.sandbox.Sandbox;
import dev.nightshift.core.sandbox.SandboxException;
import dev.nightshift.core.sandbox.SandboxProvider;
import dev.nightshift.core.sandbox.SandboxSpec;
import dev.nightshift.sandbox.archive.SnapshotArchive;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sandboxes on bubblewrap: Linux namespaces (PID, mount, network with loopback only, IPC, UTS),
 * the host toolchain read-only, a writable workspace, a private /tmp, a curated /etc, a scrubbed
 * environment, a uid of the sandbox's own, and cgroup limits where the host lets us set them.
 *
 * <p>Run as root on the host, it gives every sandbox a distinct unprivileged uid and its own
 * cgroups; {@code --die-with-parent} ties every sandbox's life to the control plane's, so a
 * crashed control plane leaves directories behind ({@link #removeOrphans}), never processes.
 *
 * <p>Run by an ordinary user it is rootless: each sandbox's user namespace is made first
 * ({@code unshare --map-root-user}), bubblewrap makes every other namespace inside it, and commands
 * enter it before the rest ({@code nsenter -U}), then a nested user namespace of their own maps the
 * host user to the sandbox's uid. On the host every sandbox then runs as that one user, kept apart
 * by namespaces only; limits are per-process rlimits (no cgroup is written), which
 * {@link #capabilities} says.
 */
public final class BubblewrapProvider implements SandboxProvider {
    private static final Logger LOG = LoggerFactory.getLogger(BubblewrapProvider.class);
    private static final int FIRST_UID = 200_000;
    private static final int UID_RANGE = 100_000;
    private static final long START_TIMEOUT_MS = 10_000;
    private static final int MAX_ARCHIVE_ENTRIES = 2_000_000;
    /**
     * Printed by the holder once it runs: only then is the mount namespace complete (bubblewrap
     * reports the child's pid while it is still assembling the file system).
     */
    private static final String READY = "nightshift-sandbox-ready";

    private static final Pattern CHILD_PID = Pattern.compile("\"child-pid\"\\s*:\\s*(\\d+)");
    /** Host /etc entries a toolchain needs; never secrets (shadow, ssh, sudoers, gitconfig, environment). */
    private static final List<String> HOST_ETC = List.of(
            "ssl",
            "ca-certificates",
            "ca-certificates.conf",
            "alternatives",
            "ld.so.cache",
            "ld.so.conf",
            "ld.so.conf.d",
            "localtime",
            "timezone",
            "bash.bashrc",
            "profile",
            "profile.d",
            "inputrc",
            "mime.types",
            "magic",
            "magic.mime",
            "protocols",
            "services",
            "perl");

    private static final List<String> HOST_ETC_PREFIXES = List.of("java-", "python3");
    private static final List<String> TOP_LEVEL = List.of("bin", "sbin", "lib", "lib32", "lib64", "libx32");

    private final BubblewrapConfig config;
    private final EgressAttachment egress;
    private final Cgroups cgroups;
    /** Not root: sandboxes are made in user namespaces of their own (see the class comment). */
    private final boolean rootless;

    private final AtomicInteger uids = new AtomicInteger();
    private final Map<String, BubblewrapSandbox> live = new ConcurrentHashMap<>();
    private final Map<String, AutoCloseable> egressBySandbox = new ConcurrentHashMap<>();
    private final java.util.concurrent.BlockingDeque<BubblewrapSandbox> pool =
            new java.util.concurrent.LinkedBlockingDeque<>();
    private final java.util.concurrent.atomic.AtomicBoolean filling = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile boolean closed;
    /** A pooled sandbox belongs to no session yet. */
    static final String POOL_SESSION = "";

    public BubblewrapProvider(BubblewrapConfig config, EgressAttachment egress) {
        this.config = config;
        this.egress = egress;
        this.rootless = !"root".equals(System.getProperty("user.name")) && !isRoot();
        requireTools(rootless);
        try {
            Files.createDirectories(config.root());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + config.root(), e);
        }
        this.cgroups = rootless ? new Cgroups.None() : Cgroups.detect(config.cgroupRoot(), groupName(config.root()));
        refillPool();
    }

    /**
     * The cgroup directory of this provider's sandboxes, named after its root so that two control
     * planes on one host (or two test servers) never clean up each other's sandboxes.
     */
    static String groupName(Path root) {
        return "nightshift-"
                + Integer.toHexString(
                        root.toAbsolutePath().normalize().toString().hashCode());
    }

    /** Tops the warm pool up in the background. */
    private void refillPool() {
        if (config.warmPool() <= 0 || closed || !filling.compareAndSet(false, true)) {
            return;
        }
        Thread.ofVirtual().name("sandbox-pool").start(() -> {
            try {
                while (!closed && pool.size() < config.warmPool()) {
                    pool.add((BubblewrapSandbox)
                            createFresh(new SandboxSpec(POOL_SESSION, config.poolLimits(), Map.of())));
                }
            } catch (RuntimeException e) {
                LOG.warn("could not fill the warm pool: {}", e.getMessage());
            } finally {
                filling.set(false);
            }
        });
    }

    /** Sandboxes waiting in the warm pool. */
    public int pooled() {
        return pool.size();
    }

    /** True when this process runs as root, so sandboxes get uids and cgroups of their own. */
    static boolean isRoot() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .filter(l -> l.startsWith("Uid:"))
                    .anyMatch(l -> l.split("\\s+")[1].equals("0"));
        } catch (IOException e) {
            return false;
        }
    }

    private static void requireTools(boolean rootless) {
        List<String> tools = new ArrayList<>(List.of(
                "/usr/bin/bwrap", "/usr/bin/nsenter", "/usr/bin/setpriv", "/usr/bin/prlimit", "/usr/bin/socat"));
        if (rootless) {
            tools.add("/usr/bin/unshare");
        }
        for (String tool : tools) {
            if (!Files.isExecutable(Path.of(tool))) {
                throw new SandboxException(tool + " is missing: install the bubblewrap, util-linux and socat packages");
            }
        }
    }

    @Override
    public String name() {
        return "bubblewrap";
    }

    /** True when this provider's sandboxes are rootless (the control plane is not root). */
    public boolean rootless() {
        return rootless;
    }

    @Override
    public List<String> capabilities() {
        if (rootless) {
            return List.of(
                    "rootless bubblewrap: PID, mount, network (loopback only), IPC and UTS namespaces in a user"
                            + " namespace of the sandbox's own; host toolchain read-only",
                    "an unprivileged uid inside, no capabilities, no-new-privileges; on the host every sandbox runs as"
                            + " the user Nightshift runs as (start it as root for a host uid per sandbox)",
                    "limits: per-process rlimits only (no writable cgroup): memory as address space per process,"
                            + " processes per command; no CPU limit, no sandbox-wide memory or process total",
                    "disk: the sandbox's limit per file (RLIMIT_FSIZE), and in total while commands run",
                    "egress: only through the control plane's proxy on 127.0.0.1:" + config.egressPort());
        }
        return List.of(
                "bubblewrap: PID, mount, network (loopback only), IPC and UTS namespaces; host toolchain read-only",
                "a distinct unprivileged uid per sandbox, no capabilities, no-new-privileges",
                cgroups.describe(),
                "disk: the sandbox's limit per file (RLIMIT_FSIZE), and in total while commands run",
                "egress: only through the control plane's proxy on 127.0.0.1:" + config.egressPort());
    }

    @Override
    public Sandbox create(SandboxSpec spec) {
        if (spec.limits().equals(config.poolLimits()) && spec.env().isEmpty()) {
            BubblewrapSandbox pooled;
            while ((pooled = pool.poll()) != null) {
                if (pooled.alive()) {
                    try {
                        return claim(pooled, spec);
                    } catch (RuntimeException e) {
                        LOG.warn("a pooled sandbox could not be claimed: {}", e.getMessage());
                    }
                }
                pooled.destroy();
            }
            refillPool();
        }
        return createFresh(spec);
    }

    /** Gives a pooled sandbox to a session: its egress proxy is re-attached with that session's policy. */
    private Sandbox claim(BubblewrapSandbox sandbox, SandboxSpec spec) {
        closeEgress(sandbox.id());
        attachEgress(
                sandbox.id(),
                spec.sessionId(),
                sandbox.hostDirectory().resolve("run").resolve("egress.sock"));
        sandbox.assign(spec);
        refillPool();
        LOG.info("{} taken from the warm pool", sandbox);
        return sandbox;
    }

    private void attachEgress(String id, String sessionId, Path socket) {
        try {
            egressBySandbox.put(id, egress.attach(sessionId, socket));
            if (Files.exists(socket)) {
                // the sandbox user must connect, but the directory stays root's: it cannot replace it
                Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw-rw-"));
            }
        } catch (Exception e) {
            throw new SandboxException("could not attach the egress proxy: " + e.getMessage(), e);
        }
    }

    private Sandbox createFresh(SandboxSpec spec) {
        String id = Ids.newId("sbx");
        Path dir = config.root().resolve(id);
        try {
            Files.createDirectories(dir.resolve("workspace"));
            Files.createDirectories(dir.resolve("home"));
            return start(id, dir, spec);
        } catch (IOException e) {
            deleteTree(dir);
            throw new SandboxException("could not create a sandbox: " + e.getMessage(), e);
        }
    }

    @Override
    public Sandbox restore(SandboxSpec spec, InputStream archive) {
        String id = Ids.newId("sbx");
        Path dir = config.root().resolve(id);
        Path staging = dir.resolve("restore");
        try {
            Files.createDirectories(staging);
            SnapshotArchive.extract(archive, staging, spec.limits().diskBytes(), MAX_ARCHIVE_ENTRIES);
            for (String keep : List.of("workspace", "home")) {
                Path from = staging.resolve(keep);
                if (Files.isDirectory(from, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    Files.move(from, dir.resolve(keep));
                } else {
                    Files.createDirectories(dir.resolve(keep));
                }
            }
            deleteTree(staging); // anything else in the archive is not ours to keep
            return start(id, dir, spec);
        } catch (IOException | RuntimeException e) {
            deleteTree(dir);
            if (e instanceof SandboxException se) {
                throw se;
            }
            throw new SandboxException("could not restore a sandbox: " + e.getMessage(), e);
        }
    }

    @Override
    public Sandbox copy(SandboxSpec spec, Sandbox source) {
        BubblewrapSandbox from = live.get(source.id());
        if (from == null || from != source) {
            throw new SandboxException("the sandbox " + source.id() + " is not running here; it cannot be copied");
        }
        String id = Ids.newId("sbx");
        Path dir = config.root().resolve(id);
        try {
            Files.createDirectories(dir);
            WorkspaceCopy.copy(from.hostDirectory().resolve("workspace"), dir.resolve("workspace"));
            Files.createDirectories(dir.resolve("home"));
            return start(id, dir, spec); // the copy becomes the new sandbox's user's
        } catch (IOException | RuntimeException e) {
            deleteTree(dir);
            if (e instanceof SandboxException se) {
                throw se;
            }
            throw new SandboxException("could not copy a sandbox: " + e.getMessage(), e);
        }
    }

    private Sandbox start(String id, Path dir, SandboxSpec spec) throws IOException {
        int uid = FIRST_UID + Math.floorMod(uids.getAndIncrement(), UID_RANGE);
        if (!rootless) { // rootless: the host user's files are the sandbox user's already
            chown(dir.resolve("workspace"), uid);
            chown(dir.resolve("home"), uid);
        }
        writeEtc(dir.resolve("etc"), uid);
        Path run = Files.createDirectories(dir.resolve("run"));
        Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("rwxr-xr-x"));
        attachEgress(id, spec.sessionId(), run.resolve("egress.sock"));
        Cgroups.Group group = cgroups.create(id, spec.limits());
        List<String> argv = CommandLine.joiningCgroups(group.joinFiles(null), launch(dir, bwrap(dir, uid), rootless));
        ProcessBuilder builder = new ProcessBuilder(argv);
        builder.environment().clear();
        builder.environment().put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        Process holder = builder.start();
        long pid;
        try {
            pid = childPid(holder);
        } catch (IOException | RuntimeException e) {
            holder.destroyForcibly();
            group.remove();
            closeEgress(id);
            throw e;
        }
        BubblewrapSandbox sandbox = new BubblewrapSandbox(
                id,
                spec,
                dir,
                uid,
                holder,
                pid,
                group,
                BubblewrapSandbox.baseEnvironment(config.egressPort(), Map.of()),
                config.quickFailureProbe(),
                rootless,
                () -> {
                    live.remove(id);
                    closeEgress(id);
                });
        live.put(id, sandbox);
        LOG.info("{} ready", sandbox);
        return sandbox;
    }

    private void closeEgress(String id) {
        AutoCloseable proxy = egressBySandbox.remove(id);
        if (proxy != null) {
            try {
                proxy.close();
            } catch (Exception e) {
                LOG.warn("closing the egress proxy of {} failed", id, e);
            }
        }
    }

    /**
     * Reads bubblewrap's info JSON (the host pid of the sandbox's first process) and then the
     * holder's ready line from stdout, within {@link #START_TIMEOUT_MS} even if nothing comes.
     */
    private static long childPid(Process holder) throws IOException {
        java.util.concurrent.BlockingQueue<String> lines = new java.util.concurrent.LinkedBlockingQueue<>();
        Thread.ofVirtual().start(() -> {
            // stops after the ready line: the holder prints nothing more, and a reader parked on
            // the pipe for the sandbox's whole life would pin a carrier thread
            try (BufferedReader out =
                    new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    lines.add(line);
                    if (line.equals(READY)) {
                        return;
                    }
                }
            } catch (IOException ignored) {
                // the holder is gone; the wait below times out or sees it dead
            }
        });
        StringBuilder json = new StringBuilder();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MS);
        Long pid = null;
        try {
            while (System.nanoTime() - deadline < 0) {
                String line = lines.poll(50, TimeUnit.MILLISECONDS);
                if (line == null) {
                    if (!holder.isAlive()) {
                        break;
                    }
                    continue;
                }
                if (pid == null) {
                    json.append(line).append('\n');
                    Matcher m = CHILD_PID.matcher(json);
                    if (line.startsWith("}") && m.find()) {
                        pid = Long.parseLong(m.group(1));
                    }
                } else if (line.equals(READY)) {
                    return pid;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting a sandbox", e);
        }
        String error = holder.isAlive()
                ? ""
                : new String(holder.getErrorStream().readNBytes(4096), StandardCharsets.UTF_8).strip();
        holder.destroyForcibly(); // after reading: destroying closes its pipes
        throw new SandboxException("bubblewrap did not start within " + START_TIMEOUT_MS + " ms: "
                + (error.isEmpty() ? "no output" : error));
    }

    /**
     * Starts bubblewrap with its arguments read from a file (root's, outside the sandbox) rather than
     * on its command line: the sandbox's pid 1 is bubblewrap, and its command line would otherwise
     * show every host path it binds. bubblewrap also closes its info fd inside the sandbox, so it
     * gets a copy of stdout (fd 3) and the holder keeps its own stdout for the ready line. Rootless,
     * bubblewrap starts inside a user namespace made for it, as root there, so every namespace it
     * makes belongs to that one and commands can enter them all through it.
     */
    private static List<String> launch(Path dir, List<String> bwrapArgs, boolean rootless) throws IOException {
        // the options go in the file; the command (which holds only paths inside the sandbox) stays
        // on the command line, where this bubblewrap expects it
        int split = bwrapArgs.indexOf("--");
        Path argsFile = dir.resolve("bwrap.args");
        StringBuilder nulSeparated = new StringBuilder();
        bwrapArgs.subList(0, split).forEach(arg -> nulSeparated.append(arg).append('\0'));
        Files.writeString(argsFile, nulSeparated, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(argsFile, PosixFilePermissions.fromString("rw-------"));
        List<String> argv = new ArrayList<>(List.of(
                "/bin/sh",
                "-c",
                rootless
                        ? "f=$1; shift; exec /usr/bin/unshare --user --map-root-user -- /usr/bin/bwrap --args 4 \"$@\" 4<\"$f\" 3>&1"
                        : "f=$1; shift; exec /usr/bin/bwrap --args 4 \"$@\" 4<\"$f\" 3>&1",
                "bwrap-launch",
                argsFile.toString()));
        argv.addAll(bwrapArgs.subList(split, bwrapArgs.size()));
        return argv;
    }

    /** bubblewrap's arguments, program name excluded. */
    private List<String> bwrap(Path dir, int uid) {
        List<String> a = new ArrayList<>(List.of(
                "--die-with-parent",
                "--new-session",
                "--unshare-pid",
                "--unshare-net",
                "--unshare-ipc",
                "--unshare-uts",
                "--unshare-cgroup-try",
                "--hostname",
                "nightshift",
                "--ro-bind",
                "/usr",
                "/usr"));
        for (String top : TOP_LEVEL) {
            Path host = Path.of("/" + top);
            if (Files.isSymbolicLink(host)) {
                try {
                    a.addAll(List.of("--symlink", Files.readSymbolicLink(host).toString(), "/" + top));
                } catch (IOException e) {
                    LOG.debug("cannot read link {}", host, e);
                }
            } else if (Files.isDirectory(host)) {
                a.addAll(List.of("--ro-bind", host.toString(), host.toString()));
            }
        }
        a.addAll(List.of(
                "--proc", "/proc", "--dev", "/dev", "--perms", "1777", "--tmpfs", "/tmp", "--perms", "0755", "--dir",
                "/etc"));
        try (Stream<Path> curated = Files.list(dir.resolve("etc"))) {
            curated.sorted().forEach(f -> a.addAll(List.of("--ro-bind", f.toString(), "/etc/" + f.getFileName())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (String entry : hostEtcEntries()) {
            a.addAll(List.of("--ro-bind", "/etc/" + entry, "/etc/" + entry));
        }
        a.addAll(List.of(
                "--perms",
                "0755",
                "--dir",
                "/home",
                "--bind",
                dir.resolve("home").toString(),
                SandboxPaths.HOME,
                "--bind",
                dir.resolve("workspace").toString(),
                SandboxPaths.WORKSPACE,
                "--perms",
                "0755",
                "--dir",
                "/run",
                "--bind",
                dir.resolve("run").toString(),
                SandboxPaths.RUN,
                "--chdir",
                SandboxPaths.WORKSPACE,
                "--info-fd",
                "3",
                "--"));
        a.addAll(rootless ? CommandLine.asRootlessSandboxUser(uid) : CommandLine.asSandboxUser(uid));
        a.addAll(List.of(
                "/usr/bin/env",
                "-i",
                "PATH=/usr/bin:/bin",
                "/bin/sh",
                "-c",
                "socat TCP-LISTEN:" + config.egressPort() + ",bind=127.0.0.1,fork,reuseaddr UNIX-CONNECT:"
                        + SandboxPaths.RUN + "/egress.sock >/dev/null 2>&1 & "
                        // ready once the egress forwarder listens (at most ~2 s): a first command that
                        // fetches at once must not find the proxy's port closed
                        + "i=0; while [ $i -lt 200 ] && ! grep -q '0100007F:"
                        + String.format(java.util.Locale.ROOT, "%04X", config.egressPort())
                        + " 00000000:0000 0A' /proc/net/tcp 2>/dev/null; do sleep 0.01; i=$((i+1)); done; echo "
                        + READY + "; exec sleep infinity >/dev/null 2>&1"));
        return a;
    }

    private static List<String> hostEtcEntries() {
        List<String> entries = new ArrayList<>();
        for (String name : HOST_ETC) {
            if (Files.exists(Path.of("/etc", name))) {
                entries.add(name);
            }
        }
        try (Stream<Path> all = Files.list(Path.of("/etc"))) {
            all.map(p -> p.getFileName().toString())
                    .filter(n -> HOST_ETC_PREFIXES.stream().anyMatch(n::startsWith))
                    .sorted()
                    .forEach(entries::add);
        } catch (IOException e) {
            LOG.debug("cannot list /etc", e);
        }
        return entries;
    }

    /** The sandbox's own /etc files: its user, its name, no DNS (the proxy resolves names). */
    private static void writeEtc(Path etc, int uid) throws IOException {
        Files.createDirectories(etc);
        Files.writeString(
                etc.resolve("passwd"),
                "root:x:0:0:root:/root:/usr/sbin/nologin\n"
                        + SandboxPaths.USER + ":x:" + uid + ":" + uid + ":Nightshift sandbox:" + SandboxPaths.HOME
                        + ":/bin/bash\n"
                        + "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n");
        Files.writeString(
                etc.resolve("group"), "root:x:0:\n" + SandboxPaths.USER + ":x:" + uid + ":\nnogroup:x:65534:\n");
        Files.writeString(etc.resolve("hosts"), "127.0.0.1 localhost nightshift\n::1 localhost\n");
        Files.writeString(etc.resolve("hostname"), "nightshift\n");
        Files.writeString(
                etc.resolve("resolv.conf"), "# no DNS inside a Nightshift sandbox: the HTTP(S) proxy resolves names\n");
        Files.writeString(etc.resolve("nsswitch.conf"), "passwd: files\ngroup: files\nhosts: files\n");
    }

    private static void chown(Path dir, int uid) throws IOException {
        try {
            Process chown = new ProcessBuilder("/bin/chown", "-hR", uid + ":" + uid, dir.toString())
                    .redirectErrorStream(true)
                    .start();
            String out = new String(chown.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (chown.waitFor() != 0) {
                throw new IOException("chown failed: " + out.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    @Override
    public int removeOrphans() {
        int removed = 0;
        try (Stream<Path> dirs = Files.list(config.root())) {
            for (Path dir : dirs.toList()) {
                String id = dir.getFileName().toString();
                if (id.startsWith("sbx_") && !live.containsKey(id)) {
                    deleteTree(dir);
                    removed++;
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot list {}", config.root(), e);
        }
        String group = groupName(config.root());
        for (String hierarchy : List.of("memory/" + group, "pids/" + group, "cpu/" + group, group)) {
            Path base = config.cgroupRoot().resolve(hierarchy);
            if (!Files.isDirectory(base)) {
                continue;
            }
            try (Stream<Path> groups = Files.list(base)) {
                groups.filter(Files::isDirectory)
                        .filter(g -> g.getFileName().toString().startsWith("sbx_")
                                && !live.containsKey(g.getFileName().toString()))
                        .forEach(g -> {
                            try (Stream<Path> leaves = Files.walk(g)) {
                                leaves.filter(Files::isDirectory)
                                        .forEach(l -> Cgroups.killProcs(l.resolve("cgroup.procs")));
                            } catch (IOException e) {
                                LOG.debug("walking {} failed", g, e);
                            }
                            Cgroups.removeTree(g);
                        });
            } catch (IOException e) {
                LOG.debug("cannot list {}", base, e);
            }
        }
        if (removed > 0) {
            LOG.info("removed {} sandbox directories left by an earlier run", removed);
        }
        return removed;
    }

    @Override
    public void close() {
        closed = true;
        pool.clear();
        List.copyOf(live.values()).forEach(BubblewrapSandbox::destroy);
    }

    /** Deletes a directory tree without ever following a symbolic link out of it. */
    static void deleteTree(Path dir) {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                    // rootless, a directory a sandbox made read-only binds the control plane too (root ignores modes)
                    if (!Files.isWritable(d) || !Files.isExecutable(d)) {
                        Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwx------"));
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            LOG.warn("could not remove {} completely: {}", dir, e.toString());
        }
    }
}
