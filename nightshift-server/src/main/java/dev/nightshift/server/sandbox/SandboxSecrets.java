package dev.nightshift.server.sandbox;

import dev.nightshift.core.model.Session;
import dev.nightshift.core.secret.Redaction;
import dev.nightshift.core.secret.SessionSecrets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The secrets each running sandbox was given, resolved once when its sandbox starts, so the
 * sandbox's environment (placeholders), its egress proxy (values to substitute) and the session
 * log's redaction all agree. Values live here, in the control plane's memory, only while the
 * sandbox does. Thread-safe: read from request, turn and proxy threads.
 */
public final class SandboxSecrets {
    private final Function<Session, SessionSecrets> resolver;
    private final Map<String, SessionSecrets> inUse = new ConcurrentHashMap<>();
    /** Real value → what stands in its place in the log, per session (precomputed: the log is written often). */
    private final Map<String, Redaction> redactions = new ConcurrentHashMap<>();

    /** @param resolver the vault: a session's secrets, unsealed */
    public SandboxSecrets(Function<Session, SessionSecrets> resolver) {
        this.resolver = resolver;
    }

    /** Resolves a session's secrets for the sandbox about to start, replacing what it had. */
    public SessionSecrets prepare(Session session) {
        SessionSecrets all = resolver.apply(session);
        // the session may have narrowed which of them it gets
        var settings = session.settings();
        SessionSecrets secrets = new SessionSecrets(
                all.egress().stream().filter(s -> settings.gets(s.name())).toList(),
                filter(all.setupEnv(), settings),
                filter(all.env(), settings));
        inUse.put(session.id(), secrets);
        redactions.put(session.id(), Redaction.of(secrets.replacements()));
        return secrets;
    }

    private static Map<String, String> filter(
            Map<String, String> byName, dev.nightshift.core.model.SessionSettings settings) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        byName.forEach((name, value) -> {
            if (settings.gets(name)) {
                out.put(name, value);
            }
        });
        return out;
    }

    /** What the session's sandbox was given; {@link SessionSecrets#NONE} when it has no sandbox here. */
    public SessionSecrets of(String sessionId) {
        return inUse.getOrDefault(sessionId, SessionSecrets.NONE);
    }

    /** The sandbox is gone: nothing of its secrets stays in memory. */
    public void forget(String sessionId) {
        inUse.remove(sessionId);
        redactions.remove(sessionId);
    }

    /** {@code json} with every known value of the session's secrets replaced (see {@link Redaction}). */
    public String redact(String sessionId, String json) {
        Redaction r = redactions.get(sessionId);
        return r == null || r.isEmpty() ? json : r.apply(json);
    }
}
