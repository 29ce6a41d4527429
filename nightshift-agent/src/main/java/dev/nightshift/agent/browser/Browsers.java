package dev.nightshift.agent.browser;

import dev.nightshift.core.sandbox.Sandbox;
import dev.nightshift.core.sandbox.SandboxState;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The agent's browsers, one per sandbox, held by the control plane. A browser lives as long as its
 * sandbox: once the sandbox is no longer ready (hibernated, destroyed) its connection is closed at
 * the next sweep, and a connection idle for {@link #IDLE_TIMEOUT} is closed too (Chromium keeps
 * running in the sandbox; reconnecting over CDP on the next call is cheap). A browser that hung is
 * replaced on the next call by one that restarts Chromium. Thread-safe: tool calls of different
 * sessions run at once; the server's timer calls {@link #sweep}.
 */
public final class Browsers implements AutoCloseable {
    /** How long an unused connection to a sandbox's browser is kept. */
    public static final Duration IDLE_TIMEOUT = Duration.ofMinutes(10);

    /** How long {@link #open} waits for a started browser to answer, beyond connecting. */
    static final Duration OPEN_TIMEOUT = Duration.ofSeconds(5);

    /** How many of a browser's recent screenshots can be compared with later ones. */
    static final int REMEMBERED_SCREENSHOTS = 20;

    static final long REMEMBERED_BYTES = 64L * 1024 * 1024;

    private final Map<String, BrowserSession> sessions = new ConcurrentHashMap<>();
    private final Map<String, Memory> memories = new ConcurrentHashMap<>();
    private final Map<String, Sandbox> sandboxes = new ConcurrentHashMap<>();

    /**
     * What a sandbox's browser keeps across reconnections: its recent screenshots (by artifact id)
     * for comparisons, and counters for names. Thread-safe.
     */
    static final class Memory {
        private final LinkedHashMap<String, byte[]> screenshots = new LinkedHashMap<>();
        private long bytes;
        final AtomicInteger screenshotNumber = new AtomicInteger();
        final AtomicInteger recordingNumber = new AtomicInteger();
        final AtomicInteger actionNumber = new AtomicInteger();

        synchronized void remember(String artifactId, byte[] png) {
            screenshots.put(artifactId, png);
            bytes += png.length;
            var it = screenshots.entrySet().iterator();
            while ((screenshots.size() > REMEMBERED_SCREENSHOTS || bytes > REMEMBERED_BYTES) && it.hasNext()) {
                bytes -= it.next().getValue().length;
                it.remove();
            }
        }

        synchronized Optional<byte[]> screenshot(String artifactId) {
            return Optional.ofNullable(screenshots.get(artifactId));
        }

        synchronized String known() {
            return screenshots.isEmpty() ? "none yet" : String.join(", ", screenshots.keySet());
        }
    }

    /** The browser of {@code sandbox}, made when there is none or the last one hung. */
    BrowserSession session(Sandbox sandbox) {
        sweep();
        sandboxes.put(sandbox.id(), sandbox);
        return sessions.compute(sandbox.id(), (id, current) -> {
            if (current != null && !current.broken()) {
                return current;
            }
            boolean hung = current != null;
            if (current != null) {
                Thread.ofVirtual().start(current::close);
            }
            return new BrowserSession(sandbox, hung);
        });
    }

    Memory memory(Sandbox sandbox) {
        return memories.computeIfAbsent(sandbox.id(), id -> new Memory());
    }

    /**
     * Closes the connections of sandboxes that are no longer ready and of browsers unused for
     * {@link #IDLE_TIMEOUT} (never one that records). Any thread.
     */
    public void sweep() {
        sessions.forEach((id, session) -> {
            boolean gone = session.sandbox.state() != SandboxState.READY;
            boolean idle = session.idleNanos() > IDLE_TIMEOUT.toNanos() && !session.recording();
            if ((gone || idle) && sessions.remove(id, session)) {
                Thread.ofVirtual().start(session::close);
            }
        });
        sandboxes.forEach((id, sandbox) -> {
            if (sandbox.state() != SandboxState.READY) {
                sandboxes.remove(id);
                memories.remove(id);
            }
        });
    }

    /**
     * Starts the sandbox's browser unless it runs, and connects to it: the live desktop calls this
     * so a person who opens it sees the browser the agent will drive. Called on a request's thread.
     *
     * @throws java.io.IOException when the browser could not be started, with the reason
     */
    public void open(Sandbox sandbox) throws java.io.IOException, InterruptedException {
        try {
            session(sandbox).call(OPEN_TIMEOUT, live -> null);
        } catch (BrowserException e) {
            throw new java.io.IOException(e.getMessage(), e);
        }
    }

    /** Closes the connection to the browser of the sandbox {@code sandboxId}, if any. */
    public void close(String sandboxId) {
        BrowserSession session = sessions.remove(sandboxId);
        if (session != null) {
            session.close();
        }
    }

    /** Whether a connection to that sandbox's browser is open (for tests and the desktop). */
    public boolean connected(String sandboxId) {
        return sessions.containsKey(sandboxId);
    }

    @Override
    public void close() {
        sessions.keySet().forEach(this::close);
        memories.clear();
        sandboxes.clear();
    }
}
