package dev.nightshift.cli;

import com.fasterxml.jackson.databind.JsonNode;

/** How a turn ended, from its {@code turn_complete} event: {@code completed}, {@code failed} or {@code stopped}. */
public record TurnEnd(String messageId, String status, String error) {
    static TurnEnd from(JsonNode turnComplete) {
        JsonNode data = turnComplete.path("data");
        return new TurnEnd(
                turnComplete.path("messageId").asText(),
                data.path("status").asText("failed"),
                data.hasNonNull("error") ? data.path("error").asText() : null);
    }

    public boolean completed() {
        return "completed".equals(status);
    }

    public int exitCode() {
        return completed() ? ExitCodes.OK : ExitCodes.TURN_FAILED;
    }
}
