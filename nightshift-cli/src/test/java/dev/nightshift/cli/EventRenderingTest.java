package dev.nightshift.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nightshift.core.event.EventPayload;
import dev.nightshift.core.event.EventType;
import dev.nightshift.core.event.JsonText;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every type of the event catalogue, through the human printer: words, never the payload's JSON. */
class EventRenderingTest {
    private static final Instant AT = Instant.parse("2030-01-01T00:00:00Z");
    private static final EventPayload.Usage USAGE = new EventPayload.Usage(1200, 0, 80);

    /** A typical payload of each type; a new type fails to compile here until it has one. */
    private static EventPayload sample(EventType type) {
        return switch (type) {
            case USER_MESSAGE ->
                new EventPayload.UserMessage(
                        "msg_1",
                        "usr_1",
                        "cli",
                        "Fix the flaky test",
                        null,
                        List.of(new EventPayload.AttachmentRef(
                                "att_1", "failure.png", "image/png", 12_595, ".nightshift/attachments/failure.png")));
            case TOKEN -> new EventPayload.Token("Looking at it.\n");
            case STEP_START -> new EventPayload.StepStart(1, "openai/model");
            case STEP_FINISH -> new EventPayload.StepFinish(1, USAGE, 0.002, 0.002, 0.01, null, null);
            case ASSISTANT_MESSAGE ->
                new EventPayload.AssistantMessage(
                        1, "openai/model", "Done: the test waits now.", List.of(), "stop", USAGE, 0.002);
            case TOOL_CALL -> new EventPayload.ToolCall("c1", "bash", "{\"command\":\"./mvnw test\"}");
            case TOOL_RESULT -> new EventPayload.ToolResult("c1", "bash", "BUILD SUCCESS", false);
            case SUBAGENT_MESSAGE ->
                new EventPayload.SubagentMessage(
                        1,
                        "openai/model",
                        "Found two callers.",
                        List.of(new EventPayload.RequestedCall("s1", "grep", "{\"pattern\":\"flaky\"}")),
                        "tool_calls",
                        USAGE,
                        0.001,
                        "c9",
                        "explorer");
            case SUBAGENT_TOOL_CALL ->
                new EventPayload.SubagentToolCall("c9", "s1", "grep", "{\"pattern\":\"flaky\"}", "explorer");
            case SUBAGENT_TOOL_RESULT ->
                new EventPayload.SubagentToolResult("c9", "s1", "grep", "no matches", true, "explorer");
            case TODO ->
                new EventPayload.Todo(List.of(
                        new EventPayload.TodoItem("reproduce", "completed"),
                        new EventPayload.TodoItem("fix", "in_progress")));
            case CONTEXT_COMPACTED -> new EventPayload.ContextCompacted("The task so far.", 42);
            case MODEL_FALLBACK -> new EventPayload.ModelFallback("openai/big", "openai/small", "rate limited");
            case QUESTION ->
                new EventPayload.Question(
                        "qst_1",
                        "c4",
                        List.of(
                                new EventPayload.QuestionItem("Which database?", List.of("PostgreSQL", "SQLite")),
                                new EventPayload.QuestionItem("Anything else?", List.of())),
                        AT);
            case ANSWER -> new EventPayload.Answer("qst_1", "c4", List.of("PostgreSQL", "no"), "usr_1", "cli", false);
            case PLAN -> new EventPayload.Plan("pln_1", "c5", "1. Reproduce\n2. Fix the wait", AT);
            case PLAN_REVIEW ->
                new EventPayload.PlanReview(
                        "pln_1", "c5", "approved", "1. Reproduce\n2. Fix the wait", false, null, "usr_1", "web");
            case ERROR -> new EventPayload.Error("the model call failed (timeout)");
            case TURN_COMPLETE -> new EventPayload.TurnComplete("completed", null);
            case TURN_RESUMED -> new EventPayload.TurnResumed("node-b");
            case ARTIFACT ->
                new EventPayload.Artifact(
                        "art_1",
                        "branch",
                        null,
                        JsonText.of("{\"name\":\"a/5f8442c2\",\"base\":\"main\",\"repository\":\"file:///srv/r\"}"),
                        AT);
            case GIT -> EventPayload.Git.checkout("file:///srv/r", "main", "a/5f8442c2", "1a2b3c4 Initial commit");
            case SANDBOX_STATUS ->
                new EventPayload.SandboxStatus("failed", null, "the repository could not be checked out");
            case SANDBOX_HOOK ->
                new EventPayload.SandboxHook(".nightshift/setup.sh", 1, false, "npm ci\nnpm ERR! missing", null);
            case SANDBOX_NETWORK ->
                new EventPayload.SandboxNetwork("refused", "example.com", 443, "not on the allowlist");
            case FORKED_FROM ->
                new EventPayload.ForkedFrom("ses_parent", 12, "Try things", "commit", "1a2b3c4d5e6f7a8b9c0d");
            case CHILD_SESSION -> new EventPayload.ChildSession("ses_child", "The parser", "/srv/r", "completed", null);
            case TERMINAL_INPUT -> new EventPayload.TerminalInput("term_1", "usr_1", "ada", "git status\n");
        };
    }

