package dev.nightshift.bench;

import static dev.nightshift.bench.Benchmarks.describe;
import static dev.nightshift.bench.Benchmarks.say;
import static dev.nightshift.bench.Machine.loadAverage;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.nightshift.core.secret.EgressSecret;
import dev.nightshift.sandbox.egress.AllowlistPolicy;
import dev.nightshift.sandbox.egress.CertificateAuthority;
import dev.nightshift.sandbox.egress.EgressDecision;
import dev.nightshift.sandbox.egress.EgressListener;
import dev.nightshift.sandbox.egress.EgressPolicy;
import dev.nightshift.sandbox.egress.EgressProxy;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * What the egress proxy costs an HTTPS request, in one run against one loopback HTTPS origin: a
 * direct request (the floor), the same request through a plain CONNECT tunnel of the proxy, and
 * through an intercepted tunnel that substitutes a secret (and scrubs the echoed value from the
 * response); latency of one keep-alive client, requests/s of several; and the first request to a
 * host the proxy has no leaf for yet (minting one), beside a first request to a host it has one for.
 * Prints progress and (over)writes {@code docs/benchmarks-egress.md}.
 */
public final class EgressBenchmarks {
    static final String COMMAND = "./nightshift bench-egress";
    static final int WARMUP_REQUESTS = 1000;
    static final int LATENCY_REQUESTS = 2000;
    static final int CLIENTS = 4;
    static final Duration THROUGHPUT_FOR = Duration.ofSeconds(3);
    static final int NEW_HOSTS = 20;

    static final String PLACEHOLDER = "NSPH_bench_TOKEN_0001";
    static final String VALUE = "bench-real-token-value-0123456789";

    private EgressBenchmarks() {}

    /** One way of reaching the origin: latency samples and requests/s. */
    record Measured(String mode, long[] latency, double requestsPerSecond) {
        Series series() {
            return Series.of(mode, latency);
        }
    }

    record Results(
            List<Measured> measured,
            List<Series> firstRequests,
            List<String> errors,
            String loadBefore,
            String loadAfter) {}

