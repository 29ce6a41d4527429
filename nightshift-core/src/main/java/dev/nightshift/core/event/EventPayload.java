package dev.nightshift.core.event;

import java.time.Instant;
import java.util.List;

/**
 * The {@code data} of each event type in {@link EventType}: one record per type, whose component
 * names are the JSON field names. {@link #toJson()} is the one place they become JSON; absent
 * (null) fields are left out. The records are plain values, safe to build and write on any thread.
 */
public sealed interface EventPayload {

    /** The catalogue entry this payload belongs to. */
    default EventType eventType() {
        return EventType.of(getClass());
    }

    /** The payload as the JSON document stored in the log. */
    default String toJson() {
        return JsonWriter.write(this);
    }

    // -- the agent's conversation -------------------------------------------------------------

    /**
     * @param source where the prompt came from (web, cli, api, …)
     * @param model the prompt's own model, if it named one
     * @param attachments the files sent with it, if any (their content is served by the API)
     */
    record UserMessage(
            String messageId,
            String authorId,
            String source,
            String content,
            String model,
            List<AttachmentRef> attachments)
            implements EventPayload {

        /** A prompt without attachments. */
        public UserMessage(String messageId, String authorId, String source, String content, String model) {
            this(messageId, authorId, source, content, model, null);
        }
    }

    record Token(String text) implements EventPayload {}

    record StepStart(int step, String model) implements EventPayload {}

    /**
     * One model answer's usage and cost, and the running totals the budgets are checked against; the
     * session's spending is the sum of every {@code costUsd}, a subagent's steps included.
     *
     * @param parentCallId for a subagent's step: the {@code task} call that started it (else absent)
     * @param kind for a subagent's step: explorer or executor
     */
    record StepFinish(
            int step,
            Usage usage,
            double costUsd,
            double turnCostUsd,
            double sessionCostUsd,
            String parentCallId,
            String kind)
            implements EventPayload {}

    record AssistantMessage(
            int step,
            String model,
            String text,
            List<RequestedCall> toolCalls,
            String finishReason,
            Usage usage,
            double costUsd)
            implements EventPayload {}

    /** @param arguments the tool's arguments as the model sent them (a JSON text) */
    record ToolCall(String callId, String name, String arguments) implements EventPayload {}

    /**
     * @param media the screenshots and videos the call kept as artifacts (absent when none; events
     *     written before media existed have none)
     */
    record ToolResult(String callId, String name, String content, boolean error, List<MediaRef> media)
            implements EventPayload {

        /** A result without media. */
        public ToolResult(String callId, String name, String content, boolean error) {
            this(callId, name, content, error, null);
        }
    }

    /**
     * A screenshot or video a tool call kept, as its {@code tool_result} names it; the artifact of
     * that id holds the rest, and {@code url} serves the content to the session's readers.
     *
     * @param type screenshot or video
     * @param label before or after when the agent took it to show a change; absent otherwise
     */
    record MediaRef(
            String artifactId,
            String type,
            String url,
            String mediaType,
            String name,
            long bytes,
            int width,
            int height,
            long durationMillis,
            String caption,
            String label) {}

    /** @param kind explorer or executor */
    record SubagentMessage(
            int step,
            String model,
            String text,
            List<RequestedCall> toolCalls,
            String finishReason,
            Usage usage,
            double costUsd,
            String parentCallId,
            String kind)
            implements EventPayload {}

    record SubagentToolCall(String parentCallId, String callId, String name, String arguments, String kind)
            implements EventPayload {}

    record SubagentToolResult(
            String parentCallId, String callId, String name, String content, boolean error, String kind)
            implements EventPayload {}

    record Todo(List<TodoItem> todos) implements EventPayload {}

    /** @param throughSeq the last event the summary stands in for */
    record ContextCompacted(String summary, long throughSeq) implements EventPayload {}

    record ModelFallback(String from, String to, String reason) implements EventPayload {}

    // -- questions and plans: a turn that waits for a person --------------------------------------

    /**
     * The agent's {@code ask_user} call {@code callId} asked the session's members; the turn waits,
     * holding no thread, until an answer comes or {@code expiresAt} passes.
     */
    record Question(String questionId, String callId, List<QuestionItem> questions, Instant expiresAt)
            implements EventPayload {}

    /**
     * @param answers one per question, in order; absent when it timed out
     * @param authorId who answered; absent when it timed out
     * @param source where the answer came from (web, cli, api, slack, linear)
     * @param timedOut no answer came in time: the agent was told so and went on
     */
    record Answer(
            String questionId, String callId, List<String> answers, String authorId, String source, boolean timedOut)
            implements EventPayload {}

    /**
     * The agent's {@code propose_plan} call {@code callId} in a plan-first session; the turn waits for
     * a member's review until {@code expiresAt}, and nothing may change before an approval.
     */
    record Plan(String planId, String callId, String plan, Instant expiresAt) implements EventPayload {}

    /**
     * @param outcome approved, changes_requested or timed_out
     * @param plan the plan as approved (as the member edited it, if they did)
     * @param edited whether the member changed the plan before approving it
     * @param feedback the changes a member asked for
     * @param authorId who reviewed it; absent when it timed out
     */
    record PlanReview(
            String planId,
            String callId,
            String outcome,
            String plan,
            Boolean edited,
            String feedback,
            String authorId,
            String source)
            implements EventPayload {
        public static final String APPROVED = "approved";
        public static final String CHANGES_REQUESTED = "changes_requested";
        public static final String TIMED_OUT = "timed_out";
    }

