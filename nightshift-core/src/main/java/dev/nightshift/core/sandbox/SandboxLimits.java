package dev.nightshift.core.sandbox;

/**
 * Resource limits of one sandbox, each default defined here once.
 *
 * @param memoryBytes most memory its processes may use together
 * @param maxProcesses most processes (and threads) at once: a fork bomb stops here
 * @param cpuPercent share of one core, e.g. 100 = one full core, 50 = half
 * @param diskBytes most bytes the workspace and home may hold
 * @param maxOutputBytes most bytes of a command's output the control plane keeps
 */
public record SandboxLimits(long memoryBytes, int maxProcesses, int cpuPercent, long diskBytes, long maxOutputBytes) {
    public static final SandboxLimits DEFAULTS = new SandboxLimits(4L << 30, 512, 200, 10L << 30, 1L << 20);

    public SandboxLimits {
        if (memoryBytes < (16L << 20)
                || maxProcesses < 8
                || cpuPercent < 1
                || diskBytes < (1L << 20)
                || maxOutputBytes < 1024) {
            throw new IllegalArgumentException("sandbox limits too small to run anything: " + this);
        }
    }
}
