package dev.nightshift.server.terminal;

import dev.nightshift.core.sandbox.QueuedInput;
import java.nio.ByteBuffer;

/**
 * The standard input of the pseudo-terminal relay in the sandbox ({@code terminal/pty-relay.py}):
 * frames of a kind byte, a 4-byte big-endian length and the payload — {@code d} typed bytes,
 * {@code r} a new size. Written from WebSocket threads, read by the sandbox's feeder thread; end of
 * file after {@link #close}, which the relay takes as the hang-up. At most {@link #MAX_QUEUED_BYTES}
 * wait unread: a shell that stops reading cannot make the control plane hold a paste without end.
 */
final class ShellInput extends QueuedInput {
    static final int MAX_QUEUED_BYTES = 1 << 20;

    ShellInput() {
        super(MAX_QUEUED_BYTES);
    }

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

    private static byte[] frame(char kind, byte[] payload) {
        return ByteBuffer.allocate(5 + payload.length)
                .put((byte) kind)
                .putInt(payload.length)
                .put(payload)
                .array();
    }
}
