package dev.nightshift.core.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The standard input of a process the control plane talks to ({@link Sandbox#exec(ExecRequest,
 * InputStream, OutputListener)}): {@link #offer} from any thread, read by the sandbox's feeder, end of
 * file after {@link #close}. Unlike a {@code PipedInputStream} it does not care which threads write
 * (reactive schedulers' threads and WebSocket threads come and go). At most {@code maxQueuedBytes}
 * wait unread, so a process that stops reading cannot make the control plane hold input without end.
 */
public class QueuedInput extends InputStream {
    private static final byte[] END = new byte[0];

    private final long maxQueuedBytes;
    private final LinkedBlockingQueue<byte[]> chunks = new LinkedBlockingQueue<>();
    private final AtomicLong queued = new AtomicLong();
    private byte[] current = new byte[0];
    private int position;
    private volatile boolean closed;

    public QueuedInput(long maxQueuedBytes) {
        this.maxQueuedBytes = maxQueuedBytes;
    }

    /** Queues a copy of {@code bytes}; false when closed or too much waits unread (nothing queued then). */
    public boolean offer(byte[] bytes) {
        if (closed || queued.get() + bytes.length > maxQueuedBytes) {
            return false;
        }
        queued.addAndGet(bytes.length);
        chunks.add(bytes.clone());
        return true;
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

    /** Ends the input: the process reads end of file once what is queued is read. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            chunks.add(END);
        }
    }
}
