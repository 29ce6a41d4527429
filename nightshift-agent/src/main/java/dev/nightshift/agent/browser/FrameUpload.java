package dev.nightshift.agent.browser;

import dev.nightshift.core.sandbox.ExecRequest;
import dev.nightshift.core.sandbox.ExecResult;
import dev.nightshift.core.sandbox.OutputListener;
import dev.nightshift.core.sandbox.Sandbox;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Files streamed into a directory of the sandbox while they are made (a recording's frames): one
 * {@code tar -x} runs in the sandbox for the whole recording and reads a tar stream written here,
 * so a frame costs no command of its own and nothing waits on the host's disk. {@link #add} is
 * called on the browser's thread and never blocks: past {@link #MAX_PENDING_BYTES} not yet taken
 * by the sandbox a file is refused (the caller drops that frame). The command runs on a virtual
 * thread of its own.
 */
final class FrameUpload implements AutoCloseable {
    static final long MAX_PENDING_BYTES = 32L * 1024 * 1024;
    private static final byte[] END = new byte[0];

    private final LinkedBlockingQueue<byte[]> chunks = new LinkedBlockingQueue<>();
    private final CompletableFuture<ExecResult> done = new CompletableFuture<>();
    private long pendingBytes;

    FrameUpload(Sandbox sandbox, String directory, Duration lifetime) {
        InputStream stream = new InputStream() {
            private byte[] current = new byte[0];
            private int at;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                while (current != null && at >= current.length) {
                    try {
                        current = chunks.take();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IOException("interrupted", e);
                    }
                    at = 0;
                    release(current.length);
                    if (current == END) {
                        current = null;
                    }
                }
                if (current == null) {
                    return -1;
                }
                int n = Math.min(len, current.length - at);
                System.arraycopy(current, at, b, off, n);
                at += n;
                return n;
            }
        };
        Thread.ofVirtual().name("browser-frames-" + sandbox.id()).start(() -> {
            try {
                done.complete(sandbox.exec(
                        new ExecRequest(
                                List.of("sh", "-c", "mkdir -p \"$0\" && exec tar -x -C \"$0\"", directory),
                                "",
                                Map.of(),
                                lifetime),
                        stream,
                        OutputListener.IGNORE));
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        });
    }

    private synchronized void release(int bytes) {
        pendingBytes -= bytes;
    }

    /** Queues a file; false when too much is still waiting for the sandbox (the file is dropped). */
    synchronized boolean add(String name, byte[] content) {
        if (pendingBytes + content.length > MAX_PENDING_BYTES) {
            return false;
        }
        byte[] header = header(name, content.length);
        int padding = (512 - content.length % 512) % 512;
        pendingBytes += header.length + content.length + padding;
        chunks.add(header);
        chunks.add(content);
        if (padding > 0) {
            chunks.add(new byte[padding]);
        }
        return true;
    }

    /** Ends the stream and waits for the sandbox to have every file. */
    ExecResult finish(Duration timeout) throws IOException, InterruptedException {
        chunks.add(new byte[1024]); // two zero blocks end a tar archive
        chunks.add(END);
        try {
            return done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IOException("writing the frames into the sandbox failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("writing the frames into the sandbox took over " + timeout.toSeconds() + " s");
        }
    }

    @Override
    public void close() {
        chunks.add(END);
    }

    /** A ustar header for a regular file of {@code size} bytes named {@code name} (ASCII, under 100 bytes). */
    static byte[] header(String name, long size) {
        byte[] h = new byte[512];
        put(h, 0, name, 100);
        put(h, 100, "0000644", 8);
        put(h, 108, "0000000", 8);
        put(h, 116, "0000000", 8);
        put(h, 124, String.format("%011o", size), 12);
        put(h, 136, "00000000000", 12);
        for (int i = 148; i < 156; i++) {
            h[i] = ' ';
        }
        h[156] = '0';
        put(h, 257, "ustar", 6);
        put(h, 263, "00", 2);
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        put(h, 148, String.format("%06o", sum), 6);
        h[154] = 0;
        h[155] = ' ';
        return h;
    }

    private static void put(byte[] h, int at, String value, int max) {
        byte[] b = value.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, h, at, Math.min(b.length, max));
    }
}
