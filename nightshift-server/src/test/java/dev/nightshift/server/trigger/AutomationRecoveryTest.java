package dev.nightshift.server.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nightshift.core.automation.AutomationRun;
import dev.nightshift.core.port.AutomationStore;
import dev.nightshift.core.trigger.NewTrigger;
import dev.nightshift.core.trigger.TriggerSource;
import dev.nightshift.server.testing.ApiClient;
import dev.nightshift.server.testing.TestServer;
import dev.nightshift.triggers.AutomationService;
import dev.nightshift.triggers.TriggerPipeline;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the run rules and the pipeline do when no request is waiting: a run and its trigger stored the
 * instant before a crash are finished by the next start, and a run that outlives its timeout is
 * stopped and fails.
 */
class AutomationRecoveryTest {

    @Test
    void aRunStoredJustBeforeACrashIsStartedByTheNextServer() {
        Path dir = TestServer.tempDir();
        try {
            String automationId;
            String runId = dev.nightshift.core.Ids.newId("run");
            String triggerId = TriggerPipeline.newTriggerId();
            try (TestServer first = TestServer.start(dir, false, Map.of(), p -> p.executor = turn -> {})) {
                ApiClient.Response made = first.admin.post(
                        "/api/automations",
                        Map.of(
                                "name", "after a crash",
                                "repository", "/srv/app",
                                "prompt", "Carry on",
                                "trigger", Map.of("type", "webhook")));
                assertThat(made.status()).as(made.raw()).isEqualTo(201);
                automationId = made.text("id");
                // the state a delivery leaves the moment it is answered 202, before its session exists
                Instant now = Instant.now();
                AutomationStore.RunAdded added = first.server
                        .store()
                        .automations()
                        .addRun(
                                new AutomationRun(
                                        runId,
                                        automationId,
                                        AutomationRun.Status.FIRED,
                                        "",
                                        "",
                                        "key:evt-1",
                                        triggerId,
                                        now,
                                        null,
                                        null),
                                new NewTrigger(
                                        triggerId,
                                        TriggerSource.WEBHOOK,
                                        made.body().path("owner").path("id").asText(),
                                        "/srv/app",
                                        null,
                                        "Carry on",
                                        null,
                                        AutomationService.origin(automationId, runId)),
                                now);
                assertThat(added).isInstanceOf(AutomationStore.RunAdded.Added.class);
            }
            try (TestServer second = TestServer.start(dir, false, Map.of(), p -> p.executor = turn -> {})) {
                await().atMost(Duration.ofSeconds(20))
                        .untilAsserted(() -> assertThat(second.admin
                                        .get("/api/automations/" + automationId + "/runs")
                                        .body()
                                        .path("runs")
                                        .get(0)
                                        .path("status")
                                        .asText())
                                .isEqualTo("succeeded"));
                String sessionId = TriggerPipeline.sessionIdFor(triggerId);
                ApiClient.Response session = second.admin.get("/api/sessions/" + sessionId);
                assertThat(session.status()).isEqualTo(200);
                assertThat(session.body().path("origin").path("runId").asText()).isEqualTo(runId);
                assertThat(second.server
                                .store()
                                .triggers()
                                .find(triggerId)
                                .orElseThrow()
                                .status()
                                .wire())
                        .isEqualTo("started");
            }
        } finally {
            TestServer.deleteTree(dir);
        }
    }

    @Test
    void aRunPastItsTimeoutIsStoppedAndFails() {
        Map<String, String> settings =
                Map.of("NIGHTSHIFT_AUTOMATION_RUN_TIMEOUT", "1s", "NIGHTSHIFT_AUTOMATION_TICK", "200ms");
        try (TestServer server = TestServer.start(
                settings,
                p -> p.executor = turn -> {
                    while (!turn.stopRequested()) {
                        Thread.sleep(20);
                    }
                })) {
            ApiClient.Response made = server.admin.post(
                    "/api/automations",
                    Map.of(
                            "name", "endless",
                            "repository", "/srv/app",
                            "prompt", "Never finish",
                            "trigger", Map.of("type", "schedule", "cron", "0 3 * * *", "timezone", "UTC")));
            String id = made.text("id");
            ApiClient.Response fired = server.admin.post("/api/automations/" + id + "/run-now", Map.of());
            assertThat(fired.status()).as(fired.raw()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(20))
                    .untilAsserted(() -> assertThat(server.admin
                                    .get("/api/automations/" + id + "/runs")
                                    .body()
                                    .path("runs")
                                    .get(0)
                                    .path("status")
                                    .asText())
                            .isEqualTo("failed"));
            assertThat(server.admin
                            .get("/api/automations/" + id + "/runs")
                            .body()
                            .path("runs")
                            .get(0)
                            .path("reason")
                            .asText())
                    .isEqualTo("stopped after 1 second, the run timeout");
            String sessionId = fired.text("sessionId");
            await().atMost(Duration.ofSeconds(20))
                    .untilAsserted(() -> assertThat(server.admin
                                    .get("/api/sessions/" + sessionId + "/prompts")
                                    .body()
                                    .path("queue"))
                            .isEmpty());
        }
    }
}
