package dev.nightshift.sandbox.egress;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;

/**
 * TLS over a pair of plain streams, through an {@link SSLEngine}: the sandbox's side of an
 * intercepted tunnel arrives on a Unix domain socket, which has no {@link java.net.Socket} for
 * an {@link javax.net.ssl.SSLSocket} to wrap.
 *
 * <p>One thread at a time: the intercepting connection reads a request, then writes its
 * response, on its own virtual thread. Handshake messages the engine needs to send while reading
 * (TLS 1.3 key updates) are sent from the reading call.
 */
final class TlsStreams {
    private final SSLEngine engine;
    private final InputStream rawIn;
    private final OutputStream rawOut;
    /** Received TLS records, in read mode between calls. */
    private ByteBuffer netIn;
    /** Decrypted bytes not yet handed out, in write mode between calls. */
    private ByteBuffer appIn;

    private ByteBuffer netOut;

    TlsStreams(SSLEngine engine, InputStream rawIn, OutputStream rawOut) {
        this.engine = engine;
        this.rawIn = rawIn;
        this.rawOut = rawOut;
        int packet = engine.getSession().getPacketBufferSize();
        this.netIn = ByteBuffer.allocate(packet).flip();
        this.appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
        this.netOut = ByteBuffer.allocate(packet);
    }

    /** Runs the handshake to its end; fails if the peer leaves or the engine refuses it. */
    void handshake() throws IOException {
        engine.beginHandshake();
        while (true) {
            switch (engine.getHandshakeStatus()) {
                case NEED_WRAP -> wrap(ByteBuffer.allocate(0));
                case NEED_TASK -> runTasks();
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    SSLEngineResult result = unwrap();
                    if (result.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW && !readNet()) {
                        throw new EOFException("the peer left during the TLS handshake");
                    }
                    if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
                        throw new SSLException("the peer closed the connection during the TLS handshake");
                    }
                }
                default -> {
                    return;
                }
            }
        }
    }

    InputStream input() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                if (length == 0) {
                    return 0;
                }
                if (!fill()) {
                    return -1;
                }
                appIn.flip();
                int n = Math.min(length, appIn.remaining());
                appIn.get(buffer, offset, n);
                appIn.compact();
                return n;
            }
        };
    }

    OutputStream output() {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] buffer, int offset, int length) throws IOException {
                ByteBuffer source = ByteBuffer.wrap(buffer, offset, length);
                while (source.hasRemaining()) {
                    wrap(source);
                }
            }

            @Override
            public void flush() throws IOException {
                rawOut.flush();
            }
        };
    }

    /** Sends close_notify, best effort; the caller closes the socket. */
    void closeOutbound() {
        try {
            engine.closeOutbound();
            while (!engine.isOutboundDone()) {
                wrap(ByteBuffer.allocate(0));
            }
        } catch (IOException e) {
            // the peer is gone; nothing to tell it
        }
    }

    /** Unwraps until application bytes are waiting; false once the peer closed. */
    private boolean fill() throws IOException {
        while (appIn.position() == 0) {
            if (engine.isInboundDone()) {
                return false;
            }
            SSLEngineResult result = unwrap();
            switch (result.getStatus()) {
                case BUFFER_UNDERFLOW -> {
                    if (!readNet()) {
                        return false; // ended without close_notify: treated as the end
                    }
                }
                case CLOSED -> {
                    answerHandshake();
                    return appIn.position() > 0;
                }
                default -> answerHandshake();
            }
        }
        return true;
    }

    private void answerHandshake() throws IOException {
        while (true) {
            switch (engine.getHandshakeStatus()) {
                case NEED_TASK -> runTasks();
                case NEED_WRAP -> {
                    if (engine.isOutboundDone()) {
                        return;
                    }
                    wrap(ByteBuffer.allocate(0));
                }
                default -> {
                    return;
                }
            }
        }
    }

    private SSLEngineResult unwrap() throws IOException {
        while (true) {
            SSLEngineResult result = engine.unwrap(netIn, appIn);
            if (result.getStatus() != SSLEngineResult.Status.BUFFER_OVERFLOW) {
                return result;
            }
            ByteBuffer larger =
                    ByteBuffer.allocate(appIn.capacity() + engine.getSession().getApplicationBufferSize());
            appIn.flip();
            appIn = larger.put(appIn);
        }
    }

    /** Reads more records from the peer; false if it has ended. */
    private boolean readNet() throws IOException {
        netIn.compact();
        if (!netIn.hasRemaining()) {
            ByteBuffer larger = ByteBuffer.allocate(netIn.capacity() * 2);
            netIn.flip();
            netIn = larger.put(netIn);
        }
        int n = rawIn.read(netIn.array(), netIn.arrayOffset() + netIn.position(), netIn.remaining());
        if (n > 0) {
            netIn.position(netIn.position() + n);
        }
        netIn.flip();
        return n > 0;
    }

    private void wrap(ByteBuffer source) throws IOException {
        while (true) {
            netOut.clear();
            SSLEngineResult result = engine.wrap(source, netOut);
            switch (result.getStatus()) {
                case BUFFER_OVERFLOW -> netOut = ByteBuffer.allocate(netOut.capacity() * 2);
                case CLOSED -> {
                    send();
                    if (source.hasRemaining()) {
                        throw new SSLException("the TLS connection is closed");
                    }
                    return;
                }
                default -> {
                    send();
                    if (result.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_TASK) {
                        runTasks();
                    }
                    return;
                }
            }
        }
    }

    private void send() throws IOException {
        netOut.flip();
        if (netOut.hasRemaining()) {
            rawOut.write(netOut.array(), netOut.arrayOffset(), netOut.limit());
            rawOut.flush();
        }
    }

    private void runTasks() {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
        }
    }
}
