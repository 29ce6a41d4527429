package dev.nightshift.linear;

import dev.nightshift.linear.LinearClient.State;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Which of a team's workflow states an issue moves to as a session goes on. Linear groups states by
 * {@code type} ({@code triage}, {@code backlog}, {@code unstarted}, {@code started},
 * {@code completed}, {@code canceled}) and lets each team name and order its own. There is no
 * review type: teams that review add a state of type {@code started} and name it "In Review" (or
 * "Code review", "Review"…). So:
 *
 * <ul>
 *   <li>the <em>started</em> state is the team's first {@code started} state that is not a review
 *       state (Linear's guidance for agents: move a delegated issue there when work begins);
 *   <li>the <em>review</em> state is the first {@code started} state whose name contains "review",
 *       regardless of case; a team without one has none, and the issue stays where it is.
 * </ul>
 *
 * Pure functions over {@link LinearClient#teamStates}'s list (in the team's order); any thread.
 */
public final class WorkflowStates {

    /** The {@code type} of states where work is under way. */
    public static final String STARTED = "started";
    /** The {@code type} of done states. */
    public static final String COMPLETED = "completed";

    private WorkflowStates() {}

    /** The state to move an issue to when work on it begins, or empty when the team has none. */
    public static Optional<State> started(List<State> states) {
        return states.stream()
                .filter(s -> STARTED.equals(s.type()) && !review(s))
                .findFirst()
                .or(() -> states.stream().filter(s -> STARTED.equals(s.type())).findFirst());
    }

    /** The state to move an issue to when its pull request is up for review, or empty when the team has none. */
    public static Optional<State> review(List<State> states) {
        return states.stream().filter(WorkflowStates::review).findFirst();
    }

    /** Whether an issue in {@code state} is already being worked on or is finished, so moving it would undo someone's choice. */
    public static boolean startedOrDone(State state) {
        String type = state.type();
        return STARTED.equals(type) || COMPLETED.equals(type) || "canceled".equals(type);
    }

    private static boolean review(State state) {
        return STARTED.equals(state.type())
                && state.name().toLowerCase(Locale.ROOT).contains("review");
    }
}
