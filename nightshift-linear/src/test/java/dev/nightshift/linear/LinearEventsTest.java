package dev.nightshift.linear;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nightshift.linear.LinearEvent.AgentSessionEvent;
import dev.nightshift.linear.LinearEvent.AgentSessionEvent.Action;
import dev.nightshift.linear.LinearEvent.CommentCreated;
import dev.nightshift.linear.LinearEvent.IssueAssigned;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link LinearEvents} on payloads shaped as Linear's webhook schema documents them. */
class LinearEventsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ORG = "2f9c6b7e-6a40-4d5b-9c11-7f2b8e3a4d10";
    private static final String ISSUE = "9cfb4a1e-4b8e-4d35-8a53-0c1f2e3d4a5b";
    private static final String GRACE = "a1b2c3d4-0000-4000-8000-000000000001";
    private static final String APP = "a1b2c3d4-0000-4000-8000-0000000000aa";
    private static final String URL = "https://linear.app/acme/issue/ENG-123/importer-drops-rows-with-a-trailing-comma";

    @Test
    void readsAnAssignment() throws IOException {
        LinearEvent event = LinearEvents.parse(payload("issue.assigned.json")).orElseThrow();

        assertThat(event)
                .isEqualTo(new IssueAssigned(
                        ORG,
                        ISSUE,
                        "ENG-123",
                        "Importer drops rows with a trailing comma",
                        "e4f3c2b1-2222-4b2b-8b2b-000000000001",
                        "ENG",
                        APP,
                        "",
                        GRACE,
                        List.of("Bug", "backend"),
                        URL,
                        "6b4e1a4c-2f0e-4a37-9a8f-5d2f0f6c1e01",
                        "Issue:update:" + ISSUE + ":" + APP + "::2025-11-21T08:02:30.101Z"));
        assertThat(((IssueAssigned) event).isFor(APP)).isTrue();
        assertThat(((IssueAssigned) event).isFor(GRACE)).isFalse();
    }

    @Test
    void readsADelegationToTheAppWhileThePersonStaysAssignee() throws IOException {
        IssueAssigned event = (IssueAssigned)
                LinearEvents.parse(payload("issue.delegated.json")).orElseThrow();

        assertThat(event.delegateId()).isEqualTo(APP);
        assertThat(event.assigneeId())
                .as("the assignee did not change in this delivery")
                .isEmpty();
        assertThat(event.isFor(APP)).isTrue();
        assertThat(event.isFor(GRACE)).isFalse();
    }

    @Test
    void anIssueCreatedAlreadyAssignedIsAnAssignment() throws IOException {
        IssueAssigned event = (IssueAssigned)
                LinearEvents.parse(payload("issue.created-assigned.json")).orElseThrow();

        assertThat(event.assigneeId()).isEqualTo(APP);
        assertThat(event.deliveryKey()).startsWith("Issue:create:" + ISSUE + ":");
    }

    @ParameterizedTest
    @ValueSource(strings = {"issue.unassigned.json", "issue.retitled.json", "comment.created-on-project-update.json"})
    void changesThatAreNotEventsAreIgnored(String name) throws IOException {
        assertThat(LinearEvents.parse(payload(name))).isEmpty();
    }

    @Test
    void anUpdateThatNamesTheSameAssigneeIsNoAssignment() throws IOException {
        byte[] body =
                edit("issue.assigned.json", root -> ((ObjectNode) root.get("updatedFrom")).put("assigneeId", APP));

        assertThat(LinearEvents.parse(body)).isEmpty();
    }

    @Test
    void aReassignmentFromSomeoneElseCounts() throws IOException {
        byte[] body =
                edit("issue.assigned.json", root -> ((ObjectNode) root.get("updatedFrom")).put("assigneeId", GRACE));

        assertThat(LinearEvents.parse(body))
                .get()
                .extracting(LinearEvent::organizationId)
                .isEqualTo(ORG);
    }

    @Test
    void theDeliveryKeyIsStableAcrossRetriesAndDiffersBetweenChanges() throws IOException {
        String first = key(payload("issue.assigned.json"));
        String retried = key(edit("issue.assigned.json", root -> root.put("webhookTimestamp", 1763712999999L)));
        String later = key(edit(
                "issue.assigned.json",
                root -> ((ObjectNode) root.get("data")).put("updatedAt", "2025-11-21T09:00:00.000Z")));

        assertThat(retried).isEqualTo(first);
        assertThat(later).isNotEqualTo(first);
    }

    @Test
    void theTeamKeyComesFromTheIdentifierWhenThePayloadNamesNoTeam() throws IOException {
        byte[] body = edit("issue.assigned.json", root -> ((ObjectNode) root.get("data")).remove("team"));

        IssueAssigned event = (IssueAssigned) LinearEvents.parse(body).orElseThrow();

        assertThat(event.teamKey()).isEqualTo("ENG");
        assertThat(event.teamId()).isEqualTo("e4f3c2b1-2222-4b2b-8b2b-000000000001");
    }

    @Test
    void readsACommentOnAnIssue() throws IOException {
        assertThat(LinearEvents.parse(payload("comment.created.json")))
                .contains(new CommentCreated(
                        ORG,
                        "c0ffee00-4444-4d4d-8d4d-000000000001",
                        ISSUE,
                        "@nightshift can you also handle quoted commas?",
                        GRACE,
                        URL + "#comment-c0ffee00",
                        "Comment:create:c0ffee00-4444-4d4d-8d4d-000000000001"));
    }

    @Test
    void aCommentWithoutAUserHasAnEmptyUserId() throws IOException {
        byte[] body = edit("comment.created.json", root -> {
            ObjectNode data = (ObjectNode) root.get("data");
            data.putNull("userId");
            data.remove("user");
        });

        assertThat(LinearEvents.parse(body))
                .get()
                .extracting(e -> ((CommentCreated) e).userId())
                .isEqualTo("");
    }

    @Test
    void editsAndDeletionsOfCommentsAreNotEvents() throws IOException {
        assertThat(LinearEvents.parse(edit("comment.created.json", root -> root.put("action", "update"))))
                .isEmpty();
        assertThat(LinearEvents.parse(edit("comment.created.json", root -> root.put("action", "remove"))))
                .isEmpty();
    }

    @Test
    void readsACreatedAgentSession() throws IOException {
        AgentSessionEvent event = (AgentSessionEvent)
                LinearEvents.parse(payload("agent-session.created.json")).orElseThrow();

        assertThat(event.action()).isEqualTo(Action.CREATED);
        assertThat(event.agentSessionId()).isEqualTo("5e55a0e0-6666-4f6f-8f6f-000000000001");
        assertThat(event.issueId()).isEqualTo(ISSUE);
        assertThat(event.prompt()).startsWith("<issue identifier=\"ENG-123\">").contains("@Nightshift please fix this");
        assertThat(event.signal()).isEmpty();
        assertThat(event.stopRequested()).isFalse();
        assertThat(event.actorId()).isEqualTo(GRACE);
        assertThat(event.organizationId()).isEqualTo(ORG);
        assertThat(event.appUserId()).isEqualTo(APP);
        assertThat(event.deliveryKey()).isEqualTo("AgentSessionEvent:created:5e55a0e0-6666-4f6f-8f6f-000000000001");
    }

    @Test
    void aCreatedSessionWithoutPromptContextFallsBackToItsComment() throws IOException {
        byte[] body = edit("agent-session.created.json", root -> root.remove("promptContext"));

        assertThat(((AgentSessionEvent) LinearEvents.parse(body).orElseThrow()).prompt())
                .isEqualTo("@Nightshift please fix this");
    }

    @Test
    void aSessionStartedByAnAutomationHasNoActor() throws IOException {
        byte[] body = edit("agent-session.created.json", root -> {
            ObjectNode session = (ObjectNode) root.get("agentSession");
            session.putNull("creatorId");
            session.putNull("creator");
        });

        assertThat(((AgentSessionEvent) LinearEvents.parse(body).orElseThrow()).actorId())
                .isEmpty();
    }

    @Test
    void readsAPromptedAgentSession() throws IOException {
        AgentSessionEvent event = (AgentSessionEvent)
                LinearEvents.parse(payload("agent-session.prompted.json")).orElseThrow();

        assertThat(event)
                .isEqualTo(new AgentSessionEvent(
                        Action.PROMPTED,
                        "5e55a0e0-6666-4f6f-8f6f-000000000001",
                        ISSUE,
                        "Also add a test for quoted commas",
                        "",
                        "a1b2c3d4-0000-4000-8000-000000000002",
                        ORG,
                        APP,
                        "AgentSessionEvent:prompted:ac7ac7ac-7777-4a7a-8a7a-000000000001"));
    }

    @Test
    void aStopRequestCarriesItsSignal() throws IOException {
        byte[] body = edit(
                "agent-session.prompted.json", root -> ((ObjectNode) root.get("agentActivity")).put("signal", "stop"));

        AgentSessionEvent event = (AgentSessionEvent) LinearEvents.parse(body).orElseThrow();

        assertThat(event.signal()).isEqualTo("stop");
        assertThat(event.stopRequested()).isTrue();
    }

    @Test
    void aPromptWithoutItsActivityIdIsDropped() throws IOException {
        byte[] body =
                edit("agent-session.prompted.json", root -> ((ObjectNode) root.get("agentActivity")).remove("id"));

        assertThat(LinearEvents.parse(body)).isEmpty();
    }

    @Test
    void otherAgentSessionActionsAreIgnored() throws IOException {
        assertThat(LinearEvents.parse(edit("agent-session.created.json", root -> root.put("action", "updated"))))
                .isEmpty();
    }

    @Test
    void theIssueIdOfASessionMayComeFromItsIssueObject() throws IOException {
        byte[] body =
                edit("agent-session.created.json", root -> ((ObjectNode) root.get("agentSession")).remove("issueId"));

        assertThat(((AgentSessionEvent) LinearEvents.parse(body).orElseThrow()).issueId())
                .isEqualTo(ISSUE);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "null",
                "[]",
                "42",
                "\"Issue\"",
                "{",
                "not json",
                "{\"type\":\"Issue\"}",
                "{\"type\":\"Issue\",\"action\":\"update\",\"data\":[]}",
                "{\"type\":\"Issue\",\"action\":\"update\",\"data\":\"x\",\"organizationId\":\"o\"}",
                "{\"type\":\"Issue\",\"action\":\"update\",\"organizationId\":\"o\",\"data\":{\"id\":1,"
                        + "\"identifier\":\"ENG-1\",\"assigneeId\":\"u\"},\"updatedFrom\":{\"assigneeId\":null}}",
                "{\"type\":\"Issue\",\"action\":\"update\",\"organizationId\":\"o\",\"data\":{\"id\":\"i\","
                        + "\"identifier\":\"ENG-1\",\"assigneeId\":[\"u\"]},\"updatedFrom\":{\"assigneeId\":null}}",
                "{\"type\":\"Issue\",\"action\":\"update\",\"organizationId\":\"o\",\"data\":{\"id\":\"i\","
                        + "\"identifier\":\"ENG-1\",\"assigneeId\":\"u\"},\"updatedFrom\":\"assigneeId\"}",
                "{\"type\":\"Comment\",\"action\":\"create\",\"organizationId\":\"o\",\"data\":{\"id\":\"c\"}}",
                "{\"type\":\"Comment\",\"action\":\"create\",\"organizationId\":7,\"data\":{\"id\":\"c\",\"issueId\":\"i\"}}",
                "{\"type\":\"AgentSessionEvent\",\"action\":\"created\",\"organizationId\":\"o\"}",
                "{\"type\":\"AgentSessionEvent\",\"action\":\"created\",\"organizationId\":\"o\",\"agentSession\":{\"id\":\"s\"}}",
                "{\"type\":\"AgentSessionEvent\",\"action\":\"created\",\"organizationId\":\"o\",\"agentSession\":[]}",
                "{\"type\":\"AgentSessionEvent\",\"action\":\"prompted\",\"organizationId\":\"o\","
                        + "\"agentSession\":{\"id\":\"s\",\"issueId\":\"i\"},\"agentActivity\":\"x\"}",
                "{\"type\":\"Project\",\"action\":\"create\",\"organizationId\":\"o\",\"data\":{\"id\":\"p\"}}",
                "{\"type\":{\"x\":1},\"action\":\"create\"}",
            })
    void malformedOrForeignPayloadsAreEmptyNeverAnError(String text) {
        assertThat(LinearEvents.parse(text.getBytes(StandardCharsets.UTF_8))).isEmpty();
    }

    @Test
    void nullAndDeeplyNestedBodiesAreEmpty() {
        assertThat(LinearEvents.parse(null)).isEmpty();
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        assertThat(LinearEvents.parse(deep.getBytes(StandardCharsets.UTF_8))).isEmpty();
    }

    @Test
    void wrongTypesInOptionalFieldsDoNotLoseTheEvent() throws IOException {
        byte[] body = edit("issue.assigned.json", root -> {
            ObjectNode data = (ObjectNode) root.get("data");
            data.put("title", 17);
            data.put("labels", "Bug");
            data.putArray("url");
            root.put("actor", "grace");
        });

        IssueAssigned event = (IssueAssigned) LinearEvents.parse(body).orElseThrow();

        assertThat(event.title()).isEmpty();
        assertThat(event.labels()).isEmpty();
        assertThat(event.url()).isEqualTo(URL);
        assertThat(event.actorId()).isEmpty();
    }

    private static String key(byte[] body) {
        Optional<LinearEvent> event = LinearEvents.parse(body);
        assertThat(event).isPresent();
        return event.get().deliveryKey();
    }

    private static byte[] edit(String name, Consumer<ObjectNode> change) throws IOException {
        ObjectNode root = (ObjectNode) JSON.readTree(payload(name));
        change.accept(root);
        return JSON.writeValueAsBytes(root);
    }

    static byte[] payload(String name) throws IOException {
        try (InputStream in = LinearEventsTest.class.getResourceAsStream("/webhooks/" + name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        }
    }
}
