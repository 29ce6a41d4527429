package dev.nightshift.server;

import dev.nightshift.agent.AgentExecutor;
import dev.nightshift.agent.browser.BrowserTool;
import dev.nightshift.agent.browser.Browsers;
import dev.nightshift.agent.mcp.McpTools;
import dev.nightshift.agent.model.DefaultModelGateway;
import dev.nightshift.agent.model.GatewayConfig;
import dev.nightshift.agent.tools.Tools;
import dev.nightshift.core.model.Question;
import dev.nightshift.core.policy.Access;
import dev.nightshift.core.policy.RepositoryPolicy;
import dev.nightshift.core.port.PostTurnHook;
import dev.nightshift.core.port.Store;
import dev.nightshift.core.port.TurnExecutor;
import dev.nightshift.core.sandbox.SandboxException;
import dev.nightshift.core.sandbox.SandboxProvider;
import dev.nightshift.git.CommitIdentity;
import dev.nightshift.git.RemoteGuard;
import dev.nightshift.git.Workspaces;
import dev.nightshift.github.GitHubApp;
import dev.nightshift.github.GitHubEndpoints;
import dev.nightshift.github.GitHubOAuth;
import dev.nightshift.github.GitHubRest;
import dev.nightshift.linear.LinearClient;
import dev.nightshift.linear.LinearOAuth;
import dev.nightshift.linear.RepositoryMapping;
import dev.nightshift.sandbox.BubblewrapConfig;
import dev.nightshift.sandbox.BubblewrapProvider;
import dev.nightshift.sandbox.IsolationChoice;
import dev.nightshift.sandbox.ProcessProvider;
import dev.nightshift.sandbox.egress.CertificateAuthority;
import dev.nightshift.server.api.AccountRoutes;
import dev.nightshift.server.api.ApiRoutes;
import dev.nightshift.server.api.ApiServer;
import dev.nightshift.server.api.ForkRoutes;
import dev.nightshift.server.auth.Authenticator;
import dev.nightshift.server.auth.OidcRoutes;
import dev.nightshift.server.auth.SignIn;
import dev.nightshift.server.children.ChildSessionService;
import dev.nightshift.server.desktop.DesktopRoutes;
import dev.nightshift.server.desktop.DesktopService;
import dev.nightshift.server.desktop.DesktopSocket;
import dev.nightshift.server.fork.SessionForks;
import dev.nightshift.server.git.CommitMessages;
import dev.nightshift.server.git.GitCredentials;
import dev.nightshift.server.git.GitIntegration;
import dev.nightshift.server.git.GitRoutes;
import dev.nightshift.server.git.SecretBox;
import dev.nightshift.server.github.GitHubPullRequests;
import dev.nightshift.server.github.GitHubRoutes;
import dev.nightshift.server.github.GitHubTokenRefresher;
import dev.nightshift.server.github.GitHubWorkplace;
import dev.nightshift.server.limits.RateLimits;
import dev.nightshift.server.linear.LinearInstallRoutes;
import dev.nightshift.server.linear.LinearInstallation;
import dev.nightshift.server.linear.LinearRoutes;
import dev.nightshift.server.linear.LinearWorkplace;
import dev.nightshift.server.live.EventHub;
import dev.nightshift.server.live.EventLog;
import dev.nightshift.server.live.LiveAccess;
import dev.nightshift.server.live.Presence;
import dev.nightshift.server.live.QueueBroadcaster;
import dev.nightshift.server.live.SseEndpoint;
import dev.nightshift.server.live.WsEndpoint;
import dev.nightshift.server.media.MediaLibrary;
import dev.nightshift.server.media.MediaRoutes;
import dev.nightshift.server.question.QuestionRoutes;
import dev.nightshift.server.question.Questions;
import dev.nightshift.server.sandbox.PortAnnouncer;
import dev.nightshift.server.sandbox.PortProxy;
import dev.nightshift.server.sandbox.PortWebSockets;
import dev.nightshift.server.sandbox.PreviewAccess;
import dev.nightshift.server.sandbox.PreviewHost;
import dev.nightshift.server.sandbox.PreviewHosts;
import dev.nightshift.server.sandbox.SandboxEgress;
import dev.nightshift.server.sandbox.SandboxManager;
import dev.nightshift.server.sandbox.SandboxRoutes;
import dev.nightshift.server.sandbox.SandboxSecrets;
import dev.nightshift.server.sandbox.SandboxTrust;
import dev.nightshift.server.secret.EgressCaStore;
import dev.nightshift.server.secret.SecretRoutes;
import dev.nightshift.server.secret.Vault;
import dev.nightshift.server.session.Attachments;
import dev.nightshift.server.session.SessionRoles;
import dev.nightshift.server.session.SessionService;
import dev.nightshift.server.slack.ChannelRoutes;
import dev.nightshift.server.slack.SlackRoutes;
import dev.nightshift.server.slack.SlackWorkplace;
import dev.nightshift.server.terminal.TerminalSockets;
import dev.nightshift.server.trigger.AutomationRoutes;
import dev.nightshift.server.trigger.AutomationSealer;
import dev.nightshift.server.trigger.TriggerSessions;
import dev.nightshift.server.turn.RunningTurns;
import dev.nightshift.server.turn.TurnDispatcher;
import dev.nightshift.server.web.WebUi;
import dev.nightshift.slack.SlackClient;
import dev.nightshift.slack.SocketModeConnector;
import dev.nightshift.store.FileBlobStore;
import dev.nightshift.triggers.AutomationScheduler;
import dev.nightshift.triggers.AutomationService;
import dev.nightshift.triggers.RunRules;
import dev.nightshift.triggers.TriggerPipeline;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: builds every component of a control plane in dependency order, each
 * through its constructor, then starts and stops them in order. Nothing here decides anything;
 * what is built is read from {@link NightshiftConfig} and {@link Nightshift.Plugins}.
 *
 * <p>How the would-be cycles are broken, so that each component gets what it needs when it is
 * built:
 * <ul>
 *   <li>The sandbox manager never hibernates under a running turn, and the dispatcher runs turns in
 *       sandboxes: both share {@link RunningTurns}, built before either.
 *   <li>Live streams are re-checked with {@link SessionRoles}, which needs only the store, so the
 *       GitHub token refresher (which closes the streams of a person no longer admitted) exists
 *       before the credentials, git, the dispatcher and the session service that follow from it.
 *   <li>The session service asks the dispatcher through {@link dev.nightshift.server.session.TurnControl}
 *       and tells the watchers through a callback, so sessions do not depend on the turn or live packages.
 *   <li>The agent's session tools act through {@link ChildSessionService}, which needs the session
 *       service, which needs the dispatcher, which needs the agent: it is built first and given the
 *       session service once that exists, before anything runs.
 *   <li>The other late binding: the base URL ({@link #url}) is known only once the server listens (port 0
 *       picks a free one), so the components that put it into links and events get a method reference
 *       and call it when a request or event comes, never during construction.
 * </ul>
 * Built and started on the starting thread; {@link #close} runs on whichever thread stops the server.
 */
final class Components implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Components.class);
    /** How often every open live stream is re-validated against the store (changes made on this node close them at once). */
    private static final long LIVE_RECHECK_MS = 10_000;

    private static final long BROWSER_SWEEP_MS = 60_000;

    static final String NO_MODEL =
            "none — set NIGHTSHIFT_MODEL (e.g. openai-compatible/<model> with OPENAI_COMPATIBLE_BASE_URL, "
                    + "or anthropic/<model> with ANTHROPIC_API_KEY); until then prompts fail saying so";

    final NightshiftConfig config;
    final Store store;
    final String model;
    final EventLog eventLog;
    final GitCredentials gitCredentials;
    /** The vault of secrets; {@link Vault#resolve} gives a session's secrets to its sandbox and egress proxy. */
    final Vault vault;

    final SandboxManager sandboxes;
    final WsEndpoint ws;
    final ApiServer server;
    private final ScheduledExecutorService timer;
    private final LiveAccess liveAccess;
    private final TurnDispatcher dispatcher;
    private final PortAnnouncer portAnnouncer;
    /** Every start that is not a person typing; assigned once, after the dispatcher that reports turn ends to it. */
    final TriggerPipeline triggers;

    private final SlackRoutes slackRoutes;
    /** Slack's Socket Mode connection, when an app-level token is set (closed with the server). */
    private SocketModeConnector socketMode;

    private final SlackWorkplace slackWorkplace; // null: Slack is not configured

    private final AutomationScheduler scheduler;
    /** Answers, plan approvals and the questions' timeout. */
    final Questions questions;
    /** The integrations that ask in their own threads too; added while building, read by turn threads after. */
    private final List<Consumer<Question>> questionListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Child sessions started by agents: the agent's session tools act through it; told of every turn's end. */
    private final ChildSessionService children;
    /** The agent's browsers, one per live sandbox (the {@code browser} tool's). */
    private final Browsers browsers = new Browsers();

    private AutoCloseable otherNodes = () -> {};

    Components(NightshiftConfig config, Nightshift.Plugins plugins, Store store) {
        this.config = config;
        this.store = store;
        Clock clock = plugins.clock;
        Path dataDir = config.dataDir();
        RepositoryPolicy repositories = config.repositoryPolicy();
        PrometheusMeterRegistry metrics = metrics();
        this.timer = timer();

        SecretBox secretBox = SecretBox.open(config.get(Setting.SECRET_KEY), dataDir);
        this.vault = new Vault(store, secretBox, clock);
        // which secrets each running sandbox was given (from the vault): the log is redacted of their values
        SandboxSecrets sandboxSecrets = new SandboxSecrets(vault::resolve);
        SandboxTrust trust = new SandboxTrust(egressCa(config, secretBox, clock));
        EventHub hub = new EventHub();
        this.eventLog = new EventLog(store, hub, clock, metrics, sandboxSecrets::redact);
        QueueBroadcaster queue = new QueueBroadcaster(store, hub);
        GatewayConfig gatewayConfig = GatewayConfig.from(config.values());
        DefaultModelGateway gateway = new DefaultModelGateway(gatewayConfig);
        this.children = new ChildSessionService(store, eventLog, config.childSessionLimits(), clock);
        TurnExecutor executor =
                plugins.executor != null ? plugins.executor : agent(config, gateway, store, vault, children, browsers);
        this.model = plugins.executor != null
                ? "a custom executor"
                : Optional.ofNullable(gatewayConfig.defaultModel())
                        .map(Object::toString)
                        .orElse(NO_MODEL);

        Authenticator auth = new Authenticator(store, clock);
        SignIn signIn = new SignIn(
                store, config.admission(), config.signInTokenTtl(), config.get(Setting.ADMISSION_CONTACT), clock);
        SessionRoles roles = new SessionRoles(store, config.sessionsVisibleToAll());
        this.liveAccess = new LiveAccess((caller, sessionId) -> auth.refreshed(caller)
                .map(fresh -> roles.allows(fresh, sessionId, Access.Action.READ))
                .orElse(false));

        GitHubEndpoints gitHub = new GitHubEndpoints(
                URI.create(config.get(Setting.GITHUB_API_URL)), URI.create(config.get(Setting.GITHUB_WEB_URL)));
        GitHubOAuth gitHubOAuth = gitHubOAuth(config, gitHub);
        this.gitCredentials = new GitCredentials(
                store,
                secretBox,
                gitHubOAuth == null ? null : new GitHubTokenRefresher(gitHubOAuth, signIn, liveAccess),
                clock);
        GitHubPullRequests pullRequests = new GitHubPullRequests(gitHub, gitCredentials);
        GitIntegration git = new GitIntegration(
                store,
                eventLog,
                new Workspaces(dataDir.resolve("git"), new RemoteGuard(config.gitInternalHosts())),
                gitCredentials,
                new CommitIdentity(config.get(Setting.GIT_AGENT_NAME), config.get(Setting.GIT_AGENT_EMAIL)),
                session -> CommitMessages.forSession(gateway, session),
                pullRequests,
                clock,
                repositories,
                this::url);
        PostTurnHook custom = plugins.postTurn;
        PostTurnHook postTurn = turn -> {
            git.afterTurn(turn);
            custom.afterTurn(turn);
        };

        // prompts' files: content-addressed under the data directory (a fleet would put an object store here)
        FileBlobStore blobs = new FileBlobStore(dataDir.resolve("blobs"));
        Attachments attachments = new Attachments(store, blobs, config.attachmentLimits());
        // the agent's screenshots and videos: in the same blob store, recorded as artifacts
        MediaLibrary media = new MediaLibrary(store, blobs, clock);
        RunningTurns runningTurns = new RunningTurns();
        this.sandboxes = sandboxManager(
                config, plugins, store, eventLog, git, runningTurns, timer, clock, sandboxSecrets, trust);
        this.dispatcher = new TurnDispatcher(
                store,
                eventLog,
                executor,
                postTurn,
                queue::queueChanged,
                sandboxes,
                runningTurns,
                this::turnEnded,
                nodeId(),
                config.turnLease(),
                plugins.stopGrace,
                clock,
                attachments,
                config.questionTimeout(),
                this::questionAsked,
                media);
        SessionService sessions = new SessionService(
                store,
                queue::queueChanged,
                dispatcher,
                config.limits(),
                clock,
                metrics,
                sandboxes::destroy,
                sandboxes::warm,
                roles,
                repositories);
        children.bind(sessions);

        this.questions = new Questions(store, eventLog, roles, dispatcher, config.limits(), queue::queueChanged, clock);
        RateLimits rateLimits = new RateLimits(config.rateLimits());
        TriggerSessions triggerSessions = new TriggerSessions(store, sessions, dispatcher, rateLimits);
        this.triggers = new TriggerPipeline(
                store.triggers(),
                triggerSessions,
                triggerSessions,
                dispatcher.nodeId(),
                TriggerPipeline.DEFAULT_LEASE,
                clock);
        AutomationService automations = new AutomationService(
                store.automations(),
                triggers,
                new AutomationSealer(secretBox),
                new RunRules(config.automationRunTimeout()),
                clock);
        automations.turns(triggerSessions);
        this.scheduler = new AutomationScheduler(store.automations(), automations, clock);
        AutomationRoutes automationRoutes = new AutomationRoutes(store, automations, sessions, auth, this::url, clock);
        this.ws = new WsEndpoint(
                store, sessions, auth, hub, new Presence(), timer, clock, sandboxes::warm, liveAccess, rateLimits);
        SseEndpoint sse = new SseEndpoint(store, sessions, auth, hub, liveAccess);
        PortProxy ports = new PortProxy(sandboxes, sessions, auth, BubblewrapConfig.DEFAULT_EGRESS_PORT);
        PortWebSockets portSockets = new PortWebSockets(sandboxes, sessions, auth, ports);
        TerminalSockets terminals =
                new TerminalSockets(sandboxes, sessions, auth, eventLog, liveAccess, rateLimits, timer, clock);
        DesktopService desktop = new DesktopService(sandboxes, (sandbox, display) -> browsers.open(sandbox));
        DesktopRoutes desktopRoutes = new DesktopRoutes(desktop, sessions, auth);
        DesktopSocket desktopSocket = new DesktopSocket(desktop, sandboxes, sessions, auth, liveAccess, rateLimits);
        PreviewAccess previews = new PreviewAccess(
                store,
                sessions,
                auth,
                config.limits().liveTokenTtl(),
                this::url,
                PreviewHost.checkDomain(config.get(Setting.PREVIEW_DOMAIN)),
                clock);
        this.portAnnouncer = new PortAnnouncer(sandboxes, ports, store, eventLog, previews, clock);
        SandboxRoutes sandboxRoutes = new SandboxRoutes(sandboxes, sessions, auth, ports, previews);
        GitRoutes gitRoutes = new GitRoutes(store, sessions, auth, git, gitCredentials, sandboxes, clock);
        GitHubRoutes gitHubRoutes = new GitHubRoutes(
                store,
                eventLog,
                gitCredentials,
                gitHubOAuth,
                gitHubApp(config, gitHub),
                pullRequests.host(),
                config.get(Setting.GITHUB_WEBHOOK_SECRET),
                this::url,
                auth,
                signIn,
                clock);
        GitHubApp gitHubApp = gitHubApp(config, gitHub);
        if (gitHubApp != null) {
            GitHubWorkplace workplace = new GitHubWorkplace(
                    store,
                    triggers,
                    gitHubApp,
                    new GitHubRest(gitHub),
                    gitCredentials,
                    pullRequests.host(),
                    config.get(Setting.GITHUB_WEB_URL),
                    config.gitHub(),
                    repositories,
                    sandboxes::destroy,
                    eventLog,
                    this::url,
                    clock);
            workplace.start(timer);
            gitHubRoutes.workplace(workplace);
        }
        // Linear: installed by an administrator through OAuth (stored, renewed) or a static token; the
        // workplace exists whenever either is possible, so an install made while running counts at once
        LinearOAuth linearOAuth = linearOAuth(config, clock);
        LinearInstallation linearInstallation =
                new LinearInstallation(store, secretBox, linearOAuth, config.get(Setting.LINEAR_ACCESS_TOKEN), clock);
        LinearWorkplace linear = null;
        if (!config.get(Setting.LINEAR_ACCESS_TOKEN).isEmpty() || linearOAuth != null) {
            linear = new LinearWorkplace(
                    store,
                    triggers,
                    new LinearClient(
                            URI.create(config.get(Setting.LINEAR_API_URL)),
                            linearInstallation,
                            LinearClient.defaultHttpClient(),
                            clock),
                    signIn,
                    RepositoryMapping.parse(config.get(Setting.LINEAR_REPOSITORIES)),
                    dispatcher,
                    this::url,
                    clock,
                    linearInstallation::key,
                    questions);
            questionListeners.add(linear::questionAsked);
        }
        LinearRoutes linearRoutes = new LinearRoutes(
                store, config.get(Setting.LINEAR_WEBHOOK_SECRET), linear, linearInstallation::connected, clock);
        LinearInstallRoutes linearInstallRoutes = new LinearInstallRoutes(
                store,
                auth,
                linearInstallation,
                linearOAuth,
                !config.get(Setting.LINEAR_WEBHOOK_SECRET).isEmpty(),
                this::url,
                clock);
        SlackWorkplace slackWorkplace = null;
        if (!config.get(Setting.SLACK_BOT_TOKEN).isEmpty()) {
            slackWorkplace = new SlackWorkplace(
                    store,
                    triggers,
                    new SlackClient(config.get(Setting.SLACK_BOT_TOKEN), config.get(Setting.SLACK_API_URL)),
                    signIn,
                    dispatcher,
                    config.slack(),
                    config.repositoryAllowlist(),
                    repositories,
                    this::url,
                    clock,
                    questions);
            slackWorkplace.start(timer);
            questionListeners.add(slackWorkplace::questionAsked);
        }
        this.slackWorkplace = slackWorkplace;
        this.slackRoutes =
                new SlackRoutes(store, auth, config.get(Setting.SLACK_SIGNING_SECRET), slackWorkplace, clock);
        ChannelRoutes channelRoutes = new ChannelRoutes(store, auth, repositories, config.slack(), clock);
        OidcRoutes oidcRoutes = new OidcRoutes(
                store,
                signIn,
                config.oidcProviders(),
                config.get(Setting.OIDC_GROUPS_CLAIM),
                gitHubRoutes.signInConfigured(),
                this::url,
                clock);
        AccountRoutes accounts = new AccountRoutes(store, auth, liveAccess, this::url, oidcRoutes::loginPath, clock);
        SecretRoutes secretRoutes = new SecretRoutes(store, vault, auth, clock);
        ApiRoutes api = new ApiRoutes(store, sessions, auth, clock, this::url, liveAccess, attachments);
        QuestionRoutes questionRoutes = new QuestionRoutes(questions, auth);
        MediaRoutes mediaRoutes = new MediaRoutes(media, sessions, auth);
        ForkRoutes forkRoutes = new ForkRoutes(new SessionForks(store, sessions, sandboxes, eventLog, clock), auth);
        WebUi webUi = new WebUi();
        Gauge.builder("nightshift.live.clients", hub, EventHub::listenerCount).register(metrics);
        Gauge.builder("nightshift.turns.running", dispatcher, TurnDispatcher::runningTurns)
                .register(metrics);
        Gauge.builder("nightshift.turns.waiting", store, s -> s.questions().countOpen())
                .description("turns waiting for a person's answer, on every node")
                .register(metrics);

        this.server = new ApiServer(
                store.dialect(),
                metrics,
                rateLimits,
                List.of(
                        api::register,
                        mediaRoutes::register,
                        questionRoutes::register,
                        forkRoutes::register,
                        sse::register,
                        sandboxRoutes::register,
                        gitRoutes::register,
                        gitHubRoutes::register,
                        oidcRoutes::register,
                        accounts::register,
                        secretRoutes::register,
                        automationRoutes::register,
                        linearRoutes::register,
                        linearInstallRoutes::register,
                        slackRoutes::register,
                        channelRoutes::register,
                        ports::register,
                        routes -> routes.javalin(portSockets::register),
                        routes -> routes.javalin(terminals::register),
                        desktopRoutes::register,
                        routes -> routes.javalin(desktopSocket::register),
                        routes -> routes.javalin(ws::register),
                        routes -> routes.javalin(webUi::register)),
                previews.enabled()
                        ? List.of(new PreviewHosts(previews, ports, sandboxes, rateLimits, ApiServer.MAX_REQUEST_BYTES))
                        : List.of());
    }

    /** Starts listening, then the background work, in order; the caller closes everything when this throws. */
    void start() {
        server.start(config.bind(), config.port());
        this.otherNodes = store.events().watchOtherNodes((sessionId, lastSeq) -> {
            if (sessionId == null) {
                eventLog.relayAll();
            } else {
                eventLog.relay(sessionId, lastSeq);
            }
        });
        sandboxes.start();
        portAnnouncer.start(timer);
        // a browser whose sandbox hibernated or went away, or that nobody used for a while, is disconnected
        timer.scheduleAtFixedRate(browsers::sweep, BROWSER_SWEEP_MS, BROWSER_SWEEP_MS, TimeUnit.MILLISECONDS);
        // access withdrawn on another node of a fleet reaches this node's open streams here
        timer.scheduleAtFixedRate(liveAccess::recheckAll, LIVE_RECHECK_MS, LIVE_RECHECK_MS, TimeUnit.MILLISECONDS);
        dispatcher.start(store.dialect().equals("sqlite"));
        // a question nobody answered in time lets its turn go on; checked as often as leases are renewed
        long questionCheckMs = Math.max(50, config.turnLease().toMillis() / 3);
        timer.scheduleAtFixedRate(this::expireQuestions, questionCheckMs, questionCheckMs, TimeUnit.MILLISECONDS);
        triggers.start(TriggerPipeline.DEFAULT_RECOVERY_PERIOD, store.dialect().equals("sqlite"));
        if (!config.get(Setting.SLACK_APP_TOKEN).isEmpty()
                && !config.get(Setting.SLACK_BOT_TOKEN).isEmpty()) {
            // Socket Mode: the payload is handed off at once, so the envelope is acknowledged at once
            socketMode = SocketModeConnector.start(
                    config.get(Setting.SLACK_APP_TOKEN), config.get(Setting.SLACK_API_URL), slackRoutes::receive);
        }
        scheduler.start(config.automationTick());
        LOG.info("Nightshift listening on {} (store: {}, node {})", url(), store.dialect(), dispatcher.nodeId());
    }

    /**
     * A prompt finished: when a trigger queued it, its origin hears how the turn ended. Called on the
     * thread that ended the turn; the pipeline exists by the time any turn runs.
     */
    private void turnEnded(dev.nightshift.core.model.Message message) {
        children.turnEnded(message);
        TriggerPipeline pipeline = triggers;
        if (pipeline != null) {
            TriggerSessions.outcome(message).ifPresent(outcome -> pipeline.turnEnded(message.id(), outcome));
        }
    }

    /** Runs on the timer: questions whose time ran out are answered for nobody, and their turns go on here. */
    private void expireQuestions() {
        try {
            questions.expireDue();
        } catch (RuntimeException e) {
            LOG.warn("checking for questions that timed out failed; will retry", e);
        }
    }

    /**
     * A turn paused for a question or plan: the integration its session came from (a Slack thread, a
     * Linear issue) asks there too. Called on the turn's thread; each listener returns at once.
     */
    private void questionAsked(Question question) {
        for (Consumer<Question> listener : questionListeners) {
            try {
                listener.accept(question);
            } catch (RuntimeException e) {
                LOG.warn("telling an integration about question {} failed", question.id(), e);
            }
        }
    }

    /** The base URL people use: the configured public URL, or this server's own address. */
    String url() {
        if (config.publicUrl() != null) {
            return config.publicUrl();
        }
        String host = config.bind().equals("0.0.0.0") ? "127.0.0.1" : config.bind();
        return "http://" + host + ":" + server.port();
    }

    /** Stops in reverse order; the store stays open (its owner closes it). */
    @Override
    public void close() {
        browsers.close();
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
        if (socketMode != null) {
            socketMode.close();
        }
        if (slackWorkplace != null) {
            slackWorkplace.close();
        }
        scheduler.close();
        triggers.close();
        dispatcher.close();
        server.close();
        timer.shutdownNow();
    }

    private static PrometheusMeterRegistry metrics() {
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(metrics);
        new JvmThreadMetrics().bindTo(metrics);
        new JvmGcMetrics().bindTo(metrics);
        new ProcessorMetrics().bindTo(metrics);
        return metrics;
    }

    /** One daemon thread for every periodic job (port scans, live re-checks, idle checks, subscribe deadlines). */
    private static ScheduledExecutorService timer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "nightshift-timer");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true); // cancelled subscribe deadlines must not linger
        return timer;
    }

    /** The coding agent. Without a model it still starts: a prompt then fails saying how to configure one. */
    private static TurnExecutor agent(
            NightshiftConfig config,
            DefaultModelGateway gateway,
            Store store,
            Vault vault,
            ChildSessionService children,
            Browsers browsers) {
        if (gateway.defaultModel() == null) {
            LOG.warn("no model is configured: set NIGHTSHIFT_MODEL (e.g. openai-compatible/<model> with "
                    + "OPENAI_COMPATIBLE_BASE_URL, or anthropic/<model> with ANTHROPIC_API_KEY)");
        }
        // the MCP servers' tools: remote ones called from here with their secret from the vault, the
        // repository's own in its sandbox
        McpTools mcp = new McpTools(config.mcpServers(), vault::mcpCredential, config.mcpRepositoryServers());
        // the browser tool drives a Chromium in the session's sandbox from here
        List<dev.nightshift.agent.tools.Tool> tools = new java.util.ArrayList<>(Tools.all());
        tools.add(new BrowserTool(browsers));
        return new AgentExecutor(gateway, store.events(), tools, mcp, config.agent(), children);
    }

    /** The sandbox manager; without a provider it still exists and says why no sandbox can run. */
    private static SandboxManager sandboxManager(
            NightshiftConfig config,
            Nightshift.Plugins plugins,
            Store store,
            EventLog eventLog,
            GitIntegration git,
            RunningTurns runningTurns,
            ScheduledExecutorService timer,
            Clock clock,
            SandboxSecrets secrets,
            SandboxTrust trust) {
        SandboxProvider provider = plugins.sandboxProvider;
        String unavailable = null;
        if (!plugins.sandboxes) {
            unavailable = "sandboxes are switched off for this server";
        } else if (provider == null) {
            try {
                provider = sandboxProvider(
                        config,
                        new SandboxEgress(
                                store,
                                eventLog,
                                config.sandbox(),
                                config.egressInternalHosts(),
                                secrets,
                                trust.authority(),
                                config.egressOriginTrust(),
                                clock));
            } catch (RuntimeException e) {
                unavailable = e.getMessage();
                LOG.warn("sandboxes unavailable: {}", unavailable);
            }
        }
        return new SandboxManager(
                provider,
                unavailable,
                store,
                eventLog,
                config.dataDir().resolve("snapshots"),
                config.sandbox(),
                git,
                runningTurns::isRunning,
                timer,
                clock,
                secrets,
                trust);
    }

    /**
     * The deployment CA the egress proxy terminates TLS with for hosts that have a secret: made at
     * first start, its key sealed; a missing or broken one is replaced only when the operator says so.
     */
    private static CertificateAuthority egressCa(NightshiftConfig config, SecretBox box, Clock clock) {
        EgressCaStore.Pems pems = EgressCaStore.loadOrCreate(
                config.dataDir(),
                box,
                () -> {
                    CertificateAuthority fresh = CertificateAuthority.generate("Nightshift egress CA", clock);
                    return new EgressCaStore.Pems(fresh.certificatePem(), fresh.privateKeyPem());
                },
                stored -> CertificateAuthority.fromPem(stored.certificatePem(), stored.privateKeyPem(), clock),
                config.egressCaRegenerate());
        return CertificateAuthority.fromPem(pems.certificatePem(), pems.privateKeyPem(), clock);
    }

    private static SandboxProvider sandboxProvider(NightshiftConfig config, SandboxEgress egress) {
        Path root = config.dataDir().resolve("sandboxes");
        IsolationChoice.Decision choice =
                IsolationChoice.choose(config.sandbox().provider(), IsolationChoice.probe());
        if (choice.isolation().isEmpty()) {
            throw new SandboxException(choice.reason());
        }
        LOG.info("sandbox isolation: {}: {}", choice.isolation().get().label(), choice.reason());
        if (choice.isolation().get() == IsolationChoice.Isolation.PROCESS) {
            return new ProcessProvider(root); // logs its NO ISOLATION warning loudly
        }
        try {
            return new BubblewrapProvider(
                    BubblewrapConfig.under(root)
                            .withWarmPool(
                                    config.sandbox().warmPool(),
                                    config.sandbox().limits()),
                    egress);
        } catch (SandboxException e) {
            throw new SandboxException(
                    e.getMessage()
                            + " (or set NIGHTSHIFT_SANDBOX=process on a trusted development machine: no isolation)",
                    e);
        }
    }

    /** GitHub sign-in and token refresh, when the App's OAuth client is configured; null otherwise. */
    private static GitHubOAuth gitHubOAuth(NightshiftConfig config, GitHubEndpoints endpoints) {
        String clientId = config.get(Setting.GITHUB_CLIENT_ID);
        return clientId.isEmpty()
                ? null
                : new GitHubOAuth(endpoints, clientId, config.get(Setting.GITHUB_CLIENT_SECRET));
    }

    /** Installing the Linear application through OAuth, when its client is configured; null otherwise. */
    private static LinearOAuth linearOAuth(NightshiftConfig config, Clock clock) {
        String clientId = config.get(Setting.LINEAR_CLIENT_ID);
        if (clientId.isEmpty()) {
            return null;
        }
        if (config.get(Setting.LINEAR_CLIENT_SECRET).isEmpty()) {
            throw new IllegalArgumentException(Setting.LINEAR_CLIENT_SECRET.env() + " must be set with "
                    + Setting.LINEAR_CLIENT_ID.env() + " (the Linear application's client secret)");
        }
        try {
            return new LinearOAuth(
                    URI.create(config.get(Setting.LINEAR_OAUTH_URL)),
                    URI.create(config.get(Setting.LINEAR_TOKEN_URL)),
                    clientId,
                    config.get(Setting.LINEAR_CLIENT_SECRET),
                    LinearClient.defaultHttpClient(),
                    clock);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    Setting.LINEAR_OAUTH_URL.env() + " / " + Setting.LINEAR_TOKEN_URL.env() + ": " + e.getMessage(), e);
        }
    }

    /** The GitHub App (installation tokens for the webhook's work), when configured; null otherwise. */
    private static GitHubApp gitHubApp(NightshiftConfig config, GitHubEndpoints endpoints) {
        String appId = config.get(Setting.GITHUB_APP_ID);
        if (appId.isEmpty()) {
            return null;
        }
        Path keyFile = Path.of(config.get(Setting.GITHUB_APP_PRIVATE_KEY_FILE));
        try {
            return new GitHubApp(endpoints, appId, Files.readString(keyFile));
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "NIGHTSHIFT_GITHUB_APP_PRIVATE_KEY_FILE: cannot read " + keyFile + ": " + e.getMessage(), e);
        }
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
}
