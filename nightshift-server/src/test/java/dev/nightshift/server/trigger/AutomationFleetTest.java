package dev.nightshift.server.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nightshift.github.fake.MutableClock;
import dev.nightshift.server.testing.ApiClient;
import dev.nightshift.server.testing.TestServer;
import dev.nightshift.store.TestDatabases;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two real nodes on one PostgreSQL database, both ticking their schedulers every 100 ms on one clock
 * the test moves: each due time fires exactly once across the fleet, and after downtime that missed
 * several due times a schedule fires once, for the latest.
 */
class AutomationFleetTest {
    private static final int AUTOMATIONS = 5;
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
                "NIGHTSHIFT_AUTOMATION_TICK",
                "100ms");
    }

    @AfterEach
    void dropDatabase() {
        database.close();
    }

    @Test
    void twoNodesFireEachDueTimeOnceAndAMissedScheduleOnce() {
        MutableClock clock = new MutableClock(Instant.parse("2026-12-07T09:59:30Z"));
        try (TestServer a = TestServer.start(settings, p -> {
                    p.clock = clock;
                    p.executor = turn -> {};
                });
                TestServer b = TestServer.start(settings, p -> {
                    p.clock = clock;
                    p.executor = turn -> {};
                })) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < AUTOMATIONS; i++) {
                ApiClient.Response made = a.admin.post(
                        "/api/automations",
                        Map.of(
                                "name",
                                "hourly " + i,
                                "repository",
                                "/srv/fleet-" + i,
                                "prompt",
                                "Check the dependencies",
                                "trigger",
                                Map.of("type", "schedule", "cron", "0 * * * *", "timezone", "Europe/Paris")));
                assertThat(made.status()).as(made.raw()).isEqualTo(201);
                ids.add(made.text("id"));
            }
            ApiClient viaB = b.client(a.admin.token());

            clock.advance(Duration.ofSeconds(40)); // 10:00:10
            awaitRuns(viaB, ids, 1);
            clock.advance(Duration.ofHours(1)); // 11:00:10
            awaitRuns(viaB, ids, 2);
            // both nodes keep ticking for a while at the same time: nothing more is due
            sleep(Duration.ofMillis(800));
            assertThat(runCounts(viaB, ids))
                    .allSatisfy((id, count) -> assertThat(count).isEqualTo(2));

            // downtime: 12:00, 13:00, 14:00 and 15:00 passed unseen; only 15:00 fires
            clock.advance(Duration.ofHours(4)); // 15:00:10
            awaitRuns(viaB, ids, 3);
            sleep(Duration.ofMillis(800));
            Map<String, Integer> counts = runCounts(viaB, ids);
            assertThat(counts).allSatisfy((id, count) -> assertThat(count).isEqualTo(3));
            for (String id : ids) {
                List<String> created = new ArrayList<>();
                for (JsonNode run :
                        viaB.get("/api/automations/" + id + "/runs").body().path("runs")) {
                    assertThat(run.path("status").asText()).isEqualTo("succeeded");
                    created.add(run.path("createdAt").asText());
                }
                assertThat(created)
                        .containsExactly("2026-12-07T15:00:10Z", "2026-12-07T11:00:10Z", "2026-12-07T10:00:10Z");
            }
            JsonNode view = viaB.get("/api/automations/" + ids.getFirst()).body();
            assertThat(view.path("trigger").path("nextFires").get(0).asText()).isEqualTo("2026-12-07T16:00:00Z");
        }
    }

    private static void awaitRuns(ApiClient api, List<String> ids, int expected) {
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(runCounts(api, ids))
                        .allSatisfy((id, count) -> assertThat(count).isGreaterThanOrEqualTo(expected)));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            for (String id : ids) {
                for (JsonNode run :
                        api.get("/api/automations/" + id + "/runs").body().path("runs")) {
                    assertThat(run.path("status").asText()).isEqualTo("succeeded");
                }
            }
        });
    }

    private static Map<String, Integer> runCounts(ApiClient api, List<String> ids) {
        Map<String, Integer> counts = new HashMap<>();
        for (String id : ids) {
            counts.put(
                    id,
                    api.get("/api/automations/" + id + "/runs?limit=100")
                            .body()
                            .path("runs")
                            .size());
        }
        return counts;
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
