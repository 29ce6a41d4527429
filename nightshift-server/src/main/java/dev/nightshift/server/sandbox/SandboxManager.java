package dev.nightshift.server.sandbox;

import dev.nightshift.core.Ids;
import dev.nightshift.core.event.EventPayload;
import dev.nightshift.core.model.Session;
import dev.nightshift.core.policy.RateWindow;
import dev.nightshift.core.policy.SandboxLifecycle;
import dev.nightshift.core.port.Store;
import dev.nightshift.core.sandbox.ExecRequest;
import dev.nightshift.core.sandbox.ExecResult;
import dev.nightshift.core.sandbox.OutputListener;
import dev.nightshift.core.sandbox.Sandbox;
import dev.nightshift.core.sandbox.SandboxException;
import dev.nightshift.core.sandbox.SandboxProvider;
import dev.nightshift.core.sandbox.SandboxSpec;
import dev.nightshift.core.sandbox.SandboxState;
import dev.nightshift.core.secret.SessionSecrets;
import dev.nightshift.server.SandboxSettings;
import dev.nightshift.server.live.EventLog;
import dev.nightshift.server.turn.TurnSandboxes;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives each session its sandbox: creates it on first use, resumes it from its snapshot after
 * hibernation, replaces it when it died, and hibernates it when it has been idle. The decisions
 * are {@link SandboxLifecycle}'s pure functions; this class only acts on them. Every transition is
 * recorded on the session and in its log as a {@code sandbox_status} event.
 *
 * <p>Several nodes may share one database; each records itself as the owner of the sandboxes it
 * makes ({@link #owner()}), and a restart reconciles only those ({@link #start()}).
 */
public final class SandboxManager implements TurnSandboxes, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SandboxManager.class);
    private static final int STRIPES = 64;
    private static final Duration SETUP_HOOK_TIMEOUT = Duration.ofSeconds(300);
    private static final Duration START_HOOK_TIMEOUT = Duration.ofSeconds(120);
    private static final int HOOK_OUTPUT_CHARS = 4000;
    /** The file in the snapshot directory that keeps this node's owner id across restarts. */
    static final String OWNER_FILE = "owner";
    /**
     * At most one warm-up attempt per session this often. A sandbox, once warm, stays up for the
     * idle timeout (minutes), so typing never needs a second attempt sooner; a failing one must not
     * be retried at typing speed.
     */
    static final Duration WARM_INTERVAL = Duration.ofSeconds(30);

    /** What a session's sandbox looks like from outside. */
    public record Status(String state, String sandboxId, List<Integer> ports, Instant lastActivity) {}

    private record Entry(Sandbox sandbox, Instant lastActivity) {
        Entry touched(Instant now) {
            return new Entry(sandbox, now);
        }
    }

    private final SandboxProvider provider;
    private final String unavailable;
    private final Store store;
    private final EventLog log;
    private final Path snapshots;
    private final SandboxSettings settings;
    private final Predicate<String> turnRunning;
    private final ScheduledExecutorService timer;
    private final Clock clock;
    private final String owner;
    private final Map<String, Entry> live = new ConcurrentHashMap<>();
    private final Map<String, java.util.Set<Integer>> announcedPorts = new ConcurrentHashMap<>();
    private final Map<String, SandboxLifecycle.SpawnBreaker> breakers = new ConcurrentHashMap<>();
    private final ReentrantLock[] locks = new ReentrantLock[STRIPES];
    /** Forks whose copied sandbox still runs its hooks: their first use waits for them. */
    private final Map<String, java.util.concurrent.CompletableFuture<Void>> preparing = new ConcurrentHashMap<>();
    /** The last warm-up attempt per session; entries go when the session's sandbox is destroyed. */
    private final Map<String, RateWindow> warmWindows = new ConcurrentHashMap<>();

    private final WorkspaceSource workspaceSource;
    private final SandboxSecrets secrets;
    private final SandboxTrust trust;

    /**
     * @param provider null when no sandbox can run here; {@code unavailable} then says why
     * @param workspaceSource checks the session's repository out into a fresh sandbox
     * @param turnRunning whether a session has a turn in progress (never hibernate under one)
     * @param secrets resolves a session's secrets when its sandbox starts (placeholders into its
     *     environment, setup secrets into its setup hook)
     * @param trust the deployment CA a sandbox with egress secrets must trust (the proxy terminates TLS
     *     for their hosts)
     */
    public SandboxManager(
            SandboxProvider provider,
            String unavailable,
            Store store,
            EventLog log,
            Path snapshots,
            SandboxSettings settings,
            WorkspaceSource workspaceSource,
            Predicate<String> turnRunning,
            ScheduledExecutorService timer,
            Clock clock,
            SandboxSecrets secrets,
            SandboxTrust trust) {
        this.secrets = secrets;
        this.trust = trust;
        this.workspaceSource = workspaceSource;
        this.provider = provider;
        this.unavailable = unavailable;
        this.store = store;
        this.log = log;
        this.snapshots = snapshots;
        this.settings = settings;
        this.turnRunning = turnRunning;
        this.timer = timer;
        this.clock = clock;
        this.owner = ownerId(snapshots);
        for (int i = 0; i < STRIPES; i++) {
            locks[i] = new ReentrantLock();
        }
    }

    /**
     * The owner id this node records with every sandbox it makes, read from the snapshot directory
     * or made there on first start. Not the dispatcher's node id: that one is new on every start
     * (a turn lease must not outlive its process), while a node's sandboxes, that is their
     * snapshots and the provider's directories, live in its data directory and outlast a restart.
     * Only one server at a time runs on a data directory (it is locked), so "the sandboxes this
     * node owned" are exactly those recorded with the id kept there. A data directory copied to
     * set up another node carries the id along: give every node a fresh one.
     */
    private static String ownerId(Path snapshots) {
        Path file = snapshots.resolve(OWNER_FILE);
        try {
            if (Files.exists(file)) {
                String id = Files.readString(file, StandardCharsets.UTF_8).strip();
                if (!id.isEmpty()) {
                    return id;
                }
            }
            Files.createDirectories(snapshots);
            String id = Ids.newId("node");
            Path partial = file.resolveSibling(OWNER_FILE + ".partial");
            Files.writeString(partial, id + "\n", StandardCharsets.UTF_8);
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return id;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the sandbox owner id in " + file, e);
        }
    }

    /** The owner recorded with this node's sandboxes; the same across restarts on one data directory. */
    public String owner() {
        return owner;
    }

    public boolean available() {
        return provider != null;
    }

    /** Why sandboxes cannot run, or what runs them and with which isolation. */
    public List<String> describe() {
        return provider == null ? List.of("sandboxes unavailable: " + unavailable) : provider.capabilities();
    }

    /**
     * Removes what a crashed control plane left behind and corrects what the store believes about
     * this node's sandboxes: they died with the previous process, and what survives is a snapshot
     * on this node's disk, if any. Sessions whose sandbox another node owns are left alone (that
     * node's sandbox is still running), and so is a session another node takes over while this
     * runs (the store's update is conditional). Called once, on the starting thread.
     */
    public void start() {
        if (provider == null) {
            return;
        }
        provider.removeOrphans();
        try {
            Files.createDirectories(snapshots);
        } catch (IOException e) {
            throw new SandboxException("cannot create " + snapshots + ": " + e.getMessage(), e);
        }
        List<String> mayBeLive = List.of("provisioning", "ready", "restoring", "hibernating");
        for (Session s : store.sessions().withSandboxStatus(owner, mayBeLive)) {
            String state = Files.exists(snapshot(s.id())) ? SandboxState.HIBERNATED.wire() : null;
            store.sessions().recoverSandbox(s.id(), owner, s.sandboxStatus(), state, clock.instant());
        }
    }

    private ReentrantLock lock(String sessionId) {
        return locks[Math.floorMod(sessionId.hashCode(), STRIPES)];
    }

    private Path snapshot(String sessionId) {
        return snapshots.resolve(sessionId + ".tar.zst");
    }

    /**
     * The session's sandbox, ready: created, resumed or replaced as needed. Idempotent: concurrent
     * callers get the same sandbox.
     */
    @Override
    public Sandbox acquire(String sessionId) {
        requireAvailable();
        java.util.concurrent.CompletableFuture<Void> hooks = preparing.get(sessionId);
        if (hooks != null) {
            hooks.join(); // a fork's copy is ready once its hooks have run
        }
        ReentrantLock lock = lock(sessionId);
        lock.lock();
        try {
            Entry entry = live.get(sessionId);
            if (entry != null && entry.sandbox().state() == SandboxState.READY) {
                live.put(sessionId, entry.touched(clock.instant()));
                return entry.sandbox();
            }
            if (entry != null) {
                // died under us: clean up the old one first, then replace it
                status(sessionId, SandboxState.FAILED, entry.sandbox().id(), "its processes died; replacing it");
                entry.sandbox().destroy();
                live.remove(sessionId);
            }
            return start(sessionId);
        } finally {
            lock.unlock();
        }
    }

    private Sandbox start(String sessionId) {
        Instant now = clock.instant();
        SandboxLifecycle.SpawnBreaker breaker =
                breakers.getOrDefault(sessionId, SandboxLifecycle.SpawnBreaker.closed());
        if (!breaker.allows(now)) {
            throw new SandboxException("the sandbox failed to start " + SandboxLifecycle.BREAKER_FAILURES + " times in "
                    + SandboxLifecycle.BREAKER_WINDOW.toMinutes() + " minutes; next attempt after "
                    + breaker.retryAt(now));
        }
        Path archive = snapshot(sessionId);
        boolean restoring = Files.exists(archive);
        SessionSecrets given =
                store.sessions().get(sessionId).map(secrets::prepare).orElse(SessionSecrets.NONE);
        boolean trusting = !given.egress().isEmpty() && trust.available();
        SandboxSpec spec = new SandboxSpec(sessionId, settings.limits(), environment(given, trusting));
        status(sessionId, restoring ? SandboxState.RESTORING : SandboxState.PROVISIONING, null, null);
        Sandbox sandbox;
        try {
            if (restoring) {
                try (InputStream in = Files.newInputStream(archive)) {
                    sandbox = provider.restore(spec, in);
                }
            } else {
                sandbox = provider.create(spec);
            }
        } catch (IOException | RuntimeException e) {
            breakers.put(sessionId, breaker.failed(now));
            String reason = e.getMessage() == null ? e.toString() : e.getMessage();
            status(sessionId, SandboxState.FAILED, null, reason);
            throw e instanceof SandboxException se
                    ? se
                    : new SandboxException("the sandbox could not start: " + reason, e);
        }
        live.put(sessionId, new Entry(sandbox, clock.instant()));
        if (!restoring) {
            try {
                seed(sessionId, sandbox);
            } catch (RuntimeException e) {
                breakers.put(sessionId, breaker.failed(now)); // a failed checkout is a failed start: it cost a sandbox
                throw e;
            }
        }
        breakers.remove(sessionId);
        if (trusting) {
            try {
                trust.install(sandbox);
            } catch (RuntimeException e) {
                // a sandbox that cannot trust the proxy would fail every intercepted request: it is not ready
                String reason = "the sandbox could not be set up to trust the egress proxy: " + e.getMessage();
                breakers.put(sessionId, breaker.failed(now));
                live.remove(sessionId);
                secrets.forget(sessionId);
                sandbox.destroy();
                status(sessionId, SandboxState.FAILED, sandbox.id(), reason);
                event(sessionId, new EventPayload.Error(reason));
                throw new SandboxException(reason, e);
            }
        }
        status(sessionId, SandboxState.READY, sandbox.id(), restoring ? "restored from its snapshot" : null);
        runHooks(sessionId, sandbox, given.setupEnv());
        armIdleCheck(sessionId, settings.idleTimeout());
        return sandbox;
    }

    /** Whether this node holds the session's workspace: its sandbox running, or its snapshot. */
    public boolean holdsWorkspace(String sessionId) {
        if (provider == null) {
            return false;
        }
        Entry entry = live.get(sessionId);
        return (entry != null && entry.sandbox().state() == SandboxState.READY) || Files.exists(snapshot(sessionId));
    }

    /**
     * Gives a fork a sandbox whose workspace is a copy of its parent's as it is now: a running parent's
     * sandbox is copied while it goes on (never paused, never locked), a hibernated parent's snapshot is
     * unpacked (its home left out). The copy is made the fork's own ({@link WorkspaceSource#adopt}) and is
     * ready when this returns; its hooks then run in the background, and the fork's first use of the
     * sandbox waits for them. False when the parent has no sandbox on this node or the copy failed: the
     * fork's workspace then starts from a commit when its first turn needs it.
     *
     * <p>Called on the forking request's thread, before the fork's id is known to anyone else, so nothing
     * else can be making the fork's sandbox meanwhile.
     */
    public boolean fork(String forkId, String parentId) {
        if (provider == null) {
            return false;
        }
        Session fork = store.sessions().get(forkId).orElse(null);
        Entry parent = live.get(parentId);
        boolean running = parent != null && parent.sandbox().state() == SandboxState.READY;
        Path archive = snapshot(parentId);
        if (fork == null || (!running && !Files.exists(archive))) {
            return false;
        }
        SessionSecrets given = secrets.prepare(fork);
        boolean trusting = !given.egress().isEmpty() && trust.available();
        SandboxSpec spec = new SandboxSpec(forkId, settings.limits(), environment(given, trusting));
        status(forkId, SandboxState.PROVISIONING, null, "copying the workspace of " + parentId);
        Sandbox sandbox;
        try {
            if (running) {
                sandbox = provider.copy(spec, parent.sandbox());
            } else {
                try (InputStream in = Files.newInputStream(archive)) {
                    sandbox = provider.restore(spec, in);
                }
                // the parent's home is its own (tools' settings, what its setup wrote): the fork's starts empty
                sandbox.exec(
                        ExecRequest.shell("find \"$HOME\" -mindepth 1 -delete").withTimeout(SETUP_HOOK_TIMEOUT),
                        OutputListener.IGNORE);
            }
        } catch (IOException | RuntimeException e) {
            secrets.forget(forkId);
            status(
                    forkId,
                    SandboxState.FAILED,
                    null,
                    "the workspace of " + parentId + " could not be copied: " + e.getMessage());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            secrets.forget(forkId);
            status(forkId, SandboxState.FAILED, null, "interrupted while copying the workspace of " + parentId);
            return false;
        }
        live.put(forkId, new Entry(sandbox, clock.instant()));
        try {
            workspaceSource.adopt(fork, sandbox);
            if (trusting) {
                trust.install(sandbox);
            }
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            String reason = "the copy of the workspace of " + parentId + " could not be made this session's own: "
                    + (e.getMessage() == null ? e.toString() : e.getMessage());
            live.remove(forkId);
            secrets.forget(forkId);
            sandbox.destroy();
            status(forkId, SandboxState.FAILED, sandbox.id(), reason);
            event(forkId, new EventPayload.Error(reason));
            return false;
        }
        status(forkId, SandboxState.READY, sandbox.id(), "a copy of the workspace of " + parentId);
        java.util.concurrent.CompletableFuture<Void> hooks = new java.util.concurrent.CompletableFuture<>();
        preparing.put(forkId, hooks);
        Thread.ofVirtual().name("fork-hooks-" + forkId).start(() -> {
            try {
                runHooks(forkId, sandbox, given.setupEnv());
            } finally {
                preparing.remove(forkId);
                hooks.complete(null);
            }
        });
        armIdleCheck(forkId, settings.idleTimeout());
        return true;
    }

    /**
     * A fresh sandbox gets the session's repository checked out. When that fails (no access, no
     * such branch) the sandbox is useless: it is destroyed and the caller (the turn) fails with why.
     */
    private void seed(String sessionId, Sandbox sandbox) {
        Optional<Session> session = store.sessions().get(sessionId);
        if (session.isEmpty()) {
            return;
        }
        try {
            workspaceSource.seed(session.get(), sandbox);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            String reason = "the repository could not be checked out: "
                    + (e.getMessage() == null ? e.toString() : e.getMessage());
            live.remove(sessionId);
            sandbox.destroy();
            status(sessionId, SandboxState.FAILED, sandbox.id(), reason);
            event(sessionId, new EventPayload.Error(reason));
            throw new SandboxException(reason, e);
        }
    }

    /** {@code .nightshift/setup.sh} once per workspace, then {@code .nightshift/start.sh} on every start. */
    private void runHooks(String sessionId, Sandbox sandbox, Map<String, String> setupSecrets) {
        // setup secrets exist for the setup hook's process alone: the agent's first command never sees them
        runHook(
                sessionId,
                sandbox,
                "setup.sh",
                SETUP_HOOK_TIMEOUT,
                "[ -f .nightshift/setup.sh ] && [ ! -e \"$HOME/.nightshift-setup-done\" ] || exit 200; "
                        + "bash .nightshift/setup.sh && touch \"$HOME/.nightshift-setup-done\"",
                setupSecrets);
        runHook(
                sessionId,
                sandbox,
                "start.sh",
                START_HOOK_TIMEOUT,
                "[ -f .nightshift/start.sh ] || exit 200; bash .nightshift/start.sh",
                Map.of());
    }

    /**
     * What every process of the sandbox gets besides the provider's own environment: each egress
     * secret's placeholder under the secret's name, {@code env} secrets' values (an explicit opt-in),
     * and, when the proxy terminates TLS for some hosts, where the deployment CA is trusted.
     */
    static Map<String, String> environment(SessionSecrets given, boolean trusting) {
        Map<String, String> env = new java.util.LinkedHashMap<>(given.placeholderEnv());
        env.putAll(given.env());
        if (trusting) {
            env.putAll(SandboxTrust.ENVIRONMENT);
        }
        return env;
    }

    private void runHook(
            String sessionId, Sandbox sandbox, String hook, Duration timeout, String script, Map<String, String> env) {
        ExecResult result;
        try {
            result = sandbox.exec(ExecRequest.shell(script).withTimeout(timeout).withEnv(env), OutputListener.IGNORE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (RuntimeException e) {
            event(
                    sessionId,
                    new EventPayload.SandboxHook(
                            ".nightshift/" + hook, null, null, null, String.valueOf(e.getMessage())));
            return;
        }
        if (result.exitCode() == 200) {
            return; // no such hook (or setup already done)
        }
        event(
                sessionId,
                new EventPayload.SandboxHook(
                        ".nightshift/" + hook,
                        result.exitCode(),
                        result.timedOut(),
                        tail(result.stdout() + result.stderr(), HOOK_OUTPUT_CHARS),
                        null));
    }

    private static String tail(String text, int chars) {
        return text.length() <= chars ? text : "…" + text.substring(text.length() - chars);
    }

    /**
     * Warms the sandbox in the background (someone is typing a prompt), at most once per session
     * every {@link #WARM_INTERVAL}: every typing frame calls this, and each attempt on a session
     * whose checkout fails would otherwise make and destroy a sandbox and run a host fetch.
     * Called on WebSocket threads; the window is updated atomically per session.
     */
    public void warm(String sessionId) {
        if (provider == null) {
            return;
        }
        Instant now = clock.instant();
        boolean[] allowed = {false};
        warmWindows.compute(sessionId, (id, window) -> {
            RateWindow next = (window == null ? RateWindow.fresh(now) : window).tryAcquire(now, 1, WARM_INTERVAL);
            allowed[0] = next != null;
            return next == null ? window : next;
        });
        if (!allowed[0]) {
            return;
        }
        Thread.ofVirtual().name("warm-" + sessionId).start(() -> {
            try {
                acquire(sessionId);
            } catch (RuntimeException e) {
                LOG.debug("warming {} failed: {}", sessionId, e.getMessage());
            }
        });
    }

    /** Real work happened (a turn, a tool call, port traffic); status polls never call this. */
    @Override
    public void touch(String sessionId) {
        live.computeIfPresent(sessionId, (id, e) -> e.touched(clock.instant()));
    }

    /** The live sandbox, if there is one; never creates or resumes. */
    public Optional<Sandbox> current(String sessionId) {
        return Optional.ofNullable(live.get(sessionId)).map(Entry::sandbox);
    }

    public Status status(String sessionId) {
        Entry entry = live.get(sessionId);
        if (entry != null) {
            Sandbox s = entry.sandbox();
            return new Status(
                    s.state().wire(),
                    s.id(),
                    s.state() == SandboxState.READY
                            ? s.ports().stream()
                                    .filter(p -> !dev.nightshift.core.sandbox.ReservedPorts.reserved(p))
                                    .toList()
                            : List.of(),
                    entry.lastActivity());
        }
        String recorded =
                store.sessions().get(sessionId).map(Session::sandboxStatus).orElse(null);
        return new Status(recorded == null ? "none" : recorded, null, List.of(), null);
    }

    /**
     * Looks for ports that started listening in live sandboxes and reports each once per sandbox
     * (as a preview URL); run it periodically.
     */
    public void announceNewPorts(
            java.util.function.Function<Sandbox, List<Integer>> userPorts,
            java.util.function.BiConsumer<String, Integer> announce) {
        announcedPorts.keySet().removeIf(key -> !live.containsKey(key.substring(0, key.indexOf('/'))));
        live.forEach((sessionId, entry) -> {
            Sandbox sandbox = entry.sandbox();
            if (sandbox.state() != SandboxState.READY) {
                return;
            }
            java.util.Set<Integer> seen =
                    announcedPorts.computeIfAbsent(sessionId + "/" + sandbox.id(), k -> ConcurrentHashMap.newKeySet());
            for (int port : userPorts.apply(sandbox)) {
                if (seen.add(port)) {
                    announce.accept(sessionId, port);
                }
            }
        });
    }

    /** Kills every process in the session's sandbox (stop), keeping the sandbox. */
    @Override
    public void killAll(String sessionId) {
        current(sessionId).ifPresent(Sandbox::killAll);
    }

    private void armIdleCheck(String sessionId, Duration delay) {
        timer.schedule(() -> idleCheck(sessionId), Math.max(1, delay.toMillis()), TimeUnit.MILLISECONDS);
    }

    private void idleCheck(String sessionId) {
        Entry entry = live.get(sessionId);
        if (entry == null) {
            return;
        }
        try {
            SandboxLifecycle.Hibernation decision = SandboxLifecycle.hibernation(
                    entry.sandbox().state(),
                    entry.lastActivity(),
                    turnRunning.test(sessionId),
                    clock.instant(),
                    settings.idleTimeout());
            switch (decision) {
                case SandboxLifecycle.Hibernation.Now now -> hibernate(sessionId);
                case SandboxLifecycle.Hibernation.Later later ->
                    armIdleCheck(sessionId, Duration.between(clock.instant(), later.at())); // always re-arm
                case SandboxLifecycle.Hibernation.Never never -> {}
            }
        } catch (RuntimeException e) {
            LOG.warn("idle check of {} failed; retrying later", sessionId, e);
            armIdleCheck(sessionId, Duration.ofMinutes(1));
        }
    }

    /**
     * Stops the sandbox and archives its workspace. Refuses while a turn runs (checked again
     * under the lock, just before stopping). Returns false when nothing was hibernated.
     */
    public boolean hibernate(String sessionId) {
        ReentrantLock lock = lock(sessionId);
        lock.lock();
        try {
            Entry entry = live.get(sessionId);
            if (entry == null || entry.sandbox().state() != SandboxState.READY || turnRunning.test(sessionId)) {
                return false;
            }
            Sandbox sandbox = entry.sandbox();
            status(sessionId, SandboxState.HIBERNATING, sandbox.id(), null);
            Path archive = snapshot(sessionId);
            Path partial = archive.resolveSibling(archive.getFileName() + ".partial");
            try (OutputStream out = Files.newOutputStream(partial)) {
                sandbox.hibernate(out);
            } catch (IOException | RuntimeException e) {
                status(sessionId, SandboxState.FAILED, sandbox.id(), "hibernation failed: " + e.getMessage());
                sandbox.destroy();
                live.remove(sessionId);
                return false;
            }
            try {
                Files.move(partial, archive, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new SandboxException("cannot keep the snapshot of " + sessionId + ": " + e.getMessage(), e);
            }
            live.remove(sessionId);
            secrets.forget(sessionId); // resolved again when it resumes
            status(sessionId, SandboxState.HIBERNATED, null, "idle; the next prompt resumes it");
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** The session is archived or gone: stop its sandbox and drop its snapshot. */
    public void destroy(String sessionId) {
        ReentrantLock lock = lock(sessionId);
        lock.lock();
        try {
            Entry entry = live.remove(sessionId);
            warmWindows.remove(sessionId);
            secrets.forget(sessionId);
            if (entry != null) {
                entry.sandbox().destroy();
            }
            Files.deleteIfExists(snapshot(sessionId));
            status(sessionId, SandboxState.DESTROYED, null, null);
        } catch (IOException e) {
            LOG.warn("cannot delete the snapshot of {}", sessionId, e);
        } finally {
            lock.unlock();
        }
    }

    private void requireAvailable() {
        if (provider == null) {
            throw new SandboxException("sandboxes are unavailable on this server: " + unavailable);
        }
    }

    private void status(String sessionId, SandboxState state, String sandboxId, String reason) {
        store.sessions()
                .updateSandbox(
                        sessionId,
                        state == SandboxState.READY ? sandboxId : null,
                        state.wire(),
                        owner,
                        clock.instant());
        event(sessionId, new EventPayload.SandboxStatus(state.wire(), sandboxId, reason));
    }

    /** Appends to the session's log; a session that no longer exists just gets nothing. */
    void event(String sessionId, EventPayload payload) {
        try {
            log.append(sessionId, null, payload);
        } catch (RuntimeException e) {
            LOG.debug("no event for {}: {}", sessionId, e.getMessage());
        }
    }

    @Override
    public void close() {
        if (provider != null) {
            provider.close();
        }
        live.clear();
    }
}
