package dev.nightshift.server.terminal;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The standard input of the pseudo-terminal relay in the sandbox ({@code terminal/pty-relay.py}):
 * frames of a kind byte, a 4-byte big-endian length and the payload — {@code d} typed bytes,
 * {@code r} a new size. Written from WebSocket threads, read by the sandbox's feeder thread; end of
 * file after {@link #close}, which the relay takes as the hang-up. At most {@link #MAX_QUEUED_BYTES}
 * wait unread: a shell that stops reading cannot make the control plane hold a paste without end.
 */
final class ShellInput extends InputStream {
    static final int MAX_QUEUED_BYTES = 1 << 20;
    private static final byte[] END = new byte[0];

    private final LinkedBlockingQueue<byte[]> chunks = new LinkedBlockingQueue<>();
    private final AtomicLong queued = new AtomicLong();
    private byte[] current = new byte[0];
    private int position;
    private volatile boolean closed;

    /** Queues typed bytes; false when the shell is too far behind (nothing queued then). */
    boolean typed(byte[] bytes) {
        return offer(frame('d', bytes));
    }

    /** Queues a new window size. */
    boolean resize(int cols, int rows) {
        return offer(frame(
                'r',
                ByteBuffer.allocate(4)
                        .putShort((short) cols)
                        .putShort((short) rows)
                        .array()));
    }

    private boolean offer(byte[] frame) {
        if (closed || queued.get() + frame.length > MAX_QUEUED_BYTES) {
            return false;
        }
        queued.addAndGet(frame.length);
        chunks.add(frame);
        return true;
    }

    private static byte[] frame(char kind, byte[] payload) {
        return ByteBuffer.allocate(5 + payload.length)
                .put((byte) kind)
                .putInt(payload.length)
                .put(payload)
                .array();
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (position >= current.length) {
            if (current == END) {
                return -1;
            }
            try {
                current = chunks.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for input");
            }
            queued.addAndGet(-current.length);
            position = 0;
        }
        int n = Math.min(len, current.length - position);
        System.arraycopy(current, position, b, off, n);
        position += n;
        return n;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            chunks.add(END);
        }
    }
}
