package dev.nightshift.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nightshift.agent.model.Usage;
import dev.nightshift.core.model.Event;
import java.util.List;
import java.util.Locale;

/**
 * What one turn has spent, in tokens and money, and what the session had spent before it: every
 * model answer of the turn is charged here, its subagents' included (they share the turn's
 * account), so the turn's and the session's budgets hold whoever spends. Used on the turn's thread
 * only: a subagent runs on its parent's thread, inside the {@code task} call.
 */
public final class BudgetAccount {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A budget ran out: the turn ends, wherever in it (a subagent included) the money went. */
    public static final class Exceeded extends AgentExecutor.TurnEnded {
        Exceeded(String message) {
            super(message);
        }
    }

    private final AgentSettings settings;
    private Usage turnUsage = Usage.NONE;
    private double turnCostUsd;
    private double sessionCostUsd;

    /** An account for a new turn of a session that has already spent {@code sessionCostUsd}. */
    public BudgetAccount(AgentSettings settings, double sessionCostUsd) {
        this.settings = settings;
        this.sessionCostUsd = sessionCostUsd;
    }

    /**
     * What a session has spent so far, from its log: the sum of every {@code step_finish}'s
     * {@code costUsd}, a subagent's steps included.
     */
    public static double spentIn(List<Event> log) {
        double total = 0;
        for (Event e : log) {
            if (e.type().equals(dev.nightshift.core.event.EventType.STEP_FINISH.wire())) {
                try {
                    total += JSON.readTree(e.data()).path("costUsd").asDouble();
                } catch (Exception unreadable) {
                    // a step whose data cannot be read costs nothing we can know of
                }
            }
        }
        return total;
    }

    /** Charges one model answer. */
    public void charge(Usage usage, double costUsd) {
        turnUsage = turnUsage.plus(usage);
        turnCostUsd += costUsd;
        sessionCostUsd += costUsd;
    }

    public double turnCostUsd() {
        return turnCostUsd;
    }

    public double sessionCostUsd() {
        return sessionCostUsd;
    }

    /** Ends the turn when the tokens, the turn's money or the session's money are past their budget. */
    public void check() {
        long tokens = turnUsage.inputTokens() + turnUsage.outputTokens();
        if (settings.maxTurnTokens() > 0 && tokens > settings.maxTurnTokens()) {
            throw new Exceeded(
                    "stopped at " + tokens + " tokens (the per-turn budget is " + settings.maxTurnTokens() + ")");
        }
        if (settings.maxTurnCostUsd() > 0 && turnCostUsd > settings.maxTurnCostUsd()) {
            throw new Exceeded(String.format(
                    Locale.ROOT,
                    "stopped at $%.4f (the per-turn budget is $%.4f)",
                    turnCostUsd,
                    settings.maxTurnCostUsd()));
        }
        if (settings.maxSessionCostUsd() > 0 && sessionCostUsd > settings.maxSessionCostUsd()) {
            throw new Exceeded(String.format(
                    Locale.ROOT,
                    "stopped at $%.4f for the session (its budget is $%.4f)",
                    sessionCostUsd,
                    settings.maxSessionCostUsd()));
        }
    }
}
