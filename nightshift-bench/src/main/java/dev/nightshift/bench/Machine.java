package dev.nightshift.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** What the numbers were measured on. */
record Machine(
        String nproc,
        String cpuModel,
        String memTotal,
        String kernel,
        String javaVersion,
        String jvmOptions,
        String maxHeap,
        String date,
        String code) {

    static Machine collect(Path repo) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new Machine(
                run("nproc"),
                procLine("/proc/cpuinfo", "model name"),
                readMemTotal(),
                run("uname", "-r"),
                run(java, "-version"),
                String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()),
                Stats.mib(Runtime.getRuntime().maxMemory()),
                ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME),
                code(repo));
    }

    /**
     * Which Nightshift build ran: the module jars on the classpath (with their build times) next
     * to the repository's HEAD, flagging jars older than the last commit to the main sources.
     */
    private static String code(Path repo) {
        if (repo == null) {
            repo = Path.of("").toAbsolutePath();
        }
        List<String> jars = new ArrayList<>();
        Instant oldest = null;
        for (Class<?> c : new Class<?>[] {
            dev.nightshift.core.model.Event.class,
            dev.nightshift.store.JdbcStore.class,
            dev.nightshift.server.Nightshift.class
        }) {
            try {
                Path jar = Path.of(
                        c.getProtectionDomain().getCodeSource().getLocation().toURI());
                Instant built = Files.getLastModifiedTime(jar).toInstant();
                oldest = oldest == null || built.isBefore(oldest) ? built : oldest;
                jars.add("`" + jar.getFileName() + "` (" + built.truncatedTo(ChronoUnit.SECONDS) + ")");
            } catch (Exception e) {
                jars.add(c.getSimpleName() + ": unknown");
            }
        }
        String head = run(repo, "git", "log", "-1", "--format=%h %cI");
        String lastSource = run(
                repo,
                "git",
                "log",
                "-1",
                "--format=%h %cI",
                "--",
                "nightshift-core/src/main",
                "nightshift-store/src/main",
                "nightshift-server/src/main");
        String dirty = run(
                repo,
                "git",
                "status",
                "--porcelain",
                "--",
                "nightshift-core/src/main",
                "nightshift-store/src/main",
                "nightshift-server/src/main");
        StringBuilder out = new StringBuilder(String.join(", ", jars));
        out.append("; repository HEAD ")
                .append(head)
                .append(", last commit to the modules' main sources ")
                .append(lastSource);
        if (!dirty.isBlank()) {
            out.append(", with uncommitted changes to them");
        }
        try {
            Instant committed = OffsetDateTime.parse(lastSource.split(" ")[1]).toInstant();
            if (oldest != null && oldest.isBefore(committed)) {
                out.append(". **The jars measured are older than that commit**: these numbers are for the build "
                        + "installed in the local Maven repository, not for HEAD");
            }
        } catch (RuntimeException e) {
            // not a git checkout, or an unexpected date format: say nothing more
        }
        return out.toString();
    }

    /**
     * Which build of one module ran, for the report of the benchmark that measures it: the jar
     * holding {@code anchor} (with its build time) and the last commit to {@code sourcePaths},
     * noting uncommitted changes to them. Each benchmark names its own module; the wording is shared.
     */
    static String moduleCode(Path repo, Class<?> anchor, String module, String what, String... sourcePaths) {
        String jar;
        try {
            Path file = Path.of(
                    anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
            Instant built = Files.getLastModifiedTime(file).toInstant().truncatedTo(ChronoUnit.SECONDS);
            jar = "`" + file.getFileName() + "` (" + built + ")";
        } catch (Exception e) {
            jar = module + ": unknown";
        }
        if (repo == null) {
            return jar;
        }
        try {
            String last = HostCommands.run(git(repo, List.of("log", "-1", "--format=%h %cI"), sourcePaths))
                    .strip();
            String dirty = HostCommands.run(git(repo, List.of("status", "--porcelain"), sourcePaths))
                    .strip();
            return jar + "; last commit to the " + what + " sources " + last
                    + (dirty.isEmpty() ? "" : ", with uncommitted changes to them");
        } catch (IOException e) {
            return jar;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return jar;
        }
    }

    /** {@code git -C repo <command> -- <paths>}. */
    private static List<String> git(Path repo, List<String> command, String... paths) {
        List<String> argv = new ArrayList<>(List.of("git", "-C", repo.toString()));
        argv.addAll(command);
        argv.add("--");
        argv.addAll(List.of(paths));
        return argv;
    }

    /** The 1, 5 and 15 minute load averages: something else busy on the machine shows here. */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " / " + f[1] + " / " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static String readMemTotal() {
        String line = procLine("/proc/meminfo", "MemTotal");
        try {
            long kib = Long.parseLong(line.replaceAll("\\D", ""));
            return String.format(java.util.Locale.ROOT, "%.1f GiB (%s kB)", kib / 1048576.0, kib);
        } catch (NumberFormatException e) {
            return line;
        }
    }

    private static String procLine(String file, String key) {
        try {
            for (String line : Files.readAllLines(Path.of(file))) {
                if (line.startsWith(key)) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
        return "unknown";
    }

    private static String run(String... command) {
        return run(null, command);
    }

    private static String run(Path dir, String... command) {
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            if (dir != null) {
                pb.directory(dir.toFile());
            }
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            p.waitFor(10, TimeUnit.SECONDS);
            return out;
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    List<String> lines() {
        List<String> out = new ArrayList<>();
        out.add("CPUs (nproc): " + nproc + " — " + cpuModel);
        out.add("memory: " + memTotal);
        out.add("kernel: " + kernel);
        out.add("java: " + javaVersion.lines().findFirst().orElse(""));
        return out;
    }
}
