package dev.nightshift.core.sandbox;

import java.util.Set;

/**
 * Ports inside a sandbox that the platform itself uses: the agent's browser (its DevTools port)
 * and the live desktop (VNC). They are never offered as preview ports, so a reviewer's port list
 * shows only what the session's own code listens on, and nobody reaches the browser's DevTools
 * through the port proxy.
 */
public final class ReservedPorts {
    /** Chromium's DevTools (CDP) port, bound to the sandbox's loopback. */
    public static final int BROWSER_DEVTOOLS = 9222;

    /** The desktop's VNC server that takes input (members who took control). */
    public static final int DESKTOP_VNC = 5900;

    /** The desktop's view-only VNC server (everyone else): input is ignored by the server itself. */
    public static final int DESKTOP_VNC_VIEW_ONLY = 5901;

    private static final Set<Integer> ALL = Set.of(BROWSER_DEVTOOLS, DESKTOP_VNC, DESKTOP_VNC_VIEW_ONLY);

    private ReservedPorts() {}

    public static boolean reserved(int port) {
        return ALL.contains(port);
    }
}
