package dev.nightshift.server.sandbox;

import dev.nightshift.core.event.EventPayload;
import dev.nightshift.core.port.Store;
import dev.nightshift.server.http.Json;
import dev.nightshift.server.live.EventLog;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A port that starts listening in a sandbox becomes a preview URL for everyone in the session: a
 * {@code preview_url} artifact (its data: the port, and the URL's {@code form}, {@code host} or
 * {@code path}) and its event. Scans every {@link #SCAN_MS} ms on the timer thread
 * it is started on.
 */
public final class PortAnnouncer {
    private static final Logger LOG = LoggerFactory.getLogger(PortAnnouncer.class);
    static final long SCAN_MS = 2000;

    private final SandboxManager sandboxes;
    private final PortProxy ports;
    private final Store store;
    private final EventLog log;
    private final PreviewAccess previews;
    private final Clock clock;

    /** @param previews where a port is previewed (the host or the path form) */
    public PortAnnouncer(
            SandboxManager sandboxes, PortProxy ports, Store store, EventLog log, PreviewAccess previews, Clock clock) {
        this.sandboxes = sandboxes;
        this.ports = ports;
        this.store = store;
        this.log = log;
        this.previews = previews;
        this.clock = clock;
    }

    public void start(ScheduledExecutorService timer) {
        timer.scheduleAtFixedRate(this::announce, SCAN_MS, SCAN_MS, TimeUnit.MILLISECONDS);
    }

    /** One scan; a failure is logged and the next scan tries again. */
    void announce() {
        try {
            sandboxes.announceNewPorts(ports::userPorts, (sessionId, port) -> {
                String url = previews.url(sessionId, port);
                String form = previews.origin(sessionId, port).isPresent() ? "host" : "path";
                var artifact = store.artifacts()
                        .add(
                                sessionId,
                                "preview_url",
                                url,
                                Json.write(Map.of("port", port, "form", form)),
                                clock.instant());
                log.append(sessionId, null, EventPayload.Artifact.of(artifact));
            });
        } catch (RuntimeException e) {
            LOG.debug("port scan failed", e);
        }
    }
}