    private static JsonNode event(long seq, EventPayload payload) throws Exception {
        ObjectNode e = NightshiftApi.JSON.createObjectNode();
        e.put("seq", seq).put("type", payload.eventType().wire()).put("createdAt", AT.toString());
        e.set("data", NightshiftApi.JSON.readTree(payload.toJson()));
        return e;
    }

    private static String render(JsonNode... events) {
        StringWriter out = new StringWriter();
        Terminal terminal = new Terminal(new PrintWriter(out), new PrintWriter(new StringWriter()), Map.of(), false);
        try (EventPrinter printer = EventPrinter.forOutput(terminal, false)) {
            for (JsonNode e : events) {
                printer.print(e);
            }
        }
        return out.toString();
    }

    private static String line(EventPayload payload) throws Exception {
        return render(event(1, payload)).strip();
    }

    @Test
    void everyCatalogueTypeIsPrintedInWordsWithoutRawJson() throws Exception {
        EnumSet<EventType> silent = EnumSet.of(EventType.STEP_START, EventType.STEP_FINISH); // bookkeeping
        for (EventType type : EventType.values()) {
            String out = render(event(1, sample(type)));
            assertThat(out)
                    .as(type.wire())
                    .doesNotContain("{\"")
                    .doesNotContain("\":")
                    .doesNotContain("\\n");
            if (silent.contains(type)) {
                assertThat(out).as(type.wire()).isEmpty();
            } else {
                assertThat(out.strip()).as(type.wire()).isNotEmpty();
            }
        }
    }

    @Test
    void questionsAndPlansAreShownWholeWithHowToAnswerThem() throws Exception {
        assertThat(line(sample(EventType.QUESTION)))
                .contains("? The agent asks  (qst_1)")
                .contains("  1. Which database?\n     a) PostgreSQL\n     b) SQLite\n  2. Anything else?")
                .contains("nightshift answer <session> \"<answer 1>\" \"<answer 2>\"");
        assertThat(line(sample(EventType.ANSWER))).isEqualTo("answered: PostgreSQL | no");
        assertThat(line(new EventPayload.Answer("qst_1", "c4", null, null, null, true)))
                .isEqualTo("no answer came in time; the agent goes on without one");
        assertThat(line(sample(EventType.PLAN)))
                .contains("Plan, waiting for approval  (pln_1)\n  1. Reproduce\n  2. Fix the wait")
                .contains("nightshift approve <session>");
        assertThat(line(sample(EventType.PLAN_REVIEW))).isEqualTo("plan approved; the agent goes on");
        assertThat(line(new EventPayload.PlanReview(
                        "pln_1", "c5", "changes_requested", null, null, "add a test first", "usr_1", "cli")))
                .isEqualTo("changes asked for: add a test first");
    }

    @Test
    void aForksOriginReadsAsASentence() throws Exception {
        assertThat(line(new EventPayload.ForkedFrom("ses_parent", 12, "Try things", "commit", "1a2b3c4d5e6f")))
                .isEqualTo("branched from ses_parent (Try things) after event 12, files from commit 1a2b3c4");
        assertThat(line(new EventPayload.ForkedFrom("ses_parent", 3, null, "live", null)))
                .isEqualTo("branched from ses_parent after event 3, files from a copy of its workspace as it was");
    }

    @Test
    void childSessionsAndWakingUpReadAsSentences() throws Exception {
        assertThat(line(new EventPayload.ChildSession("ses_child", "The parser", "/srv/r", "started", null)))
                .isEqualTo("child session ses_child (The parser) started");
        assertThat(line(new EventPayload.ChildSession("ses_child", null, "/srv/r", "failed", "the model said no")))
                .isEqualTo("child session ses_child failed: the model said no");
        assertThat(line(new EventPayload.TurnResumed("node-b", "the sessions it waited for have finished")))
                .isEqualTo("(the turn resumed: the sessions it waited for have finished)");
    }

