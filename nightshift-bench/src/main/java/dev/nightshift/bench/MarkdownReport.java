package dev.nightshift.bench;

/** What every benchmark report writes the same way: its lines, its header, the machine it ran on. */
abstract class MarkdownReport {
    protected final Machine machine;
    private final StringBuilder md = new StringBuilder();

    MarkdownReport(Machine machine) {
        this.machine = machine;
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
    final void header(String title, String mainClass, double seconds) {
        line("# " + title);
        line();
        line("Written by `nightshift-bench` (`dev.nightshift.bench." + mainClass + "`) from one run on " + machine.date()
                + "; the whole run took " + Stats.fmt(seconds, 0) + " s. Do not edit the numbers by hand: run it again.");
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

    final void javaVersion() {
        line("`java -version` of the JVM that ran the benchmark:");
        line();
        line("```");
        line(machine.javaVersion());
        line("```");
        line();
    }
}
