package dev.nightshift.sandbox;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Builds the argument vectors that start a sandbox and run commands in it. Pure: no process is started here. */
final class CommandLine {
    private CommandLine() {}

    /**
     * Prefixes a command so its first process joins the given cgroups before anything else runs:
     * a shell writes its own pid, then execs the command in place (same pid), so nothing escapes
     * the group even for an instant.
     */
    static List<String> joiningCgroups(List<Path> procsFiles, List<String> command) {
        if (procsFiles.isEmpty()) {
            return command;
        }
        List<String> argv = new ArrayList<>(List.of(
                "/bin/sh",
                "-c",
                "n=$1; shift; while [ \"$n\" -gt 0 ]; do echo $$ > \"$1\" || exit 125; shift; n=$((n-1)); done; exec \"$@\"",
                "join-cgroups",
                Integer.toString(procsFiles.size())));
        procsFiles.forEach(p -> argv.add(p.toString()));
        argv.addAll(command);
        return argv;
    }

    /** Drops to the sandbox user with no capabilities and no way to regain privileges. */
    static List<String> asSandboxUser(int uid) {
        return List.of(
                "/usr/bin/setpriv",
                "--reuid=" + uid,
                "--regid=" + uid,
                "--clear-groups",
                "--no-new-privs",
                "--bounding-set=-all",
                "--inh-caps=-all",
                "--");
    }

    /**
     * Rootless: becomes the sandbox user in a user namespace of the command's own, nested in the
     * sandbox's. The sandbox's user namespace maps only the host user, as root (it must keep
     * capabilities across exec to build mounts); the nested one maps that same host user to
     * {@code uid}, so the command runs as a non-zero uid that loses every capability at exec, and
     * no-new-privileges keeps it from gaining one. {@code --keep-caps} lets setpriv empty the
     * bounding set inside, which the kernel fills again for every new user namespace.
     */
    static List<String> asRootlessSandboxUser(int uid) {
        return List.of(
                "/usr/bin/unshare",
                "--user",
                "--keep-caps",
                "--map-user=" + uid,
                "--map-group=" + uid,
                "--",
                "/usr/bin/setpriv",
                "--no-new-privs",
                "--bounding-set=-all",
                "--inh-caps=-all",
                "--");
    }

    /**
     * Rootless: enters the sandbox's user namespace first, then every other namespace (all owned by
     * it, since it was made before bubblewrap made them), keeping the host user's credentials,
     * which are root in there. No {@code --user-parent} is needed (util-linux 2.39).
     */
    static List<String> enterRootless(long pid) {
        return List.of(
                "/usr/bin/nsenter",
                "--preserve-credentials",
                "-U",
                "-t",
                Long.toString(pid),
                "-m",
                "-u",
                "-i",
                "-n",
                "-p",
                "-r",
                "-w",
                "--");
    }

    /** The environment variable that hands a command to {@link #commandPidNamespace}'s shell. */
    static final String COMMAND_VARIABLE = "NIGHTSHIFT_COMMAND";

    /**
     * Rootless, with no cgroup to kill: the command runs in a PID namespace of its own under a
     * shell that waits for it, so when the command ends that shell (the namespace's first process)
     * ends too and the kernel kills everything the command left running, double forks included.
     * The command itself is not that first process, so signals reach it as usual. The command comes
     * in {@link #COMMAND_VARIABLE} ({@link #shellQuoted}), not as arguments: the shell and its
     * parent live as long as the command, and their command lines would show it twice to anything
     * in the sandbox that lists processes.
     */
    static List<String> commandPidNamespace() {
        return List.of(
                "/usr/bin/unshare",
                "--pid",
                "--fork",
                "--kill-child",
                "--",
                "/bin/sh",
                "-c",
                "eval \"set -- $" + COMMAND_VARIABLE + "\"; unset " + COMMAND_VARIABLE + "; \"$@\"; exit $?",
                "command-init");
    }

    /** Arguments as one string a POSIX shell's {@code eval "set -- …"} turns back into exactly them. */
    static String shellQuoted(List<String> argv) {
        StringBuilder out = new StringBuilder();
        for (String arg : argv) {
            if (!out.isEmpty()) {
                out.append(' ');
            }
            out.append('\'').append(arg.replace("'", "'\\''")).append('\'');
        }
        return out.toString();
    }

    /** Rootless: enters only the sandbox's network (host file system), for reaching its ports. */
    static List<String> enterNetworkRootless(long pid) {
        return List.of("/usr/bin/nsenter", "--preserve-credentials", "-U", "-t", Long.toString(pid), "-n", "--");
    }

    /**
     * Rootless, with no cgroup to write: per-process limits stand in for the sandbox's. Address
     * space for memory (per process, not the sandbox's total) and processes per command (counted
     * per user namespace, and each command has its own), file size and core dumps as with root.
     */
    static List<String> rootlessRlimits(long maxFileBytes, long memoryBytes, int maxProcesses) {
        return List.of(
                "/usr/bin/prlimit",
                "--fsize=" + maxFileBytes,
                "--core=0",
                "--as=" + memoryBytes,
                "--nproc=" + maxProcesses,
                "--");
    }

    /** Enters every namespace of the sandbox whose first process has host pid {@code pid}. */
    static List<String> enter(long pid) {
        return List.of("/usr/bin/nsenter", "-t", Long.toString(pid), "-m", "-u", "-i", "-n", "-p", "-r", "-w", "--");
    }

    /** Enters only the sandbox's network (host file system), for reaching its ports. */
    static List<String> enterNetwork(long pid) {
        return List.of("/usr/bin/nsenter", "-t", Long.toString(pid), "-n", "--");
    }

    /**
     * A private mount namespace in which the workspace and home are read-only: the command (and
     * all it starts) cannot write there, whatever it tries. Runs while still root, before the
     * privileges are dropped.
     */
    static List<String> readOnlyWorkspace(String workspace, String home) {
        return List.of(
                "/usr/bin/unshare",
                "--mount",
                "--propagation",
                "private",
                "--",
                "/bin/sh",
                "-c",
                "mount -o bind,remount,ro \"$1\" && mount -o bind,remount,ro \"$2\" || exit 126; shift 2; exec \"$@\"",
                "read-only",
                workspace,
                home);
    }

    /** Per-process limits that cgroups do not give: file size (a runaway write) and core dumps (only lowered, never raised). */
    static List<String> rlimits(long maxFileBytes) {
        return List.of("/usr/bin/prlimit", "--fsize=" + maxFileBytes, "--core=0", "--");
    }

    /** A scrubbed environment and a working directory: nothing of the host's environment leaks in. */
    static List<String> cleanEnv(String workdir, Map<String, String> env, List<String> argv) {
        List<String> out = new ArrayList<>(List.of("/usr/bin/env", "-i", "-C", workdir));
        env.forEach((k, v) -> out.add(k + "=" + v));
        out.addAll(argv);
        return out;
    }
}
