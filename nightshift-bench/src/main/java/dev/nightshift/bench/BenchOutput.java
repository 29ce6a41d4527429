package dev.nightshift.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where a benchmark writes its report, and how it says it was started: one rule for every benchmark. */
final class BenchOutput {
    private BenchOutput() {}

    /** docs/{@code fileName} of the repository we run in, or {@code NIGHTSHIFT_BENCH_OUT}. */
    static Path output(String fileName) throws IOException {
        String given = System.getenv("NIGHTSHIFT_BENCH_OUT");
        if (given != null && !given.isBlank()) {
            return Path.of(given).toAbsolutePath();
        }
        Path root = repoRoot();
        if (root == null) {
            throw new IOException("run from the repository (no nightshift-bench/ above "
                    + Path.of("").toAbsolutePath() + "), or set NIGHTSHIFT_BENCH_OUT=<file>");
        }
        return root.resolve("docs").resolve(fileName);
    }

    /** The repository root: the working directory or the nearest parent holding pom.xml and nightshift-bench/. */
    static Path repoRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("nightshift-bench")) && Files.exists(dir.resolve("pom.xml"))) {
                return dir;
            }
        }
        return null;
    }

    /**
     * Writes the report, says where and how long the run took, and ends the JVM: exit status 1 when
     * any measurement failed (its error is in the report), so a script running the benchmark sees it.
     */
    static void finish(Path out, String report, double seconds, java.util.List<String> errors) throws IOException {
        Files.createDirectories(out.getParent());
        Files.writeString(out, report);
        Benchmarks.say("done in " + Stats.fmt(seconds, 0) + " s; wrote " + out
                + (errors.isEmpty() ? "" : " (" + errors.size() + " failures)"));
        System.out.flush();
        System.exit(errors.isEmpty() ? 0 : 1);
    }

    /** The command recorded in the report: {@code -Dbench.command}, else the launcher's. */
    static String command(String launcherCommand) {
        String given = System.getProperty("bench.command");
        return given != null && !given.isBlank() ? given : launcherCommand;
    }
}
