package dev.nightshift.linear;

import static dev.nightshift.linear.Json.array;
import static dev.nightshift.linear.Json.nonEmpty;
import static dev.nightshift.linear.Json.text;
import static dev.nightshift.linear.Json.textOrEmpty;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nightshift.linear.LinearEvent.AgentSessionEvent;
import dev.nightshift.linear.LinearEvent.CommentCreated;
import dev.nightshift.linear.LinearEvent.IssueAssigned;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads the webhook deliveries Nightshift acts on into {@link LinearEvent}s. Call it after
 * {@link LinearSignatures#verify} accepted the raw body.
 *
 * <p>Payloads follow Linear's webhook schema: data change deliveries ({@code Issue},
 * {@code Comment}) are {@code {action, type, actor, data, updatedFrom, url, organizationId,
 * webhookId, webhookTimestamp, createdAt}}; agent deliveries are {@code {type: "AgentSessionEvent",
 * action, agentSession, agentActivity, promptContext, appUserId, organizationId, …}}.
 *
 * <p>Anything else is empty rather than an error: other types and actions, bodies that are not JSON,
 * payloads missing what an event needs or carrying it with the wrong type. A delivery comes from the
 * network, so nothing it contains makes this throw. Stateless, so any thread may call it.
 */
public final class LinearEvents {

    private LinearEvents() {}

