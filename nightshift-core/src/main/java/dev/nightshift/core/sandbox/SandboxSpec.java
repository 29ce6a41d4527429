package dev.nightshift.core.sandbox;

import java.util.Map;

/**
 * What a provider needs to make a sandbox.
 *
 * @param sessionId the session it belongs to (one sandbox per session)
 * @param limits resource limits
 * @param env extra environment for every process (never a credential: those stay on the host)
 */
public record SandboxSpec(String sessionId, SandboxLimits limits, Map<String, String> env) {
    public SandboxSpec {
        env = Map.copyOf(env);
    }
}
