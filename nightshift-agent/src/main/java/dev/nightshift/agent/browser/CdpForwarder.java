package dev.nightshift.agent.browser;

import dev.nightshift.core.sandbox.PortConnection;
import dev.nightshift.core.sandbox.Sandbox;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loopback port on the host that leads to one port inside a sandbox (Chromium's DevTools), so
 * that Playwright, which wants a TCP address, reaches the browser through the sandbox's own port
 * plumbing ({@link Sandbox#connect}): the sandbox's network stays closed. Each accepted connection
 * gets a connection into the sandbox and two virtual threads copying bytes. Closing the forwarder
 * closes every connection it carries, which is how a hung CDP call is cut loose.
 */
final class CdpForwarder implements AutoCloseable {
    private final Sandbox sandbox;
    private final int sandboxPort;
    private final ServerSocket server;
    private final Set<AutoCloseable> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    CdpForwarder(Sandbox sandbox, int sandboxPort) throws IOException {
        this.sandbox = sandbox;
        this.sandboxPort = sandboxPort;
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
            try {
                client.setTcpNoDelay(true);
                PortConnection inside = sandbox.connect(sandboxPort);
                open.add(client);
                open.add(inside);
                Thread.ofVirtual().start(() -> copy(client, inside, true));
                Thread.ofVirtual().start(() -> copy(client, inside, false));
            } catch (IOException | RuntimeException e) {
                quietly(client);
            }
        }
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
