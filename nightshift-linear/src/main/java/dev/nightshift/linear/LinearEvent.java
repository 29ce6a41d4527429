package dev.nightshift.linear;

import java.util.List;
import java.util.Objects;

/**
 * A webhook delivery Nightshift acts on, as {@link LinearEvents#parse} reads it: an issue given to
 * someone (assigned, or delegated to an app user), a comment written on an issue, or an agent session
 * created or prompted. Only what the decisions need is kept; every record is immutable and safe to
 * hand to any thread.
 *
 * <p>Fields are never null. Text Linear left out arrives as the empty string; fields without which
 * the event is useless (the ids) are never empty, {@link LinearEvents#parse} drops such deliveries.
 */
public sealed interface LinearEvent {

    /** The Linear workspace the delivery comes from, to pick its installation and token. */
    String organizationId();

    /**
     * A key that is the same when Linear sends the same delivery again and differs between two
     * changes, to drop repeats when the {@value LinearSignatures#DELIVERY_HEADER} header is not at
     * hand. It is built from ids and the entity's {@code updatedAt}, not the sending time, which a
     * retry changes.
     */
    String deliveryKey();

    /**
     * An issue was assigned or delegated to someone: an {@code Issue} {@code update} whose
     * {@code updatedFrom} shows {@code assigneeId} or {@code delegateId} changed to a person, or an
     * {@code Issue} {@code create} with either already set. Linear gives issues to agents (app users)
     * by delegation and to people by assignment; compare both with the app user's id, or use
     * {@link #isFor}.
     *
     * @param organizationId the workspace
     * @param issueId the issue's UUID
     * @param identifier the issue's key, e.g. {@code ENG-123}
     * @param title the issue's title
     * @param teamId the team's UUID
     * @param teamKey the team's key, e.g. {@code ENG}; taken from the identifier when the payload
     *     names no team
     * @param assigneeId the new assignee, when this change assigned the issue; empty otherwise
     * @param delegateId the new delegate (an app user), when this change delegated the issue; empty
     *     otherwise
     * @param actorId who made the change; empty when Linear names no actor
     * @param labels the issue's label names
     * @param url the issue's page
     * @param webhookId the webhook that sent the delivery (the same for all its deliveries)
     * @param deliveryKey see {@link LinearEvent#deliveryKey()}
     */
    record IssueAssigned(
            String organizationId,
            String issueId,
            String identifier,
            String title,
            String teamId,
            String teamKey,
            String assigneeId,
            String delegateId,
            String actorId,
            List<String> labels,
            String url,
            String webhookId,
            String deliveryKey)
            implements LinearEvent {
        public IssueAssigned {
            Objects.requireNonNull(organizationId, "organizationId");
            Objects.requireNonNull(issueId, "issueId");
            Objects.requireNonNull(identifier, "identifier");
            Objects.requireNonNull(title, "title");
            Objects.requireNonNull(teamId, "teamId");
            Objects.requireNonNull(teamKey, "teamKey");
            Objects.requireNonNull(assigneeId, "assigneeId");
            Objects.requireNonNull(delegateId, "delegateId");
            Objects.requireNonNull(actorId, "actorId");
            labels = List.copyOf(labels);
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(webhookId, "webhookId");
            Objects.requireNonNull(deliveryKey, "deliveryKey");
        }

        /** Whether this change gave the issue to {@code userId}, as assignee or as delegate. */
        public boolean isFor(String userId) {
            return userId != null && !userId.isEmpty() && (userId.equals(assigneeId) || userId.equals(delegateId));
        }
    }

    /**
     * A comment written on an issue ({@code Comment} {@code create} with an {@code issueId}; comments
     * on project updates and documents are not events).
     *
     * @param organizationId the workspace
     * @param commentId the comment's UUID
     * @param issueId the issue's UUID
     * @param body the comment's markdown
     * @param userId who wrote it; empty when Linear names no user (an integration or external user),
     *     so compare it with the app user's id to never answer yourself
     * @param url the comment's page
     * @param deliveryKey see {@link LinearEvent#deliveryKey()}
     */
    record CommentCreated(
            String organizationId,
            String commentId,
            String issueId,
            String body,
            String userId,
            String url,
            String deliveryKey)
            implements LinearEvent {
        public CommentCreated {
            Objects.requireNonNull(organizationId, "organizationId");
            Objects.requireNonNull(commentId, "commentId");
            Objects.requireNonNull(issueId, "issueId");
            Objects.requireNonNull(body, "body");
            Objects.requireNonNull(userId, "userId");
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(deliveryKey, "deliveryKey");
        }
    }

    /**
     * An {@code AgentSessionEvent} of Linear's Agents API: Linear created an agent session because the
     * app was mentioned or delegated an issue ({@link Action#CREATED}), or someone wrote to a running
     * one ({@link Action#PROMPTED}). Linear expects a first activity within seconds of
     * {@code created}; see {@link LinearClient#agentActivity}.
     *
     * @param action created or prompted
     * @param agentSessionId the session, to post activities to
     * @param issueId the issue the session is about
     * @param prompt for created, Linear's {@code promptContext} (the issue, its comments and the
     *     workspace's guidance, formatted for an agent), else the body of the comment that started
     *     the session; for prompted, the body of the person's message
     * @param signal for prompted, the message's signal ({@code stop} asks the agent to halt at once);
     *     empty when none
     * @param actorId who caused it: the session's creator for created, the message's author for
     *     prompted; empty when Linear names none (a session started by an automation)
     * @param organizationId the workspace
     * @param appUserId the app user the session belongs to
     * @param deliveryKey see {@link LinearEvent#deliveryKey()}
     */
    record AgentSessionEvent(
            Action action,
            String agentSessionId,
            String issueId,
            String prompt,
            String signal,
            String actorId,
            String organizationId,
            String appUserId,
            String deliveryKey)
            implements LinearEvent {
        public AgentSessionEvent {
            Objects.requireNonNull(action, "action");
            Objects.requireNonNull(agentSessionId, "agentSessionId");
            Objects.requireNonNull(issueId, "issueId");
            Objects.requireNonNull(prompt, "prompt");
            Objects.requireNonNull(signal, "signal");
            Objects.requireNonNull(actorId, "actorId");
            Objects.requireNonNull(organizationId, "organizationId");
            Objects.requireNonNull(appUserId, "appUserId");
            Objects.requireNonNull(deliveryKey, "deliveryKey");
        }

        /** Whether the person asked the agent to stop (the {@code stop} signal). */
        public boolean stopRequested() {
            return "stop".equals(signal);
        }

        /** The {@code action} values of an {@code AgentSessionEvent} Nightshift acts on. */
        public enum Action {
            CREATED("created"),
            PROMPTED("prompted");

            private final String wire;

            Action(String wire) {
                this.wire = wire;
            }

            /** As Linear writes it. */
            public String wire() {
                return wire;
            }

            static Action of(String wire) {
                for (Action a : values()) {
                    if (a.wire.equals(wire)) {
                        return a;
                    }
                }
                return null;
            }
        }
    }
}
