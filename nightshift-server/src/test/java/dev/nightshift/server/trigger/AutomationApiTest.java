package dev.nightshift.server.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nightshift.server.testing.ApiClient;
import dev.nightshift.server.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Automations over real HTTP against a real server: creating and changing them, the webhook endpoint's
 * whole matrix (key, content type, size, JSON, conditions, idempotency, paused, deleted), signed
 * deliveries, the run rules (overlap skipped, three failures pause) and sessions that show where they
 * came from. The turns run in a scripted executor: a prompt that says FAIL fails, one that says HOLD
 * waits for the test.
 */
class AutomationApiTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Map<String, CountDownLatch> HELD = new ConcurrentHashMap<>();
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(
                Map.of("NIGHTSHIFT_AUTOMATION_TICK", "200ms"),
                p -> p.executor = turn -> {
                    String prompt = turn.message().content();
                    if (prompt.contains("HOLD")) {
                        String key = prompt.substring(prompt.indexOf("HOLD"));
                        HELD.computeIfAbsent(key.split("\\s")[0], k -> new CountDownLatch(1))
                                .await(30, TimeUnit.SECONDS);
                    }
                    if (prompt.contains("FAIL")) {
                        throw new IllegalStateException("the tests are red");
                    }
                });
    }

    @AfterAll
    static void stop() {
        HELD.values().forEach(CountDownLatch::countDown);
        server.close();
    }

    private static ApiClient newUser(String login) {
        ApiClient.Response r = server.admin.post("/api/users", Map.of("login", login));
        assertThat(r.status()).as(r.raw()).isEqualTo(201);
        return server.client(r.body().path("token").path("token").asText());
    }

    private static Map<String, Object> webhook(String name, String prompt, Object... trigger) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("type", "webhook");
        for (int i = 0; i < trigger.length; i += 2) {
            t.put((String) trigger[i], trigger[i + 1]);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("repository", "/srv/app");
        body.put("baseBranch", "main");
        body.put("prompt", prompt);
        body.put("trigger", t);
        return body;
    }

    private static ApiClient.Response create(ApiClient client, Map<String, Object> body) {
        ApiClient.Response r = client.post("/api/automations", body);
        assertThat(r.status()).as(r.raw()).isEqualTo(201);
        return r;
    }

    record Delivery(int status, JsonNode body, String raw, HttpResponse<String> response) {}

    private static Delivery deliver(String url, String key, String contentType, String body, String... headers) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofString(body));
            if (key != null) {
                request.header("Authorization", "Bearer " + key);
            }
            if (contentType != null) {
                request.header("Content-Type", contentType);
            }
            for (int i = 0; i < headers.length; i += 2) {
                request.header(headers[i], headers[i + 1]);
            }
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json = response.body().trim().startsWith("{")
                    ? ApiClient.JSON.readTree(response.body())
                    : ApiClient.JSON.createObjectNode();
            return new Delivery(response.statusCode(), json, response.body(), response);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode run(ApiClient client, String automationId, String runId) {
        for (JsonNode run : client.get("/api/automations/" + automationId + "/runs?limit=100")
                .body()
                .path("runs")) {
            if (run.path("id").asText().equals(runId)) {
                return run;
            }
        }
        throw new AssertionError("no run " + runId);
    }

    private static String awaitRun(ApiClient client, String automationId, String runId, String status) {
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(
                                run(client, automationId, runId).path("status").asText())
                        .isEqualTo(status));
        return run(client, automationId, runId).path("sessionId").asText();
    }

    @Test
    void aWebhookStartsASessionAsTheOwnerThatShowsItsOriginAndTheRunRecordsTheOutcome() {
        ApiClient ada = newUser("ada-hooks");
        ApiClient.Response made = create(
                ada,
                webhook(
                        "alerts",
                        "Fix the alert {{ $.alert.title }}",
                        "conditions",
                        List.of(Map.of("path", "$.level", "op", "eq", "value", "error"))));
        String id = made.text("id");
        String url = made.body().path("webhook").path("url").asText();
        String key = made.body().path("webhook").path("key").asText();
        assertThat(url).isEqualTo(server.url() + "/webhooks/automations/" + id);
        assertThat(key).startsWith("nsw_");
        assertThat(made.body().path("owner").path("login").asText()).isEqualTo("ada-hooks");
        // the key is shown once: never again, and stored only as a hash
        assertThat(ada.get("/api/automations/" + id).raw()).doesNotContain(key);
        assertThat(ada.get("/api/automations").raw()).contains(id).doesNotContain(key);
        assertThat(server.admin.get("/api/audit?action=automation.create").raw())
                .contains(id)
                .doesNotContain(key);

        Delivery delivered = deliver(
                url, key, "application/json", "{\"level\":\"error\",\"alert\":{\"title\":\"disk full on db-1\"}}");
        assertThat(delivered.status()).as(delivered.raw()).isEqualTo(202);
        assertThat(delivered.body().path("fired").asBoolean()).isTrue();
        String runId = delivered.body().path("runId").asText();
        String sessionId = delivered.body().path("sessionId").asText();
        assertThat(sessionId).startsWith("ses_");

        JsonNode session = ada.get("/api/sessions/" + sessionId).body();
        assertThat(session.path("creatorId").asText())
                .isEqualTo(ada.get("/api/me").body().path("user").path("id").asText());
        assertThat(session.path("source").asText()).isEqualTo("webhook");
        assertThat(session.path("title").asText()).isEqualTo("alerts");
        assertThat(session.path("origin").path("kind").asText()).isEqualTo("automation");
        assertThat(session.path("origin").path("automationId").asText()).isEqualTo(id);
        assertThat(session.path("origin").path("runId").asText()).isEqualTo(runId);

        assertThat(awaitRun(ada, id, runId, "succeeded")).isEqualTo(sessionId);
        String prompt = ada.get("/api/sessions/" + sessionId + "/events").raw();
        assertThat(prompt).contains("Fix the alert [input 1]").contains("disk full on db-1");
        assertThat(ada.get("/api/automations/" + id)
                        .body()
                        .path("lastRun")
                        .path("status")
                        .asText())
                .isEqualTo("succeeded");
    }

    @Test
    void theWebhookEndpointRefusesWhatItMustAndRecordsWhatDidNotMatch() {
        ApiClient.Response made = create(
                server.admin,
                webhook(
                        "matrix",
                        "Look at {{ $.id }}",
                        "conditions",
                        List.of(
                                Map.of("path", "$.level", "op", "eq", "value", "error"),
                                Map.of("path", "$.count", "op", "gte", "value", 3)),
                        "idempotencyKey",
                        "$.id"));
        String id = made.text("id");
        String url = made.body().path("webhook").path("url").asText();
        String key = made.body().path("webhook").path("key").asText();
        String ok = "{\"id\":\"evt-1\",\"level\":\"error\",\"count\":5}";

        Delivery noKey = deliver(url, null, "application/json", ok);
        assertThat(noKey.status()).isEqualTo(401);
        assertThat(noKey.response().headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        assertThat(deliver(url, key + "x", "application/json", ok).status()).isEqualTo(401);
        Delivery plain = deliver(url, key, "text/plain", ok);
        assertThat(plain.status()).isEqualTo(415);
        assertThat(plain.body().path("error").path("message").asText()).contains("application/json");
        Delivery big = deliver(url, key, "application/json", "{\"pad\":\"" + "x".repeat(64 * 1024) + "\"}");
        assertThat(big.status()).isEqualTo(413);
        assertThat(big.body().path("error").path("message").asText()).contains("64 KiB");
        Delivery broken = deliver(url, key, "application/json", "{\"level\":");
        assertThat(broken.status()).isEqualTo(400);
        assertThat(broken.body().path("error").path("message").asText()).contains("not valid JSON");
        assertThat(deliver(server.url() + "/webhooks/automations/aut_nope", key, "application/json", ok)
                        .status())
                .isEqualTo(404);
        assertThat(server.admin.get("/api/automations/" + id + "/runs").body().path("runs"))
                .as("nothing refused is recorded as a run")
                .isEmpty();

        Delivery unmatched =
                deliver(url, key, "application/json", "{\"id\":\"evt-0\",\"level\":\"warning\",\"count\":9}");
        assertThat(unmatched.status()).isEqualTo(202);
        assertThat(unmatched.body().path("fired").asBoolean()).isFalse();
        assertThat(unmatched.body().path("reason").asText()).contains("$.level").contains("warning");
        assertThat(unmatched.body().has("sessionId")).isFalse();
        assertThat(run(server.admin, id, unmatched.body().path("runId").asText())
                        .path("status")
                        .asText())
                .isEqualTo("unmatched");
        Delivery tooFew = deliver(url, key, "application/json", "{\"id\":\"evt-00\",\"level\":\"error\",\"count\":2}");
        assertThat(tooFew.body().path("reason").asText()).contains("$.count is 2, not gte 3");

        // the idempotency key from the payload: a repeat is the first run, never a second session
        Delivery first = deliver(url, key, "application/json", ok);
        assertThat(first.status()).as(first.raw()).isEqualTo(202);
        Delivery again = deliver(url, key, "application/json", ok);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.body().path("runId").asText())
                .isEqualTo(first.body().path("runId").asText());
        assertThat(again.body().path("sessionId").asText())
                .isEqualTo(first.body().path("sessionId").asText());
        assertThat(again.body().path("repeat").asBoolean()).isTrue();
        awaitRun(server.admin, id, first.body().path("runId").asText(), "succeeded");

        // ... and from the Idempotency-Key header when the payload has none
        String noId = "{\"level\":\"error\",\"count\":3}";
        Delivery byHeader = deliver(url, key, "application/json", noId, "Idempotency-Key", "retry-7");
        Delivery byHeaderAgain = deliver(url, key, "application/json", noId, "Idempotency-Key", "retry-7");
        assertThat(byHeaderAgain.body().path("runId").asText())
                .isEqualTo(byHeader.body().path("runId").asText());
        awaitRun(server.admin, id, byHeader.body().path("runId").asText(), "succeeded");
        java.util.Set<String> sessions = new java.util.HashSet<>();
        for (JsonNode run : server.admin
                .get("/api/automations/" + id + "/runs?limit=100")
                .body()
                .path("runs")) {
            if (!run.path("sessionId").isNull() && !run.path("sessionId").isMissingNode()) {
                sessions.add(run.path("sessionId").asText());
            }
        }
        assertThat(sessions).as("two deliveries, each repeated once").hasSize(2);

        // paused: 409 saying how to resume; deleted: 404
        assertThat(server.admin
                        .post("/api/automations/" + id + "/pause", Map.of("reason", "maintenance"))
                        .status())
                .isEqualTo(200);
        Delivery paused = deliver(url, key, "application/json", "{\"id\":\"evt-9\",\"level\":\"error\",\"count\":5}");
        assertThat(paused.status()).isEqualTo(409);
        assertThat(paused.body().path("error").path("message").asText())
                .contains("maintenance")
                .contains("/resume");
        assertThat(server.admin
                        .post("/api/automations/" + id + "/pause", Map.of())
                        .status())
                .isEqualTo(409);
        assertThat(server.admin
                        .post("/api/automations/" + id + "/resume", Map.of())
                        .status())
                .isEqualTo(200);
        assertThat(server.admin.delete("/api/automations/" + id).status()).isEqualTo(204);
        assertThat(deliver(url, key, "application/json", ok).status()).isEqualTo(404);
        assertThat(server.admin.get("/api/automations/" + id).status()).isEqualTo(404);
    }

    @Test
    void badAutomationsAreRefusedNamingTheProblemAndStoreNothing() {
        ApiClient bob = newUser("bob-hooks");
        int before = server.admin
                .get("/api/automations?all=true")
                .body()
                .path("automations")
                .size();
        Map<String, String> refused = new LinkedHashMap<>();
        Map<String, Object> everyFive = webhook("five", "tidy");
        everyFive.put("trigger", Map.of("type", "schedule", "cron", "*/5 * * * *", "timezone", "UTC"));
        refused.put("the minimum is 15", bob.post("/api/automations", everyFive).errorMessage());
        Map<String, Object> sixFields = webhook("six", "tidy");
        sixFields.put("trigger", Map.of("type", "schedule", "cron", "0 0 7 * * 1", "timezone", "UTC"));
        refused.put("it needs 5", bob.post("/api/automations", sixFields).errorMessage());
        Map<String, Object> zone = webhook("zone", "tidy");
        zone.put("trigger", Map.of("type", "schedule", "cron", "0 7 * * 1-5", "timezone", "Mars/Olympus"));
        refused.put("not a known time zone", bob.post("/api/automations", zone).errorMessage());
        refused.put(
                "$.[level",
                bob.post(
                                "/api/automations",
                                webhook(
                                        "path",
                                        "x",
                                        "conditions",
                                        List.of(Map.of("path", "$.[level", "op", "eq", "value", "error"))))
                        .errorMessage());
        refused.put(
                "op",
                bob.post(
                                "/api/automations",
                                webhook(
                                        "op",
                                        "x",
                                        "conditions",
                                        List.of(Map.of("path", "$.level", "op", "like", "value", "error"))))
                        .errorMessage());
        refused.put(
                "placeholder",
                bob.post("/api/automations", webhook("tpl", "Fix {{ level }}")).errorMessage());
        Map<String, Object> noTrigger = webhook("none", "x");
        noTrigger.remove("trigger");
        refused.put("'trigger'", bob.post("/api/automations", noTrigger).errorMessage());
        Map<String, Object> noName = webhook("", "x");
        refused.put("'name' is required", bob.post("/api/automations", noName).errorMessage());
        Map<String, Object> outside = webhook("outside", "x");
        outside.put("repository", "/etc/app");
        refused.put("local repositories", bob.post("/api/automations", outside).errorMessage());
        Map<String, Object> signedNoSecret = webhook("signed", "x");
        signedNoSecret.put("trigger", Map.of("type", "signed", "preset", "sentry"));
        refused.put("'secret'", bob.post("/api/automations", signedNoSecret).errorMessage());
        refused.forEach((expected, message) -> assertThat(message).as(expected).contains(expected));
        assertThat(bob.post("/api/automations", "{\"name\":").status()).isEqualTo(400);
        assertThat(bob.post("/api/automations", Map.of("name", "x", "extra", 1)).errorMessage())
                .contains("extra");
        Map<String, Object> huge = webhook("huge", "x".repeat(130 * 1024));
        assertThat(bob.post("/api/automations", huge).status()).isEqualTo(413);
        assertThat(server.admin
                        .get("/api/automations?all=true")
                        .body()
                        .path("automations")
                        .size())
                .isEqualTo(before);
    }

    @Test
    void aScheduleShowsItsNextFireTimesAndRunNowFiresOnce() {
        Map<String, Object> body = webhook("nightly deps", "Update the dependencies");
        body.put("trigger", Map.of("type", "schedule", "cron", "0 7 * * 1-5", "timezone", "Europe/Paris"));
        ApiClient.Response made = create(server.admin, body);
        JsonNode trigger = made.body().path("trigger");
        assertThat(trigger.path("cron").asText()).isEqualTo("0 7 * * 1-5");
        assertThat(trigger.path("nextFires")).hasSize(5);
        assertThat(trigger.path("nextFires").get(0).asText()).matches(".*T0[56]:00:00Z");
        assertThat(made.body().has("webhook")).isFalse();

        ApiClient.Response now = server.admin.post("/api/automations/" + made.text("id") + "/run-now", Map.of());
        assertThat(now.status()).as(now.raw()).isEqualTo(202);
        String sessionId = now.text("sessionId");
        assertThat(server.admin.get("/api/sessions/" + sessionId).text("source"))
                .isEqualTo("schedule");
        awaitRun(server.admin, made.text("id"), now.text("runId"), "succeeded");
    }

    @Test
    void anOverlappingFireIsSkippedNamingTheRunningSession() {
        ApiClient.Response made = create(server.admin, webhook("slow", "HOLD-overlap {{ $.n }}"));
        String id = made.text("id");
        String url = made.body().path("webhook").path("url").asText();
        String key = made.body().path("webhook").path("key").asText();
        Delivery first = deliver(url, key, "application/json", "{\"n\":1}");
        String firstSession = first.body().path("sessionId").asText();
        awaitRun(server.admin, id, first.body().path("runId").asText(), "running");

        Delivery second = deliver(url, key, "application/json", "{\"n\":2}");
        assertThat(second.status()).isEqualTo(202);
        assertThat(second.body().path("fired").asBoolean()).isFalse();
        assertThat(second.body().path("status").asText()).isEqualTo("skipped");
        assertThat(second.body().path("reason").asText()).contains(firstSession);
        assertThat(server.admin
                        .post("/api/automations/" + id + "/run-now", Map.of())
                        .text("status"))
                .isEqualTo("skipped");

        HELD.computeIfAbsent("HOLD-overlap", k -> new CountDownLatch(1)).countDown();
        awaitRun(server.admin, id, first.body().path("runId").asText(), "succeeded");
        Delivery third = deliver(url, key, "application/json", "{\"n\":3}");
        assertThat(third.body().path("fired").asBoolean()).isTrue();
        awaitRun(server.admin, id, third.body().path("runId").asText(), "succeeded");
    }

    @Test
    void threeFailedRunsInARowPauseTheAutomationWithTheReasonShown() {
        ApiClient.Response made = create(server.admin, webhook("flaky", "FAIL {{ $.n }}"));
        String id = made.text("id");
        String url = made.body().path("webhook").path("url").asText();
        String key = made.body().path("webhook").path("key").asText();
        List<String> runs = new ArrayList<>();
        for (int n = 1; n <= 3; n++) {
            Delivery d = deliver(url, key, "application/json", "{\"n\":" + n + "}");
            assertThat(d.status()).as(d.raw()).isEqualTo(202);
            runs.add(d.body().path("runId").asText());
            awaitRun(server.admin, id, runs.getLast(), "failed");
        }
        assertThat(run(server.admin, id, runs.getFirst()).path("reason").asText())
                .contains("the tests are red");
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(server.admin
                                .get("/api/automations/" + id)
                                .body()
                                .path("paused")
                                .asBoolean())
                        .isTrue());
        assertThat(server.admin.get("/api/automations/" + id).text("pausedReason"))
                .contains("3 consecutive failed runs")
                .contains("the tests are red");
        assertThat(deliver(url, key, "application/json", "{\"n\":4}").status()).isEqualTo(409);
    }

    @Test
    void automationsAreTheirOwnersAndAnAdministratorsOnly() {
        ApiClient cleo = newUser("cleo-hooks");
        ApiClient dan = newUser("dan-hooks");
        String id = create(cleo, webhook("mine", "x")).text("id");
        assertThat(dan.get("/api/automations/" + id).status()).isEqualTo(404);
        assertThat(dan.post("/api/automations/" + id + "/run-now", Map.of()).status())
                .isEqualTo(404);
        assertThat(dan.delete("/api/automations/" + id).status()).isEqualTo(404);
        assertThat(dan.get("/api/automations").raw()).doesNotContain(id);
        assertThat(dan.get("/api/automations?all=true").status()).isEqualTo(403);
        assertThat(server.admin.get("/api/automations?all=true").raw()).contains(id);
        assertThat(server.admin.get("/api/automations/" + id).status()).isEqualTo(200);

        String readOnly = cleo.post("/api/tokens", Map.of("name", "ro", "scopes", List.of("sessions:read")))
                .body()
                .path("token")
                .asText();
        ApiClient reader = server.client(readOnly);
        assertThat(reader.get("/api/automations/" + id).status()).isEqualTo(200);
        ApiClient.Response write = reader.post("/api/automations", webhook("ro", "x"));
        assertThat(write.status()).isEqualTo(403);
        assertThat(write.errorMessage()).contains("sessions:write");
        assertThat(server.client(null).get("/api/automations").status()).isEqualTo(401);
    }

    @Test
    void rotatingTheKeyRetiresTheOldOne() {
        ApiClient.Response made = create(server.admin, webhook("rotate", "x {{ $.n }}"));
        String id = made.text("id");
        String url = made.body().path("webhook").path("url").asText();
        String oldKey = made.body().path("webhook").path("key").asText();
        ApiClient.Response rotated = server.admin.send(
                "PATCH",
                "/api/automations/" + id,
                Map.of("rotateKey", true, "version", made.body().path("version").asLong()));
        assertThat(rotated.status()).as(rotated.raw()).isEqualTo(200);
        String newKey = rotated.body().path("webhook").path("key").asText();
        assertThat(newKey).startsWith("nsw_").isNotEqualTo(oldKey);
        assertThat(deliver(url, oldKey, "application/json", "{\"n\":1}").status())
                .isEqualTo(401);
        Delivery ok = deliver(url, newKey, "application/json", "{\"n\":1}");
        assertThat(ok.status()).isEqualTo(202);
        awaitRun(server.admin, id, ok.body().path("runId").asText(), "succeeded");
        ApiClient.Response stale =
                server.admin.send("PATCH", "/api/automations/" + id, Map.of("name", "r2", "version", 1));
        assertThat(stale.status()).isEqualTo(409);
        assertThat(stale.errorMessage()).contains("read it again");
    }

    @Test
    void aSentryDeliveryIsCheckedAgainstItsSignatureAndDedupedOnItsRequestId() throws Exception {
        String secret = "sentry-client-secret-0123456789";
        Map<String, Object> body = webhook("sentry", "Investigate {{ $.data.event.title }}");
        body.put(
                "trigger",
                Map.of(
                        "type",
                        "signed",
                        "preset",
                        "sentry",
                        "secret",
                        secret,
                        "conditions",
                        List.of(Map.of("path", "$.data.event.level", "op", "eq", "value", "error"))));
        ApiClient.Response made = create(server.admin, body);
        assertThat(made.raw()).doesNotContain(secret);
        assertThat(made.body().path("trigger").path("signatureHeader").asText()).isEqualTo("Sentry-Hook-Signature");
        String id = made.text("id");
        String url = made.body().path("webhook").path("url").asText();
        String payload =
                "{\"action\":\"triggered\",\"data\":{\"event\":{\"title\":\"ZeroDivisionError: division by zero\","
                        + "\"level\":\"error\",\"web_url\":\"https://sentry.io/issues/1/\"},\"triggered_rule\":\"errors\"}}";
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String signature = HexFormat.of().formatHex(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));

        Delivery unsigned = deliver(url, null, "application/json", payload, "Request-ID", "req-1");
        assertThat(unsigned.status()).isEqualTo(401);
        assertThat(unsigned.body().path("error").path("message").asText()).contains("Sentry-Hook-Signature");
        Delivery tampered = deliver(
                url,
                null,
                "application/json",
                payload.replace("zero", "Zero"),
                "Sentry-Hook-Signature",
                signature,
                "Request-ID",
                "req-1");
        assertThat(tampered.status()).isEqualTo(401);

        Delivery signed = deliver(
                url,
                null,
                "application/json",
                payload,
                "Sentry-Hook-Signature",
                signature,
                "Request-ID",
                "req-1",
                "Sentry-Hook-Resource",
                "event_alert");
        assertThat(signed.status()).as(signed.raw()).isEqualTo(202);
        Delivery redelivered = deliver(
                url,
                null,
                "application/json",
                payload,
                "Sentry-Hook-Signature",
                signature,
                "Request-ID",
                "req-1",
                "Sentry-Hook-Resource",
                "event_alert");
        assertThat(redelivered.body().path("runId").asText())
                .isEqualTo(signed.body().path("runId").asText());
        String sessionId =
                awaitRun(server.admin, id, signed.body().path("runId").asText(), "succeeded");
        assertThat(server.admin.get("/api/sessions/" + sessionId + "/events").raw())
                .contains("ZeroDivisionError: division by zero")
                .contains("UNTRUSTED INPUT");
    }
}
