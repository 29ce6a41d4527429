package dev.nightshift.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nightshift.core.event.EventType;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The live view for people: assistant text as it streams, one line per tool call (with a spinner
 * on a terminal while it runs, then its outcome and duration), and a line in words for every
 * other type of the event catalogue (git steps, artifacts, sandbox notices, errors, the end of a
 * turn). Methods are synchronized because the spinner redraws from its own thread.
 */
final class HumanEventPrinter implements EventPrinter {
    private static final String[] SPINNER_FRAMES = {"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"};
    private static final Duration SPINNER_TICK = Duration.ofMillis(100);

    private record RunningTool(String label, Instant startedAt, String indent) {}

    private final PrintWriter out;
    private final Ansi ansi;
    private final boolean interactive;
    private final Map<String, RunningTool> running = new LinkedHashMap<>();
    private final Thread spinner;
    private boolean atLineStart = true;
    /** Whether the bottom line is a spinner that must be cleared before anything else is written. */
    private boolean spinnerShown;

    private boolean streamedThisStep;
    private int frame;

    private final java.time.Clock clock;

    HumanEventPrinter(Terminal terminal) {
        this.clock = terminal.clock();
        this.out = terminal.out();
        this.ansi = terminal.ansi();
        this.interactive = ansi.enabled(); // redrawing a line needs escape codes; NO_COLOR and pipes get plain lines
        this.spinner =
                interactive ? Thread.ofVirtual().name("nightshift-spinner").start(this::spin) : null;
    }

    @Override
    public synchronized void print(JsonNode event) {
        clearSpinner();
        String type = event.path("type").asText();
        EventType known = EventType.fromWire(type).orElse(null);
        if (known != null) {
            render(known, event, event.path("data"));
        } else {
            line(ansi.dim(type)); // an executor's own event: its name, never its JSON
        }
        drawSpinner();
        out.flush();
    }

    /** One case per catalogue type, without a default: a new type does not compile until it has a rendering. */
    private void render(EventType type, JsonNode event, JsonNode data) {
        switch (type) {
            case USER_MESSAGE -> {
                block(ansi.bold("› " + data.path("content").asText()));
                EventLines.attachments(data).forEach(a -> line(ansi.dim("  " + a)));
            }
            case STEP_START -> streamedThisStep = false;
            case TOKEN -> text(data.path("text").asText());
            case ASSISTANT_MESSAGE, SUBAGENT_MESSAGE -> {
                // tokens are coarse and optional; an answer that was never streamed is shown whole
                if (!streamedThisStep && !data.path("text").asText().isBlank()) {
                    text(data.path("text").asText());
                }
            }
            case TOOL_CALL -> toolStarted(event, "");
            case SUBAGENT_TOOL_CALL -> toolStarted(event, "  ↳ ");
            case TOOL_RESULT, SUBAGENT_TOOL_RESULT -> toolFinished(event);
            case TODO -> line(ansi.dim("todo  " + todoSummary(data)));
            case ARTIFACT -> line(ansi.cyan(EventLines.artifact(data)));
            case GIT ->
                line(
                        data.hasNonNull("error")
                                ? ansi.red("git  " + EventLines.git(data))
                                : ansi.dim("git  " + EventLines.git(data)));
            case SANDBOX_STATUS -> line(ansi.dim("sandbox  " + EventLines.sandboxStatus(data)));
            case SANDBOX_HOOK ->
                line(
                        EventLines.hookFailed(data)
                                ? ansi.yellow("hook  " + EventLines.sandboxHook(data))
                                : ansi.dim("hook  " + EventLines.sandboxHook(data)));
            case SANDBOX_NETWORK -> line(ansi.yellow("network  " + EventLines.sandboxNetwork(data)));
            case CONTEXT_COMPACTED -> line(ansi.dim("(older context summarised)"));
            case MODEL_FALLBACK ->
                line(ansi.yellow("model  " + data.path("from").asText() + " → "
                        + data.path("to").asText() + " (" + data.path("reason").asText() + ")"));
            case QUESTION -> question(data);
            case ANSWER -> answer(data);
            case PLAN -> plan(data);
            case PLAN_REVIEW -> planReview(data);
            case ERROR -> line(ansi.red("error  " + data.path("message").asText()));
            case TURN_COMPLETE -> turnComplete(data);
            case TURN_RESUMED ->
                line(ansi.dim(
                        data.hasNonNull("reason")
                                ? "(the turn resumed: " + data.path("reason").asText() + ")"
                                : "(the turn resumed on " + data.path("node").asText("another node")
                                        + " after a restart)"));
            case FORKED_FROM -> line(ansi.cyan(EventLines.forkedFrom(data)));
            case CHILD_SESSION ->
                line(
                        data.path("status").asText().equals("failed")
                                ? ansi.red(EventLines.childSession(data))
                                : ansi.cyan(EventLines.childSession(data)));
            case TERMINAL_INPUT ->
                line(ansi.dim("terminal  " + data.path("author").asText("someone") + " typed: "
                        + data.path("text").asText().stripTrailing().replace("\n", " ⏎ ")));
            case STEP_FINISH -> {} // usage and cost: bookkeeping, nothing to read
        }
    }

