package dev.nightshift.sandbox;

import dev.nightshift.core.sandbox.SandboxLimits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** cgroup v1: one group per sandbox in the memory, pids and cpu hierarchies; a pids child per command. */
final class CgroupV1 implements Cgroups {
    private static final long CPU_PERIOD_US = 100_000;
    private final Path root;
    private final String group;

    CgroupV1(Path root, String group) {
        this.root = root;
        this.group = group;
    }

    @Override
    public String describe() {
        return "cgroups v1: memory, process count and CPU limits in force";
    }

    @Override
    public Group create(String sandboxId, SandboxLimits limits) throws IOException {
        Path memory = Files.createDirectories(root.resolve("memory/" + group + "/" + sandboxId));
        Path pids = Files.createDirectories(root.resolve("pids/" + group + "/" + sandboxId));
        Path cpu = Files.isWritable(root.resolve("cpu"))
                ? Files.createDirectories(root.resolve("cpu/" + group + "/" + sandboxId))
                : null;
        Cgroups.write(memory.resolve("memory.limit_in_bytes"), Long.toString(limits.memoryBytes()));
        Path swap = memory.resolve("memory.memsw.limit_in_bytes");
        if (Files.exists(swap)) {
            Cgroups.write(swap, Long.toString(limits.memoryBytes())); // no escaping the limit into swap
        }
        Cgroups.write(pids.resolve("pids.max"), Integer.toString(limits.maxProcesses()));
        if (cpu != null) {
            Cgroups.write(cpu.resolve("cpu.cfs_period_us"), Long.toString(CPU_PERIOD_US));
            Cgroups.write(cpu.resolve("cpu.cfs_quota_us"), Long.toString(CPU_PERIOD_US * limits.cpuPercent() / 100));
        }
        return new Group() {
            private final OomCounter oom = new OomCounter(memory.resolve("memory.oom_control"));

            @Override
            public List<Path> joinFiles(String child) throws IOException {
                Path leaf = child == null ? pids : Files.createDirectories(pids.resolve(child));
                return cpu == null
                        ? List.of(memory.resolve("cgroup.procs"), leaf.resolve("cgroup.procs"))
                        : List.of(
                                memory.resolve("cgroup.procs"),
                                leaf.resolve("cgroup.procs"),
                                cpu.resolve("cgroup.procs"));
            }

            @Override
            public void kill(String child) {
                Path leaf = pids.resolve(child);
                Cgroups.killProcs(leaf.resolve("cgroup.procs"));
                Cgroups.removeTree(leaf);
            }

            @Override
            public void killAllChildren() {
                if (!Files.isDirectory(pids)) {
                    return; // already removed
                }
                try (var children = Files.list(pids)) {
                    children.filter(Files::isDirectory)
                            .forEach(dir -> kill(dir.getFileName().toString()));
                } catch (IOException e) {
                    LOG.warn("cannot list {}: {}", pids, e.toString());
                }
            }

            @Override
            public boolean oomKilledSinceLastCheck() {
                return oom.killedSinceLastCheck();
            }

            @Override
            public void remove() {
                killAllChildren();
                Cgroups.killProcs(pids.resolve("cgroup.procs"));
                Cgroups.removeTree(pids);
                Cgroups.removeTree(memory);
                if (cpu != null) {
                    Cgroups.removeTree(cpu);
                }
            }
        };
    }
}
