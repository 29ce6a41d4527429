package dev.nightshift.server;

import dev.nightshift.core.port.PostTurnHook;
import dev.nightshift.core.port.Store;
import dev.nightshift.core.port.TurnExecutor;
import dev.nightshift.core.sandbox.SandboxProvider;
import dev.nightshift.server.auth.LocalAdmin;
import dev.nightshift.server.git.GitCredentials;
import dev.nightshift.server.http.RouteTable;
import dev.nightshift.server.live.EventLog;
import dev.nightshift.server.sandbox.SandboxManager;
import dev.nightshift.server.secret.Vault;
import dev.nightshift.server.turn.TurnDispatcher;
import dev.nightshift.store.JdbcStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Nightshift control plane. {@code Nightshift.start(config)} is all {@code nightshift
 * serve} does; tests start one on port 0 with their own executor. Starting locks the data
 * directory, opens the store, makes sure the local administrator exists, then lets
 * {@link Components} build and start everything else; {@link #close} undoes it in reverse.
 */
public final class Nightshift implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Nightshift.class);

    /** What a deployment (or a test) plugs in. */
    public static final class Plugins {
        /** Runs prompts; null: the agent, with the model gateway configured from the settings. */
        public TurnExecutor executor;
        /** Runs after a turn finished naturally. */
        public PostTurnHook postTurn = PostTurnHook.NONE;

        public Clock clock = Clock.systemUTC();
        /** Makes sandboxes; null: the one {@code NIGHTSHIFT_SANDBOX} names. */
        public SandboxProvider sandboxProvider;
        /** False: this server runs no sandboxes at all (tests of the API alone). */
        public boolean sandboxes = true;
        /** How long a stopped executor may take to return before the queue moves on without it. */
        public Duration stopGrace = TurnDispatcher.DEFAULT_STOP_GRACE;
    }

    private final DataDirLock lock;
    private final Store store;
    private final String adminToken;
    private final Components components;

    private Nightshift(DataDirLock lock, Store store, String adminToken, Components components) {
        this.lock = lock;
        this.store = store;
        this.adminToken = adminToken;
        this.components = components;
    }

    /** Starts a control plane with the default plugins: the coding agent, sandboxes as configured. */
    public static Nightshift start(NightshiftConfig config) {
        return start(config, plugins -> {});
    }

    public static Nightshift start(NightshiftConfig config, Consumer<Plugins> configure) {
        Plugins plugins = new Plugins();
        configure.accept(plugins);
        DataDirLock lock = DataDirLock.acquire(config.dataDir());
        Store store = null;
        Components components = null;
        try {
            store = JdbcStore.open(config.store(), plugins.clock);
            String adminToken = LocalAdmin.ensure(store, config.dataDir(), plugins.clock);
            components = new Components(config, plugins, store);
            Nightshift nightshift = new Nightshift(lock, store, adminToken, components);
            components.start();
            return nightshift;
        } catch (RuntimeException e) {
            closeQuietly(components);
            closeQuietly(store);
            lock.close();
            throw e;
        }
    }

    /** The base URL people use: the configured public URL, or this server's own address. */
    public String url() {
        return components.url();
    }

    public int port() {
        return components.server.port();
    }

    /** The default model, or how to configure one. */
    public String model() {
        return components.model;
    }

    public String adminToken() {
        return adminToken;
    }

    public NightshiftConfig config() {
        return components.config;
    }

    public Store store() {
        return store;
    }

    public EventLog eventLog() {
        return components.eventLog;
    }

    public SandboxManager sandboxes() {
        return components.sandboxes;
    }

    /** People's stored git credentials (sealed); tests use it to check no secret reaches a sandbox. */
    public GitCredentials gitCredentials() {
        return components.gitCredentials;
    }

    /**
     * The trigger pipeline every start that is not a person typing goes through: integrations record
     * their triggers here and register a sink for their origin kind.
     */
    public dev.nightshift.triggers.TriggerPipeline triggers() {
        return components.triggers;
    }

    /** The vault of secrets (sealed); {@link Vault#resolve} is where a session's values are opened. */
    public Vault vault() {
        return components.vault;
    }

    /** The HTTP routes this server registered, for documentation checks. */
    public List<RouteTable.Route> routes() {
        return components.server.routes();
    }

    public int webSocketConnections() {
        return components.ws.connectionCount();
    }

    @Override
    public void close() {
        components.close();
        store.close();
        lock.close();
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception e) {
            LOG.warn("error while shutting down", e);
        }
    }
}
