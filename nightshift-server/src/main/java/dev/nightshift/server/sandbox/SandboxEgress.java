package dev.nightshift.server.sandbox;

import dev.nightshift.core.event.EventPayload;
import dev.nightshift.core.model.Session;
import dev.nightshift.core.model.SessionSettings;
import dev.nightshift.core.port.Store;
import dev.nightshift.sandbox.EgressAttachment;
import dev.nightshift.sandbox.egress.CertificateAuthority;
import dev.nightshift.sandbox.egress.EgressListener;
import dev.nightshift.sandbox.egress.EgressProxy;
import dev.nightshift.server.SandboxSettings;
import dev.nightshift.server.live.EventLog;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
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
    private final List<SessionEgressPolicy.InternalHost> internal;
    private final SandboxSecrets secrets;
    private final CertificateAuthority ca;
    private final java.security.KeyStore originTrust;
    private final Clock clock;

    /**
     * @param internalHosts hosts (optionally {@code host:port}) that may resolve to private addresses
     * @param secrets what each session's sandbox was given; its egress secrets go to its proxy
     * @param ca the deployment CA the proxy terminates TLS with for hosts that have a secret (null: none)
     * @param originTrust CAs trusted for intercepted origins besides the JDK's (null: none)
     */
    public SandboxEgress(
            Store store,
            EventLog log,
            SandboxSettings settings,
            List<String> internalHosts,
            SandboxSecrets secrets,
            CertificateAuthority ca,
            java.security.KeyStore originTrust,
            Clock clock) {
        this.originTrust = originTrust;
        this.store = store;
        this.log = log;
        this.settings = settings;
        this.internal = SessionEgressPolicy.InternalHost.parse(internalHosts);
        this.secrets = secrets;
        this.ca = ca;
        this.clock = clock;
    }

    @Override
    public AutoCloseable attach(String sessionId, Path socket) throws Exception {
        Session session = store.sessions().get(sessionId).orElse(null);
        // the session may narrow the deployment's reach, never widen it
        var network = session == null
                ? SessionSettings.Network.NONE
                : session.settings().network();
        var policy = switch (network) {
            case NONE -> SessionEgressPolicy.of(sessionId, List.of(), List.of(), List.of());
            case ALLOWLIST ->
                SessionEgressPolicy.of(
                        sessionId,
                        settings.egressAllow(),
                        internal,
                        secrets.of(sessionId).egress());
            case REPOSITORY ->
                SessionEgressPolicy.of(
                        sessionId,
                        settings.allowedHosts(session.repository()),
                        internal,
                        secrets.of(sessionId).egress());
        };
        return EgressProxy.start(
                socket,
                policy,
                new EgressListener() {
                    @Override
                    public void allowed(String session, String host, int port, InetAddress address) {
                        LOG.info(
                                "egress allowed: session {} → {}:{} ({})",
                                session,
                                host,
                                port,
                                address.getHostAddress());
                    }

                    @Override
                    public void substituted(
                            String session, String secretName, String host, String method, String path) {
                        store.audit()
                                .record(
                                        null,
                                        session,
                                        "secret.substitute",
                                        host,
                                        "ok",
                                        secretName + " " + method + " " + path,
                                        clock.instant());
                    }

                    @Override
                    public void misused(
                            String session, String secretName, String host, String method, String path, String reason) {
                        store.audit()
                                .record(
                                        null,
                                        session,
                                        "secret.substitute",
                                        host,
                                        "refused",
                                        secretName + " " + method + " " + path + ": " + reason,
                                        clock.instant());
                        try {
                            // the model sees it: the placeholder went somewhere it is worthless, and why
                            log.append(
                                    session,
                                    null,
                                    new EventPayload.SandboxNetwork(
                                            "placeholder_not_substituted",
                                            host,
                                            0,
                                            "the placeholder of " + secretName + " was sent to " + host + " " + method
                                                    + " " + path + " unchanged: " + reason));
                        } catch (RuntimeException e) {
                            LOG.debug("no event for a misused placeholder in {}: {}", session, e.getMessage());
                        }
                    }

                    @Override
                    public void refused(String session, String host, int port, String reason) {
                        try {
                            log.append(session, null, new EventPayload.SandboxNetwork("refused", host, port, reason));
                        } catch (RuntimeException e) {
                            LOG.debug("no event for refused egress of {}: {}", session, e.getMessage());
                        }
                    }
                },
                ca,
                originTrust);
    }
}
