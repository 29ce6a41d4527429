package dev.nightshift.cli;

import dev.nightshift.core.event.EventPayload;
import dev.nightshift.core.port.Turn;
import dev.nightshift.core.port.TurnExecutor;
import dev.nightshift.server.testing.TestServer;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in for the agent that plays a script chosen by the prompt, so CLI tests drive real turns
 * on a real server deterministically:
 * <ul>
 *   <li>{@code succeed}: streamed text, a tool call that works and one that fails, branch and PR artifacts;</li>
 *   <li>{@code fail}: some text, then the turn fails with {@link #FAILURE};</li>
 *   <li>{@code block}: runs until stopped;</li>
 *   <li>{@code wait}: runs until {@link #release} is counted down, then says {@link #RELEASED};</li>
 *   <li>{@code chatty N}: N token events.</li>
 * </ul>
 */
final class ScriptedAgent implements TurnExecutor {
    static final String FAILURE = "the tests are still red";
    static final String RELEASED = "released and done";
    static final String PR_URL = "https://git.example.com/acme/app/pull/7";
    static final String COMPARE_URL = "https://git.example.com/acme/app/compare/main...nightshift/fix-the-test";
    static final String BRANCH = "nightshift/fix-the-test";

    final CountDownLatch started = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    volatile TestServer server;

    @Override
    public void execute(Turn turn) throws Exception {
        String prompt = turn.message().content();
        if (prompt.startsWith("chatty ")) {
            int count = Integer.parseInt(prompt.substring("chatty ".length()).trim());
            for (int i = 0; i < count; i++) {
                turn.emit(new EventPayload.Token("t" + i + " "));
            }
            return;
        }
        switch (prompt) {
            case "succeed" -> succeed(turn);
            case "fail" -> {
                turn.emit(new EventPayload.Token("Trying..."));
                throw new IllegalStateException(FAILURE);
            }
            case "block" -> {
                started.countDown();
                Thread.sleep(TimeUnit.MINUTES.toMillis(5)); // interrupted by stop
            }
            case "wait" -> {
                started.countDown();
                turn.emit(new EventPayload.Token("waiting for the signal\n"));
                if (!release.await(1, TimeUnit.MINUTES)) {
                    throw new IllegalStateException("never released");
                }
                turn.emit(new EventPayload.Token(RELEASED + "\n"));
            }
            default -> turn.emit(new EventPayload.Token("nothing scripted for that"));
        }
    }

    private void succeed(Turn turn) {
        turn.emit(new EventPayload.StepStart(1, "scripted/model"));
        turn.emit(new EventPayload.Token("Looking at "));
        turn.emit(new EventPayload.Token("the flaky test.\n"));
        turn.emit(new EventPayload.ToolCall("c1", "bash", "{\"command\":\"./mvnw test\"}"));
        turn.emit(new EventPayload.ToolResult("c1", "bash", "BUILD SUCCESS", false));
        turn.emit(new EventPayload.ToolCall("c2", "read", "{\"path\":\"missing.txt\"}"));
        turn.emit(new EventPayload.ToolResult("c2", "read", "no such file: missing.txt", true));
        artifact(turn, "branch", COMPARE_URL, "{\"name\":\"" + BRANCH + "\"}");
        artifact(turn, "pr", PR_URL, "{\"number\":7}");
        turn.emit(new EventPayload.Token("Fixed it."));
    }

    /** As the git integration will: the artifact row, then an event announcing it. */
    private void artifact(Turn turn, String type, String url, String data) {
        var artifact = server.server
                .store()
                .artifacts()
                .add(turn.session().id(), type, url, data, Instant.ofEpochMilli(System.currentTimeMillis()));
        turn.emit(EventPayload.Artifact.of(artifact));
    }
}
