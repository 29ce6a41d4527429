package dev.nightshift.sandbox.egress;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * A loopback TCP port that leads to a Unix domain socket, as the sandbox's own bridge does (socat
 * inside the sandbox): lets an ordinary HTTP client use the egress proxy as its proxy.
 */
final class UnixBridge implements AutoCloseable {
    private final ServerSocket server;
    private final Path socket;

    UnixBridge(Path socket) throws IOException {
        this.socket = socket;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
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
                InputStream unixIn = ChannelStreams.input(unix);
                OutputStream unixOut = ChannelStreams.output(unix);
                InputStream tcpIn = tcp.getInputStream();
                OutputStream tcpOut = tcp.getOutputStream();
                Thread.ofVirtual().start(() -> copy(tcpIn, unixOut, tcp, unix));
                Thread.ofVirtual().start(() -> copy(unixIn, tcpOut, tcp, unix));
            } catch (IOException e) {
                return;
            }
        }
    }

    /** One direction; when it ends, both connections end (HTTP clients do not half-close). */
    private static void copy(InputStream in, OutputStream out, Socket tcp, SocketChannel unix) {
        try {
            in.transferTo(out);
        } catch (IOException e) {
            // one side left
        } finally {
            try {
                tcp.close();
                unix.close();
            } catch (IOException e) {
                // already closed
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
