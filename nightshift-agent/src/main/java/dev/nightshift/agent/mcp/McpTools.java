package dev.nightshift.agent.mcp;

import dev.nightshift.agent.TurnTools;
import dev.nightshift.agent.tools.Tool;
import dev.nightshift.core.model.Session;
import dev.nightshift.core.port.Turn;
import dev.nightshift.core.sandbox.ExecRequest;
import dev.nightshift.core.sandbox.Sandbox;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MCP servers' tools of one turn. The deployment's remote servers that serve the session's
 * repository are called by the control plane over streamable HTTP, each request carrying its
 * secret from the vault ({@link McpCredentials}, asked per request; the value is never in the
 * sandbox, and is redacted from every answer). The stdio servers the repository declares in
 * {@code .mcp.json} run inside the session's sandbox. Every server is opened in parallel when the
 * turn starts (initialised, its tools listed) and closed when it ends; one that cannot be reached
 * in its timeout is left out of the turn with a warning in the server's log.
 *
 * <p>Thread-safe; {@link #open} runs on the turn's thread and starts a virtual thread per server.
 */
public final class McpTools implements TurnTools {
    private static final Logger LOG = LoggerFactory.getLogger(McpTools.class);
    /** The most of one message read from a server; a larger one is dropped unread past this point. */
    public static final int MAX_MESSAGE_BYTES = 8 << 20;
    /** What the model is told of an answer over {@link #MAX_MESSAGE_BYTES}, whichever transport dropped it. */
    static final String TOO_LARGE = "was larger than " + (MAX_MESSAGE_BYTES >> 20)
            + " MiB and was dropped unread; ask for a narrower result (a filter, a smaller page or fewer fields)";
    /** The most of {@code .mcp.json} read. */
    static final int MAX_FILE_BYTES = 64 * 1024;
    /** How long a repository's server may live: as long as the turn, which closes it. */
    private static final Duration STDIO_LIFETIME = Duration.ofDays(1);

    private final List<RemoteServer> remote;
    private final McpCredentials credentials;
    private final boolean repositoryServers;
    /** One HTTP client per remote server for the server's life: the SDK's transport never closes its own. */
    private final Map<String, HttpClient> clients = new ConcurrentHashMap<>();

    /**
     * @param remote the deployment's servers
     * @param repositoryServers whether the stdio servers of a repository's {@code .mcp.json} are started
     */
    public McpTools(List<RemoteServer> remote, McpCredentials credentials, boolean repositoryServers) {
        this.remote = List.copyOf(remote);
        this.credentials = credentials;
        this.repositoryServers = repositoryServers;
    }

    @Override
    public Opened open(Turn turn) throws InterruptedException {
        Session session = turn.session();
        Connections connections = new Connections();
        List<Callable<List<Tool>>> starts = new ArrayList<>();
        for (RemoteServer server : remote) {
            if (server.servesRepository(session.repository())) {
                starts.add(() -> connections.tools(server.name(), () -> remote(server, session), server::allows));
            }
        }
        if (repositoryServers) {
            for (RepositoryServers.StdioServer server : declared(turn)) {
                starts.add(() -> connections.tools(server.name(), () -> stdio(server, turn.sandbox()), tool -> true));
            }
        }
        if (starts.isEmpty()) {
            return TurnTools.NONE.open(turn);
        }
        List<Tool> tools = new ArrayList<>();
        ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
        try {
            List<Future<List<Tool>>> futures = new ArrayList<>();
            starts.forEach(start -> futures.add(threads.submit(start)));
            for (Future<List<Tool>> f : futures) {
                try {
                    tools.addAll(f.get());
                } catch (ExecutionException e) {
                    LOG.warn("an MCP server is left out of this turn of {}: {}", session.id(), message(e.getCause()));
                }
            }
        } catch (InterruptedException e) {
            connections.closeAll(); // stopped while starting: whatever opened, or opens later, is closed
            throw e;
        } finally {
            threads.shutdownNow();
        }
        return Opened.of(tools, connections::closeAll);
    }

    /**
     * The connections one turn opened, closed together; one that opens after they were closed (a
     * start still under way when the turn was stopped) is closed at once. Guarded by its monitor:
     * the starts run on threads of their own.
     */
    private static final class Connections {
        private final List<McpConnection> open = new ArrayList<>();
        private boolean closed;

        /** Opens a server and lists the tools the agent may call; the message of a failure names the server. */
        List<Tool> tools(String name, Supplier<McpConnection> connect, Predicate<String> allowed) {
            McpConnection connection = keep(name, connect.get());
            try {
                return connection.tools(allowed);
            } catch (RuntimeException e) {
                throw new IllegalStateException(name + ": listing its tools failed: " + message(e), e);
            }
        }

        private synchronized McpConnection keep(String name, McpConnection connection) {
            if (closed) {
                connection.close();
                throw new IllegalStateException(name + ": the turn ended while it was starting");
            }
            open.add(connection);
            return connection;
        }

        synchronized void closeAll() {
            closed = true;
            open.forEach(McpConnection::close);
            open.clear();
        }
    }

    private McpConnection remote(RemoteServer server, Session session) {
        URI url = server.url();
        Set<String> sent = ConcurrentHashMap.newKeySet();
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        var transport = HttpClientStreamableHttpTransport.builder(url.getScheme() + "://" + url.getRawAuthority())
                .endpoint(path + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery()))
                .clientBuilder(new Shared(clients.computeIfAbsent(
                        server.name(),
                        n -> HttpClient.newBuilder()
                                .version(HttpClient.Version.HTTP_1_1)
                                .followRedirects(HttpClient.Redirect.NEVER) // a secret goes to the configured URL only
                                .connectTimeout(server.timeout())
                                .build())))
                .connectTimeout(server.timeout())
                .maxResponseSize(MAX_MESSAGE_BYTES)
                .jsonMapper(McpConnection.MAPPER)
                .httpRequestCustomizer((request, method, endpoint, body, context) -> {
                    if (server.secret() != null) {
                        String value = credentials.value(session, server.secret(), url.getHost());
                        sent.add(value);
                        request.setHeader(server.headerName(), server.headerValue(value));
                    }
                })
                .build();
        try {
            return McpConnection.open(
                    server.name(), server.maxAnswerChars(), server.timeout(), transport, server.secret(), sent);
        } catch (RuntimeException e) {
            throw new IllegalStateException(server.name() + " (" + url + "): " + message(e), e);
        }
    }

    private McpConnection stdio(RepositoryServers.StdioServer server, Sandbox sandbox) {
        List<String> argv = new ArrayList<>();
        argv.add(server.command());
        argv.addAll(server.args());
        var transport = new SandboxStdioTransport(
                sandbox,
                new ExecRequest(argv, "", server.env(), STDIO_LIFETIME),
                McpConnection.MAPPER,
                MAX_MESSAGE_BYTES,
                server.name());
        try {
            return McpConnection.open(
                    server.name(),
                    RemoteServer.DEFAULT_MAX_ANSWER_CHARS,
                    RemoteServer.DEFAULT_TIMEOUT,
                    transport,
                    null,
                    Set.of());
        } catch (RuntimeException e) {
            throw new IllegalStateException(server.name() + " of " + RepositoryServers.FILE + ": " + message(e), e);
        }
    }

    /**
     * Hands the SDK's transport a client made once instead of a new one per turn (each has a
     * selector thread, which the transport's close leaves running until the client is collected).
     * What the transport sets on it is already set on the shared client.
     */
    private record Shared(HttpClient client) implements HttpClient.Builder {
        @Override
        public HttpClient.Builder cookieHandler(java.net.CookieHandler cookieHandler) {
            return this;
        }

        @Override
        public HttpClient.Builder connectTimeout(Duration duration) {
            return this;
        }

        @Override
        public HttpClient.Builder sslContext(javax.net.ssl.SSLContext sslContext) {
            return this;
        }

        @Override
        public HttpClient.Builder sslParameters(javax.net.ssl.SSLParameters sslParameters) {
            return this;
        }

        @Override
        public HttpClient.Builder executor(java.util.concurrent.Executor executor) {
            return this;
        }

        @Override
        public HttpClient.Builder followRedirects(HttpClient.Redirect policy) {
            return this;
        }

        @Override
        public HttpClient.Builder version(HttpClient.Version version) {
            return this;
        }

        @Override
        public HttpClient.Builder priority(int priority) {
            return this;
        }

        @Override
        public HttpClient.Builder proxy(java.net.ProxySelector proxySelector) {
            return this;
        }

        @Override
        public HttpClient.Builder authenticator(java.net.Authenticator authenticator) {
            return this;
        }

        @Override
        public HttpClient build() {
            return client;
        }
    }

    /** The stdio servers the repository declares; none when it has no {@code .mcp.json} or no sandbox. */
    private static List<RepositoryServers.StdioServer> declared(Turn turn) {
        try {
            Sandbox sandbox = turn.sandbox();
            if (sandbox.stat(RepositoryServers.FILE).isEmpty()) {
                return List.of();
            }
            String json =
                    new String(sandbox.readFile(RepositoryServers.FILE, 0, MAX_FILE_BYTES), StandardCharsets.UTF_8);
            RepositoryServers.Declared declared = RepositoryServers.parse(json);
            declared.skipped()
                    .forEach(note -> LOG.info(
                            "session {}: {} entry skipped: {}", turn.session().id(), RepositoryServers.FILE, note));
            return declared.servers();
        } catch (IOException | RuntimeException e) {
            return List.of(); // no sandbox, or no readable file: the turn goes on without them
        }
    }

    /** What went wrong, in words: the message, and its root cause's when that says more. */
    private static String message(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String outer = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        String inner = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return root == e || outer.contains(inner) ? outer : outer + " (" + inner + ")";
    }
}