    public static void main(String[] args) throws Exception {
        Benchmarks.quietLogging();
        System.setProperty("sun.net.httpserver.nodelay", "true"); // else Nagle delays the origin's answers
        long start = System.nanoTime();
        Path out = BenchOutput.output("benchmarks-egress.md");
        Machine machine = Machine.collect(BenchOutput.repoRoot());
        say("Nightshift egress proxy benchmark; report goes to " + out);
        String loadBefore = loadAverage();
        List<String> errors = new ArrayList<>();
        List<Measured> measured = new ArrayList<>();
        List<Series> first = new ArrayList<>();
        try {
            run(measured, first);
        } catch (Exception e) {
            errors.add("egress benchmark: " + describe(e));
            say("FAILED: " + describe(e));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        String report = new EgressReport(
                        machine,
                        BenchOutput.command(COMMAND),
                        seconds,
                        new Results(measured, first, errors, loadBefore, loadAverage()))
                .render();
        BenchOutput.finish(out, report, seconds, errors);
    }

    static void run(List<Measured> measured, List<Series> first) throws Exception {
        Clock clock = Clock.systemUTC();
        CertificateAuthority originCa = CertificateAuthority.generate("bench origin CA", clock);
        CertificateAuthority deploymentCa = CertificateAuthority.generate("bench egress CA", clock);
        List<String> names = new ArrayList<>(List.of("localhost", "plain.bench.test", "secret.bench.test"));
        for (int i = 0; i < NEW_HOSTS; i++) {
            names.add("h" + i + ".new.bench.test");
        }
        Path dir = Files.createTempDirectory("nightshift-bench-egress");
        ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
        HttpsServer origin = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        origin.setHttpsConfigurator(new HttpsConfigurator(originCa.issue(names)));
        origin.setExecutor(threads);
        origin.createContext("/", EgressBenchmarks::serve);
        origin.start();
        int port = origin.getAddress().getPort();
        EgressSecret secret = new EgressSecret(
                "API_TOKEN",
                PLACEHOLDER,
                VALUE,
                List.of("secret.bench.test", "*.new.bench.test"),
                List.of(),
                List.of(),
                null,
                List.of());
        Path socket = dir.resolve("egress.sock");
        try (EgressProxy proxy = EgressProxy.start(
                        socket, policy(port, secret), EgressListener.NONE, deploymentCa, trust(originCa));
                Bridge bridge = new Bridge(socket)) {
            SSLContext clientTrust = clientTrust(originCa, deploymentCa);
            record Mode(String name, String host, boolean proxied) {}
            List<Mode> modes = List.of(
                    new Mode("direct (floor)", "localhost", false),
                    new Mode("CONNECT tunnel, opaque", "plain.bench.test", true),
                    new Mode("intercepted, secret substituted", "secret.bench.test", true));
            say("warming up every way first (" + WARMUP_REQUESTS + " requests each), so the JIT favours none");
            for (Mode mode : modes) {
                try (HttpClient client = client(clientTrust, mode.proxied() ? bridge : null)) {
                    loop(client, request(mode.host(), port), WARMUP_REQUESTS);
                }
            }
            for (Mode mode : modes) {
                try (HttpClient client = client(clientTrust, mode.proxied() ? bridge : null)) {
                    HttpRequest request = request(mode.host(), port);
                    loop(client, request, WARMUP_REQUESTS / 4);
                    long[] latency = loop(client, request, LATENCY_REQUESTS);
                    double rps = throughput(client, request);
                    Measured m = new Measured(mode.name(), latency, rps);
                    measured.add(m);
                    say(mode.name() + ": p50 " + Stats.fmtMs(m.series().p50()) + ", " + Stats.fmt(rps, 0)
                            + " requests/s");
                }
            }
            say("first requests on new connections (" + NEW_HOSTS + " each)");
            long[] direct = new long[NEW_HOSTS];
            long[] known = new long[NEW_HOSTS];
            long[] fresh = new long[NEW_HOSTS];
            for (int i = 0; i < NEW_HOSTS; i++) {
                direct[i] = firstRequest(clientTrust, null, request("localhost", port));
                known[i] = firstRequest(clientTrust, bridge, request("secret.bench.test", port));
                fresh[i] = firstRequest(clientTrust, bridge, request("h" + i + ".new.bench.test", port));
            }
            first.add(Series.of("direct, new connection (floor)", direct));
            first.add(Series.of("intercepted, new connection, leaf cached", known));
            first.add(Series.of("intercepted, new connection, new host (leaf minted)", fresh));
        } finally {
            origin.stop(0);
            threads.close();
            Files.deleteIfExists(socket);
            Files.deleteIfExists(dir);
        }
    }

    private static EgressPolicy policy(int port, EgressSecret secret) {
        AllowlistPolicy allowlist = new AllowlistPolicy(
                "bench",
                List.of("*.bench.test"),
                Set.of(port),
                a -> a.isLoopbackAddress() ? Optional.empty() : Optional.of("not loopback"),
                host -> {
                    if (host.endsWith(".bench.test")) {
                        return new InetAddress[] {InetAddress.getLoopbackAddress()};
                    }
                    throw new UnknownHostException(host);
                });
        return new EgressPolicy() {
            @Override
            public String sessionId() {
                return "bench";
            }

            @Override
            public EgressDecision decide(String host, int p) {
                return allowlist.decide(host, p);
            }

            @Override
            public List<EgressSecret> secrets() {
                return List.of(secret);
            }
        };
    }

    private static HttpRequest request(String host, int port) {
        return HttpRequest.newBuilder(URI.create("https://" + host + ":" + port + "/echo"))
                .header("Authorization", "Bearer " + PLACEHOLDER)
                .timeout(Duration.ofSeconds(10))
                .build();
    }

    private static HttpClient client(SSLContext trust, Bridge bridge) {
        HttpClient.Builder builder =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(trust);
        if (bridge != null) {
            builder.proxy(ProxySelector.of(bridge.address()));
        }
        return builder.build();
    }

    private static long[] loop(HttpClient client, HttpRequest request, int n) throws Exception {
        long[] samples = new long[n];
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            check(client.send(request, HttpResponse.BodyHandlers.ofString()));
            samples[i] = System.nanoTime() - t0;
        }
        return samples;
    }

