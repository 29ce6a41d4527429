package dev.nightshift.cli;

import dev.nightshift.core.port.Turn;
import dev.nightshift.core.port.TurnExecutor;
import dev.nightshift.server.http.Json;
import dev.nightshift.server.http.Views;
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
                turn.emit("token", "{\"text\":\"t" + i + " \"}");
            }
            return;
        }
        switch (prompt) {
            case "succeed" -> succeed(turn);
            case "fail" -> {
                turn.emit("token", "{\"text\":\"Trying...\"}");
                throw new IllegalStateException(FAILURE);
            }
            case "block" -> {
                started.countDown();
                Thread.sleep(TimeUnit.MINUTES.toMillis(5)); // interrupted by stop
            }
            case "wait" -> {
                started.countDown();
                turn.emit("token", "{\"text\":\"waiting for the signal\\n\"}");
                if (!release.await(1, TimeUnit.MINUTES)) {
                    throw new IllegalStateException("never released");
                }
                turn.emit("token", "{\"text\":\"" + RELEASED + "\\n\"}");
            }
            default -> turn.emit("token", "{\"text\":\"nothing scripted for that\"}");
        }
    }

    private void succeed(Turn turn) {
        turn.emit("step_start", "{\"step\":1,\"model\":\"scripted/model\"}");
        turn.emit("token", "{\"text\":\"Looking at \"}");
        turn.emit("token", "{\"text\":\"the flaky test.\\n\"}");
        turn.emit("tool_call", "{\"callId\":\"c1\",\"name\":\"bash\",\"arguments\":\"{\\\"command\\\":\\\"./mvnw test\\\"}\"}");
        turn.emit("tool_result", "{\"callId\":\"c1\",\"name\":\"bash\",\"content\":\"BUILD SUCCESS\",\"error\":false}");
        turn.emit("tool_call", "{\"callId\":\"c2\",\"name\":\"read\",\"arguments\":\"{\\\"path\\\":\\\"missing.txt\\\"}\"}");
        turn.emit("tool_result", "{\"callId\":\"c2\",\"name\":\"read\",\"content\":\"no such file: missing.txt\",\"error\":true}");
        artifact(turn, "branch", COMPARE_URL, "{\"name\":\"" + BRANCH + "\"}");
        artifact(turn, "pr", PR_URL, "{\"number\":7}");
        turn.emit("token", "{\"text\":\"Fixed it.\"}");
    }

    /** As the git integration will: the artifact row, then an event announcing it. */
    private void artifact(Turn turn, String type, String url, String data) {
        var artifact = server.server.store().artifacts().add(turn.session().id(), type, url, data,
                Instant.ofEpochMilli(System.currentTimeMillis()));
        turn.emit("artifact", Json.write(Views.artifact(artifact)));
    }
}
