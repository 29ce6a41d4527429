package dev.nightshift.server.sandbox;

import dev.nightshift.core.model.Session;
import dev.nightshift.core.port.Store;
import dev.nightshift.sandbox.EgressAttachment;
import dev.nightshift.sandbox.egress.AllowlistPolicy;
import dev.nightshift.sandbox.egress.EgressListener;
import dev.nightshift.sandbox.egress.EgressProxy;
import dev.nightshift.server.SandboxSettings;
import dev.nightshift.server.http.Json;
import dev.nightshift.server.live.EventLog;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One egress proxy per sandbox, with the session's allowlist (deployment-wide hosts plus those of
 * its repository). Every refusal becomes a {@code sandbox_network} event, so the agent and the
 * people watching see why a request failed.
 */
public final class SandboxEgress implements EgressAttachment {
    private static final Logger LOG = LoggerFactory.getLogger(SandboxEgress.class);
    public static final String EVENT = "sandbox_network";

    private final Store store;
    private final EventLog log;
    private final SandboxSettings settings;

    public SandboxEgress(Store store, EventLog log, SandboxSettings settings) {
        this.store = store;
        this.log = log;
        this.settings = settings;
    }

    @Override
    public AutoCloseable attach(String sessionId, Path socket) throws Exception {
        String repository = store.sessions().get(sessionId).map(Session::repository).orElse("");
        AllowlistPolicy policy = new AllowlistPolicy(sessionId, settings.allowedHosts(repository));
        return EgressProxy.start(socket, policy, new EgressListener() {
            @Override
            public void allowed(String session, String host, int port, InetAddress address) {
                LOG.info("egress allowed: session {} → {}:{} ({})", session, host, port, address.getHostAddress());
            }

            @Override
            public void refused(String session, String host, int port, String reason) {
                Map<String, Object> data = new LinkedHashMap<>();
                data.put("action", "refused");
                data.put("host", host);
                data.put("port", port);
                data.put("reason", reason);
                try {
                    log.append(session, EVENT, null, Json.write(data));
                } catch (RuntimeException e) {
                    LOG.debug("no event for refused egress of {}: {}", session, e.getMessage());
                }
            }
        });
    }
}
