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