    private static double throughput(HttpClient client, HttpRequest request) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong done = new AtomicLong();
        List<Thread> workers = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < CLIENTS; i++) {
            workers.add(Thread.ofPlatform().start(() -> {
                while (!stop.get()) {
                    try {
                        check(client.send(request, HttpResponse.BodyHandlers.ofString()));
                        done.incrementAndGet();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            }));
        }
        Thread.sleep(THROUGHPUT_FOR);
        stop.set(true);
        for (Thread worker : workers) {
            worker.join();
        }
        return done.get() / ((System.nanoTime() - t0) / 1e9);
    }

    private static long firstRequest(SSLContext trust, Bridge bridge, HttpRequest request) throws Exception {
        try (HttpClient client = client(trust, bridge)) {
            long t0 = System.nanoTime();
            check(client.send(request, HttpResponse.BodyHandlers.ofString()));
            return System.nanoTime() - t0;
        }
    }

    /** The origin must have seen the value (or the placeholder, unproxied), and the client never the value. */
    private static void check(HttpResponse<String> response) {
        if (response.statusCode() != 200 || response.body().contains(VALUE)) {
            throw new IllegalStateException("unexpected answer " + response.statusCode() + ": " + response.body());
        }
    }

    private static void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            byte[] body = ("{\"auth\":\"" + auth + "\",\"items\":[1,2,3]}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        }
    }

    private static KeyStore trust(CertificateAuthority ca) {
        return ca.trustStore();
    }

    private static SSLContext clientTrust(CertificateAuthority... cas) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        for (int i = 0; i < cas.length; i++) {
            store.setCertificateEntry("ca" + i, cas[i].certificate());
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    /**
     * A loopback TCP port leading to the proxy's Unix socket, standing in for the sandbox's own
     * bridge (socat inside the sandbox), so that the JDK's HTTP client can use the proxy.
     */
    private static final class Bridge implements AutoCloseable {
        private final ServerSocket server;
        private final Path socket;

        Bridge(Path socket) throws IOException {
            this.socket = socket;
            this.server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
            Thread.ofVirtual().start(this::accept);
        }

        InetSocketAddress address() {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
        }

        private void accept() {
            while (!server.isClosed()) {
                try {
                    Socket tcp = server.accept();
                    tcp.setTcpNoDelay(true);
                    SocketChannel unix = SocketChannel.open(UnixDomainSocketAddress.of(socket));
                    Thread.ofVirtual().start(() -> up(tcp, unix));
                    Thread.ofVirtual().start(() -> down(unix, tcp));
                } catch (IOException e) {
                    return;
                }
            }
        }

        private static void up(Socket tcp, SocketChannel unix) {
            byte[] buffer = new byte[16 * 1024];
            try {
                int n;
                while ((n = tcp.getInputStream().read(buffer)) >= 0) {
                    ByteBuffer bytes = ByteBuffer.wrap(buffer, 0, n);
                    while (bytes.hasRemaining()) {
                        unix.write(bytes);
                    }
                }
            } catch (IOException e) {
                // one side left
            } finally {
                closeBoth(tcp, unix);
            }
        }

        private static void down(SocketChannel unix, Socket tcp) {
            ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
            try {
                while (unix.read(buffer.clear()) >= 0) {
                    tcp.getOutputStream().write(buffer.array(), 0, buffer.position());
                }
            } catch (IOException e) {
                // one side left
            } finally {
                closeBoth(tcp, unix);
            }
        }

        private static void closeBoth(Socket tcp, SocketChannel unix) {
            try {
                tcp.close();
                unix.close();
            } catch (IOException e) {
                // already closed
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