    @Test
    void gitStepsReadAsSentences() throws Exception {
        assertThat(line(EventPayload.Git.checkout("file:///srv/r", "main", "a/5f8442c2", "1a2b3c4 Initial commit")))
                .isEqualTo("git  checked out main at 1a2b3c4 on a/5f8442c2");
        assertThat(line(EventPayload.Git.commit(
                        "357f8dc9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5", "Update README", "Ann <ann@x>")))
                .isEqualTo("git  committed 357f8dc Update README");
        assertThat(line(EventPayload.Git.pushed("a/5f8442c2", "357f8dc9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5")))
                .isEqualTo("git  pushed a/5f8442c2 at 357f8dc");
        assertThat(line(EventPayload.Git.pullRequest("https://github.com/o/r/pull/12", 12, true)))
                .isEqualTo("git  pull request #12 opened: https://github.com/o/r/pull/12");
        assertThat(line(EventPayload.Git.pushFailed("a/5f8442c2", "the remote refused it")))
                .isEqualTo("git  push of a/5f8442c2 failed: the remote refused it");
        assertThat(line(EventPayload.Git.checkout(
                        "file:///srv/new", null, null, "(no repository at /srv/new: the workspace starts empty)")))
                .isEqualTo("git  no repository at /srv/new: the workspace starts empty");
    }

    @Test
    void aPromptsAttachmentsAreListedUnderIt() throws Exception {
        assertThat(line(sample(EventType.USER_MESSAGE)))
                .isEqualTo("› Fix the flaky test\n  attached failure.png (image, 12.3 KB)");
        assertThat(line(new EventPayload.UserMessage("msg_2", "usr_1", "web", "again", null)))
                .isEqualTo("› again");
    }

    @Test
    void artifactsAndSandboxNoticesReadAsSentences() throws Exception {
        assertThat(line(sample(EventType.ARTIFACT))).isEqualTo("branch a/5f8442c2 from main");
        assertThat(line(new EventPayload.Artifact(
                        "art_2",
                        "pr",
                        "https://github.com/o/r/pull/12",
                        JsonText.of("{\"number\":12,\"state\":\"open\",\"draft\":true}"),
                        AT)))
                .isEqualTo("pull request #12 (draft): https://github.com/o/r/pull/12");
        assertThat(line(new EventPayload.Artifact(
                        "art_3", "preview_url", "https://ns.example/p/", JsonText.of("{\"port\":3000}"), AT)))
                .isEqualTo("preview of port 3000: https://ns.example/p/");
        assertThat(line(new EventPayload.Artifact(
                        "art_4",
                        "screenshot",
                        "/api/sessions/ses_1/media/art_4",
                        JsonText.of("{\"name\":\"screenshot-1.png\",\"width\":800,\"height\":600,"
                                + "\"label\":\"after\",\"caption\":\"the new block\"}"),
                        AT)))
                .isEqualTo(
                        "screenshot screenshot-1.png 800×600 (after) \"the new block\": /api/sessions/ses_1/media/art_4");
        assertThat(line(new EventPayload.Artifact(
                        "art_5",
                        "video",
                        "/api/sessions/ses_1/media/art_5",
                        JsonText.of("{\"name\":\"recording-1.mp4\",\"width\":1280,\"height\":800,"
                                + "\"durationMillis\":3400,\"label\":\"\",\"caption\":\"\"}"),
                        AT)))
                .isEqualTo("video recording-1.mp4 1280×800, 3.4 s: /api/sessions/ses_1/media/art_5");
        assertThat(line(sample(EventType.SANDBOX_HOOK)))
                .isEqualTo("hook  .nightshift/setup.sh failed (exit 1): npm ERR! missing");
        assertThat(line(sample(EventType.SANDBOX_NETWORK)))
                .isEqualTo("network  refused example.com:443 (not on the allowlist)");
        assertThat(line(sample(EventType.SANDBOX_STATUS)))
                .isEqualTo("sandbox  failed: the repository could not be checked out");
    }

    @Test
    void anExecutorsOwnTypeShowsItsNameOnly() throws Exception {
        ObjectNode e = NightshiftApi.JSON.createObjectNode();
        e.put("seq", 1).put("type", "my_metric").putObject("data").put("value", 3);
        assertThat(render(e)).isEqualTo("my_metric\n");
    }
}