    // -- the platform -------------------------------------------------------------------------

    record Error(String message) implements EventPayload {}

    /**
     * @param status completed, failed or stopped
     * @param error why it failed
     * @param commit the workspace's commit recorded when the turn's work was published (a fork from
     *     this turn starts its workspace there); absent when nothing was recorded (a failed or stopped
     *     turn, a session without a repository)
     */
    record TurnComplete(String status, String error, String commit) implements EventPayload {
        public TurnComplete(String status, String error) {
            this(status, error, null);
        }
    }

    /**
     * @param node the node that took the turn over
     * @param reason why it resumed, when it is not a restart: the sessions it waited for have finished
     */
    record TurnResumed(String node, String reason) implements EventPayload {
        public TurnResumed(String node) {
            this(node, null);
        }
    }

    /**
     * @param type branch, pr, preview_url, …
     * @param data the artifact's own JSON document
     */
    record Artifact(String id, String type, String url, JsonText data, Instant createdAt) implements EventPayload {
        public static Artifact of(dev.nightshift.core.model.Artifact a) {
            return new Artifact(a.id(), a.type(), a.url(), JsonText.of(a.data()), a.createdAt());
        }
    }

    /**
     * One git step; which fields are present depends on {@code action} (checkout, commit, push, pr,
     * publish), and {@code error} says why a step failed.
     */
    record Git(
            String action,
            String repository,
            String base,
            String branch,
            String head,
            String commit,
            String subject,
            String author,
            String url,
            Integer number,
            Boolean created,
            String error)
            implements EventPayload {

        /** @param head the checked-out commit, as "abbreviated hash subject" */
        public static Git checkout(String repository, String base, String branch, String head) {
            return new Git("checkout", repository, base, branch, head, null, null, null, null, null, null, null);
        }

        public static Git commit(String commit, String subject, String author) {
            return new Git("commit", null, null, null, null, commit, subject, author, null, null, null, null);
        }

        public static Git pushed(String branch, String head) {
            return new Git("push", null, null, branch, head, null, null, null, null, null, null, null);
        }

        public static Git pushFailed(String branch, String error) {
            return new Git("push", null, null, branch, null, null, null, null, null, null, null, error);
        }

        public static Git publishFailed(String error) {
            return new Git("publish", null, null, null, null, null, null, null, null, null, null, error);
        }

        public static Git pullRequest(String url, int number, boolean created) {
            return new Git("pr", null, null, null, null, null, null, null, url, number, created, null);
        }

        /** The pull request could not be opened; {@code url} is the compare page to open it by hand. */
        public static Git pullRequestRefused(String url, String error) {
            return new Git("pr", null, null, null, null, null, null, null, url, null, null, error);
        }
    }

    record SandboxStatus(String state, String sandboxId, String reason) implements EventPayload {}

    /**
     * @param hook the hook's path in the workspace
     * @param exitCode absent when it could not be run ({@code error} says why)
     * @param output the end of its output
     */
    record SandboxHook(String hook, Integer exitCode, Boolean timedOut, String output, String error)
            implements EventPayload {}

    /** @param action what the proxy did (refused) */
    record SandboxNetwork(String action, String host, int port, String reason) implements EventPayload {}

    /**
     * @param parentId the session this one was forked from
     * @param atSeq the parent's {@code turn_complete} the fork starts after
     * @param parentTitle the parent's title when it was forked
     * @param workspace what the workspace started from: {@code live} (a copy of the parent's workspace as it
     *     was), {@code commit} (the commit recorded at that turn's end) or {@code base} (nothing recorded: the
     *     parent's base branch)
     * @param commit the commit the workspace starts at, when it starts from one
     */
    record ForkedFrom(String parentId, long atSeq, String parentTitle, String workspace, String commit)
            implements EventPayload {}

    /**
     * @param sessionId the child session
     * @param status {@code started}, then how each of its turns ended: completed, failed or stopped
     * @param error why its turn failed
     */
    record ChildSession(String sessionId, String title, String repository, String status, String error)
            implements EventPayload {}

    /**
     * Keystrokes a member sent to a terminal in the session's sandbox, so the log holds what people did
     * there as well as what the agent did.
     *
     * @param terminalId which of the session's terminals
     * @param authorId who typed it
     * @param author their login, as shown
     * @param text what was typed, readable: Enter is a line end, other control keys {@code ^C}, arrows
     *     {@code ↑↓→←}
     */
    record TerminalInput(String terminalId, String authorId, String author, String text) implements EventPayload {}

    // -- parts of payloads ----------------------------------------------------------------------

    /** Tokens of one model call. */
    record Usage(long input, long cached, long output) {}

    /** A tool call inside a model answer. */
    record RequestedCall(String id, String name, String arguments) {}

    /** @param status pending, in_progress or completed */
    record TodoItem(String content, String status) {}

    /** One question of a {@link Question}: free text when it has no options. */
    record QuestionItem(String question, List<String> options) {}
    /**
     * A file attached to a prompt.
     *
     * @param mediaType image/png, image/jpeg, image/gif, image/webp or text/plain
     * @param size in bytes
     * @param path where it is in the workspace, relative to its root
     */
    record AttachmentRef(String id, String name, String mediaType, long size, String path) {
        public static AttachmentRef of(dev.nightshift.core.model.Attachment a) {
            return new AttachmentRef(a.id(), a.name(), a.mediaType(), a.size(), a.path());
        }
    }
}
