package dev.nightshift.server.desktop;

import dev.nightshift.agent.browser.VirtualDisplay;
import dev.nightshift.core.sandbox.DetachedProcess;
import dev.nightshift.core.sandbox.ExecRequest;
import dev.nightshift.core.sandbox.ReservedPorts;
import dev.nightshift.core.sandbox.Sandbox;
import dev.nightshift.core.sandbox.SandboxException;
import dev.nightshift.server.http.ApiException;
import dev.nightshift.server.sandbox.SandboxManager;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live desktop of a session: the sandbox's virtual display exported by two {@code x11vnc}
 * servers on the sandbox's loopback, one that takes input ({@link ReservedPorts#DESKTOP_VNC}, for
 * members who took control) and one that ignores it ({@link ReservedPorts#DESKTOP_VNC_VIEW_ONLY},
 * everyone else). Nothing runs until someone starts it, and it stops with the sandbox (idle
 * hibernation included), so it costs nothing when unused.
 *
 * <p>Called on request threads; two starts of one session at once are serialised, so at most one
 * server of each kind runs.
 */
public final class DesktopService {
    private static final Logger LOG = LoggerFactory.getLogger(DesktopService.class);
    /** How long the VNC servers get to listen after they were started. */
    static final Duration READY_TIMEOUT = Duration.ofSeconds(15);
    /** Detached processes live as long as the sandbox; this only satisfies the request's bound. */
    private static final Duration LIFETIME = Duration.ofDays(365);

    private static final int OUTPUT_BYTES = 2_000;

    /** What a caller learns: whether it runs, the sandbox's state, and the screen's size. */
    public record State(boolean running, String sandbox, int width, int height) {
        Map<String, Object> view() {
            return Map.of("running", running, "sandbox", sandbox, "width", width, "height", height);
        }
    }

    private final SandboxManager sandboxes;
    private final BrowserStarter browser;
    private final Map<String, ReentrantLock> starting = new ConcurrentHashMap<>();

    public DesktopService(SandboxManager sandboxes, BrowserStarter browser) {
        this.sandboxes = sandboxes;
        this.browser = browser;
    }

    /** Whether the desktop runs now; never starts or wakes anything. */
    public State state(String sessionId) {
        String sandboxState = sandboxes.status(sessionId).state();
        boolean running =
                sandboxes.current(sessionId).map(DesktopService::serving).orElse(false);
        return new State(running, sandboxState, VirtualDisplay.WIDTH_PIXELS, VirtualDisplay.HEIGHT_PIXELS);
    }

    /**
     * Starts the desktop unless it runs: the sandbox (resumed if it hibernated), its display, both
     * VNC servers, then the {@link BrowserStarter}. Idempotent.
     *
     * @throws ApiException 503 when the sandbox or a server could not start, saying why
     */
    public State start(String sessionId) throws InterruptedException {
        ReentrantLock lock = starting.computeIfAbsent(sessionId, k -> new ReentrantLock());
        lock.lock();
        try {
            Sandbox sandbox;
            try {
                sandbox = sandboxes.acquire(sessionId);
            } catch (SandboxException e) {
                throw new ApiException(503, "sandbox_unavailable", e.getMessage());
            }
            boolean wasServing = serving(sandbox);
            String display;
            try {
                display = VirtualDisplay.ensure(sandbox);
                if (!wasServing) {
                    List<Integer> listening = sandbox.ports();
                    List<DetachedProcess> started = new ArrayList<>();
                    if (!listening.contains(ReservedPorts.DESKTOP_VNC)) {
                        started.add(vnc(sandbox, display, ReservedPorts.DESKTOP_VNC, false));
                    }
                    if (!listening.contains(ReservedPorts.DESKTOP_VNC_VIEW_ONLY)) {
                        started.add(vnc(sandbox, display, ReservedPorts.DESKTOP_VNC_VIEW_ONLY, true));
                    }
                    awaitListening(sandbox, started);
                }
            } catch (IOException | SandboxException e) {
                throw new ApiException(503, "desktop_unavailable", "the desktop did not start: " + e.getMessage());
            }
            if (!wasServing) {
                try {
                    browser.start(sandbox, display);
                } catch (InterruptedException e) {
                    throw e;
                } catch (Exception e) {
                    LOG.warn("the desktop of {} runs, but its browser did not start: {}", sessionId, e.toString());
                }
            }
            sandboxes.touch(sessionId);
            return state(sessionId);
        } finally {
            lock.unlock();
        }
    }

    /** The session's sandbox while its desktop runs. */
    Optional<Sandbox> running(String sessionId) {
        return sandboxes.current(sessionId).filter(DesktopService::serving);
    }

    static boolean serving(Sandbox sandbox) {
        try {
            List<Integer> ports = sandbox.ports();
            return ports.contains(ReservedPorts.DESKTOP_VNC) && ports.contains(ReservedPorts.DESKTOP_VNC_VIEW_ONLY);
        } catch (RuntimeException e) {
            return false; // a sandbox going away has no desktop
        }
    }

    /**
     * One x11vnc on the sandbox's loopback: no password (only the control plane can reach it, through
     * the authenticated bridge), shared (everyone watches the same screen), forever (it outlives its
     * first viewer), no remote control of x11vnc itself, no rc file.
     */
    private static DetachedProcess vnc(Sandbox sandbox, String display, int port, boolean viewOnly)
            throws InterruptedException {
        List<String> argv = new ArrayList<>(List.of(
                "x11vnc",
                "-display",
                display,
                "-rfbport",
                Integer.toString(port),
                "-localhost",
                "-forever",
                "-shared",
                "-nopw",
                "-norc",
                "-noremote",
                "-quiet"));
        if (viewOnly) {
            argv.add("-viewonly");
        }
        return sandbox.startDetached(new ExecRequest(argv, "", Map.of(), LIFETIME));
    }

    private static void awaitListening(Sandbox sandbox, List<DetachedProcess> started)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (!serving(sandbox)) {
            if (System.nanoTime() > deadline) {
                StringBuilder said = new StringBuilder();
                for (DetachedProcess p : started) {
                    said.append(' ')
                            .append(sandbox.detachedOutput(p.id(), OUTPUT_BYTES).strip());
                }
                throw new IOException("the VNC server (x11vnc) did not listen within " + READY_TIMEOUT.toSeconds()
                        + " s; it said:" + said);
            }
            Thread.sleep(50);
        }
    }
}
