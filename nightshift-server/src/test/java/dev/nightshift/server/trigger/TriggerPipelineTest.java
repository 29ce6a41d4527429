package dev.nightshift.server.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nightshift.core.trigger.NewTrigger;
import dev.nightshift.core.trigger.Origin;
import dev.nightshift.core.trigger.Trigger;
import dev.nightshift.core.trigger.TriggerSink;
import dev.nightshift.core.trigger.TriggerSource;
import dev.nightshift.core.trigger.TriggerStatus;
import dev.nightshift.server.testing.ApiClient;
import dev.nightshift.server.testing.TestServer;
import dev.nightshift.triggers.TriggerPipeline;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The trigger pipeline as the chat and tracker integrations will use it, on a real server: a trigger
 * from a new origin starts a session as its actor, the next one from the same origin follows up on
 * that session, a repeat changes nothing, and the gate refuses a deactivated actor and one whose
 * trigger budget is spent — each outcome told to the origin's sink.
 */
class TriggerPipelineTest {

    /** What a sink heard, in order. */
    private static final class Heard implements TriggerSink {
        final List<String> said = new CopyOnWriteArrayList<>();

        @Override
        public void started(Trigger trigger, String sessionId) {
            said.add("started " + trigger.id() + " " + sessionId);
        }

        @Override
        public void refused(Trigger trigger, String reason) {
            said.add("refused " + trigger.id() + " " + reason);
        }

        @Override
        public void turnEnded(Trigger trigger, TurnOutcome outcome) {
            said.add("ended " + trigger.id() + " " + outcome.succeeded());
        }
    }

    private static NewTrigger trigger(String actorId, String dedupeKey, String thread, String prompt) {
        return new NewTrigger(
                TriggerPipeline.newTriggerId(),
                TriggerSource.SLACK,
                actorId,
                "/srv/app",
                "main",
                prompt,
                dedupeKey,
                new Origin("thread", thread));
    }

    @Test
    void aThreadStartsOneSessionThatLaterMessagesFollowUpAndRepeatsChangeNothing() {
        try (TestServer server = TestServer.start(p -> p.executor = turn -> {})) {
            Heard heard = new Heard();
            TriggerPipeline pipeline = server.server.triggers();
            pipeline.sink("thread", heard);
            String ada = server.admin
                    .post("/api/users", Map.of("login", "ada-thread"))
                    .body()
                    .path("user")
                    .path("id")
                    .asText();

            Trigger first = pipeline.record(trigger(ada, "evt-1", "T1/C1/1.0", "the build is red"))
                    .trigger();
            await().atMost(Duration.ofSeconds(20)).until(() -> heard.said.contains("ended " + first.id() + " true"));
            Trigger started = pipeline.find(first.id()).orElseThrow();
            assertThat(started.status()).isEqualTo(TriggerStatus.STARTED);
            String sessionId = started.sessionId();
            assertThat(sessionId).isEqualTo(TriggerPipeline.sessionIdFor(first.id()));
            assertThat(server.server
                            .store()
                            .sessions()
                            .get(sessionId)
                            .orElseThrow()
                            .creatorId())
                    .isEqualTo(ada);
            assertThat(server.server
                            .store()
                            .sessions()
                            .get(sessionId)
                            .orElseThrow()
                            .origin())
                    .isEqualTo("thread:T1/C1/1.0");

            Trigger second = pipeline.record(trigger(ada, "evt-2", "T1/C1/1.0", "and the lint too"))
                    .trigger();
            await().atMost(Duration.ofSeconds(20)).until(() -> heard.said.contains("ended " + second.id() + " true"));
            assertThat(pipeline.find(second.id()).orElseThrow().sessionId()).isEqualTo(sessionId);
            assertThat(heard.said).contains("started " + second.id() + " " + sessionId);

            // a repeated delivery finds the first trigger and queues nothing
            assertThat(pipeline.record(trigger(ada, "evt-2", "T1/C1/1.0", "and the lint too"))
                            .created())
                    .isFalse();
            List<String> prompts = server.admin.allEvents(sessionId).stream()
                    .filter(e -> e.path("type").asText().equals("user_message"))
                    .map(e -> e.path("data").path("content").asText())
                    .toList();
            assertThat(prompts).containsExactly("the build is red", "and the lint too");

            // another thread is another session
            Trigger other = pipeline.record(trigger(ada, "evt-3", "T1/C1/2.0", "unrelated"))
                    .trigger();
            await().atMost(Duration.ofSeconds(20)).until(() -> heard.said.contains("ended " + other.id() + " true"));
            assertThat(pipeline.find(other.id()).orElseThrow().sessionId()).isNotEqualTo(sessionId);
        }
    }

