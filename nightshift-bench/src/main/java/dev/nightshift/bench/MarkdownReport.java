package dev.nightshift.bench;

import dev.nightshift.core.sandbox.SandboxLimits;
import java.util.List;

/**
 * What the benchmark reports write the same way: their lines, header, "How to run", the machine
 * they ran on and the failures of the run; and the rows the sandbox-based reports share.
 */
abstract class MarkdownReport {
    /** For {@link #howToRun}: why the benchmarks that start bubblewrap sandboxes must run as root. */
    static final String AS_ROOT_FOR_THE_PROVIDER =
            "as root (the provider gives every sandbox a uid and cgroups of its own), ";

    protected final Machine machine;
    private final String command;
    private final double seconds;
    private final StringBuilder md = new StringBuilder();

    /** {@code command} is how this run was started, {@code seconds} how long it took. */
    MarkdownReport(Machine machine, String command, double seconds) {
        this.machine = machine;
        this.command = command;
        this.seconds = seconds;
    }

    final void line(String s) {
        md.append(s).append('\n');
    }

    final void line() {
        md.append('\n');
    }

    final String markdown() {
        return md.toString();
    }

    /** The title and the sentence that says where the numbers come from. */
    final void header(String title, String mainClass) {
        line("# " + title);
        line();
        line("Written by `nightshift-bench` (`dev.nightshift.bench." + mainClass + "`) from one run on "
                + machine.date() + "; the whole run took " + Stats.fmt(seconds, 0)
                + " s. Do not edit the numbers by hand: run it again.");
        line();
    }

    /**
     * The "How to run" section. Only its frame is the same in every report: {@code asWhom} goes
     * between "From the repository root, " and "with nothing else loading the machine:" (empty, or
     * ending in ", "), and {@code details} goes on after "runs it in a JVM of its own".
     */
    final void howToRun(String asWhom, String launcher, String details) {
        line("## How to run");
        line();
        line("From the repository root, " + asWhom + "with nothing else loading the machine:");
        line();
        line("```sh");
        line(launcher);
        line("```");
        line();
        line("That builds the benchmark module (with a JDK 21+ the launcher finds) and runs it in a JVM of its own"
                + details);
        line();
        line("This run: `" + command + "`");
        line();
    }

    /** The start of the machine table, with the rows every report has; each report adds its own. */
    final void machineRows() {
        line("## Machine");
        line();
        line("| | |");
        line("|---|---|");
        line("| CPUs (`nproc`) | " + machine.nproc() + " (" + machine.cpuModel() + ") |");
        line("| Memory (`/proc/meminfo` MemTotal) | " + machine.memTotal() + " |");
        line("| Kernel (`uname -r`) | " + machine.kernel() + " |");
        line("| JVM options | " + (machine.jvmOptions().isBlank() ? "(none)" : "`" + machine.jvmOptions() + "`")
                + ", max heap " + machine.maxHeap() + " |");
        line("| Date | " + machine.date() + " |");
    }

    /** The load averages at the start and end of the run; {@code note} (empty, or " (…)") explains them. */
    final void loadAverageRow(String before, String after, String note) {
        line("| Load average (1 / 5 / 15 min) | " + before + " at the start, " + after + " at the end" + note + " |");
    }

    /**
     * The load average row, saying that small differences are noise when the machine was busier than
     * it has CPUs, else {@code otherwise}.
     */
    final void loadAverageRowNotingBusy(String before, String after, String otherwise) {
        loadAverageRow(
                before,
                after,
                busy(before, after)
                        ? " (**busier than the machine has CPUs**: other work ran during this run, so small "
                                + "differences are within its noise)"
                        : otherwise);
    }

    /** Whether the 1-minute load average at the start or end of the run was above the number of CPUs. */
    final boolean busy(String loadBefore, String loadAfter) {
        try {
            double cpus = Double.parseDouble(machine.nproc().trim());
            for (String load : List.of(loadBefore, loadAfter)) {
                if (Double.parseDouble(load.split("[ /]+")[0]) > cpus) {
                    return true;
                }
            }
        } catch (RuntimeException e) {
            // unknown: say nothing
        }
        return false;
    }

    /** The build of the module a report is about ({@code what}: "Agent", "Git", …), then the rest of Nightshift. */
    final void codeRows(String what, String moduleCode) {
        line("| " + what + " code measured | " + moduleCode + " |");
        line("| Other modules | " + machine.code() + " |");
    }

    /** The limits every sandbox of a sandbox-based benchmark ran with. */
    final void sandboxLimitsRow(SandboxLimits limits) {
        line("| Sandbox limits | memory " + Stats.mib(limits.memoryBytes()) + ", " + limits.maxProcesses()
                + " processes, " + limits.cpuPercent() + " % CPU, disk " + Stats.mib(limits.diskBytes()) + ", output "
                + Stats.mib(limits.maxOutputBytes()) + " |");
    }

    /** What the bubblewrap provider reported in force, and that its sandboxes had the server's egress proxy. */
    final void providerInForce(List<String> capabilities) {
        if (!capabilities.isEmpty()) {
            line("What the provider reported in force (`capabilities()`):");
            line();
            capabilities.forEach(c -> line("- " + c));
            line();
        }
        line("Each sandbox gets the real egress proxy (`EgressProxy` on its Unix socket, an allowlist that allows "
                + "nothing), as in the server.");
        line();
    }

    /** The parts of the run that failed, if any: the report still shows what the others measured. */
    final void failures(List<String> errors) {
        if (!errors.isEmpty()) {
            line("## Failures in this run");
            line();
            for (String e : errors) {
                line("- " + e);
            }
            line();
        }
    }

    /** The head of a latency table: percentiles of a measurement next to its floor's. */
    final void latencyHeader() {
        line("| Measurement | p50 | p90 | p99 | n | p50 / floor p50 |");
        line("|---|---:|---:|---:|---:|---:|");
    }

    /** One row of a latency table; {@code floor} is null where there is none, or {@code s} itself for the floor's own row. */
    final void latencyRow(Series s, Series floor) {
        line("| " + s.name() + " | " + Stats.fmtMs(s.p50()) + " | " + Stats.fmtMs(s.p(0.9)) + " | "
                + Stats.fmtMs(s.p(0.99)) + " | " + s.n() + " | "
                + (floor == null ? "" : floor == s ? "1.00× (floor)" : Stats.ratio(s.p50(), floor.p50())) + " |");
    }

    /** The "Met?" column of a targets table. */
    static String met(boolean met) {
        return met ? "**met**" : "**not met**";
    }

    final void javaVersion() {
        line("`java -version` of the JVM that ran the benchmark:");
        line();
        line("```");
        line(machine.javaVersion());
        line("```");
        line();
    }
}
