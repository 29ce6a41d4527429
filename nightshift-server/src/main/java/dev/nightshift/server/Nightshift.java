package dev.nightshift.server;

import dev.nightshift.core.port.PostTurnHook;
import dev.nightshift.core.policy.RepositoryPolicy;
import dev.nightshift.git.CommitIdentity;
import dev.nightshift.git.RemoteGuard;
import dev.nightshift.git.Workspaces;
import dev.nightshift.server.git.CommitMessages;
import dev.nightshift.server.git.GitCredentials;
import dev.nightshift.server.git.GitIntegration;
import dev.nightshift.server.git.GitRoutes;
import dev.nightshift.server.git.SecretBox;
import dev.nightshift.github.GitHubApp;
import dev.nightshift.github.GitHubEndpoints;
import dev.nightshift.github.GitHubOAuth;
import dev.nightshift.github.OAuthTokens;
import dev.nightshift.server.github.GitHubPullRequests;
import dev.nightshift.server.github.GitHubRoutes;
import dev.nightshift.core.port.Store;
import dev.nightshift.core.port.TurnExecutor;
import dev.nightshift.server.http.ApiException;
import dev.nightshift.server.api.ApiRoutes;
import dev.nightshift.server.http.Json;
import dev.nightshift.server.http.RouteTable;
import dev.nightshift.server.auth.Authenticator;
import dev.nightshift.server.auth.LocalAdmin;
import dev.nightshift.server.auth.OidcRoutes;
import dev.nightshift.server.auth.SignIn;
import dev.nightshift.server.api.AccountRoutes;
import dev.nightshift.server.live.LiveAccess;
import dev.nightshift.server.live.EventHub;
import dev.nightshift.server.live.EventLog;
import dev.nightshift.server.live.Presence;
import dev.nightshift.server.live.QueueBroadcaster;
import dev.nightshift.server.live.SseEndpoint;
import dev.nightshift.server.live.WsEndpoint;
import dev.nightshift.server.limits.RateLimits;
import dev.nightshift.server.session.SessionService;
import dev.nightshift.server.turn.TurnDispatcher;
import dev.nightshift.server.turn.TurnSandboxes;
import dev.nightshift.server.sandbox.PortProxy;
import dev.nightshift.server.sandbox.PortWebSockets;
import dev.nightshift.server.sandbox.SandboxEgress;
import dev.nightshift.server.sandbox.SandboxManager;
import dev.nightshift.server.sandbox.SandboxRoutes;
import dev.nightshift.core.sandbox.SandboxProvider;
import dev.nightshift.sandbox.BubblewrapConfig;
import dev.nightshift.sandbox.BubblewrapProvider;
import dev.nightshift.store.JdbcStore;
import io.javalin.Javalin;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.net.URI;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Nightshift control plane: store, live hub, turn dispatcher and HTTP server, wired
 * together. {@code Nightshift.start(config)} is all {@code nightshift serve} does; tests start one
 * on port 0 with their own executor.
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
        public dev.nightshift.core.sandbox.SandboxProvider sandboxProvider;
        /** False: this server runs no sandboxes at all (tests of the API alone). */
        public boolean sandboxes = true;
        /** How long a stopped executor may take to return before the queue moves on without it. */
        public Duration stopGrace = TurnDispatcher.DEFAULT_STOP_GRACE;
    }

    private final NightshiftConfig config;
    private final FileChannel lockChannel;
    private final FileLock dataDirLock;
    private final Store store;
    private final TurnDispatcher dispatcher;
    private final ScheduledExecutorService timer;
    private final Javalin app;
    private final String adminToken;
    private final RouteTable routeTable;
    private final WsEndpoint ws;
    private final EventLog eventLog;
    private final SessionService sessions;
    private final SandboxManager sandboxes;
    private final String model;
    private final GitCredentials gitCredentials;
    private final GitIntegration git;
    private final SignIn signIn;
    private AutoCloseable otherNodes = () -> {};

    private Nightshift(NightshiftConfig config, Plugins plugins) {
        this.config = config;
        Path dataDir = config.dataDir();
        createDirectories(dataDir);
        this.lockChannel = open(dataDir.resolve("nightshift.lock"));
        this.dataDirLock = lock(lockChannel, dataDir);
        Store opened = null;
        try {
            opened = JdbcStore.open(config.store());
        } catch (RuntimeException e) {
            releaseLock();
            throw e;
        }
        this.store = opened;
        Clock clock = plugins.clock;
        this.adminToken = LocalAdmin.ensure(store, dataDir, clock);

        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(metrics);
        new JvmThreadMetrics().bindTo(metrics);
        new JvmGcMetrics().bindTo(metrics);
        new ProcessorMetrics().bindTo(metrics);

        EventHub hub = new EventHub();
        this.eventLog = new EventLog(store, hub, clock, metrics);
        QueueBroadcaster queue = new QueueBroadcaster(store, hub);
        var gatewayConfig = dev.nightshift.agent.model.GatewayConfig.from(config.values());
        var gateway = new dev.nightshift.agent.model.DefaultModelGateway(gatewayConfig);
        TurnExecutor executor = plugins.executor != null ? plugins.executor : agent(config, gateway, store);
        this.gitCredentials = new GitCredentials(store, SecretBox.open(config.get(Setting.SECRET_KEY), dataDir), clock);
        RepositoryPolicy repositories = config.repositoryPolicy();
        this.git = new GitIntegration(store, eventLog, new Workspaces(dataDir.resolve("git"),
                new RemoteGuard(config.gitInternalHosts())), gitCredentials,
                new CommitIdentity(config.get(Setting.GIT_AGENT_NAME), config.get(Setting.GIT_AGENT_EMAIL)),
                session -> CommitMessages.forSession(gateway, session), clock, repositories);
        PostTurnHook custom = plugins.postTurn;
        PostTurnHook postTurn = turn -> {
            git.afterTurn(turn);
            custom.afterTurn(turn);
        };
        this.model = plugins.executor != null ? "a custom executor"
                : Optional.ofNullable(gatewayConfig.defaultModel()).map(Object::toString).orElse(NO_MODEL);
        this.dispatcher = new TurnDispatcher(store, eventLog, executor, postTurn, queue::queueChanged,
                nodeId(), config.turnLease(), plugins.stopGrace, clock);
        SandboxProvider provider = plugins.sandboxProvider;
        String unavailable = null;
        if (!plugins.sandboxes) {
            unavailable = "sandboxes are switched off for this server";
        } else if (provider == null) {
            try {
                provider = sandboxProvider(config, new SandboxEgress(store, eventLog, config.sandbox()));
            } catch (RuntimeException e) {
                unavailable = e.getMessage();
                LOG.warn("sandboxes unavailable: {}", unavailable);
            }
        }
        Authenticator auth = new Authenticator(store, clock);
        ScheduledThreadPoolExecutor timerPool = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "nightshift-timer");
            t.setDaemon(true);
            return t;
        });
        timerPool.setRemoveOnCancelPolicy(true); // cancelled subscribe deadlines must not linger
        this.timer = timerPool;
        this.sandboxes = new SandboxManager(provider, unavailable, store, eventLog, config.dataDir().resolve("snapshots"),
                config.sandbox(), dispatcher::isRunning, timer, clock);
        sandboxes.useWorkspaceSource(git);
        dispatcher.useSandboxes(new TurnSandboxes() {
            @Override
            public dev.nightshift.core.sandbox.Sandbox acquire(String sessionId) {
                return sandboxes.acquire(sessionId);
            }

            @Override
            public void killAll(String sessionId) {
                sandboxes.killAll(sessionId);
            }

            @Override
            public void touch(String sessionId) {
                sandboxes.touch(sessionId);
            }
        });
        this.sessions = new SessionService(store, queue, dispatcher, config.limits(), clock, metrics, sandboxes::destroy, sandboxes::warm,
                config.sessionsVisibleToAll(), repositories);
        LiveAccess liveAccess = new LiveAccess((caller, sessionId) -> auth.refreshed(caller).map(fresh -> {
            try {
                sessions.require(fresh, sessionId, dev.nightshift.core.policy.Access.Action.READ);
                return true;
            } catch (ApiException e) {
                return false;
            }
        }).orElse(false));
        RateLimits rateLimits = new RateLimits(config.rateLimits());
        this.signIn = new SignIn(store, config.admission(), config.signInTokenTtl(), config.get(Setting.ADMISSION_CONTACT), clock);
        this.ws = new WsEndpoint(store, sessions, auth, hub, new Presence(), timer, clock, sandboxes::warm, liveAccess,
                rateLimits);
        PortProxy ports = new PortProxy(sandboxes, sessions, auth, BubblewrapConfig.DEFAULT_EGRESS_PORT);
        SandboxRoutes sandboxRoutes = new SandboxRoutes(sandboxes, sessions, auth);
        GitRoutes gitRoutes = new GitRoutes(store, sessions, auth, git, gitCredentials, sandboxes, clock);
        GitHubRoutes gitHubRoutes = gitHub(config, auth, liveAccess, clock);
        OidcRoutes oidcRoutes = new OidcRoutes(store, signIn, config.oidcProviders(), config.get(Setting.OIDC_GROUPS_CLAIM),
                gitHubRoutes.signInConfigured(), this::url, clock);
        AccountRoutes accounts = new AccountRoutes(store, auth, liveAccess, this::url, oidcRoutes::loginPath, clock);
        PortWebSockets portSockets = new PortWebSockets(sandboxes, sessions, auth, ports);
        Gauge.builder("nightshift.live.clients", hub, EventHub::listenerCount).register(metrics);
        Gauge.builder("nightshift.turns.running", dispatcher, TurnDispatcher::runningTurns).register(metrics);

        ApiRoutes api = new ApiRoutes(store, sessions, auth, clock, this::url, liveAccess);
        SseEndpoint sse = new SseEndpoint(store, sessions, auth, hub, liveAccess);
        RouteTable[] table = new RouteTable[1];
        byte[] openApi = resource("/openapi.json");
        this.app = Javalin.create(javalin -> {
            javalin.concurrency.useVirtualThreads = true;
            javalin.jsonMapper(new JavalinJackson(Json.MAPPER, true));
            javalin.startup.showJavalinBanner = false;
            javalin.http.maxRequestSize = 1_048_576L;
            javalin.jetty.modifyWebSocketServletFactory(factory -> factory.setIdleTimeout(Duration.ofSeconds(60)));
            javalin.jetty.modifyServletContextHandler(Nightshift::keepNoHttpSessions);
            rateLimits.register(javalin.routes);
            RouteTable routes = new RouteTable(javalin.routes);
            table[0] = routes;
            javalin.routes.before("/api/*", Json::requireJsonContentType);
            routes.get("/healthz", ctx -> ctx.json(Map.of("status", "ok", "store", store.dialect())));
            routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()));
            routes.get("/api/openapi.json", ctx -> ctx.contentType("application/json").result(openApi));
            api.register(routes);
            sse.register(routes);
            sandboxRoutes.register(routes);
            gitRoutes.register(routes);
            gitHubRoutes.register(routes);
            oidcRoutes.register(routes);
            accounts.register(routes);
            ports.register(routes);
            portSockets.register(javalin.routes);
            ws.register(javalin.routes);
            new dev.nightshift.server.web.WebUi().register(javalin.routes);
            javalin.routes.exception(ApiException.class, (e, ctx) -> error(ctx, e.status(), e.code(), e.getMessage()));
            javalin.routes.exception(HttpResponseException.class, (e, ctx) ->
                    error(ctx, e.getStatus(), "http_" + e.getStatus(), e.getMessage()));
            javalin.routes.exception(Exception.class, (e, ctx) -> {
                LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
                error(ctx, 500, "internal", "the server failed to handle this request; the error has been logged");
            });
            javalin.routes.error(404, ctx -> {
                if (ctx.result() == null || ctx.result().isEmpty()) {
                    error(ctx, 404, "not_found", "no route " + ctx.method() + " " + ctx.path());
                }
            });
        });
        this.routeTable = table[0];
        try {
            app.start(config.bind(), config.port());
        } catch (RuntimeException e) {
            closeQuietly();
            throw e;
        }
        this.otherNodes = store.events().watchOtherNodes((sessionId, lastSeq) -> {
            if (sessionId == null) {
                eventLog.relayAll();
            } else {
                eventLog.relay(sessionId, lastSeq);
            }
        });
        sandboxes.start();
        timer.scheduleAtFixedRate(() -> announcePorts(ports), PORT_SCAN_MS, PORT_SCAN_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
        // access withdrawn on another node of a fleet reaches this node's open streams here
        timer.scheduleAtFixedRate(liveAccess::recheckAll, LIVE_RECHECK_MS, LIVE_RECHECK_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
        dispatcher.start(store.dialect().equals("sqlite"));
        LOG.info("Nightshift listening on {} (store: {}, node {})", url(), store.dialect(), dispatcher.nodeId());
    }

    private static final long PORT_SCAN_MS = 2000;
    /** How often every open live stream is re-validated against the store (changes made on this node close them at once). */
    private static final long LIVE_RECHECK_MS = 10_000;
    static final String NO_MODEL = "none — set NIGHTSHIFT_MODEL (e.g. openai-compatible/<model> with OPENAI_COMPATIBLE_BASE_URL, "
            + "or anthropic/<model> with ANTHROPIC_API_KEY); until then prompts fail saying so";

    /** The default model, or how to configure one. */
    public String model() {
        return model;
    }

    /** The coding agent. Without a model it still starts: a prompt then fails saying how to configure one. */
    private static TurnExecutor agent(NightshiftConfig config, dev.nightshift.agent.model.DefaultModelGateway gateway,
            Store store) {
        if (gateway.defaultModel() == null) {
            LOG.warn("no model is configured: set NIGHTSHIFT_MODEL (e.g. openai-compatible/<model> with "
                    + "OPENAI_COMPATIBLE_BASE_URL, or anthropic/<model> with ANTHROPIC_API_KEY)");
        }
        return new dev.nightshift.agent.AgentExecutor(gateway, store.events(), dev.nightshift.agent.tools.Tools.all(),
                config.agent());
    }

    private static SandboxProvider sandboxProvider(NightshiftConfig config, SandboxEgress egress) {
        Path root = config.dataDir().resolve("sandboxes");
        if (config.sandbox().provider().equals("process")) {
            return new dev.nightshift.sandbox.ProcessProvider(root); // logs its NO ISOLATION warning loudly
        }
        try {
            return new BubblewrapProvider(BubblewrapConfig.under(root)
                    .withWarmPool(config.sandbox().warmPool(), config.sandbox().limits()), egress);
        } catch (dev.nightshift.core.sandbox.SandboxException e) {
            throw new dev.nightshift.core.sandbox.SandboxException(e.getMessage()
                    + " (or set NIGHTSHIFT_SANDBOX=process on a trusted development machine: no isolation)", e);
        }
    }

    /**
     * GitHub: pull requests for repositories on its host (always: a personal access token is enough),
     * sign-in and token refresh when the App's client is configured, and the webhook.
     */
    private GitHubRoutes gitHub(NightshiftConfig config, Authenticator auth, LiveAccess liveAccess, Clock clock) {
        GitHubEndpoints endpoints = new GitHubEndpoints(URI.create(config.get(Setting.GITHUB_API_URL)),
                URI.create(config.get(Setting.GITHUB_WEB_URL)));
        GitHubPullRequests pullRequests = new GitHubPullRequests(endpoints, gitCredentials);
        git.usePullRequests(pullRequests);
        GitHubOAuth oauth = null;
        String clientId = config.get(Setting.GITHUB_CLIENT_ID);
        if (!clientId.isEmpty()) {
            GitHubOAuth client = new GitHubOAuth(endpoints, clientId, config.get(Setting.GITHUB_CLIENT_SECRET));
            oauth = client;
            gitCredentials.useRefresher((userId, host, refreshToken) -> {
                OAuthTokens fresh = client.refresh(refreshToken);
                if (!signIn.rules().gitHubOrgs().isEmpty()) {
                    // leaving the organisation ends access at the next refresh, not only at the next sign-in
                    var user = client.user(fresh.accessToken());
                    var account = new SignIn.Account("github", host, String.valueOf(user.id()), user.login(), user.name(),
                            user.noreplyEmail(), client.verifiedEmails(fresh.accessToken()), client.memberships(fresh.accessToken()),
                            java.util.Set.of());
                    if (!signIn.stillAdmitted(userId, account)) {
                        liveAccess.userChanged(userId);
                        throw new IllegalStateException("no longer admitted");
                    }
                }
                return new GitCredentials.TokenRefresher.Refreshed(fresh.accessToken(), fresh.accessExpiresAt(), fresh.refreshToken(),
                        fresh.refreshExpiresAt());
            });
        }
        GitHubApp app = null;
        String appId = config.get(Setting.GITHUB_APP_ID);
        if (!appId.isEmpty()) {
            Path keyFile = Path.of(config.get(Setting.GITHUB_APP_PRIVATE_KEY_FILE));
            try {
                app = new GitHubApp(endpoints, appId, Files.readString(keyFile));
            } catch (IOException e) {
                throw new IllegalArgumentException("NIGHTSHIFT_GITHUB_APP_PRIVATE_KEY_FILE: cannot read " + keyFile + ": " + e.getMessage(), e);
            }
        }
        return new GitHubRoutes(store, eventLog, gitCredentials, oauth, app, pullRequests.host(),
                config.get(Setting.GITHUB_WEBHOOK_SECRET), this::url, auth, signIn, clock);
    }

    /** A port that starts listening in a sandbox becomes a preview URL for everyone in the session. */
    private void announcePorts(PortProxy ports) {
        try {
            sandboxes.announceNewPorts(ports::userPorts, (sessionId, port) -> {
                String url = url() + "/api/sessions/" + sessionId + "/ports/" + port + "/";
                var artifact = store.artifacts().add(sessionId, "preview_url", url, "{\"port\":" + port + "}", java.time.Instant.now());
                eventLog.append(sessionId, dev.nightshift.core.model.EventTypes.ARTIFACT, null,
                        Json.write(dev.nightshift.server.http.Views.artifact(artifact)));
            });
        } catch (RuntimeException e) {
            LOG.debug("port scan failed", e);
        }
    }

    /** People's stored git credentials (sealed); tests use it to check no secret reaches a sandbox. */
    public GitCredentials gitCredentials() {
        return gitCredentials;
    }

    public GitIntegration git() {
        return git;
    }

    public SandboxManager sandboxes() {
        return sandboxes;
    }

    /** Starts a control plane with the default plugins (no agent yet). */
    public static Nightshift start(NightshiftConfig config) {
        return start(config, plugins -> {});
    }

    public static Nightshift start(NightshiftConfig config, Consumer<Plugins> configure) {
        Plugins plugins = new Plugins();
        configure.accept(plugins);
        return new Nightshift(config, plugins);
    }

    public int port() {
        return app.port();
    }

    /** The base URL people use: the configured public URL, or this server's own address. */
    public String url() {
        if (config.publicUrl() != null) {
            return config.publicUrl();
        }
        String host = config.bind().equals("0.0.0.0") ? "127.0.0.1" : config.bind();
        return "http://" + host + ":" + port();
    }

    public String adminToken() {
        return adminToken;
    }

    public Store store() {
        return store;
    }

    public EventLog eventLog() {
        return eventLog;
    }

    public SessionService sessions() {
        return sessions;
    }

    public NightshiftConfig config() {
        return config;
    }

    /** The HTTP routes this server registered, for documentation checks. */
    public List<RouteTable.Route> routes() {
        return routeTable.registered();
    }

    public int webSocketConnections() {
        return ws.connectionCount();
    }

    /**
     * Nightshift authenticates every request with a bearer token and never uses HTTP sessions, but
     * Javalin touches the session at each WebSocket upgrade, which would otherwise keep one session
     * per connection alive forever. A cache that keeps nothing makes those sessions free.
     */
    private static void keepNoHttpSessions(org.eclipse.jetty.ee10.servlet.ServletContextHandler handler) {
        var sessions = handler.getSessionHandler();
        if (sessions != null) {
            var cache = new org.eclipse.jetty.session.NullSessionCache(sessions);
            cache.setSessionDataStore(new org.eclipse.jetty.session.NullSessionDataStore());
            sessions.setSessionCache(cache);
        }
    }

    private static void error(io.javalin.http.Context ctx, int status, String code, String message) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code);
        error.put("message", message);
        Json.respond(ctx, status, Map.of("error", error));
    }

    private static String nodeId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "node";
        }
        return host + "-" + ProcessHandle.current().pid() + "-" + Long.toHexString(System.nanoTime() & 0xffffff);
    }

    private static byte[] resource(String name) {
        try (InputStream in = Nightshift.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data directory " + dir, e);
        }
    }

    private static FileChannel open(Path file) {
        try {
            return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + file, e);
        }
    }

    private static FileLock lock(FileChannel channel, Path dataDir) {
        try {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw new IllegalStateException("another Nightshift server is using the data directory " + dataDir
                        + "; stop it or choose another NIGHTSHIFT_DATA_DIR");
            }
            return lock;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock the data directory " + dataDir, e);
        }
    }

    private void releaseLock() {
        try {
            if (dataDirLock != null) {
                dataDirLock.release();
            }
            lockChannel.close();
        } catch (IOException ignored) {
            // the process is going away anyway
        }
    }

    private void closeQuietly() {
        try {
            close();
        } catch (RuntimeException e) {
            LOG.warn("error while shutting down", e);
        }
    }

    @Override
    public void close() {
        try {
            sandboxes.close();
        } catch (RuntimeException e) {
            LOG.warn("closing sandboxes failed", e);
        }
        try {
            otherNodes.close();
        } catch (Exception e) {
            LOG.warn("closing the cross-node watch failed", e);
        }
        dispatcher.close();
        if (app != null) {
            app.stop();
        }
        timer.shutdownNow();
        store.close();
        releaseLock();
    }
}
