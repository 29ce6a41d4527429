package dev.nightshift.sandbox;

import dev.nightshift.core.sandbox.ExecRequest;
import dev.nightshift.core.sandbox.ExecResult;
import dev.nightshift.core.sandbox.OutputListener;
import dev.nightshift.core.sandbox.Sandbox;
import dev.nightshift.core.sandbox.SandboxLimits;
import dev.nightshift.core.sandbox.SandboxSpec;
import java.time.Duration;
import java.util.Map;

final class SandboxTestSupport {
    static final SandboxLimits SMALL = new SandboxLimits(256L << 20, 64, 100, 50L << 20, 256 * 1024);

    private SandboxTestSupport() {}

    static SandboxSpec spec(String session) {
        return new SandboxSpec(session, SMALL, Map.of());
    }

    static ExecResult sh(Sandbox sandbox, String script) throws InterruptedException {
        return sandbox.exec(ExecRequest.shell(script).withTimeout(Duration.ofSeconds(30)), OutputListener.IGNORE);
    }

    static ExecResult sh(Sandbox sandbox, String script, Duration timeout) throws InterruptedException {
        return sandbox.exec(ExecRequest.shell(script).withTimeout(timeout), OutputListener.IGNORE);
    }
}
