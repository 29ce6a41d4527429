package dev.nightshift.sandbox;

import dev.nightshift.core.sandbox.SandboxLimits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * cgroup v2: one group per sandbox holding the limits, with leaf groups for the holder and for each
 * command (v2 allows processes only in leaves once controllers are delegated).
 */
final class CgroupV2 implements Cgroups {
    private static final long CPU_PERIOD_US = 100_000;
    private final Path base;

    CgroupV2(Path base) {
        this.base = base;
    }

    @Override
    public String describe() {
        return "cgroups v2: memory, process count and CPU limits in force";
    }

    @Override
    public Group create(String sandboxId, SandboxLimits limits) throws IOException {
        Files.createDirectories(base);
        enable(base.getParent());
        enable(base);
        Path group = Files.createDirectories(base.resolve(sandboxId));
        Cgroups.write(group.resolve("memory.max"), Long.toString(limits.memoryBytes()));
        if (Files.exists(group.resolve("memory.swap.max"))) {
            Cgroups.write(group.resolve("memory.swap.max"), "0");
        }
        Cgroups.write(group.resolve("pids.max"), Integer.toString(limits.maxProcesses()));
        if (Files.exists(group.resolve("cpu.max"))) {
            Cgroups.write(group.resolve("cpu.max"), (CPU_PERIOD_US * limits.cpuPercent() / 100) + " " + CPU_PERIOD_US);
        }
        enable(group);
        return new Group() {
            private final OomCounter oom = new OomCounter(group.resolve("memory.events"));

            @Override
            public List<Path> joinFiles(String child) throws IOException {
                Path leaf = Files.createDirectories(group.resolve(child == null ? "holder" : child));
                return List.of(leaf.resolve("cgroup.procs"));
            }

            @Override
            public void kill(String child) {
                Path leaf = group.resolve(child);
                killGroup(leaf);
                Cgroups.removeTree(leaf);
            }

            @Override
            public void killAllChildren() {
                try (var children = Files.list(group)) {
                    children.filter(Files::isDirectory)
                            .filter(d -> !d.getFileName().toString().equals("holder"))
                            .forEach(dir -> kill(dir.getFileName().toString()));
                } catch (IOException e) {
                    LOG.warn("cannot list {}", group, e);
                }
            }

            @Override
            public boolean oomKilledSinceLastCheck() {
                return oom.killedSinceLastCheck();
            }

            @Override
            public void remove() {
                killGroup(group);
                Cgroups.removeTree(group);
            }
        };
    }

    private static void killGroup(Path group) {
        Path kill = group.resolve("cgroup.kill");
        if (Files.exists(kill)) {
            try {
                Cgroups.write(kill, "1");
            } catch (IOException e) {
                LOG.debug("cgroup.kill failed on {}", group, e);
            }
        }
        try (var leaves = Files.walk(group)) {
            leaves.filter(Files::isDirectory).forEach(d -> Cgroups.killProcs(d.resolve("cgroup.procs")));
        } catch (IOException e) {
            LOG.debug("walking {} failed", group, e);
        }
    }

    private static void enable(Path group) throws IOException {
        Path control = group.resolve("cgroup.subtree_control");
        if (Files.isWritable(control)) {
            try {
                Cgroups.write(control, "+memory +pids +cpu");
            } catch (IOException e) {
                Cgroups.write(control, "+memory +pids");
            }
        }
    }
}
