package dev.nightshift.bench;

import static dev.nightshift.bench.Benchmarks.describe;
import static dev.nightshift.bench.Benchmarks.say;
import static dev.nightshift.bench.Machine.loadAverage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One run of the agent-loop benchmarks: a real server (the agent, SQLite, bubblewrap sandboxes)
 * against a scripted zero-latency model on loopback. Measures what the control plane adds to each
 * step of a 200-step turn, what a {@code bash} step adds to the sandbox's own exec, and how long a
 * prompt takes to reach the model; each next to a floor measured in the same run. Prints progress
 * and (over)writes {@code docs/benchmarks-agent.md}.
 */
public final class AgentBenchmarks {
    static final String COMMAND = "./nightshift bench-agent";
    static final int PARTS = 3;
    static final long STEP_TARGET_NANOS = 20_000_000L;
    static final long PROMPT_TARGET_NANOS = 200_000_000L;

    private AgentBenchmarks() {}

    /** Everything one run measured; a part that failed is null and named in {@code errors}. */
    record Results(
            AgentLoop.Part1 part1,
            AgentLoop.Part2 part2,
            AgentLoop.Part3 part3,
            List<String> capabilities,
            String sqliteSynchronous,
            String dataFilesystem,
            List<String> errors,
            String loadBefore,
            String loadAfter) {}

    public static void main(String[] args) throws Exception {
        Benchmarks.quietLogging();
        long start = System.nanoTime();
        Path repo = BenchOutput.repoRoot();
        Path out = BenchOutput.output("benchmarks-agent.md");
        Machine machine = Machine.collect(repo);
        String agentCode = Machine.moduleCode(
                repo,
                dev.nightshift.agent.AgentExecutor.class,
                "nightshift-agent",
                "agent",
                "nightshift-agent/src/main");
        say("Nightshift agent-loop benchmarks; report goes to " + out);
        machine.lines().forEach(l -> say("  " + l));

        String loadBefore = loadAverage();
        List<String> errors = new ArrayList<>();
        AgentLoop.Part1 part1 = null;
        AgentLoop.Part2 part2 = null;
        AgentLoop.Part3 part3 = null;
        List<String> capabilities = List.of();
        String synchronous = "unknown";
        String filesystem = "unknown";
        try (AgentLoop loop = AgentLoop.start()) {
            capabilities = loop.server.server.sandboxes().describe();
            synchronous = loop.server.server.config().store().sqliteSynchronous();
            filesystem = filesystem(loop.server.dataDir);
            say("server up (SQLite, bubblewrap sandboxes); the model is a scripted fake on loopback");

            say("[1/" + PARTS + "] " + AgentLoop.STEPS + " todo_write steps + a final answer, after a "
                    + AgentLoop.STEP_WARMUP
                    + "-step warm-up turn; floor: the same request bodies from a bare JDK HTTP client");
            try {
                part1 = loop.part1(l -> say("[1/" + PARTS + "] " + l));
            } catch (Exception e) {
                errors.add("per-step overhead: " + describe(e));
                say("[1/" + PARTS + "] FAILED: " + describe(e));
            }

            say("[2/" + PARTS + "] " + AgentLoop.STEPS + " bash `true` steps; floor: `exec true` on the same sandbox, "
                    + AgentLoop.EXEC_RUNS + " before and " + AgentLoop.EXEC_RUNS + " after the turn");
            try {
                part2 = loop.part2(l -> say("[2/" + PARTS + "] " + l));
            } catch (Exception e) {
                errors.add("bash steps: " + describe(e));
                say("[2/" + PARTS + "] FAILED: " + describe(e));
            }

            say("[3/" + PARTS + "] prompt accepted → first model request: " + AgentLoop.PROMPT_WARMUP + " warm-up + "
                    + AgentLoop.PROMPTS + " prompts, one after another on a session with a ready sandbox");
            try {
                part3 = loop.part3(l -> say("[3/" + PARTS + "] " + l));
            } catch (Exception e) {
                errors.add("prompt to first model request: " + describe(e));
                say("[3/" + PARTS + "] FAILED: " + describe(e));
            }
        } catch (Exception e) {
            errors.add("starting the server and the fake model: " + describe(e));
            say("FAILED: " + describe(e));
        }

        double seconds = (System.nanoTime() - start) / 1e9;
        Results results = new Results(
                part1, part2, part3, capabilities, synchronous, filesystem, errors, loadBefore, loadAverage());
        String report = new AgentReport(machine, agentCode, BenchOutput.command(COMMAND), seconds, results).render();
        BenchOutput.finish(out, report, seconds, errors);
    }

    /** The file system type under the server's data directory (where SQLite writes), not its path. */
    private static String filesystem(Path dir) {
        try {
            return Files.getFileStore(dir).type();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