    private void text(String text) {
        if (text.isEmpty()) {
            return;
        }
        streamedThisStep = true;
        out.print(text);
        atLineStart = text.endsWith("\n");
    }

    private void toolStarted(JsonNode event, String indent) {
        JsonNode data = event.path("data");
        RunningTool tool = new RunningTool(ToolCallLabel.of(data), instant(event), indent);
        running.put(data.path("callId").asText(), tool);
        streamedThisStep = false;
        if (!interactive) {
            line(indent + ansi.dim("→ ") + tool.label()); // no spinner to show it is running
        }
    }

    private void toolFinished(JsonNode event) {
        JsonNode data = event.path("data");
        RunningTool tool = running.remove(data.path("callId").asText());
        String label = tool != null ? tool.label() : data.path("name").asText("tool");
        String indent = tool != null ? tool.indent() : "";
        String took = tool == null ? "" : ansi.dim("  " + seconds(Duration.between(tool.startedAt(), instant(event))));
        if (data.path("error").asBoolean()) {
            line(indent + ansi.red("✗ ") + label + took + "\n" + indent + "  "
                    + ansi.red(ToolCallLabel.shorten(data.path("content").asText())));
        } else {
            line(indent + ansi.green("✓ ") + label + took);
        }
    }

    private void turnComplete(JsonNode data) {
        running.clear();
        String status = data.path("status").asText();
        switch (status) {
            case "completed" -> block(ansi.green("● turn completed"));
            case "stopped" -> block(ansi.yellow("● turn stopped"));
            default -> block(ansi.red("● turn " + status)); // the error event before this said why
        }
    }

    /** The agent's questions, numbered, each with its options; then how to answer. */
    private void question(JsonNode data) {
        running.clear(); // the turn pauses: nothing runs until the answer
        block(ansi.bold(ansi.yellow("? The agent asks"))
                + ansi.dim("  (" + data.path("questionId").asText() + ")"));
        int n = 0;
        for (JsonNode q : data.path("questions")) {
            n++;
            line("  " + n + ". " + q.path("question").asText());
            char letter = 'a';
            for (JsonNode option : q.path("options")) {
                line("     " + letter++ + ") " + option.asText());
            }
        }
        line(ansi.dim("  answer in the web UI, or: nightshift answer <session> "
                + (n > 1 ? "\"<answer 1>\" \"<answer 2>\" …" : "\"<answer>\"")
                + " (an option by its text or letter)"));
    }

