package dev.nightshift.bench;

import static dev.nightshift.bench.Benchmarks.describe;
import static dev.nightshift.bench.Benchmarks.say;
import static dev.nightshift.bench.Machine.loadAverage;

import dev.nightshift.core.sandbox.Sandbox;
import dev.nightshift.core.sandbox.SandboxLimits;
import dev.nightshift.core.sandbox.SandboxSpec;
import dev.nightshift.sandbox.BubblewrapConfig;
import dev.nightshift.sandbox.BubblewrapProvider;
import dev.nightshift.sandbox.EgressAttachment;
import dev.nightshift.sandbox.egress.AllowlistPolicy;
import dev.nightshift.sandbox.egress.EgressListener;
import dev.nightshift.sandbox.egress.EgressProxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One run of the sandbox benchmarks on the bubblewrap provider: create to first command, a
 * command's round trip, 1 MiB through the file API, hibernating and restoring a 200 MiB workspace,
 * and what 20 live sandboxes cost; each next to a physical floor measured in the same run. Prints
 * progress and (over)writes {@code docs/benchmarks-sandbox.md}.
 */
public final class SandboxBenchmarks {
    static final String COMMAND = "./nightshift bench-sandbox";
    static final int PARTS = 5;
    /** Room for the 200 MiB workspace: 2 GiB of memory and disk, 256 processes, two cores, 1 MiB of output. */
    static final SandboxLimits LIMITS = new SandboxLimits(2L << 30, 256, 200, 2L << 30, 1L << 20);

    static final long CREATE_TARGET_NANOS = 150_000_000L;
    static final long EXEC_TARGET_NANOS = 15_000_000L;
    static final long RESTORE_TARGET_NANOS = 3_000_000_000L;

    private SandboxBenchmarks() {}

    /** Everything one run measured; a part that failed is null and named in {@code errors}. */
    record Results(
            List<String> capabilities,
            SandboxLatency.Create create,
            SandboxLatency.Exec exec,
            SandboxLatency.Files1MiB files,
            SandboxHibernation.Result hibernation,
            SandboxFleet.Result fleet,
            List<String> errors,
            String loadBefore,
            String loadAfter) {}

    public static void main(String[] args) throws Exception {
        Benchmarks.quietLogging();
        long start = System.nanoTime();
        Path out = BenchOutput.output("benchmarks-sandbox.md");
        Path repo = BenchOutput.repoRoot();
        Machine machine = Machine.collect(repo);
        String sandboxCode = Machine.moduleCode(
                repo,
                BubblewrapProvider.class,
                "nightshift-sandbox",
                "sandbox",
                "nightshift-sandbox/src/main",
                "nightshift-core/src/main/java/dev/nightshift/core/sandbox");
        say("Nightshift sandbox benchmarks; report goes to " + out);
        machine.lines().forEach(l -> say("  " + l));

        String loadBefore = loadAverage();
        List<String> errors = new ArrayList<>();
        List<String> capabilities = List.of();
        SandboxLatency.Create create = null;
        SandboxLatency.Exec exec = null;
        SandboxLatency.Files1MiB files = null;
        SandboxHibernation.Result hibernation = null;
        SandboxFleet.Result fleet = null;

        Path work = Files.createTempDirectory("nightshift-sandbox-bench");
        Path root = work.resolve("sandboxes");
        // the real egress proxy, refusing everything: each sandbox costs what it will cost in the server
        EgressAttachment egress = (sessionId, socket) ->
                EgressProxy.start(socket, new AllowlistPolicy(sessionId, List.of()), EgressListener.NONE);
        try (BubblewrapProvider provider = new BubblewrapProvider(BubblewrapConfig.under(root), egress)) {
            capabilities = provider.capabilities();
            SandboxSpec spec = new SandboxSpec("ses_bench", LIMITS, Map.of());

            say("[1/" + PARTS + "] create to first exec: " + SandboxLatency.CREATE_WARMUP + " warm-up + "
                    + SandboxLatency.CREATE_RUNS + " measured, each destroyed; floor: raw bwrap true");
            try {
                create = SandboxLatency.create(provider, spec, l -> say("[1/" + PARTS + "] " + l));
            } catch (Exception e) {
                errors.add("create to first exec: " + describe(e));
                say("[1/" + PARTS + "] FAILED: " + describe(e));
            }

            Sandbox warm = null;
            try {
                warm = provider.create(spec);
                say("[2/" + PARTS + "] exec true on a warm sandbox: " + SandboxLatency.EXEC_WARMUP + " warm-up + "
                        + SandboxLatency.EXEC_RUNS + " measured; floor: ProcessBuilder /usr/bin/true");
                try {
                    exec = SandboxLatency.exec(warm, l -> say("[2/" + PARTS + "] " + l));
                } catch (Exception e) {
                    errors.add("exec round trip: " + describe(e));
                    say("[2/" + PARTS + "] FAILED: " + describe(e));
                }
                say("[3/" + PARTS + "] 1 MiB file: " + SandboxLatency.FILE_RUNS + " writes, then "
                        + SandboxLatency.FILE_RUNS + " reads; floor: Files.write / Files.readAllBytes");
                try {
                    files = SandboxLatency.files(
                            warm, root, work.resolve("files-floor"), l -> say("[3/" + PARTS + "] " + l));
                } catch (Exception e) {
                    errors.add("1 MiB file: " + describe(e));
                    say("[3/" + PARTS + "] FAILED: " + describe(e));
                }
            } catch (Exception e) {
                errors.add("creating the warm sandbox for parts 2 and 3: " + describe(e));
                say("[2/" + PARTS + "] FAILED: " + describe(e));
            } finally {
                if (warm != null) {
                    warm.destroy();
                }
            }

            say("[4/" + PARTS + "] hibernate and restore a ~200 MiB workspace, " + SandboxHibernation.REPETITIONS
                    + " times; floor: tar | zstd -3 -T0 and back");
            try {
                hibernation = SandboxHibernation.run(
                        provider, spec, root, work.resolve("hibernation"), l -> say("[4/" + PARTS + "] " + l));
            } catch (Exception e) {
                errors.add("hibernate and restore: " + describe(e));
                say("[4/" + PARTS + "] FAILED: " + describe(e));
            }

            say("[5/" + PARTS + "] " + SandboxFleet.SANDBOXES + " concurrent sandboxes: footprint; floor: "
                    + SandboxFleet.SANDBOXES + " raw bwrap sleep processes");
            try {
                fleet = SandboxFleet.run(provider, spec, l -> say("[5/" + PARTS + "] " + l));
            } catch (Exception e) {
                errors.add("20 concurrent sandboxes: " + describe(e));
                say("[5/" + PARTS + "] FAILED: " + describe(e));
            }
        } catch (Exception e) {
            errors.add("starting the bubblewrap provider: " + describe(e));
            say("FAILED: " + describe(e));
        } finally {
            HostCommands.deleteQuietly(work);
        }

        double seconds = (System.nanoTime() - start) / 1e9;
        Results results =
                new Results(capabilities, create, exec, files, hibernation, fleet, errors, loadBefore, loadAverage());
        String report =
                new SandboxReport(machine, sandboxCode, BenchOutput.command(COMMAND), seconds, results).render();
        BenchOutput.finish(out, report, seconds, errors);
    }
}
