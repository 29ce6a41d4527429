package dev.nightshift.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nightshift.server.testing.ApiClient;
import dev.nightshift.server.testing.TestServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Turn dispatch: one at a time per session, FIFO, failures and stop, with real servers. */
class TurnDispatchTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private static String statusOf(ApiClient api, String sessionId, String messageId) {
        for (JsonNode e : api.allEvents(sessionId)) {
            if (e.path("type").asText().equals("turn_complete")
                    && e.path("messageId").asText().equals(messageId)) {
                return e.path("data").path("status").asText();
            }
        }
        return null;
    }

    @Test
    void promptsRunOneAtATimeInOrderPerSessionAndSessionsRunInParallel() {
        Map<String, AtomicInteger> concurrent = new ConcurrentHashMap<>();
        List<String> order = new CopyOnWriteArrayList<>();
        AtomicInteger maxParallelSessions = new AtomicInteger();
        AtomicInteger runningTotal = new AtomicInteger();
        try (TestServer s = TestServer.start(p -> p.executor = turn -> {
            AtomicInteger inSession = concurrent.computeIfAbsent(turn.session().id(), k -> new AtomicInteger());
            assertThat(inSession.incrementAndGet()).isEqualTo(1);
            maxParallelSessions.accumulateAndGet(runningTotal.incrementAndGet(), Math::max);
            order.add(turn.session().id() + ":" + turn.message().content());
            Thread.sleep(100);
            runningTotal.decrementAndGet();
            inSession.decrementAndGet();
        })) {
            String a = s.admin.createSession("/srv/a");
            String b = s.admin.createSession("/srv/b");
            for (int i = 0; i < 3; i++) {
                s.admin.prompt(a, "p" + i, null);
                s.admin.prompt(b, "p" + i, null);
            }
            await().atMost(WAIT).until(() -> order.size() == 6);
            assertThat(order.stream().filter(x -> x.startsWith(a)).toList())
                    .containsExactly(a + ":p0", a + ":p1", a + ":p2");
            assertThat(maxParallelSessions.get()).isEqualTo(2);
            await().atMost(WAIT)
                    .until(() ->
                            "completed".equals(s.admin.get("/api/sessions/" + a).text("status")));
        }
    }

    @Test
    void aFailingTurnEndsFailedWithItsMessageAndTheQueueGoesOn() {
        try (TestServer s = TestServer.start(p -> p.executor = turn -> {
            if (turn.message().content().equals("explode")) {
                throw new IllegalStateException("the model said no");
            }
        })) {
            String id = s.admin.createSession("/srv/fail");
            String bad = s.admin.prompt(id, "explode", null).text("messageId");
            String good = s.admin.prompt(id, "fine", null).text("messageId");
            await().atMost(WAIT).until(() -> statusOf(s.admin, id, good) != null);
            assertThat(statusOf(s.admin, id, bad)).isEqualTo("failed");
            assertThat(statusOf(s.admin, id, good)).isEqualTo("completed");
            assertThat(s.admin.allEvents(id)).anySatisfy(e -> {
                assertThat(e.path("type").asText()).isEqualTo("error");
                assertThat(e.path("data").path("message").asText()).isEqualTo("the model said no");
            });
        }
    }

    @Test
    void withoutAModelAPromptFailsAndSaysHowToConfigureOne() {
        try (TestServer s = TestServer.start(p -> {})) {
            String id = s.admin.createSession("/srv/noagent");
            String msg = s.admin.prompt(id, "hello", null).text("messageId");
            await().atMost(WAIT).until(() -> statusOf(s.admin, id, msg) != null);
            assertThat(s.admin.allEvents(id))
                    .anySatisfy(e -> assertThat(e.path("data").path("message").asText())
                            .contains("no model is configured")
                            .contains("NIGHTSHIFT_MODEL")
                            .contains("OPENAI_COMPATIBLE_BASE_URL"));
        }
    }

    @Test
    void stopReachesTheRunningExecutorAtOnceAndSkipsPostTurnWork() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch stopActionRan = new CountDownLatch(1);
        AtomicInteger postTurnRuns = new AtomicInteger();
        try (TestServer s = TestServer.start(p -> {
            p.executor = turn -> {
                turn.onStop(stopActionRan::countDown);
                started.countDown();
                Thread.sleep(60_000); // interrupted by stop
            };
            p.postTurn = turn -> postTurnRuns.incrementAndGet();
        })) {
            String id = s.admin.createSession("/srv/stop");
            String running = s.admin.prompt(id, "long job", null).text("messageId");
            String next = s.admin.prompt(id, "next job", null).text("messageId");
            assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
            ApiClient.Response stop = s.admin.post("/api/sessions/" + id + "/stop", null);
            assertThat(stop.body().path("stopped").asBoolean()).isTrue();
            assertThat(stop.text("messageId")).isEqualTo(running);
            assertThat(stopActionRan.await(1, TimeUnit.SECONDS)).isTrue();
            assertThat(statusOf(s.admin, id, running)).isEqualTo("stopped");
            // the next prompt runs (and is stopped in turn)
            await().atMost(WAIT)
                    .until(() -> s.admin
                                    .get("/api/sessions/" + id + "/prompts")
                                    .body()
                                    .path("queue")
                                    .findValuesAsText("status")
                                    .contains("processing")
                            && s.admin
                                    .get("/api/sessions/" + id + "/prompts")
                                    .body()
                                    .path("queue")
                                    .findValuesAsText("id")
                                    .contains(next));
            s.admin.post("/api/sessions/" + id + "/stop", null);
            await().atMost(WAIT).until(() -> statusOf(s.admin, id, next) != null);
            assertThat(postTurnRuns.get()).isZero();
        }
    }

    @Test
    void anExecutorThatIgnoresStopIsAbandonedAfterTheGracePeriod() {
        try (TestServer s = TestServer.start(p -> {
            p.stopGrace = Duration.ofMillis(300);
            p.executor = turn -> {
                if (turn.message().content().equals("stubborn")) {
                    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                    while (System.nanoTime() < until) {
                        Thread.onSpinWait(); // ignores interrupts and the stop flag
                    }
                }
            };
        })) {
            String id = s.admin.createSession("/srv/stubborn");
            s.admin.prompt(id, "stubborn", null);
            String after = s.admin.prompt(id, "after", null).text("messageId");
            await().atMost(WAIT).until(() -> !s.admin.allEvents(id).isEmpty());
            s.admin.post("/api/sessions/" + id + "/stop", null);
            await().atMost(WAIT).until(() -> "completed".equals(statusOf(s.admin, id, after)));
        }
    }

    @Test
    void postTurnWorkRunsAfterANaturalFinish() {
        List<String> seen = new CopyOnWriteArrayList<>();
        try (TestServer s = TestServer.start(p -> {
            p.executor = turn -> turn.emit("git", "{\"action\":\"edit\"}");
            p.postTurn = turn -> seen.add(turn.message().content());
        })) {
            String id = s.admin.createSession("/srv/post");
            String msg = s.admin.prompt(id, "commit me", null).text("messageId");
            await().atMost(WAIT).until(() -> statusOf(s.admin, id, msg) != null);
            assertThat(seen).containsExactly("commit me");
            assertThat(s.admin.allEvents(id))
                    .extracting(e -> e.path("type").asText())
                    .containsExactly("user_message", "git", "turn_complete");
        }
    }
}
