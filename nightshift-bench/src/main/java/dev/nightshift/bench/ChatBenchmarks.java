package dev.nightshift.bench;

import static dev.nightshift.bench.Benchmarks.describe;
import static dev.nightshift.bench.Benchmarks.say;
import static dev.nightshift.bench.Machine.loadAverage;

import dev.nightshift.linear.LinearClient;
import dev.nightshift.slack.SlackClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What Slack and Linear as workplaces cost between a request for work and its first sign: a Slack
 * mention → acknowledged, → 👀, → the status message; a Linear delegation → acknowledged, → the
 * "Working on it" comment; against the Slack and Linear fakes, each next to a floor measured in the
 * same run ({@link ChatLatency}). Prints progress and (over)writes {@code docs/benchmarks-chat.md}.
 */
public final class ChatBenchmarks {
    static final String COMMAND = "./nightshift bench-chat";

    private ChatBenchmarks() {}

    /** Everything one run measured; {@code latency} is null when it failed, and named in {@code errors}. */
    record Results(ChatLatency.Result latency, List<String> errors, String loadBefore, String loadAfter) {}

    public static void main(String[] args) throws Exception {
        Benchmarks.quietLogging();
        long start = System.nanoTime();
        Path out = BenchOutput.output("benchmarks-chat.md");
        Path repo = BenchOutput.repoRoot();
        Machine machine = Machine.collect(repo);
        String slackCode = Machine.moduleCode(
                repo,
                SlackClient.class,
                "nightshift-slack",
                "Slack",
                "nightshift-slack/src/main",
                "nightshift-server/src/main/java/dev/nightshift/server/slack");
        String linearCode = Machine.moduleCode(
                repo,
                LinearClient.class,
                "nightshift-linear",
                "Linear",
                "nightshift-linear/src/main",
                "nightshift-server/src/main/java/dev/nightshift/server/linear");
        say("Nightshift Slack and Linear benchmark; report goes to " + out);
        machine.lines().forEach(l -> say("  " + l));
        String loadBefore = loadAverage();
        List<String> errors = new ArrayList<>();
        ChatLatency.Result latency = null;
        try {
            latency = ChatLatency.run(line -> say("[1/1] " + line));
        } catch (Exception e) {
            errors.add("Slack mention and Linear delegation → acknowledgement and first message: " + describe(e));
            say("[1/1] FAILED: " + describe(e));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        String report = new ChatReport(
                        machine,
                        slackCode,
                        linearCode,
                        BenchOutput.command(COMMAND),
                        seconds,
                        new Results(latency, errors, loadBefore, loadAverage()))
                .render();
        BenchOutput.finish(out, report, seconds, errors);
    }
}
