package dev.nightshift.server.desktop;

import dev.nightshift.core.sandbox.Sandbox;

/**
 * What else starts on the desktop once its display is up: the agent's browser, so that a person who
 * opens the desktop sees a window rather than an empty screen. Called on the request thread of the
 * {@code POST} that started the desktop, after the display and the VNC servers run; a failure is
 * logged and leaves the desktop running.
 */
@FunctionalInterface
public interface BrowserStarter {
    /** Starts nothing: the desktop shows the bare display. */
    BrowserStarter NONE = (sandbox, display) -> {};

    /**
     * @param display the {@code DISPLAY} value of the sandbox's virtual display
     */
    void start(Sandbox sandbox, String display) throws Exception;
}
