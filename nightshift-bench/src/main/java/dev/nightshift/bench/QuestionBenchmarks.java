package dev.nightshift.bench;

import static dev.nightshift.bench.Benchmarks.describe;
import static dev.nightshift.bench.Benchmarks.say;
import static dev.nightshift.bench.Machine.loadAverage;

import dev.nightshift.server.question.Questions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a turn waiting for a person's answer costs: {@value WaitingTurns#WAITING} turns paused on the
 * agent's {@code ask_user} beside the same server idle ({@link WaitingTurns}). Prints progress and
 * (over)writes {@code docs/benchmarks-questions.md}.
 */
public final class QuestionBenchmarks {
    static final String COMMAND = "./nightshift bench-questions";

    private QuestionBenchmarks() {}

    record Results(WaitingTurns.Result waiting, List<String> errors, String loadBefore, String loadAfter) {}

    public static void main(String[] args) throws Exception {
        Benchmarks.quietLogging();
        long start = System.nanoTime();
        Path out = BenchOutput.output("benchmarks-questions.md");
        Path repo = BenchOutput.repoRoot();
        Machine machine = Machine.collect(repo);
        String serverCode =
                Machine.moduleCode(repo, Questions.class, "nightshift-server", "server", "nightshift-server/src/main");
        say("Nightshift questions benchmark; report goes to " + out);
        String loadBefore = loadAverage();
        List<String> errors = new ArrayList<>();
        WaitingTurns.Result result = null;
        try {
            result = WaitingTurns.run(line -> say("[1/1] " + line));
        } catch (Exception e) {
            errors.add("waiting turns: " + describe(e));
            say("[1/1] FAILED: " + describe(e));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        String report = new QuestionReport(
                        machine,
                        serverCode,
                        BenchOutput.command(COMMAND),
                        seconds,
                        new Results(result, errors, loadBefore, loadAverage()))
                .render();
        BenchOutput.finish(out, report, seconds, errors);
    }
}