    @Test
    void theGateRefusesADeactivatedActorAndASpentBudgetAndTellsTheOrigin() {
        try (TestServer server = TestServer.start(
                Map.of("NIGHTSHIFT_RATE_LIMIT_TRIGGERS_PER_USER", "2"), p -> p.executor = turn -> {})) {
            Heard heard = new Heard();
            TriggerPipeline pipeline = server.server.triggers();
            pipeline.sink("thread", heard);
            String bob = server.admin
                    .post("/api/users", Map.of("login", "bob-thread"))
                    .body()
                    .path("user")
                    .path("id")
                    .asText();
            String cleo = server.admin
                    .post("/api/users", Map.of("login", "cleo-thread"))
                    .body()
                    .path("user")
                    .path("id")
                    .asText();
            assertThat(server.admin
                            .send("PATCH", "/api/users/bob-thread", Map.of("active", false))
                            .status())
                    .isEqualTo(200);

            Trigger gone =
                    pipeline.record(trigger(bob, "g-1", "T/C/9", "please")).trigger();
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> pipeline.find(gone.id()).orElseThrow().status().terminal());
            assertThat(pipeline.find(gone.id()).orElseThrow().status()).isEqualTo(TriggerStatus.REFUSED);
            assertThat(heard.said)
                    .anySatisfy(line ->
                            assertThat(line).startsWith("refused " + gone.id()).contains("deactivated"));

            Trigger nobody =
                    pipeline.record(trigger(null, "n-1", "T/C/8", "who am I")).trigger();
            await().atMost(Duration.ofSeconds(20))
                    .until(() ->
                            pipeline.find(nobody.id()).orElseThrow().status().terminal());
            assertThat(pipeline.find(nobody.id()).orElseThrow().reason()).contains("link your account");

            for (int i = 0; i < 2; i++) {
                Trigger ok = pipeline.record(trigger(cleo, "c-" + i, "T/C/" + i, "go"))
                        .trigger();
                await().atMost(Duration.ofSeconds(20))
                        .until(() ->
                                pipeline.find(ok.id()).orElseThrow().status().terminal());
                assertThat(pipeline.find(ok.id()).orElseThrow().status()).isEqualTo(TriggerStatus.STARTED);
            }
            Trigger spent = pipeline.record(trigger(cleo, "c-2", "T/C/2", "go")).trigger();
            await().atMost(Duration.ofSeconds(20))
                    .until(() ->
                            pipeline.find(spent.id()).orElseThrow().status().terminal());
            assertThat(pipeline.find(spent.id()).orElseThrow().status()).isEqualTo(TriggerStatus.REFUSED);
            assertThat(pipeline.find(spent.id()).orElseThrow().reason())
                    .contains("NIGHTSHIFT_RATE_LIMIT_TRIGGERS_PER_USER");
        }
    }

    @Test
    void wrongWebhookKeysCountTowardsTheAddressesFailedAuthenticationLimit() throws Exception {
        try (TestServer server = TestServer.start(
                Map.of("NIGHTSHIFT_RATE_LIMIT_FAILED_AUTH_PER_ADDRESS", "3"), p -> p.executor = turn -> {})) {
            ApiClient.Response made = server.admin.post(
                    "/api/automations",
                    Map.of(
                            "name",
                            "guarded",
                            "repository",
                            "/srv/app",
                            "prompt",
                            "x",
                            "trigger",
                            Map.of("type", "webhook")));
            String url = made.body().path("webhook").path("url").asText();
            String key = made.body().path("webhook").path("key").asText();
            HttpClient http = HttpClient.newHttpClient();
            int[] statuses = new int[5];
            for (int i = 0; i < 5; i++) {
                statuses[i] = http.send(
                                HttpRequest.newBuilder(URI.create(url))
                                        .header("Authorization", "Bearer " + (i < 4 ? "nsw_guess" + i : key))
                                        .header("Content-Type", "application/json")
                                        .POST(HttpRequest.BodyPublishers.ofString("{}"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .statusCode();
            }
            // three wrong keys are 401s; then the address is refused unchecked, even with the right key
            assertThat(statuses).containsExactly(401, 401, 401, 429, 429);
        }
    }
}
