package dev.nightshift.agent.browser;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nightshift.core.sandbox.ExecRequest;
import dev.nightshift.core.sandbox.ExecResult;
import dev.nightshift.core.sandbox.OutputListener;
import dev.nightshift.core.sandbox.PortConnection;
import dev.nightshift.core.sandbox.ReservedPorts;
import dev.nightshift.core.sandbox.Sandbox;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
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
    /** The most of {@code /json/version}'s answer read (a few hundred bytes in practice). */
    private static final int MAX_VERSION_BYTES = 64 * 1024;

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
     * ({@code /json/version}) straight through the sandbox's port plumbing, never through the host's
     * loopback forwarder: the path is the only key to the browser, and the forwarder lets nothing
     * else through. Chromium writes no DevToolsActivePort file for a fixed port.
     */
    static String devtoolsPath(Sandbox sandbox, Duration timeout) throws IOException, InterruptedException {
        PortConnection connection = sandbox.connect(ReservedPorts.BROWSER_DEVTOOLS);
        var reply = new java.util.concurrent.CompletableFuture<String>();
        Thread.ofVirtual().start(() -> {
            try {
                connection
                        .output()
                        .write("GET /json/version HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                                .getBytes(StandardCharsets.US_ASCII));
                connection.output().flush();
                reply.complete(readResponse(connection.input()));
            } catch (IOException | RuntimeException e) {
                reply.completeExceptionally(e);
            }
        });
        String answer;
        try {
            answer = reply.get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IOException("Chromium's DevTools did not say where the browser is: " + e, e);
        } finally {
            connection.close();
        }
        int body = answer.indexOf("\r\n\r\n");
        String ws = body < 0
                ? ""
                : JSON.readTree(answer.substring(body + 4))
                        .path("webSocketDebuggerUrl")
                        .asText("");
        String path = ws.isEmpty() ? "" : URI.create(ws).getPath();
        if (!answer.startsWith("HTTP/1.1 200") && !answer.startsWith("HTTP/1.0 200")
                || !path.matches("/devtools/browser/[0-9a-fA-F-]+")) {
            throw new IOException("Chromium's DevTools answered without a browser endpoint: "
                    + answer.lines().findFirst().orElse("nothing"));
        }
        return path;
    }

    /**
     * One HTTP/1.1 response, head and body (by its {@code Content-Length}), without waiting for the
     * connection to close: Chromium keeps it open. At most {@link #MAX_VERSION_BYTES}.
     */
    private static String readResponse(java.io.InputStream in) throws IOException {
        java.io.ByteArrayOutputStream head = new java.io.ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0 && head.size() < MAX_VERSION_BYTES) {
            head.write(c);
            if (head.size() >= 4 && head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
                break;
            }
        }
        String text = head.toString(StandardCharsets.US_ASCII);
        int length = text.lines()
                .filter(l -> l.regionMatches(true, 0, "Content-Length:", 0, 15))
                .map(l -> Integer.parseInt(l.substring(15).strip()))
                .findFirst()
                .orElse(0);
        byte[] body = in.readNBytes(Math.min(Math.max(length, 0), MAX_VERSION_BYTES));
        return text + new String(body, StandardCharsets.UTF_8);
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
