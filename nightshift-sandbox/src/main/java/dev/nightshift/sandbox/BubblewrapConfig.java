package dev.nightshift.sandbox;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How the bubblewrap provider lays out and runs sandboxes.
 *
 * @param root host directory holding one directory per sandbox (under the data directory)
 * @param quickFailureProbe how long a detached process is watched for dying at once
 * @param egressPort the loopback port inside the sandbox where the HTTP(S) proxy answers
 * @param cgroupRoot where the host's cgroup file system is mounted
 * @param warmPool empty sandboxes kept ready, so a new session skips creation (0 on a laptop)
 * @param poolLimits the limits pooled sandboxes are made with; a request with other limits is made fresh
 */
public record BubblewrapConfig(
        Path root,
        Duration quickFailureProbe,
        int egressPort,
        Path cgroupRoot,
        int warmPool,
        dev.nightshift.core.sandbox.SandboxLimits poolLimits) {
    public static final int DEFAULT_WARM_POOL = 0;

    public static final Duration DEFAULT_QUICK_FAILURE_PROBE = Duration.ofMillis(500);
    public static final int DEFAULT_EGRESS_PORT = 3128;
    public static final Path DEFAULT_CGROUP_ROOT = Path.of("/sys/fs/cgroup");

    public static BubblewrapConfig under(Path root) {
        return new BubblewrapConfig(
                root,
                DEFAULT_QUICK_FAILURE_PROBE,
                DEFAULT_EGRESS_PORT,
                DEFAULT_CGROUP_ROOT,
                DEFAULT_WARM_POOL,
                dev.nightshift.core.sandbox.SandboxLimits.DEFAULTS);
    }

    public BubblewrapConfig withWarmPool(int size, dev.nightshift.core.sandbox.SandboxLimits limits) {
        return new BubblewrapConfig(root, quickFailureProbe, egressPort, cgroupRoot, size, limits);
    }
}
