package dev.nightshift.linear.fake;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nightshift.linear.LinearEvent;
import dev.nightshift.linear.LinearEvent.AgentSessionEvent;
import dev.nightshift.linear.LinearEvent.CommentCreated;
import dev.nightshift.linear.LinearEvent.IssueAssigned;
import dev.nightshift.linear.LinearEvents;
import dev.nightshift.linear.LinearSignatures;
import dev.nightshift.linear.fake.LinearWebhookPayloads.IssueData;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The payload builders give deliveries that the module's own readers accept, signed as Linear signs. */
class LinearWebhookPayloadsTest {

    private static final Instant NOW = Instant.parse("2025-11-21T08:00:00Z");
    private static final String ORG = "org-1";
    private static final String APP = "app-user";
    private static final String GRACE = "grace";
    private static final IssueData ISSUE = new IssueData(
            "issue-1",
            "ENG-42",
            "Importer drops rows",
            "Steps",
            "team-1",
            "ENG",
            List.of("backend"),
            "https://linear.app/acme/issue/ENG-42/importer-drops-rows");

    @Test
    void anAssignmentReadsBackAsIssueAssigned() {
        IssueAssigned event =
                (IssueAssigned) parse(LinearWebhookPayloads.issueAssigned(ORG, ISSUE, APP, null, GRACE, NOW));

        assertThat(event.organizationId()).isEqualTo(ORG);
        assertThat(event.issueId()).isEqualTo("issue-1");
        assertThat(event.identifier()).isEqualTo("ENG-42");
        assertThat(event.teamKey()).isEqualTo("ENG");
        assertThat(event.labels()).containsExactly("backend");
        assertThat(event.assigneeId()).isEqualTo(APP);
        assertThat(event.actorId()).isEqualTo(GRACE);
        assertThat(event.url()).isEqualTo(ISSUE.url());
        assertThat(event.isFor(APP)).isTrue();
    }

    @Test
    void aDelegationReadsBackAsIssueAssignedToTheDelegate() {
        IssueAssigned event = (IssueAssigned) parse(LinearWebhookPayloads.issueDelegated(ORG, ISSUE, APP, GRACE, NOW));

        assertThat(event.delegateId()).isEqualTo(APP);
        assertThat(event.assigneeId()).isEmpty();
    }

    @Test
    void aRetitleIsNoEvent() {
        assertThat(LinearEvents.parse(bytes(LinearWebhookPayloads.issueRetitled(ORG, ISSUE, APP, GRACE, NOW))))
                .isEmpty();
    }

    @Test
    void aCommentReadsBackAsCommentCreated() {
        CommentCreated event = (CommentCreated)
                parse(LinearWebhookPayloads.commentCreated(ORG, "comment-1", ISSUE, "@nightshift go", GRACE, NOW));

        assertThat(event.commentId()).isEqualTo("comment-1");
        assertThat(event.issueId()).isEqualTo("issue-1");
        assertThat(event.body()).isEqualTo("@nightshift go");
        assertThat(event.userId()).isEqualTo(GRACE);
    }

    @Test
    void agentSessionsReadBack() {
        AgentSessionEvent created = (AgentSessionEvent)
                parse(LinearWebhookPayloads.agentSessionCreated(ORG, APP, "session-1", ISSUE, GRACE, "context", NOW));
        AgentSessionEvent prompted = (AgentSessionEvent) parse(LinearWebhookPayloads.agentSessionPrompted(
                ORG, APP, "session-1", ISSUE, "activity-1", GRACE, "also this", "stop", NOW));
        AgentSessionEvent byAutomation = (AgentSessionEvent)
                parse(LinearWebhookPayloads.agentSessionCreated(ORG, APP, "session-2", ISSUE, null, "context", NOW));

        assertThat(created.action()).isEqualTo(AgentSessionEvent.Action.CREATED);
        assertThat(created.prompt()).isEqualTo("context");
        assertThat(created.actorId()).isEqualTo(GRACE);
        assertThat(created.appUserId()).isEqualTo(APP);
        assertThat(prompted.action()).isEqualTo(AgentSessionEvent.Action.PROMPTED);
        assertThat(prompted.prompt()).isEqualTo("also this");
        assertThat(prompted.stopRequested()).isTrue();
        assertThat(prompted.deliveryKey()).endsWith("activity-1");
        assertThat(byAutomation.actorId()).isEmpty();
    }

    @Test
    void signedPayloadsVerifyAtTheirSendingTime() {
        String body = LinearWebhookPayloads.commentCreated(ORG, "comment-1", ISSUE, "hi", GRACE, NOW);
        String signature = LinearWebhookPayloads.sign(body, "secret");

        assertThat(LinearSignatures.verify(
                        "secret", bytes(body), signature, NOW.plusSeconds(5), LinearSignatures.DEFAULT_WINDOW))
                .isEqualTo(new LinearSignatures.Result.Accepted(NOW));
    }

    private static LinearEvent parse(String body) {
        return LinearEvents.parse(bytes(body)).orElseThrow();
    }

    private static byte[] bytes(String body) {
        return body.getBytes(StandardCharsets.UTF_8);
    }
}
