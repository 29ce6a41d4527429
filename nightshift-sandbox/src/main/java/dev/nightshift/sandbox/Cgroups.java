package dev.nightshift.sandbox;

import dev.nightshift.core.sandbox.SandboxLimits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resource limits and "kill everything it started" through cgroups (v1 or v2, whichever the host
 * lets us write). A process cannot leave a cgroup from inside the sandbox (no cgroupfs there), so
 * killing a group really kills everything a command spawned, daemons and double forks included.
 */
interface Cgroups {
    Logger LOG = LoggerFactory.getLogger(Cgroups.class);

    /** What is in force, for the start-up report. */
    String describe();

    /** Creates the sandbox's group with its limits. */
    Group create(String sandboxId, SandboxLimits limits) throws IOException;

    interface Group {
        /** The files a process writes its pid into to join this group, or a child group for one command. */
        List<Path> joinFiles(String child) throws IOException;

        /** Kills every process of a child group (one command) and removes it. */
        void kill(String child);

        /** Kills every process in the sandbox except the holder's group. */
        void killAllChildren();

        /** True once the group hit its memory limit since the last call (an OOM kill happened). */
        boolean oomKilledSinceLastCheck();

        /** Removes the groups; processes must be gone. */
        void remove();
    }

    /** @param group the directory (under each hierarchy) that holds this provider's sandboxes */
    static Cgroups detect(Path root, String group) {
        Path unified = root.resolve("cgroup.controllers");
        if (Files.isRegularFile(unified)) {
            try {
                String controllers = Files.readString(unified);
                if (controllers.contains("memory") && controllers.contains("pids") && Files.isWritable(root)) {
                    return new CgroupV2(root.resolve(group));
                }
            } catch (IOException e) {
                LOG.debug("cgroup v2 not usable", e);
            }
        }
        if (Files.isWritable(root.resolve("memory")) && Files.isWritable(root.resolve("pids"))) {
            return new CgroupV1(root, group);
        }
        return new None();
    }

    /** No cgroups we may write: limits fall back to rlimits, kills to the process tree. */
    final class None implements Cgroups {
        @Override
        public String describe() {
            return "cgroups: not writable here; memory and process limits fall back to per-process rlimits";
        }

        @Override
        public Group create(String sandboxId, SandboxLimits limits) {
            return new Group() {
                @Override
                public List<Path> joinFiles(String child) {
                    return List.of();
                }

                @Override
                public void kill(String child) {}

                @Override
                public void killAllChildren() {}

                @Override
                public boolean oomKilledSinceLastCheck() {
                    return false;
                }

                @Override
                public void remove() {}
            };
        }
    }

    /** Writes pids until the group is empty: new forks may appear while it kills. */
    static void killProcs(Path procsFile) {
        for (int round = 0; round < 50; round++) {
            List<Long> pids = readPids(procsFile);
            if (pids.isEmpty()) {
                return;
            }
            for (long pid : pids) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
            try {
                Thread.sleep(round < 5 ? 2 : 20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        LOG.warn("processes in {} survived 50 kill rounds", procsFile);
    }

    static List<Long> readPids(Path procsFile) {
        List<Long> pids = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(procsFile)) {
                if (!line.isBlank()) {
                    pids.add(Long.parseLong(line.trim()));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return List.of();
        }
        return pids;
    }

    static void write(Path file, String value) throws IOException {
        Files.writeString(file, value);
    }

    static Optional<Long> readLong(Path file, String key) {
        try {
            for (String line : Files.readAllLines(file)) {
                String[] parts = line.trim().split("\\s+");
                if (parts.length == 2 && parts[0].equals(key)) {
                    return Optional.of(Long.parseLong(parts[1]));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    static void removeTree(Path dir) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (var children = Files.list(dir)) {
            children.filter(Files::isDirectory).forEach(Cgroups::removeTree);
        } catch (IOException e) {
            LOG.debug("listing {} failed", dir, e.toString());
        }
        try {
            Files.deleteIfExists(dir); // rmdir: cgroup directories go with their (virtual) files
        } catch (IOException e) {
            LOG.debug("cannot remove cgroup {}: {}", dir, e.toString());
        }
    }
}
