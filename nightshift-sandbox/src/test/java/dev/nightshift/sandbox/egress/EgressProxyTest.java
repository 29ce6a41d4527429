package dev.nightshift.sandbox.egress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EgressProxyTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final String SESSION = "session-1";
    private static final InetAddress LOOPBACK = address("127.0.0.1");
    /** No internet here: origins run on loopback, which only this guard lets through. */
    private static final AddressGuard LOOPBACK_ORIGINS_ALLOWED =
            a -> a.equals(LOOPBACK) ? Optional.empty() : new PublicAddressGuard().refusal(a);

    @TempDir
    Path tmp;

    private Path socket;
    private HttpServer origin;
    private ExecutorService originThreads;
    private int originPort;
    private final byte[] originBody = new byte[200 * 1024];
    private final List<RecordedRequest> originRequests = new CopyOnWriteArrayList<>();
    private ServerSocket echo;
    private int echoPort;
    private final RecordingListener listener = new RecordingListener();
    private final List<AutoCloseable> closeAfter = new ArrayList<>();

    private record RecordedRequest(String method, String uri, Map<String, List<String>> headers, byte[] body) {}

    @BeforeEach
    void startOrigins() throws IOException {
        socket = tmp.resolve("egress.sock");
        new Random(1).nextBytes(originBody);
        originThreads = Executors.newVirtualThreadPerTaskExecutor();
        origin = HttpServer.create(new InetSocketAddress(LOOPBACK, 0), 0);
        origin.setExecutor(originThreads);
        origin.createContext("/", this::serveOrigin);
        origin.start();
        originPort = origin.getAddress().getPort();
        echo = new ServerSocket(0, 50, LOOPBACK);
        echoPort = echo.getLocalPort();
        Thread.ofVirtual().start(this::serveEcho);
    }

    @AfterEach
    void stopEverything() throws Exception {
        for (AutoCloseable c : closeAfter) {
            c.close();
        }
        origin.stop(0);
        originThreads.close();
        echo.close();
    }

    // ---- forwarding and tunnelling ----

    @Test
    void forwardsAnAbsoluteFormGetInOriginFormWithTheBodyIntact() {
        startProxy(loopbackPolicy());

        Response response = exchange("GET http://127.0.0.1:" + originPort + "/hello?x=1#fragment HTTP/1.1\r\n"
                + "Host: evil.example\r\n"
                + "Proxy-Authorization: Basic c2VjcmV0\r\n"
                + "Proxy-Connection: keep-alive\r\n"
                + "Connection: keep-alive, X-Hop\r\n"
                + "X-Hop: dropped\r\n"
                + "User-Agent: test-agent\r\n\r\n");

        assertThat(response.statusLine()).isEqualTo("HTTP/1.1 200 OK");
        assertThat(response.head()).containsIgnoringCase("Connection: close");
        assertThat(response.body()).isEqualTo(originBody);
        RecordedRequest seen = originRequests.getFirst();
        assertThat(seen.method()).isEqualTo("GET");
        assertThat(seen.uri()).isEqualTo("/hello?x=1");
        assertThat(seen.headers().get("Host")).containsExactly("127.0.0.1:" + originPort);
        assertThat(seen.headers().get("User-agent")).containsExactly("test-agent");
        assertThat(seen.headers()).doesNotContainKeys("Proxy-authorization", "Proxy-connection", "X-hop");
        assertThat(listener.events).containsExactly("allowed " + SESSION + " 127.0.0.1 " + originPort + " /127.0.0.1");
    }

    @Test
    void forwardsRequestBodiesWithContentLengthOrChunked() {
        startProxy(loopbackPolicy());

        Response sized = exchange(
                "POST http://127.0.0.1:" + originPort + "/echo HTTP/1.1\r\n" + "Content-Length: 11\r\n\r\nhello world");
        Response chunked = exchange("POST http://127.0.0.1:" + originPort + "/echo HTTP/1.1\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n"
                + "5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n");

        assertThat(sized.statusLine()).isEqualTo("HTTP/1.1 200 OK");
        assertThat(new String(sized.body(), StandardCharsets.UTF_8)).isEqualTo("hello world");
        assertThat(chunked.statusLine()).isEqualTo("HTTP/1.1 200 OK");
        assertThat(new String(chunked.body(), StandardCharsets.UTF_8)).isEqualTo("hello world");
    }

    @Test
    void connectsToTheAddressThePolicyVettedNotToTheNameAgain() {
        // origin.test exists only in the policy's resolver: the proxy must use the vetted address
        startProxy(loopbackPolicy());

        Response response = exchange("GET http://ORIGIN.test:" + originPort + "/hello HTTP/1.1\r\n\r\n");

        assertThat(response.statusLine()).isEqualTo("HTTP/1.1 200 OK");
        assertThat(originRequests.getFirst().headers().get("Host")).containsExactly("origin.test:" + originPort);
        assertThat(listener.events)
                .containsExactly("allowed " + SESSION + " origin.test " + originPort + " /127.0.0.1");
    }

    @Test
    void injectsThePolicysHeadersIntoPlainHttpRequestsReplacingTheClients() {
        AllowlistPolicy allowlist = loopbackPolicy();
        startProxy(new EgressPolicy() {
            @Override
            public String sessionId() {
                return allowlist.sessionId();
            }

            @Override
            public EgressDecision decide(String host, int port) {
                return allowlist.decide(host, port);
            }

            @Override
            public Map<String, String> injectHeaders(String host) {
                return Map.of("Authorization", "Bearer from-the-control-plane");
            }
        });

        exchange("GET http://127.0.0.1:" + originPort + "/hello HTTP/1.1\r\nAuthorization: Bearer forged\r\n\r\n");

        assertThat(originRequests.getFirst().headers().get("Authorization"))
                .containsExactly("Bearer from-the-control-plane");
    }

    @Test
    void tunnelsConnectToAnEchoServer() {
        startProxy(loopbackPolicy());

        assertTimeoutPreemptively(TIMEOUT, () -> {
            try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
                write(
                        client,
                        "CONNECT 127.0.0.1:" + echoPort + " HTTP/1.1\r\nHost: 127.0.0.1:" + echoPort + "\r\n\r\n");
                assertThat(readHead(client)).isEqualTo("HTTP/1.1 200 Connection Established\r\n\r\n");
                for (String message : List.of("ping\n", "x".repeat(100_000))) {
                    write(client, message);
                    assertThat(readExactly(client, message.length())).isEqualTo(message);
                }
            }
        });
        assertThat(listener.events).containsExactly("allowed " + SESSION + " 127.0.0.1 " + echoPort + " /127.0.0.1");
    }

    // ---- refusals ----

    @Test
    void refusesAHostNotInTheAllowlistWith403AndTellsTheListener() {
        startProxy(loopbackPolicy());

        Response connect = exchange("CONNECT example.org:443 HTTP/1.1\r\n\r\n");
        Response get = exchange("GET http://Example.ORG/ HTTP/1.1\r\n\r\n");

        String reason = "example.org is not in this session's allowlist; ask an operator to add it";
        assertThat(connect.statusLine()).isEqualTo("HTTP/1.1 403 Forbidden");
        assertThat(connect.text()).isEqualTo("nightshift egress: " + reason + "\n");
        assertThat(get.statusLine()).isEqualTo("HTTP/1.1 403 Forbidden");
        assertThat(listener.events)
                .containsExactly(
                        "refused " + SESSION + " example.org 443 " + reason,
                        "refused " + SESSION + " example.org 80 " + reason);
    }

    @Test
    void refusesPortsOtherThanTheAllowedOnes() {
        startProxy(new AllowlistPolicy(
                SESSION,
                List.of("origin.test"),
                AllowlistPolicy.DEFAULT_PORTS,
                LOOPBACK_ORIGINS_ALLOWED,
                EgressProxyTest::testResolver));

        Response response = exchange("CONNECT origin.test:22 HTTP/1.1\r\n\r\n");

        assertThat(response.statusLine()).isEqualTo("HTTP/1.1 403 Forbidden");
        assertThat(response.text()).contains("port 22 is not allowed (allowed ports: [80, 443])");
        assertThat(listener.events)
                .singleElement()
                .asString()
                .startsWith("refused " + SESSION + " origin.test 22 port 22");
    }

    @Test
    void theDefaultGuardRefusesAnIpLiteralOnLoopbackEvenWhenAllowlisted() {
        startProxy(new AllowlistPolicy(
                SESSION,
                List.of("127.0.0.1", "169.254.169.254", "::1"),
                Set.of(80, originPort),
                new PublicAddressGuard(),
                HostResolver.SYSTEM));

        Response loopback = exchange("GET http://127.0.0.1:" + originPort + "/hello HTTP/1.1\r\n\r\n");
        Response metadata = exchange("GET http://169.254.169.254/latest/meta-data/ HTTP/1.1\r\n\r\n");
        Response ipv6 = exchange("CONNECT [::1]:80 HTTP/1.1\r\n\r\n");

        assertThat(loopback.statusLine()).isEqualTo("HTTP/1.1 403 Forbidden");
        assertThat(loopback.text())
                .contains("127.0.0.1 is a loopback address; sandboxes may only reach public addresses");
        assertThat(metadata.text()).contains("169.254.169.254 is a link-local address");
        assertThat(ipv6.text()).contains("::1 is a loopback address");
        assertThat(originRequests).isEmpty();
    }

    @Test
    void answersMalformedRequestsWith400() {
        startProxy(loopbackPolicy());

        for (String request : List.of(
                "HELLO\r\n\r\n",
                "GET /relative HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
                "GET http://127.0.0.1/ HTTP/2.0\r\n\r\n",
                "CONNECT 127.0.0.1 HTTP/1.1\r\n\r\n",
                "CONNECT user@127.0.0.1:443 HTTP/1.1\r\n\r\n",
                "GET http://bad host/ HTTP/1.1\r\n\r\n",
                "GET http://127.0.0.1:" + originPort + "/ HTTP/1.1\r\nNo colon here\r\n\r\n",
                "GET http://127.0.0.1:" + originPort + "/ HTTP/1.1\r\nX: a\r\n folded\r\n\r\n",
                "POST http://127.0.0.1:" + originPort
                        + "/ HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\nabc",
                "POST http://127.0.0.1:" + originPort
                        + "/ HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabc")) {
            Response response = exchange(request);
            assertThat(response.statusLine()).as(request).isEqualTo("HTTP/1.1 400 Bad Request");
            assertThat(response.text()).as(request).startsWith("nightshift egress: ");
        }
        assertThat(originRequests).isEmpty();
    }

    @Test
    void answersAnOversizedHeadWith431() {
        startProxy(loopbackPolicy());

        Response tooBig = exchange(
                "GET http://127.0.0.1:" + originPort + "/ HTTP/1.1\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n");
        StringBuilder many = new StringBuilder("GET http://127.0.0.1:" + originPort + "/ HTTP/1.1\r\n");
        for (int i = 0; i < 101; i++) {
            many.append("X-").append(i).append(": 1\r\n");
        }
        Response tooMany = exchange(many.append("\r\n").toString());

        assertThat(tooBig.statusLine()).isEqualTo("HTTP/1.1 431 Request Header Fields Too Large");
        assertThat(tooBig.text()).contains("larger than 16384 bytes");
        assertThat(tooMany.statusLine()).isEqualTo("HTTP/1.1 431 Request Header Fields Too Large");
        assertThat(originRequests).isEmpty();
    }

    @Test
    void answers502WhenTheOriginIsNotListening() throws IOException {
        int closedPort;
        try (ServerSocket unused = new ServerSocket(0, 1, LOOPBACK)) {
            closedPort = unused.getLocalPort();
        }
        startProxy(new AllowlistPolicy(
                SESSION, List.of("127.0.0.1"), Set.of(closedPort), LOOPBACK_ORIGINS_ALLOWED, HostResolver.SYSTEM));

        Response response = exchange("CONNECT 127.0.0.1:" + closedPort + " HTTP/1.1\r\n\r\n");

        assertThat(response.statusLine()).isEqualTo("HTTP/1.1 502 Bad Gateway");
        assertThat(response.text()).contains("could not connect to 127.0.0.1:" + closedPort);
    }

    // ---- the policy and the address guard ----

    @Test
    void theDefaultGuardRefusesLocalPrivateAndMetadataAddresses() {
        PublicAddressGuard guard = new PublicAddressGuard(Set::of);
        Map<String, String> expected = Map.ofEntries(
                Map.entry("127.0.0.1", "a loopback address"),
                Map.entry("127.8.9.10", "a loopback address"),
                Map.entry("::1", "a loopback address"),
                Map.entry("169.254.169.254", "a link-local address (where cloud metadata services live)"),
                Map.entry("fe80::1", "a link-local address"),
                Map.entry("10.1.2.3", "a private address"),
                Map.entry("192.168.1.1", "a private address"),
                Map.entry("172.16.0.1", "a private address"),
                Map.entry("172.31.255.255", "a private address"),
                Map.entry("fc00::1", "a private (unique local) address"),
                Map.entry("fd00:ec2::254", "a private (unique local) address"),
                Map.entry("100.64.0.1", "a carrier-grade NAT address"),
                Map.entry("0.0.0.0", "an unspecified address"),
                Map.entry("::", "an unspecified address"),
                Map.entry("224.0.0.1", "a multicast address"),
                Map.entry("ff02::1", "a multicast address"),
                Map.entry("255.255.255.255", "a reserved address"),
                Map.entry("::ffff:127.0.0.1", "a loopback address"),
                Map.entry("64:ff9b::a9fe:a9fe", "a link-local address (where cloud metadata services live) (NAT64)"),
                Map.entry("2002:7f00:1::", "a loopback address (6to4)"));

        expected.forEach((literal, kind) ->
                assertThat(guard.refusal(address(literal))).as(literal).contains(kind));
        for (String publicAddress :
                List.of("1.1.1.1", "8.8.8.8", "172.32.0.1", "100.128.0.1", "2606:4700:4700::1111")) {
            assertThat(guard.refusal(address(publicAddress))).as(publicAddress).isEmpty();
        }
    }

    @Test
    void theDefaultGuardRefusesThisHostsOwnAddresses() throws Exception {
        InetAddress own = address("203.0.113.9");
        assertThat(new PublicAddressGuard(() -> Set.of(own)).refusal(own)).contains("one of this host's own addresses");
        assertThat(new PublicAddressGuard(Set::of).refusal(own)).isEmpty();

        PublicAddressGuard real = new PublicAddressGuard();
        List<InetAddress> interfaces = java.net.NetworkInterface.networkInterfaces()
                .flatMap(java.net.NetworkInterface::inetAddresses)
                .toList();
        assertThat(interfaces).isNotEmpty();
        interfaces.forEach(a -> assertThat(real.refusal(a)).as(a.toString()).isPresent());
    }

    @Test
    void theDefaultPolicyRefusesLocalhostAfterResolvingIt() {
        AllowlistPolicy policy = new AllowlistPolicy(SESSION, List.of("localhost"));

        EgressDecision decision = policy.decide("localhost", 443);

        assertThat(decision)
                .isInstanceOfSatisfying(
                        EgressDecision.Refused.class,
                        refused -> assertThat(refused.reason())
                                .startsWith("localhost resolves to ")
                                .contains("a loopback address; sandboxes may only reach public addresses"));
    }

    @Test
    void refusesANameIfAnyOfItsAddressesIsRefused() {
        HostResolver rebinding = host -> new InetAddress[] {address("93.184.215.14"), address("127.0.0.1")};
        AllowlistPolicy policy = new AllowlistPolicy(
                SESSION,
                List.of("rebind.test"),
                AllowlistPolicy.DEFAULT_PORTS,
                new PublicAddressGuard(Set::of),
                rebinding);
        HostResolver publicOnly = host -> new InetAddress[] {address("93.184.215.14")};
        AllowlistPolicy fine = new AllowlistPolicy(
                SESSION,
                List.of("rebind.test"),
                AllowlistPolicy.DEFAULT_PORTS,
                new PublicAddressGuard(Set::of),
                publicOnly);

        assertThat(policy.decide("rebind.test", 443))
                .isEqualTo(
                        new EgressDecision.Refused(
                                "rebind.test resolves to 127.0.0.1, a loopback address; sandboxes may only reach public addresses"));
        assertThat(fine.decide("rebind.test", 443)).isEqualTo(new EgressDecision.Allowed(address("93.184.215.14")));
    }

    @Test
    void matchesExactHostsAndWildcardsIgnoringCase() {
        AllowlistPolicy policy = new AllowlistPolicy(SESSION, List.of("API.GitHub.com", "*.example.com"));

        assertThat(policy.allows("api.github.com")).isTrue();
        assertThat(policy.allows("api.github.com.")).isTrue();
        assertThat(policy.allows("github.com")).isFalse();
        assertThat(policy.allows("evilapi.github.com")).isFalse();
        assertThat(policy.allows("a.example.com")).isTrue();
        assertThat(policy.allows("A.B.EXAMPLE.COM")).isTrue();
        assertThat(policy.allows("example.com")).isFalse();
        assertThat(policy.allows("evilexample.com")).isFalse();
        assertThat(policy.allows("example.com.evil.org")).isFalse();
        assertThat(new AllowlistPolicy(SESSION, List.of()).decide("example.com", 443))
                .isEqualTo(new EgressDecision.Refused(
                        "example.com is not in this session's allowlist; ask an operator to add it"));
        assertThatThrownBy(() -> new AllowlistPolicy(SESSION, List.of("*")))
                .hasMessageContaining("\"*\" is not a host name");
        assertThatThrownBy(() -> new AllowlistPolicy(SESSION, List.of("a.*.com")))
                .hasMessageContaining("is not a host name");
    }

    // ---- lifecycle ----

    @Test
    void replacesAStaleSocketAndRemovesItsSocketOnClose() throws IOException {
        try (ServerSocketChannel stale = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            stale.bind(UnixDomainSocketAddress.of(socket)); // a crashed control plane's leftover
        }
        assertThat(socket).exists();

        EgressProxy proxy = EgressProxy.start(socket, loopbackPolicy(), listener);
        assertThat(exchange("CONNECT example.org:443 HTTP/1.1\r\n\r\n").statusLine())
                .isEqualTo("HTTP/1.1 403 Forbidden");
        assertThat(Files.getPosixFilePermissions(socket)).hasSize(2);
        proxy.close();
        proxy.close();

        assertThat(socket).doesNotExist();
        assertThatThrownBy(() -> SocketChannel.open(UnixDomainSocketAddress.of(socket)))
                .isInstanceOf(IOException.class);
    }

    @Test
    void closingTheProxyEndsOpenTunnels() {
        EgressProxy proxy = startProxy(loopbackPolicy());

        assertTimeoutPreemptively(TIMEOUT, () -> {
            try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
                write(client, "CONNECT 127.0.0.1:" + echoPort + " HTTP/1.1\r\n\r\n");
                readHead(client);
                assertThat(proxy.activeConnections()).isEqualTo(1);
                proxy.close();
                assertThat(client.read(ByteBuffer.allocate(16))).isEqualTo(-1);
            }
        });
    }

    @Test
    void refusesToReplaceSomethingThatIsNotASocket() throws IOException {
        Files.writeString(socket, "not a socket");

        assertThatThrownBy(() -> EgressProxy.start(socket, loopbackPolicy(), listener))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("exists and is not a socket");
        assertThat(Files.readString(socket)).isEqualTo("not a socket");
    }

    // ---- helpers ----

    private AllowlistPolicy loopbackPolicy() {
        return new AllowlistPolicy(
                SESSION,
                List.of("127.0.0.1", "origin.test"),
                Set.of(originPort, echoPort),
                LOOPBACK_ORIGINS_ALLOWED,
                EgressProxyTest::testResolver);
    }

    private static InetAddress[] testResolver(String host) throws UnknownHostException {
        return host.equals("origin.test") ? new InetAddress[] {LOOPBACK} : HostResolver.SYSTEM.resolve(host);
    }

    private EgressProxy startProxy(EgressPolicy policy) {
        try {
            EgressProxy proxy = EgressProxy.start(socket, policy, listener);
            closeAfter.addFirst(proxy);
            return proxy;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private record Response(String head, byte[] body) {
        String statusLine() {
            return head.substring(0, head.indexOf("\r\n"));
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** Sends one request through the proxy's Unix socket, the way a sandbox does, and reads to the end. */
    private Response exchange(String request) {
        return assertTimeoutPreemptively(TIMEOUT, () -> {
            try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
                write(client, request);
                byte[] all = readToEnd(client);
                int end = indexOf(all, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                assertThat(end)
                        .as("a response head in: " + new String(all, StandardCharsets.ISO_8859_1))
                        .isPositive();
                return new Response(
                        new String(all, 0, end + 4, StandardCharsets.ISO_8859_1),
                        Arrays.copyOfRange(all, end + 4, all.length));
            }
        });
    }

    private static void write(SocketChannel channel, String text) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
    }

    /** Reads until the proxy closes; a reset after the answer (it closed with our bytes unread) ends it too. */
    private static byte[] readToEnd(SocketChannel channel) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
        try {
            while (channel.read(buffer.clear()) >= 0) {
                all.write(buffer.array(), 0, buffer.position());
            }
        } catch (IOException e) {
            if (all.size() == 0) {
                throw e;
            }
        }
        return all.toByteArray();
    }

    private static String readHead(SocketChannel channel) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        ByteBuffer one = ByteBuffer.allocate(1);
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            if (channel.read(one.clear()) < 0) {
                throw new IOException("closed after " + head);
            }
            head.write(one.get(0));
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    private static String readExactly(SocketChannel channel, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                throw new IOException("closed after " + buffer.position() + " bytes");
            }
        }
        return new String(buffer.array(), StandardCharsets.UTF_8);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private void serveOrigin(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            originRequests.add(new RecordedRequest(
                    exchange.getRequestMethod(),
                    exchange.getRequestURI().toString(),
                    Map.copyOf(exchange.getRequestHeaders()),
                    body));
            byte[] answer = exchange.getRequestURI().getPath().equals("/echo") ? body : originBody;
            exchange.getResponseHeaders().add("Keep-Alive", "timeout=5");
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
        }
    }

    private void serveEcho() {
        while (!echo.isClosed()) {
            try {
                Socket connection = echo.accept();
                Thread.ofVirtual().start(() -> {
                    try (connection;
                            InputStream in = connection.getInputStream();
                            OutputStream out = connection.getOutputStream()) {
                        in.transferTo(out);
                    } catch (IOException e) {
                        // the test closed it
                    }
                });
            } catch (IOException e) {
                return;
            }
        }
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }

    private static final class RecordingListener implements EgressListener {
        final List<String> events = new CopyOnWriteArrayList<>();

        @Override
        public void allowed(String sessionId, String host, int port, InetAddress address) {
            events.add("allowed " + sessionId + " " + host + " " + port + " " + address);
        }

        @Override
        public void refused(String sessionId, String host, int port, String reason) {
            events.add("refused " + sessionId + " " + host + " " + port + " " + reason);
        }
    }
}
