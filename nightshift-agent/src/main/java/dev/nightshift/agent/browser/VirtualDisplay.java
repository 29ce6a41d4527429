package dev.nightshift.agent.browser;

import dev.nightshift.core.sandbox.DetachedProcess;
import dev.nightshift.core.sandbox.ExecRequest;
import dev.nightshift.core.sandbox.ExecResult;
import dev.nightshift.core.sandbox.OutputListener;
import dev.nightshift.core.sandbox.Sandbox;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The sandbox's virtual display ({@code Xvfb}): the agent's browser draws on it, and the live
 * desktop exports it over VNC. Started on first use and left running with the sandbox's other
 * background processes, so it costs nothing until something needs it. Called on a tool's thread
 * or a request's; two callers at once start at most one server (the second Xvfb finds the display
 * taken and exits, and both see the socket).
 */
public final class VirtualDisplay {
    /** The display's number inside every sandbox: each sandbox has its own {@code /tmp}. */
    public static final String DISPLAY = ":99";

    public static final int WIDTH_PIXELS = 1280;
    public static final int HEIGHT_PIXELS = 800;

    static final String SOCKET = "/tmp/.X11-unix/X99";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration LIFETIME = Duration.ofDays(365);

    private VirtualDisplay() {}

    /**
     * Starts the display unless it runs.
     *
     * @return the {@code DISPLAY} value for programs that draw on it
     * @throws IOException when it did not come up in time, with what Xvfb said
     */
    public static String ensure(Sandbox sandbox) throws IOException, InterruptedException {
        if (running(sandbox)) {
            return DISPLAY;
        }
        DetachedProcess xvfb = sandbox.startDetached(new ExecRequest(
                List.of(
                        "Xvfb",
                        DISPLAY,
                        "-screen",
                        "0",
                        WIDTH_PIXELS + "x" + HEIGHT_PIXELS + "x24",
                        "-nolisten",
                        "tcp",
                        "-nolisten",
                        "unix-abstract",
                        // without it the screen is reset whenever its last client leaves (a browser restart)
                        "-noreset"),
                "",
                Map.of(),
                LIFETIME));
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (running(sandbox)) {
                return DISPLAY;
            }
            Thread.sleep(50);
        }
        throw new IOException("the virtual display (Xvfb) did not start within " + READY_TIMEOUT.toSeconds() + " s: "
                + sandbox.detachedOutput(xvfb.id(), 2_000).strip());
    }

    /** True when the display's socket is there. */
    public static boolean running(Sandbox sandbox) throws InterruptedException {
        ExecResult result = sandbox.exec(
                new ExecRequest(List.of("test", "-S", SOCKET), "", Map.of(), CHECK_TIMEOUT), OutputListener.IGNORE);
        return result.exitCode() == 0;
    }
}
