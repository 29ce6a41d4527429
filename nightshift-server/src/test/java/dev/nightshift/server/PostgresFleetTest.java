package dev.nightshift.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nightshift.core.model.Session;
import dev.nightshift.core.sandbox.ExecRequest;
import dev.nightshift.core.sandbox.ExecResult;
import dev.nightshift.core.sandbox.OutputListener;
import dev.nightshift.core.sandbox.Sandbox;
import dev.nightshift.server.testing.ApiClient;
import dev.nightshift.server.testing.TestServer;
import dev.nightshift.server.testing.WsTestClient;
import dev.nightshift.store.TestDatabases;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two control-plane nodes on one PostgreSQL database: the queue invariants hold across them, a
 * node that goes away leaves its turn to the other after the lease, and a stop sent to one node
 * reaches a turn running on the other, and a node that restarts reconciles only the sandboxes it
 * owned.
 */
class PostgresFleetTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private TestDatabases.Postgres database;
    private Map<String, String> settings;

    @BeforeEach
    void createDatabase() {
        database = TestDatabases.postgres();
        settings = Map.of(
                "NIGHTSHIFT_DATABASE_URL",
                database.config().jdbcUrl(),
                "NIGHTSHIFT_DATABASE_USER",
                database.config().user(),
                "NIGHTSHIFT_DATABASE_PASSWORD",
                database.config().password() == null ? "" : database.config().password(),
                "NIGHTSHIFT_TURN_LEASE",
                "600ms");
    }

    @AfterEach
    void dropDatabase() {
        database.close();
    }

    private static List<String> types(ApiClient api, String sessionId) {
        return api.allEvents(sessionId).stream()
                .map(e -> e.path("type").asText())
                .toList();
    }

    @Test
    void aTurnLeftByADeadNodeIsTakenOverByAnother() throws Exception {
        CountDownLatch startedOnA = new CountDownLatch(1);
        TestServer a = TestServer.start(
                settings,
                p -> p.executor = turn -> {
                    startedOnA.countDown();
                    while (!turn.stopRequested()) {
                        Thread.sleep(10);
                    }
                });
        try (TestServer b = TestServer.start(
                settings,
                p -> p.executor = turn -> {
                    turn.emit("token", "{\"resumed\":" + turn.resumed() + "}");
                })) {
            ApiClient viaA = a.admin;
            String id = viaA.createSession("/srv/fleet");
            String messageId = viaA.prompt(id, "long job", null).text("messageId");
            assertThat(startedOnA.await(10, TimeUnit.SECONDS)).isTrue();
            a.close(); // node A goes away mid-turn; its lease lapses

            ApiClient viaB = b.client(viaA.token());
            await().atMost(WAIT).until(() -> types(viaB, id).contains("turn_complete"));
            List<JsonNode> events = viaB.allEvents(id);
            assertThat(events)
                    .extracting(e -> e.path("type").asText())
                    .containsExactly("user_message", "turn_resumed", "token", "turn_complete");
            assertThat(events.get(2).path("data").path("resumed").asBoolean()).isTrue();
            assertThat(events)
                    .allSatisfy(e -> assertThat(e.path("messageId").asText()).isEqualTo(messageId));
            assertThat(events.getLast().path("data").path("status").asText()).isEqualTo("completed");
        }
    }

    @Test
    void aStopSentToOneNodeEndsATurnRunningOnTheOther() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        try (TestServer a = TestServer.start(
                        settings,
                        p -> p.executor = turn -> {
                            turn.onStop(stopped::countDown);
                            started.countDown();
                            Thread.sleep(60_000);
                        });
                TestServer b = TestServer.start(settings, p -> {})) {
            String id = a.admin.createSession("/srv/fleet-stop");
            a.admin.prompt(id, "runs on a", null);
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
            ApiClient viaB = b.client(a.admin.token());
            ApiClient.Response stop = viaB.post("/api/sessions/" + id + "/stop", null);
            assertThat(stop.body().path("stopped").asBoolean()).isTrue();
            assertThat(stopped.await(10, TimeUnit.SECONDS))
                    .as("node A's executor was told to stop")
                    .isTrue();
            assertThat(types(viaB, id)).containsExactly("user_message", "turn_complete");
        }
    }

    @Test
    void aWatcherOnOneNodeSeesATurnRunningOnTheOtherLiveAndInOrder() {
        try (TestServer a = TestServer.start(
                        settings,
                        p -> p.executor = turn -> {
                            for (int i = 0; i < 200; i++) {
                                turn.emit("token", "{\"i\":" + i + "}");
                            }
                        });
                TestServer b = TestServer.start(
                        settings,
                        p -> p.executor = turn -> {
                            throw new AssertionError("node b must not run this turn");
                        })) {
            String id = a.admin.createSession("/srv/fleet-live");
            ApiClient viaB = b.client(a.admin.token());
            try (WsTestClient watcher = WsTestClient.subscribe(b.wsUrl(id), viaB.liveToken(id))) {
                a.admin.prompt(id, "stream it", null);
                List<JsonNode> events = watcher.events(202, WAIT);
                assertThat(events)
                        .extracting(e -> e.path("seq").asLong())
                        .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, 202)
                                .boxed()
                                .toList());
                assertThat(events.getLast().path("type").asText()).isEqualTo("turn_complete");
            }
        }
    }

    @Test
    void promptsFromBothNodesShareOneQueueLimit() {
        CountDownLatch release = new CountDownLatch(1);
        try (TestServer a = TestServer.start(settings, p -> p.executor = turn -> release.await());
                TestServer b = TestServer.start(settings, p -> p.executor = turn -> release.await())) {
            String id = a.admin.createSession("/srv/fleet-queue");
            ApiClient viaB = b.client(a.admin.token());
            for (int i = 0; i < 10; i++) {
                assertThat((i % 2 == 0 ? a.admin : viaB)
                                .prompt(id, "p" + i, null)
                                .status())
                        .isEqualTo(202);
            }
            assertThat(a.admin.prompt(id, "p10", null).status()).isEqualTo(429);
            assertThat(viaB.prompt(id, "p10", null).status()).isEqualTo(429);
            long processing = a
                    .admin
                    .get("/api/sessions/" + id + "/prompts")
                    .body()
                    .path("queue")
                    .findValuesAsText("status")
                    .stream()
                    .filter("processing"::equals)
                    .count();
            assertThat(processing).isLessThanOrEqualTo(1);
            release.countDown();
        }
    }

    @Test
    void aRestartedNodeLeavesTheOtherNodesSandboxesAlone() throws Exception {
        Path dataDirB = TestServer.tempDir();
        try (TestServer a = TestServer.start(settings, p -> p.sandboxes = true)) {
            String onA = a.admin.createSession("/srv/fleet-sandbox-a");
            Sandbox sandbox = a.server.sandboxes().acquire(onA);
            String onB;
            String ownerB;
            try (TestServer b = TestServer.start(dataDirB, false, settings, p -> p.sandboxes = true)) {
                onB = b.admin.createSession("/srv/fleet-sandbox-b");
                b.server.sandboxes().acquire(onB);
                ownerB = b.server.sandboxes().owner();
                assertThat(ownerB).isNotEqualTo(a.server.sandboxes().owner());
                assertThat(b.server.store().sessions().get(onB).orElseThrow().sandboxStatus())
                        .isEqualTo("ready");
            } // node B goes away; its sandbox dies with it, the database still says ready

            try (TestServer b = TestServer.start(dataDirB, false, settings, p -> p.sandboxes = true)) {
                assertThat(b.server.sandboxes().owner())
                        .as("the data directory keeps the node's owner id")
                        .isEqualTo(ownerB);
                Session a1 = b.server.store().sessions().get(onA).orElseThrow();
                assertThat(a1.sandboxStatus())
                        .as("node A's sandbox is A's business")
                        .isEqualTo("ready");
                assertThat(a1.sandboxRef()).isEqualTo(sandbox.id());
                assertThat(b.client(a.admin.token()).get("/api/sessions/" + onA).text("sandboxStatus"))
                        .isEqualTo("ready");
                assertThat(b.server.store().sessions().get(onB).orElseThrow().sandboxStatus())
                        .as("node B's own sandbox died with it")
                        .isNull();

                assertThat(a.server.sandboxes().acquire(onA).id()).isEqualTo(sandbox.id());
                ExecResult still = sandbox.exec(ExecRequest.shell("echo still here"), OutputListener.IGNORE);
                assertThat(still.exitCode()).as(still.stderr()).isZero();
                assertThat(still.stdout()).isEqualTo("still here\n");
            }
        } finally {
            TestServer.deleteTree(dataDirB);
        }
    }
}
