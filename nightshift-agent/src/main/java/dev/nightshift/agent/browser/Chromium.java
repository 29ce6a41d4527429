package dev.nightshift.agent.browser;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nightshift.core.sandbox.ExecRequest;
import dev.nightshift.core.sandbox.ExecResult;
import dev.nightshift.core.sandbox.OutputListener;
import dev.nightshift.core.sandbox.ReservedPorts;
import dev.nightshift.core.sandbox.Sandbox;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Chromium inside a sandbox: started headful on the sandbox's {@link VirtualDisplay} (so the live
 * desktop shows the very browser the agent drives), as the sandbox's unprivileged user, with
 * {@code --no-sandbox} (the sandbox itself is the boundary: Chromium's own sandbox needs namespaces
 * bubblewrap does not hand out), its profile under the sandbox's {@code /tmp}, its DevTools on the
 * sandbox's loopback ({@link ReservedPorts#BROWSER_DEVTOOLS}) and every request through the
 * sandbox's egress proxy, except loopback ones (Chromium never proxies loopback), so the agent's
 * own dev server works. Called on a browser's own thread.
 */
final class Chromium {
    static final String DIR = "/tmp/nightshift-browser";
    static final String PROFILE = DIR + "/profile";
    static final String PID_FILE = DIR + "/chromium.pid";

    private static final String DEBIAN_BINARY = "/usr/lib/chromium/chromium";

    static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration LIFETIME = Duration.ofDays(365);

    private static final ObjectMapper JSON = new ObjectMapper();

    private Chromium() {}

    /**
     * Starts the sandbox's Chromium unless it runs with its DevTools port listening. With {@code
     * fresh}, a running one is killed first (it stopped answering).
     */
    static void ensure(Sandbox sandbox, boolean fresh) throws IOException, InterruptedException {
        if (fresh) {
            kill(sandbox);
        } else if (running(sandbox)) {
            return;
        } else {
            kill(sandbox); // a half-dead one: its files would confuse the new one
        }
        String display = VirtualDisplay.ensure(sandbox);
        String proxy = shell(sandbox, "printf %s \"${HTTPS_PROXY:-${https_proxy:-}}\"")
                .stdout()
                .strip();
        List<String> argv = new ArrayList<>(List.of(
                "sh",
                "-c",
                "mkdir -p " + PROFILE + " && rm -f " + PROFILE + "/Singleton*"
                        + " && echo $$ > " + PID_FILE
                        // Debian's /usr/bin/chromium is a script that reads /etc/chromium.d, which a
                        // sandbox need not have: start the browser itself when it is there
                        + " && if [ -x " + DEBIAN_BINARY + " ]; then exec " + DEBIAN_BINARY + " \"$@\"; fi;"
                        + " exec chromium \"$@\"",
                "chromium",
                "--no-sandbox",
                "--test-type", // no banner about --no-sandbox over the page
                "--user-data-dir=" + PROFILE,
                "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=" + ReservedPorts.BROWSER_DEVTOOLS,
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-dev-shm-usage",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--password-store=basic",
                "--hide-crash-restore-bubble",
                "--window-position=0,0",
                "--window-size=" + VirtualDisplay.WIDTH_PIXELS + "," + VirtualDisplay.HEIGHT_PIXELS));
        if (proxy.matches("https?://[A-Za-z0-9.:\\[\\]-]+/?")) {
            argv.add("--proxy-server=" + proxy);
        }
        argv.add("about:blank");
        var started = sandbox.startDetached(new ExecRequest(argv, "", Map.of("DISPLAY", display), LIFETIME));
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (running(sandbox)) {
                return;
            }
            if (sandbox.detached().stream().anyMatch(p -> p.id().equals(started.id()) && !p.running())) {
                break;
            }
            Thread.sleep(100);
        }
        throw new IOException("Chromium did not start in the sandbox within " + START_TIMEOUT.toSeconds()
                + " s (is the `chromium` package installed?): "
                + sandbox.detachedOutput(started.id(), 2_000).strip());
    }

    /** True while the sandbox's Chromium runs and its DevTools port listens. */
    static boolean running(Sandbox sandbox) throws InterruptedException {
        return shell(sandbox, "pid=$(cat " + PID_FILE + " 2>/dev/null) && kill -0 \"$pid\" 2>/dev/null")
                        .succeeded()
                && sandbox.ports().contains(ReservedPorts.BROWSER_DEVTOOLS);
    }

    /**
     * The browser's DevTools WebSocket path ({@code /devtools/browser/<id>}), asked over HTTP
     * through {@code forwarder} ({@code /json/version}); Chromium writes no DevToolsActivePort
     * file for a fixed port.
     */
    static String devtoolsPath(CdpForwarder forwarder, Duration timeout) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder()
                .proxy(HttpClient.Builder.NO_PROXY)
                .connectTimeout(timeout)
                .build();
        try (http) {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + forwarder.port() + "/json/version"))
                            .timeout(timeout)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            String ws =
                    JSON.readTree(response.body()).path("webSocketDebuggerUrl").asText("");
            String path = ws.isEmpty() ? "" : URI.create(ws).getPath();
            if (response.statusCode() != 200 || !path.matches("/devtools/browser/[0-9a-fA-F-]+")) {
                throw new IOException(
                        "Chromium's DevTools answered HTTP " + response.statusCode() + " without a browser endpoint");
            }
            return path;
        }
    }

    /** Kills the sandbox's Chromium (and what it started), if it runs. */
    static void kill(Sandbox sandbox) throws InterruptedException {
        shell(
                sandbox,
                "pid=$(cat " + PID_FILE + " 2>/dev/null) || exit 0; kill -9 $(pgrep -P \"$pid\") \"$pid\" 2>/dev/null;"
                        + " rm -f " + PID_FILE + "; exit 0");
    }

    /** The pid of the sandbox's Chromium as it knows it, for tests that kill it. */
    static ExecResult shell(Sandbox sandbox, String script) throws InterruptedException {
        return sandbox.exec(
                new ExecRequest(List.of("sh", "-c", script), "", Map.of(), COMMAND_TIMEOUT), OutputListener.IGNORE);
    }
}
