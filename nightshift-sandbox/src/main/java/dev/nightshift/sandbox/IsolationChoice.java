package dev.nightshift.sandbox;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Which isolation sandboxes get, decided at start from what the host offers, unless the operator
 * named one. {@link #choose} is pure (a probe in, a decision with its reason out) so every case is
 * a unit test; {@link #probe} is the one place that looks at the host. The unisolated process
 * provider is only ever chosen when configured. Docker or Podman would be further
 * {@link Isolation}s, ranked after the ones here.
 */
public final class IsolationChoice {
    /** {@code NIGHTSHIFT_SANDBOX}'s value for "the best this host offers". */
    public static final String AUTO = "auto";

    public static final String BUBBLEWRAP = "bubblewrap";
    public static final String PROCESS = "process";
    /** The values {@code NIGHTSHIFT_SANDBOX} accepts. */
    public static final List<String> CONFIGURABLE = List.of(AUTO, BUBBLEWRAP, PROCESS);

    private static final long PROBE_TIMEOUT_SECONDS = 10;

    private IsolationChoice() {}

    public enum Isolation {
        /** bubblewrap run by root: a host uid and cgroups per sandbox. */
        BUBBLEWRAP_ROOT("bubblewrap (root)"),
        /** bubblewrap run by an ordinary user, in user namespaces; per-process limits. */
        BUBBLEWRAP_ROOTLESS("bubblewrap (rootless)"),
        /** No isolation at all: only when configured. */
        PROCESS("process (NO isolation)");

        private final String label;

        Isolation(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /**
     * What the host offers.
     *
     * @param root Nightshift runs as root
     * @param bubblewrap bubblewrap and the tools around it are installed
     * @param userNamespaces an ordinary user may make the user namespaces rootless bubblewrap needs
     *     (asked only when not root)
     */
    public record Probe(boolean root, boolean bubblewrap, boolean userNamespaces) {}

    /**
     * The choice and why, for the start-up log.
     *
     * @param isolation empty: no sandboxes on this host as configured; {@code reason} says what to do
     */
    public record Decision(Optional<Isolation> isolation, String reason) {
        static Decision of(Isolation isolation, String reason) {
            return new Decision(Optional.of(isolation), reason);
        }

        static Decision none(String reason) {
            return new Decision(Optional.empty(), reason);
        }
    }

    /** Picks the isolation for {@code configured} ({@code auto}, {@code bubblewrap}, {@code process}) on a host so probed. */
    public static Decision choose(String configured, Probe probe) {
        String value = configured == null ? AUTO : configured.strip().toLowerCase(Locale.ROOT);
        String how = value.equals(AUTO) || value.isEmpty() ? "the best this host offers" : "configured";
        switch (value) {
            case PROCESS:
                return Decision.of(
                        Isolation.PROCESS,
                        "NIGHTSHIFT_SANDBOX=process: commands run as plain processes of this user, NO isolation");
            case AUTO:
            case "":
            case BUBBLEWRAP:
                break;
            default:
                return Decision.none("NIGHTSHIFT_SANDBOX must be one of " + String.join(", ", CONFIGURABLE) + ", got '"
                        + configured + "'");
        }
        if (!probe.bubblewrap()) {
            return Decision.none("bubblewrap is not installed: install the bubblewrap, util-linux and socat packages"
                    + " (or set NIGHTSHIFT_SANDBOX=process on a trusted development machine: no isolation)");
        }
        if (probe.root()) {
            return Decision.of(
                    Isolation.BUBBLEWRAP_ROOT,
                    how + ": running as root, so each sandbox gets a host uid and cgroups of its own");
        }
        if (probe.userNamespaces()) {
            return Decision.of(
                    Isolation.BUBBLEWRAP_ROOTLESS,
                    how + ": not root, and this kernel lets an ordinary user make user namespaces; every sandbox"
                            + " runs as this user on the host, with per-process limits (run as root for a uid"
                            + " and cgroups per sandbox)");
        }
        return Decision.none("not root, and this host refuses user namespaces to ordinary users, which rootless"
                + " bubblewrap needs: run Nightshift as root, allow unprivileged user namespaces"
                + " (sysctl kernel.unprivileged_userns_clone=1, or an AppArmor profile for bwrap),"
                + " or set NIGHTSHIFT_SANDBOX=process on a trusted development machine (no isolation)");
    }

    /**
     * Looks at this host: whether it runs as root, whether bubblewrap and its tools are there, and,
     * when not root, whether rootless bubblewrap really starts (made the way the provider makes it).
     * Starts at most one short process; call it once at start.
     */
    public static Probe probe() {
        boolean root = BubblewrapProvider.isRoot();
        boolean bubblewrap = List.of(
                        "/usr/bin/bwrap", "/usr/bin/nsenter", "/usr/bin/setpriv", "/usr/bin/prlimit", "/usr/bin/socat")
                .stream()
                .allMatch(tool -> Files.isExecutable(Path.of(tool)));
        boolean userNamespaces = !root && bubblewrap && rootlessStarts();
        return new Probe(root, bubblewrap, userNamespaces);
    }

    private static boolean rootlessStarts() {
        if (!Files.isExecutable(Path.of("/usr/bin/unshare"))) {
            return false;
        }
        try {
            Process p = new ProcessBuilder(
                            "/usr/bin/unshare",
                            "--user",
                            "--map-root-user",
                            "--",
                            "/usr/bin/bwrap",
                            "--ro-bind",
                            "/",
                            "/",
                            "--unshare-pid",
                            "--unshare-net",
                            "--unshare-ipc",
                            "--unshare-uts",
                            "--proc",
                            "/proc",
                            "--dev",
                            "/dev",
                            "--",
                            "/usr/bin/unshare",
                            "--user",
                            "--map-user=1000",
                            "--",
                            "/bin/true")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!p.waitFor(PROBE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (java.io.IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
