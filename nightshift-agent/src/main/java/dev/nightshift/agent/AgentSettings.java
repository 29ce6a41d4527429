package dev.nightshift.agent;

/**
 * Guards of one agent: each ends a turn with a clear event, never silently.
 *
 * @param maxSteps model calls per turn
 * @param maxTurnTokens input + output tokens per turn (0: no limit)
 * @param maxTurnCostUsd money per turn (0: no limit)
 * @param maxSessionCostUsd money per session, across turns (0: no limit)
 * @param maxOutputTokens asked of the model per call
 * @param stuckRepeats identical steps that count as a loop
 */
public record AgentSettings(
        int maxSteps,
        long maxTurnTokens,
        double maxTurnCostUsd,
        double maxSessionCostUsd,
        int maxOutputTokens,
        int stuckRepeats) {
    public static final AgentSettings DEFAULTS = new AgentSettings(500, 0, 0, 0, 8192, StuckDetector.DEFAULT_REPEATS);

    public AgentSettings withMaxSteps(int value) {
        return new AgentSettings(
                value, maxTurnTokens, maxTurnCostUsd, maxSessionCostUsd, maxOutputTokens, stuckRepeats);
    }

    public AgentSettings withBudgets(double turnUsd, double sessionUsd) {
        return new AgentSettings(maxSteps, maxTurnTokens, turnUsd, sessionUsd, maxOutputTokens, stuckRepeats);
    }

    public AgentSettings withMaxTurnTokens(long value) {
        return new AgentSettings(maxSteps, value, maxTurnCostUsd, maxSessionCostUsd, maxOutputTokens, stuckRepeats);
    }
}
