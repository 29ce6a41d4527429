package dev.nightshift.sandbox.egress;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.util.concurrent.ThreadFactory;

/**
 * A CONNECT tunnel: bytes both ways, opaque (TLS, usually). When one side finishes sending, the
 * other is told so (half-close); an error on either side closes both.
 */
final class Tunnel {
    private Tunnel() {}

    static void run(
            SocketChannel client, InputStream clientIn, OutputStream clientOut, Socket origin, ThreadFactory threads)
            throws IOException, InterruptedException {
        OutputStream originOut = origin.getOutputStream();
        InputStream originIn = origin.getInputStream();
        Thread up = threads.newThread(() -> {
            try {
                Pipe.copy(clientIn, originOut);
                origin.shutdownOutput();
            } catch (IOException e) {
                closeBoth(client, origin);
            }
        });
        up.start();
        try {
            Pipe.copy(originIn, clientOut);
            client.shutdownOutput();
        } catch (IOException e) {
            closeBoth(client, origin);
        }
        up.join();
    }

    private static void closeBoth(SocketChannel client, Socket origin) {
        PlainHttpForwarder.closeQuietly(client);
        PlainHttpForwarder.closeQuietly(origin);
    }
}