    private void answer(JsonNode data) {
        if (data.path("timedOut").asBoolean()) {
            line(ansi.yellow("no answer came in time; the agent goes on without one"));
            return;
        }
        java.util.List<String> answers = new java.util.ArrayList<>();
        data.path("answers").forEach(a -> answers.add(ToolCallLabel.shorten(a.asText())));
        line(ansi.cyan("answered: " + String.join(" | ", answers)));
    }

    /** A plan is for reading: shown whole, then how to approve it. */
    private void plan(JsonNode data) {
        running.clear();
        block(ansi.bold(ansi.yellow("Plan, waiting for approval"))
                + ansi.dim("  (" + data.path("planId").asText() + ")"));
        for (String planLine : data.path("plan").asText().split("\n", -1)) {
            line("  " + planLine);
        }
        line(ansi.dim("  approve in the web UI, or: nightshift approve <session>; ask for changes: nightshift answer"
                + " <session> \"<what to change>\""));
    }

    private void planReview(JsonNode data) {
        switch (data.path("outcome").asText()) {
            case "approved" ->
                line(ansi.green("plan approved" + (data.path("edited").asBoolean() ? " with edits" : "")
                        + "; the agent goes on"));
            case "changes_requested" ->
                line(ansi.yellow("changes asked for: "
                        + ToolCallLabel.shorten(data.path("feedback").asText())));
            default ->
                line(ansi.yellow("no one reviewed the plan in time; nothing may change until a plan is approved"));
        }
    }

    private static String todoSummary(JsonNode data) {
        JsonNode todos = data.path("todos");
        int done = 0;
        String current = null;
        for (JsonNode todo : todos) {
            switch (todo.path("status").asText()) {
                case "completed" -> done++;
                case "in_progress" -> current = todo.path("content").asText();
                default -> {}
            }
        }
        return done + "/" + todos.size() + " done"
                + (current == null ? "" : "  now: " + ToolCallLabel.shorten(current));
    }

    /** A whole line of its own, after any text still open on the current one. */
    private void line(String text) {
        if (!atLineStart) {
            out.println();
        }
        out.println(text);
        atLineStart = true;
    }

    /** A line set apart by a blank line before it. */
    private void block(String text) {
        if (!atLineStart) {
            out.println();
        }
        out.println();
        line(text);
    }

    private void spin() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                Thread.sleep(SPINNER_TICK);
                synchronized (this) {
                    frame++;
                    if (spinnerShown || !running.isEmpty()) {
                        clearSpinner();
                        drawSpinner();
                        out.flush();
                    }
                }
            }
        } catch (InterruptedException e) {
            // closed
        }
    }

    private void drawSpinner() {
        if (!interactive || running.isEmpty()) {
            return;
        }
        RunningTool tool = running.values().stream().reduce((a, b) -> b).orElseThrow(); // the latest
        if (!atLineStart) {
            out.println();
            atLineStart = true;
        }
        Duration running = Duration.between(tool.startedAt(), clock.instant());
        String elapsed = seconds(running.isNegative() ? Duration.ZERO : running);
        out.print(tool.indent() + ansi.cyan(SPINNER_FRAMES[frame % SPINNER_FRAMES.length]) + " " + tool.label()
                + ansi.dim("  " + elapsed));
        spinnerShown = true;
    }

    private void clearSpinner() {
        if (spinnerShown) {
            out.print(ansi.clearLine());
            spinnerShown = false;
        }
    }

    @Override
    public synchronized void close() {
        if (spinner != null) {
            spinner.interrupt();
        }
        clearSpinner();
        running.clear();
        if (!atLineStart) {
            out.println();
            atLineStart = true;
        }
        out.flush();
    }

    private Instant instant(JsonNode event) {
        try {
            return Instant.parse(event.path("createdAt").asText());
        } catch (DateTimeParseException e) {
            return clock.instant();
        }
    }

    private static String seconds(Duration duration) {
        return String.format(java.util.Locale.ROOT, "%.1fs", duration.toMillis() / 1000.0);
    }
}
