package dev.nightshift.bench;

import static dev.nightshift.bench.Benchmarks.describe;
import static dev.nightshift.bench.Benchmarks.say;
import static dev.nightshift.bench.Machine.loadAverage;

import dev.nightshift.github.GitHubRest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What GitHub as a workplace costs between a mention and the work starting: delivery received → 👀
 * on the comment, and → the session's first model request, against the GitHub fake; each next to a
 * floor measured in the same run ({@link GitHubLatency}). Prints progress and (over)writes
 * {@code docs/benchmarks-github.md}.
 */
public final class GitHubBenchmarks {
    static final String COMMAND = "./nightshift bench-github";

    private GitHubBenchmarks() {}

    /** Everything one run measured; {@code latency} is null when it failed, and named in {@code errors}. */
    record Results(GitHubLatency.Result latency, List<String> errors, String loadBefore, String loadAfter) {}

    public static void main(String[] args) throws Exception {
        Benchmarks.quietLogging();
        long start = System.nanoTime();
        Path out = BenchOutput.output("benchmarks-github.md");
        Path repo = BenchOutput.repoRoot();
        Machine machine = Machine.collect(repo);
        String githubCode = Machine.moduleCode(
                repo,
                GitHubRest.class,
                "nightshift-github",
                "GitHub",
                "nightshift-github/src/main",
                "nightshift-server/src/main/java/dev/nightshift/server/github");
        say("Nightshift GitHub benchmark; report goes to " + out);
        machine.lines().forEach(l -> say("  " + l));
        String loadBefore = loadAverage();
        List<String> errors = new ArrayList<>();
        GitHubLatency.Result latency = null;
        try {
            latency = GitHubLatency.run(line -> say("[1/1] " + line));
        } catch (Exception e) {
            errors.add("mention → reaction and first model request: " + describe(e));
            say("[1/1] FAILED: " + describe(e));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        String report = new GitHubReport(
                        machine,
                        githubCode,
                        BenchOutput.command(COMMAND),
                        seconds,
                        new Results(latency, errors, loadBefore, loadAverage()))
                .render();
        BenchOutput.finish(out, report, seconds, errors);
    }
}
