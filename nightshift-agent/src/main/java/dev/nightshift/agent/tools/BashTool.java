package dev.nightshift.agent.tools;

import dev.nightshift.core.sandbox.DetachedProcess;
import dev.nightshift.core.sandbox.ExecRequest;
import dev.nightshift.core.sandbox.ExecResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Runs a shell command in the sandbox, or starts one in the background. A non-zero exit is an
 * ordinary answer (the model reads it); only a call the tool cannot run is an error.
 */
public final class BashTool extends BaseTool {
    public static final String NAME = "bash";
    static final int DEFAULT_TIMEOUT_MS = 120_000;
    static final int MAX_TIMEOUT_MS = 600_000;
    static final int MAX_OUTPUT_CHARS = 50_000;
    /** How much of a background process's first output the answer shows. */
    static final int DETACHED_OUTPUT_BYTES = 4_096;

    static final int MAX_COMMAND_ECHO_CHARS = 200;
    static final String READ_ONLY_NOTE =
            "[read-only explorer: nothing may be written; the workspace is read-only here and commands that write fail]\n";

    private static final String DESCRIPTION = """
            Runs a bash command in the sandbox, in /workspace or in `workdir` (relative to it). Answers the output \
            (stdout and stderr together; when longer than %d characters, the start and the end with a marker \
            between), the exit code and how long it took. A non-zero exit code is reported, not treated as a \
            failure. The command and everything it started are killed after `timeout_ms` (default %d, at most %d). \
            For servers and watchers set `detached`: the command keeps running in the background, and the answer \
            says whether it is still running after a short start-up check, its first output and its process id \
            (redirect its output to a file, e.g. `> server.log 2>&1`, to read it later). Prefer the read, grep, glob \
            and edit tools over cat, grep, find and sed.""".formatted(MAX_OUTPUT_CHARS, DEFAULT_TIMEOUT_MS, MAX_TIMEOUT_MS);
    private static final String SCHEMA = """
            {
              "type": "object",
              "properties": {
                "command": {"type": "string", "description": "the bash command"},
                "timeout_ms": {"type": "integer", "minimum": 1, "maximum": %d, "description": "kill it after this many milliseconds (default %d); not for detached commands"},
                "detached": {"type": "boolean", "description": "start it in the background, for servers and watchers (default false)"},
                "workdir": {"type": "string", "description": "the directory to run in, relative to /workspace (default: the workspace)"}
              },
              "required": ["command"],
              "additionalProperties": false
            }""".formatted(MAX_TIMEOUT_MS, DEFAULT_TIMEOUT_MS);

    public BashTool() {
        super(NAME, DESCRIPTION, SCHEMA);
    }

    @Override
    public boolean readOnly() {
        return true; // an explorer may run commands; its sandbox view is read-only
    }

    @Override
    ToolResult run(Args args, ToolContext context) throws Args.Invalid, InterruptedException {
        String command = args.nonBlank("command");
        int timeoutMs = args.integer("timeout_ms", DEFAULT_TIMEOUT_MS, 1, MAX_TIMEOUT_MS);
        boolean detached = args.bool("detached", false);
        String workdir =
                WorkspacePath.relative("workdir", args.optionalString("workdir").orElse(""));
        ExecRequest request =
                new ExecRequest(List.of("bash", "-c", command), workdir, Map.of(), Duration.ofMillis(timeoutMs));
        String note = context.readOnly() ? context.readOnlyNote() : "";
        return detached ? background(request, command, context, note) : foreground(request, timeoutMs, context, note);
    }

    private static ToolResult foreground(ExecRequest request, int timeoutMs, ToolContext context, String note)
            throws InterruptedException {
        OutputWindow output = new OutputWindow(MAX_OUTPUT_CHARS);
        long started = System.nanoTime();
        StoppableExec.Outcome outcome = StoppableExec.run(context, request, output);
        String text = output.text();
        String shown = note + (text.isEmpty() ? "(no output)" : text.stripTrailing());
        if (outcome.stopped()) {
            return ToolResult.error(
                    shown + "\n\nstopped after " + Format.seconds(Duration.ofNanos(System.nanoTime() - started))
                            + ": the user asked to stop, and the command was killed");
        }
        ExecResult result = outcome.result();
        StringBuilder status = new StringBuilder("\n\n");
        if (result.timedOut()) {
            status.append("timed out after ")
                    .append(Format.seconds(result.elapsed()))
                    .append(" (timeout_ms=")
                    .append(timeoutMs)
                    .append("): the command and everything it started were killed. ")
                    .append("Give a larger timeout_ms, or run servers with detached=true");
        } else if (result.cancelled()) {
            status.append("killed after ")
                    .append(Format.seconds(result.elapsed()))
                    .append(": the sandbox's processes were stopped");
        } else {
            status.append("exit code ")
                    .append(result.exitCode())
                    .append(" after ")
                    .append(Format.seconds(result.elapsed()));
        }
        // the sandbox adds its own notes (out of memory, over the disk limit) after the command's stderr
        for (String line : result.stderr().split("\n")) {
            if (line.startsWith("[nightshift: ") && !line.contains("timeout]") && !text.contains(line)) {
                status.append('\n').append(line);
            }
        }
        return ToolResult.ok(shown + status);
    }

    private static ToolResult background(ExecRequest request, String command, ToolContext context, String note)
            throws InterruptedException {
        DetachedProcess process = context.sandbox().startDetached(request);
        String output = context.sandbox()
                .detachedOutput(process.id(), DETACHED_OUTPUT_BYTES)
                .stripTrailing();
        String shownOutput = output.isEmpty() ? "(no output yet)" : Format.cut(output, MAX_OUTPUT_CHARS);
        String what = "`" + Format.cut(command, MAX_COMMAND_ECHO_CHARS) + "` (process " + process.id() + ")";
        if (process.running()) {
            return ToolResult.ok(note + "started in the background: " + what
                    + "; still running after the start-up check.\n" + "first output:\n" + shownOutput);
        }
        return ToolResult.ok(note + "the background command " + what + " exited at once with exit code "
                + process.exitCode() + "; it is not running. its output:\n" + shownOutput);
    }
}
