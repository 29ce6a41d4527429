package dev.nightshift.linear;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nightshift.linear.LinearClient.State;
import java.util.List;
import org.junit.jupiter.api.Test;

class WorkflowStatesTest {

    private static final State BACKLOG = new State("s1", "Backlog", "backlog");
    private static final State TODO = new State("s2", "Todo", "unstarted");
    private static final State IN_PROGRESS = new State("s3", "In Progress", "started");
    private static final State IN_REVIEW = new State("s4", "In Review", "started");
    private static final State DONE = new State("s5", "Done", "completed");
    private static final State CANCELED = new State("s6", "Canceled", "canceled");
    private static final List<State> DEFAULTS = List.of(BACKLOG, TODO, IN_PROGRESS, IN_REVIEW, DONE, CANCELED);

    @Test
    void theReviewStateIsAStartedStateNamedReview() {
        assertThat(WorkflowStates.review(DEFAULTS)).contains(IN_REVIEW);
        State codeReview = new State("x", "code REVIEW", "started");
        assertThat(WorkflowStates.review(List.of(IN_PROGRESS, codeReview))).contains(codeReview);
    }

    @Test
    void aStateNamedReviewOfAnotherTypeIsNotTheReviewState() {
        State reviewed = new State("x", "Reviewed", "completed");
        State toReview = new State("y", "To review", "unstarted");

        assertThat(WorkflowStates.review(List.of(TODO, toReview, IN_PROGRESS, reviewed, DONE)))
                .isEmpty();
    }

    @Test
    void aTeamWithoutAReviewStateHasNone() {
        assertThat(WorkflowStates.review(List.of(BACKLOG, TODO, IN_PROGRESS, DONE)))
                .isEmpty();
        assertThat(WorkflowStates.review(List.of())).isEmpty();
    }

    @Test
    void theStartedStateIsTheFirstStartedOneThatIsNotReview() {
        assertThat(WorkflowStates.started(DEFAULTS)).contains(IN_PROGRESS);
        assertThat(WorkflowStates.started(List.of(TODO, IN_REVIEW, IN_PROGRESS, DONE)))
                .contains(IN_PROGRESS);
    }

    @Test
    void aTeamWhoseOnlyStartedStateIsReviewStartsThere() {
        assertThat(WorkflowStates.started(List.of(TODO, IN_REVIEW, DONE))).contains(IN_REVIEW);
        assertThat(WorkflowStates.started(List.of(TODO, DONE))).isEmpty();
    }

    @Test
    void startedOrDoneMeansNotToBeMoved() {
        assertThat(WorkflowStates.startedOrDone(IN_PROGRESS)).isTrue();
        assertThat(WorkflowStates.startedOrDone(DONE)).isTrue();
        assertThat(WorkflowStates.startedOrDone(CANCELED)).isTrue();
        assertThat(WorkflowStates.startedOrDone(TODO)).isFalse();
        assertThat(WorkflowStates.startedOrDone(BACKLOG)).isFalse();
        assertThat(WorkflowStates.startedOrDone(new State("t", "Triage", "triage")))
                .isFalse();
    }
}