    /** The event in a delivery's raw body, or empty when Nightshift does not act on it or cannot read it. */
    public static Optional<LinearEvent> parse(byte[] body) {
        if (body == null || body.length == 0) {
            return Optional.empty();
        }
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(body);
        } catch (IOException | RuntimeException notJson) {
            return Optional.empty();
        }
        if (root == null || !root.isObject()) {
            return Optional.empty();
        }
        try {
            String type = textOrEmpty(root.path("type"));
            String action = textOrEmpty(root.path("action"));
            return Optional.ofNullable(
                    switch (type) {
                        case "Issue" -> action.equals("update") || action.equals("create") ? issue(root) : null;
                        case "Comment" -> action.equals("create") ? comment(root) : null;
                        case "AgentSessionEvent" -> agentSession(root);
                        default -> null;
                    });
        } catch (RuntimeException malformed) {
            // the readers return null for what they can not use; this is the last guard for a
            // payload shaped in a way they did not foresee, which is still not the caller's error
            return Optional.empty();
        }
    }

    private static IssueAssigned issue(JsonNode root) {
        JsonNode data = root.path("data");
        String organizationId = nonEmpty(root.path("organizationId"));
        String issueId = nonEmpty(data.path("id"));
        String identifier = nonEmpty(data.path("identifier"));
        if (organizationId == null || issueId == null || identifier == null || !data.isObject()) {
            return null;
        }
        boolean created = "create".equals(text(root.path("action")));
        String assigneeId = given(root, data, "assigneeId", created);
        String delegateId = given(root, data, "delegateId", created);
        if (assigneeId.isEmpty() && delegateId.isEmpty()) {
            return null;
        }
        JsonNode team = data.path("team");
        String teamKey = nonEmpty(team.path("key"));
        if (teamKey == null) {
            int dash = identifier.lastIndexOf('-');
            teamKey = dash > 0 ? identifier.substring(0, dash) : "";
        }
        String teamId = nonEmpty(data.path("teamId"));
        if (teamId == null) {
            teamId = textOrEmpty(team.path("id"));
        }
        List<String> labels = new ArrayList<>();
        for (JsonNode label : array(data.path("labels"))) {
            String name = nonEmpty(label.path("name"));
            if (name != null && !labels.contains(name)) {
                labels.add(name);
            }
        }
        String url = nonEmpty(data.path("url"));
        String version = firstNonEmpty(
                text(data.path("updatedAt")),
                text(root.path("createdAt")),
                numberText(root.path(LinearSignatures.TIMESTAMP_FIELD)));
        return new IssueAssigned(
                organizationId,
                issueId,
                identifier,
                textOrEmpty(data.path("title")),
                teamId,
                teamKey,
                assigneeId,
                delegateId,
                textOrEmpty(root.path("actor").path("id")),
                labels,
                url != null ? url : textOrEmpty(root.path("url")),
                textOrEmpty(root.path("webhookId")),
                "Issue:" + (created ? "create" : "update") + ":" + issueId + ":" + assigneeId + ":" + delegateId + ":"
                        + version);
    }

    /**
     * The user {@code field} now names, when this delivery gave it that value: on update, when
     * {@code updatedFrom} lists the field with another value; on create, whenever it is set. Empty
     * otherwise, and for an unassignment.
     */
    private static String given(JsonNode root, JsonNode data, String field, boolean created) {
        String now = nonEmpty(data.path(field));
        if (now == null) {
            return "";
        }
        if (created) {
            return now;
        }
        JsonNode updatedFrom = root.path("updatedFrom");
        if (!updatedFrom.isObject() || !updatedFrom.has(field)) {
            return "";
        }
        return now.equals(text(updatedFrom.get(field))) ? "" : now;
    }

    private static CommentCreated comment(JsonNode root) {
        JsonNode data = root.path("data");
        String organizationId = nonEmpty(root.path("organizationId"));
        String commentId = nonEmpty(data.path("id"));
        String issueId = nonEmpty(data.path("issueId"));
        if (issueId == null) {
            issueId = nonEmpty(data.path("issue").path("id"));
        }
        if (organizationId == null || commentId == null || issueId == null) {
            return null;
        }
        String userId = nonEmpty(data.path("userId"));
        if (userId == null) {
            userId = textOrEmpty(data.path("user").path("id"));
        }
        return new CommentCreated(
                organizationId,
                commentId,
                issueId,
                textOrEmpty(data.path("body")),
                userId,
                textOrEmpty(root.path("url")),
                "Comment:create:" + commentId);
    }

    private static AgentSessionEvent agentSession(JsonNode root) {
        AgentSessionEvent.Action action = AgentSessionEvent.Action.of(text(root.path("action")));
        JsonNode session = root.path("agentSession");
        String organizationId = nonEmpty(root.path("organizationId"));
        String sessionId = nonEmpty(session.path("id"));
        String issueId = nonEmpty(session.path("issueId"));
        if (issueId == null) {
            issueId = nonEmpty(session.path("issue").path("id"));
        }
        if (action == null || organizationId == null || sessionId == null || issueId == null) {
            return null;
        }
        String appUserId = nonEmpty(root.path("appUserId"));
        if (appUserId == null) {
            appUserId = textOrEmpty(session.path("appUserId"));
        }
        if (action == AgentSessionEvent.Action.CREATED) {
            String prompt = firstNonEmpty(
                    text(root.path("promptContext")),
                    text(session.path("comment").path("body")));
            String creator = firstNonEmpty(
                    text(session.path("creatorId")),
                    text(session.path("creator").path("id")));
            return new AgentSessionEvent(
                    action,
                    sessionId,
                    issueId,
                    prompt,
                    "",
                    creator,
                    organizationId,
                    appUserId,
                    "AgentSessionEvent:created:" + sessionId);
        }
        JsonNode activity = root.path("agentActivity");
        String activityId = nonEmpty(activity.path("id"));
        if (activityId == null) {
            return null;
        }
        String author = firstNonEmpty(
                text(activity.path("userId")), text(activity.path("user").path("id")));
        return new AgentSessionEvent(
                action,
                sessionId,
                issueId,
                textOrEmpty(activity.path("content").path("body")),
                textOrEmpty(activity.path("signal")),
                author,
                organizationId,
                appUserId,
                "AgentSessionEvent:prompted:" + activityId);
    }

    /** The first value that is neither null nor empty, or the empty string. */
    private static String firstNonEmpty(String... values) {
        for (String v : values) {
            if (v != null && !v.isEmpty()) {
                return v;
            }
        }
        return "";
    }

    /** A JSON number as Jackson writes it; null for anything else. */
    private static String numberText(JsonNode node) {
        return node.isNumber() ? node.asText() : null;
    }
}
