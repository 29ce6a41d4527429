package dev.nightshift.linear.fake;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Webhook delivery bodies as Linear sends them, for tests: the fields Linear's webhook schema
 * ({@code EntityWebhookPayload} with {@code IssueWebhookPayload} or {@code CommentWebhookPayload}
 * data, and {@code AgentSessionEventWebhookPayload}) documents, with the ones a test cares about as
 * parameters and the rest filled in plausibly. Each returns the JSON text; {@link #sign} gives the
 * {@code Linear-Signature} header for it.
 *
 * <p>{@code sentAt} becomes {@code webhookTimestamp} (Unix milliseconds): pass the time of the clock
 * the code under test reads, or the delivery is refused as stale.
 */
public final class LinearWebhookPayloads {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** When the issue was created, in every payload: only the change's time matters to Nightshift. */
    private static final String CREATED_AT = "2026-11-21T08:00:00.000Z";

    private static final String WEBHOOK_ID = "6b4e1a4c-2f0e-4a37-9a8f-5d2f0f6c1e01";

    private LinearWebhookPayloads() {}

    /**
     * An issue as the payloads show it; see {@link LinearFake#issueData} for one the fake holds.
     *
     * @param url the issue's page, e.g. {@code https://linear.app/acme/issue/ENG-123/title}
     */
    public record IssueData(
            String id,
            String identifier,
            String title,
            String description,
            String teamId,
            String teamKey,
            List<String> labels,
            String url) {
        public IssueData {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(identifier, "identifier");
            Objects.requireNonNull(title, "title");
            Objects.requireNonNull(description, "description");
            Objects.requireNonNull(teamId, "teamId");
            Objects.requireNonNull(teamKey, "teamKey");
            labels = List.copyOf(labels);
            Objects.requireNonNull(url, "url");
        }
    }

    /** The hex HMAC-SHA256 of {@code body} with {@code secret}: the {@code Linear-Signature} header. */
    public static String sign(byte[] body, String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@link #sign(byte[], String)} of the UTF-8 bytes of {@code body}. */
    public static String sign(String body, String secret) {
        return sign(body.getBytes(StandardCharsets.UTF_8), secret);
    }

    /**
     * An {@code Issue} {@code update} that assigned the issue to {@code assigneeId}: {@code updatedFrom}
     * holds the previous assignee ({@code null} when there was none).
     *
     * @param actorId the user who assigned it
     */
    public static String issueAssigned(
            String organizationId,
            IssueData issue,
            String assigneeId,
            String previousAssigneeId,
            String actorId,
            Instant sentAt) {
        ObjectNode root = issueUpdate(organizationId, issue, actorId, sentAt);
        ObjectNode data = (ObjectNode) root.get("data");
        data.put("assigneeId", assigneeId);
        data.set("assignee", user(assigneeId, "Assignee"));
        ObjectNode from = (ObjectNode) root.get("updatedFrom");
        from.put("assigneeId", previousAssigneeId);
        return root.toString();
    }

    /**
     * An {@code Issue} {@code update} that delegated the issue to the app user {@code delegateId}, as
     * Linear does when someone gives an issue to an agent: the assignee stays who it was.
     */
    public static String issueDelegated(
            String organizationId, IssueData issue, String delegateId, String actorId, Instant sentAt) {
        ObjectNode root = issueUpdate(organizationId, issue, actorId, sentAt);
        ObjectNode data = (ObjectNode) root.get("data");
        data.put("assigneeId", actorId);
        data.put("delegateId", delegateId);
        data.set("delegate", user(delegateId, "Nightshift"));
        ((ObjectNode) root.get("updatedFrom")).putNull("delegateId");
        return root.toString();
    }

    /** An {@code Issue} {@code update} that changed only the title: not an assignment. */
    public static String issueRetitled(
            String organizationId, IssueData issue, String assigneeId, String actorId, Instant sentAt) {
        ObjectNode root = issueUpdate(organizationId, issue, actorId, sentAt);
        ((ObjectNode) root.get("data")).put("assigneeId", assigneeId);
        ((ObjectNode) root.get("updatedFrom")).put("title", "An older title");
        return root.toString();
    }

    /** A {@code Comment} {@code create} on an issue. */
    public static String commentCreated(
            String organizationId, String commentId, IssueData issue, String body, String userId, Instant sentAt) {
        ObjectNode root = JSON.createObjectNode();
        root.put("action", "create");
        root.put("type", "Comment");
        root.set("actor", actor(userId));
        root.put("createdAt", sentAt.toString());
        ObjectNode data = root.putObject("data");
        data.put("id", commentId);
        data.put("createdAt", sentAt.toString());
        data.put("updatedAt", sentAt.toString());
        data.putNull("archivedAt");
        data.put("body", body);
        data.put("issueId", issue.id());
        ObjectNode issueChild = data.putObject("issue");
        issueChild.put("id", issue.id());
        issueChild.put("identifier", issue.identifier());
        issueChild.put("title", issue.title());
        issueChild.put("teamId", issue.teamId());
        issueChild.put("url", issue.url());
        data.put("userId", userId);
        data.set("user", user(userId, "Commenter"));
        data.putObject("reactionData");
        root.put("url", issue.url() + "#comment-" + commentId.substring(0, Math.min(8, commentId.length())));
        envelope(root, organizationId, sentAt);
        return root.toString();
    }

    /**
     * An {@code AgentSessionEvent} {@code created}: Linear made a session because the app was
     * mentioned or delegated the issue; {@code promptContext} is what Linear prepared for the agent.
     *
     * @param creatorId the person who started it; null for a session started by an automation
     */
    public static String agentSessionCreated(
            String organizationId,
            String appUserId,
            String agentSessionId,
            IssueData issue,
            String creatorId,
            String promptContext,
            Instant sentAt) {
        ObjectNode root =
                agentSessionEvent("created", organizationId, appUserId, agentSessionId, issue, creatorId, sentAt);
        root.put("promptContext", promptContext);
        return root.toString();
    }

    /**
     * An {@code AgentSessionEvent} {@code prompted}: {@code userId} wrote to a running session.
     *
     * @param signal the prompt's signal, {@code stop} for a stop request; null for none
     */
    public static String agentSessionPrompted(
            String organizationId,
            String appUserId,
            String agentSessionId,
            IssueData issue,
            String activityId,
            String userId,
            String body,
            String signal,
            Instant sentAt) {
        ObjectNode root =
                agentSessionEvent("prompted", organizationId, appUserId, agentSessionId, issue, userId, sentAt);
        ObjectNode activity = root.putObject("agentActivity");
        activity.put("id", activityId);
        activity.put("agentSessionId", agentSessionId);
        activity.put("createdAt", sentAt.toString());
        activity.put("updatedAt", sentAt.toString());
        activity.putNull("archivedAt");
        ObjectNode content = activity.putObject("content");
        content.put("type", "prompt");
        content.put("body", body);
        if (signal == null) {
            activity.putNull("signal");
        } else {
            activity.put("signal", signal);
        }
        activity.putNull("sourceCommentId");
        activity.put("userId", userId);
        activity.set("user", user(userId, "Prompter"));
        return root.toString();
    }

    private static ObjectNode agentSessionEvent(
            String action,
            String organizationId,
            String appUserId,
            String agentSessionId,
            IssueData issue,
            String creatorId,
            Instant sentAt) {
        ObjectNode root = JSON.createObjectNode();
        root.put("type", "AgentSessionEvent");
        root.put("action", action);
        root.put("createdAt", sentAt.toString());
        root.put("organizationId", organizationId);
        root.put("oauthClientId", "0c9f3e1a-7d5b-4b21-8a55-3f4c2e9d8b10");
        root.put("appUserId", appUserId);
        ObjectNode session = root.putObject("agentSession");
        session.put("id", agentSessionId);
        session.put("createdAt", sentAt.toString());
        session.put("updatedAt", sentAt.toString());
        session.putNull("archivedAt");
        session.put("appUserId", appUserId);
        String commentId = UUID.nameUUIDFromBytes(agentSessionId.getBytes(StandardCharsets.UTF_8))
                .toString();
        session.put("commentId", commentId);
        ObjectNode comment = session.putObject("comment");
        comment.put("id", commentId);
        comment.put("body", "@nightshift please take this");
        comment.put("issueId", issue.id());
        comment.put("userId", creatorId);
        if (creatorId == null) {
            session.putNull("creatorId");
            session.putNull("creator");
        } else {
            session.put("creatorId", creatorId);
            session.set("creator", user(creatorId, "Creator"));
        }
        session.put("issueId", issue.id());
        ObjectNode issueChild = session.putObject("issue");
        issueChild.put("id", issue.id());
        issueChild.put("identifier", issue.identifier());
        issueChild.put("title", issue.title());
        issueChild.put("description", issue.description());
        issueChild.put("teamId", issue.teamId());
        ObjectNode team = issueChild.putObject("team");
        team.put("id", issue.teamId());
        team.put("key", issue.teamKey());
        team.put("name", issue.teamKey());
        issueChild.put("url", issue.url());
        session.put("organizationId", organizationId);
        session.putNull("sourceCommentId");
        session.put("status", "pending");
        session.put("type", "commentThread");
        session.putNull("summary");
        session.putNull("startedAt");
        session.putNull("endedAt");
        session.put("url", issue.url());
        root.putArray("guidance");
        root.put("webhookId", WEBHOOK_ID);
        root.put("webhookTimestamp", sentAt.toEpochMilli());
        return root;
    }

    private static ObjectNode issueUpdate(String organizationId, IssueData issue, String actorId, Instant sentAt) {
        ObjectNode root = JSON.createObjectNode();
        root.put("action", "update");
        root.put("type", "Issue");
        root.set("actor", actor(actorId));
        root.put("createdAt", sentAt.toString());
        ObjectNode data = root.putObject("data");
        data.put("id", issue.id());
        data.put("createdAt", CREATED_AT);
        data.put("updatedAt", sentAt.toString());
        data.putNull("archivedAt");
        data.put(
                "number",
                Integer.parseInt(issue.identifier().substring(issue.identifier().lastIndexOf('-') + 1)));
        data.put("identifier", issue.identifier());
        data.put("title", issue.title());
        data.put("description", issue.description());
        data.put("priority", 0);
        data.put("priorityLabel", "No priority");
        data.put("boardOrder", 0);
        data.put("sortOrder", -1234.5);
        data.put("prioritySortOrder", -1234.5);
        data.put("teamId", issue.teamId());
        ObjectNode team = data.putObject("team");
        team.put("id", issue.teamId());
        team.put("key", issue.teamKey());
        team.put("name", issue.teamKey());
        data.put("stateId", "d0a8c2f1-1f55-4c44-8d1e-0a7c0b5e9a01");
        ObjectNode state = data.putObject("state");
        state.put("id", "d0a8c2f1-1f55-4c44-8d1e-0a7c0b5e9a01");
        state.put("color", "#e2e2e2");
        state.put("name", "Todo");
        state.put("type", "unstarted");
        data.put("creatorId", actorId);
        data.putNull("assigneeId");
        data.putNull("delegateId");
        ArrayNode labelIds = data.putArray("labelIds");
        ArrayNode labels = data.putArray("labels");
        for (String name : issue.labels()) {
            String id = UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8))
                    .toString();
            labelIds.add(id);
            ObjectNode label = labels.addObject();
            label.put("id", id);
            label.put("color", "#5e6ad2");
            label.put("name", name);
            label.putNull("parentId");
        }
        data.putArray("subscriberIds").add(actorId);
        data.putArray("previousIdentifiers");
        data.putObject("reactionData");
        data.put("url", issue.url());
        root.put("url", issue.url());
        ObjectNode from = root.putObject("updatedFrom");
        from.put("updatedAt", CREATED_AT);
        envelope(root, organizationId, sentAt);
        return root;
    }

    private static void envelope(ObjectNode root, String organizationId, Instant sentAt) {
        root.put("organizationId", organizationId);
        root.put("webhookTimestamp", sentAt.toEpochMilli());
        root.put("webhookId", WEBHOOK_ID);
    }

    private static ObjectNode actor(String id) {
        ObjectNode actor = JSON.createObjectNode();
        actor.put("id", id);
        actor.put("name", "Actor");
        actor.put("email", "actor@example.com");
        actor.put("url", "https://linear.app/acme/profiles/actor");
        actor.put("type", "user");
        return actor;
    }

    private static ObjectNode user(String id, String name) {
        ObjectNode user = JSON.createObjectNode();
        user.put("id", id);
        user.put("name", name);
        user.put("email", name.toLowerCase(java.util.Locale.ROOT) + "@example.com");
        user.put("url", "https://linear.app/acme/profiles/" + name.toLowerCase(java.util.Locale.ROOT));
        return user;
    }
}
