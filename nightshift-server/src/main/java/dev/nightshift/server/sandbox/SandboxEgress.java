package dev.nightshift.server.sandbox;

import dev.nightshift.core.event.EventPayload;
import dev.nightshift.core.model.Session;
import dev.nightshift.core.port.Store;
import dev.nightshift.sandbox.EgressAttachment;
import dev.nightshift.sandbox.egress.AllowlistPolicy;
import dev.nightshift.sandbox.egress.EgressListener;
import dev.nightshift.sandbox.egress.EgressProxy;
import dev.nightshift.server.SandboxSettings;
import dev.nightshift.server.live.EventLog;
import java.net.InetAddress;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One egress proxy per sandbox, with the session's allowlist (deployment-wide hosts plus those of
 * its repository). Every refusal becomes a {@code sandbox_network} event, so the agent and the
 * people watching see why a request failed.
 */
public final class SandboxEgress implements EgressAttachment {
    private static final Logger LOG = LoggerFactory.getLogger(SandboxEgress.class);

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
        String repository =
                store.sessions().get(sessionId).map(Session::repository).orElse("");
        AllowlistPolicy policy = new AllowlistPolicy(sessionId, settings.allowedHosts(repository));
        return EgressProxy.start(socket, policy, new EgressListener() {
            @Override
            public void allowed(String session, String host, int port, InetAddress address) {
                LOG.info("egress allowed: session {} → {}:{} ({})", session, host, port, address.getHostAddress());
            }

            @Override
            public void refused(String session, String host, int port, String reason) {
                try {
                    log.append(session, null, new EventPayload.SandboxNetwork("refused", host, port, reason));
                } catch (RuntimeException e) {
                    LOG.debug("no event for refused egress of {}: {}", session, e.getMessage());
                }
            }
        });
    }
}
