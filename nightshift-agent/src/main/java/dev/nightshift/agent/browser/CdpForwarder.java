package dev.nightshift.agent.browser;

import dev.nightshift.core.sandbox.PortConnection;
import dev.nightshift.core.sandbox.Sandbox;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loopback port on the host that leads to one port inside a sandbox (Chromium's DevTools), so
 * that Playwright, which wants a TCP address, reaches the browser through the sandbox's own port
 * plumbing ({@link Sandbox#connect}): the sandbox's network stays closed. Each accepted connection
 * gets a connection into the sandbox and two virtual threads copying bytes. Closing the forwarder
 * closes every connection it carries, which is how a hung CDP call is cut loose.
 *
 * <p>Any process on the host can open a loopback port, so the forwarder lets through only the
 * WebSocket handshake for the browser's own DevTools path ({@code /devtools/browser/<id>}, learnt
 * straight through the sandbox), which works as a key: {@code /json} (which would tell the path)
 * and every other request are answered 403 without reaching the browser.
 */
final class CdpForwarder implements AutoCloseable {
    private final Sandbox sandbox;
    private final int sandboxPort;
    private final String allowedRequestLine;
    private final ServerSocket server;
    private final Set<AutoCloseable> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /** The longest first line of a request read before it is refused. */
    private static final int MAX_REQUEST_LINE_BYTES = 8 * 1024;

    /** How long a connection may take to send its request line. */
    private static final int REQUEST_LINE_TIMEOUT_MS = 5_000;

    /** @param devtoolsPath the browser's WebSocket path, the one request let through */
    CdpForwarder(Sandbox sandbox, int sandboxPort, String devtoolsPath) throws IOException {
        this.sandbox = sandbox;
        this.sandboxPort = sandboxPort;
        this.allowedRequestLine = "GET " + devtoolsPath + " HTTP/1.1";
        this.server = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("browser-forward-" + sandbox.id()).start(this::accept);
    }

    /** The host's loopback port that leads into the sandbox. */
    int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            Thread.ofVirtual().start(() -> admit(client));
        }
    }

    /** Reads the request line and, when it is the browser's handshake, connects into the sandbox. */
    private void admit(Socket client) {
        try {
            client.setTcpNoDelay(true);
            client.setSoTimeout(REQUEST_LINE_TIMEOUT_MS);
            String line = requestLine(client.getInputStream());
            if (!allowedRequestLine.equals(line)) {
                client.getOutputStream()
                        .write("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                                .getBytes(StandardCharsets.US_ASCII));
                quietly(client);
                return;
            }
            client.setSoTimeout(0);
            PortConnection inside = sandbox.connect(sandboxPort);
            open.add(client);
            open.add(inside);
            inside.output().write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
            Thread.ofVirtual().start(() -> copy(client, inside, true));
            Thread.ofVirtual().start(() -> copy(client, inside, false));
        } catch (IOException | RuntimeException e) {
            quietly(client);
        }
    }

    /** The request's first line without its line end; empty when it is too long or ends early. */
    private static String requestLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && line.length() < MAX_REQUEST_LINE_BYTES) {
            if (c == '\n') {
                int end = line.length();
                return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
            }
            line.append((char) c);
        }
        return "";
    }

    private void copy(Socket client, PortConnection inside, boolean outward) {
        try (InputStream in = outward ? client.getInputStream() : inside.input();
                OutputStream out = outward ? inside.output() : client.getOutputStream()) {
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // one side went away: close both below
        } finally {
            quietly(client);
            inside.close();
            open.remove(client);
            open.remove(inside);
        }
    }

    private static void quietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // closing
        }
    }

    @Override
    public void close() {
        closed = true;
        quietly(server);
        open.forEach(CdpForwarder::quietly);
        open.clear();
    }
}
