package dev.nightshift.server.sandbox;

import dev.nightshift.core.event.EventPayload;
import dev.nightshift.core.port.Store;
import dev.nightshift.server.http.Json;
import dev.nightshift.server.live.EventLog;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A port that starts listening in a sandbox becomes a preview URL for everyone in the session: a
 * {@code preview_url} artifact and its event. Scans every {@link #SCAN_MS} ms on the timer thread
 * it is started on.
 */
public final class PortAnnouncer {
    private static final Logger LOG = LoggerFactory.getLogger(PortAnnouncer.class);
    static final long SCAN_MS = 2000;

    private final SandboxManager sandboxes;
    private final PortProxy ports;
    private final Store store;
    private final EventLog log;
    private final Supplier<String> publicUrl;
    private final Clock clock;

    /** @param publicUrl the base URL people use (known once the server listens) */
    public PortAnnouncer(
            SandboxManager sandboxes,
            PortProxy ports,
            Store store,
            EventLog log,
            Supplier<String> publicUrl,
            Clock clock) {
        this.sandboxes = sandboxes;
        this.ports = ports;
        this.store = store;
        this.log = log;
        this.publicUrl = publicUrl;
        this.clock = clock;
    }

    public void start(ScheduledExecutorService timer) {
        timer.scheduleAtFixedRate(this::announce, SCAN_MS, SCAN_MS, TimeUnit.MILLISECONDS);
    }

    /** One scan; a failure is logged and the next scan tries again. */
    void announce() {
        try {
            sandboxes.announceNewPorts(ports::userPorts, (sessionId, port) -> {
                String url = publicUrl.get() + "/api/sessions/" + sessionId + "/ports/" + port + "/";
                var artifact = store.artifacts()
                        .add(sessionId, "preview_url", url, Json.write(Map.of("port", port)), clock.instant());
                log.append(sessionId, null, EventPayload.Artifact.of(artifact));
            });
        } catch (RuntimeException e) {
            LOG.debug("port scan failed", e);
        }
    }
}
