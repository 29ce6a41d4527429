package dev.nightshift.server.trigger;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nightshift.core.automation.Automation;
import dev.nightshift.core.automation.AutomationRun;
import dev.nightshift.core.automation.AutomationTrigger;
import dev.nightshift.core.model.Artifact;
import dev.nightshift.core.model.Scope;
import dev.nightshift.core.model.Session;
import dev.nightshift.core.model.User;
import dev.nightshift.core.port.Page;
import dev.nightshift.core.port.Store;
import dev.nightshift.core.trigger.Trigger;
import dev.nightshift.core.trigger.TriggerSource;
import dev.nightshift.server.auth.Authenticator;
import dev.nightshift.server.auth.Caller;
import dev.nightshift.server.http.ApiException;
import dev.nightshift.server.http.Json;
import dev.nightshift.server.http.RouteTable;
import dev.nightshift.server.session.SessionService;
import dev.nightshift.triggers.AutomationService;
import dev.nightshift.triggers.InvalidAutomation;
import dev.nightshift.triggers.WebhookSignatures;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Automations over the API ({@code /api/automations…}) and their inbound endpoint ({@code POST
 * /webhooks/automations/{id}}). An automation belongs to its owner (its sessions run as them);
 * administrators acting with the admin scope see and manage every one. Handlers run on the server's
 * virtual threads; everything they change goes through {@link AutomationService}.
 */
public final class AutomationRoutes {
    /** The largest API request: a 20,000-character prompt template, JSON-escaped, and the rest. */
    static final int MAX_BODY_BYTES = 128 * 1024;
    /** The largest delivery to a webhook automation. */
    public static final int MAX_WEBHOOK_BYTES = 64 * 1024;
    /** The largest delivery to a signed automation (Sentry's alert payloads run large). */
    public static final int MAX_SIGNED_BYTES = 256 * 1024;
    /** How long a delivery waits for its session before it is answered without the session's id. */
    private static final Duration SESSION_WAIT = Duration.ofSeconds(2);

    private static final int NEXT_FIRES = 5;
    private static final int MAX_RUNS_PAGE = 100;

    private final Store store;
    private final AutomationService automations;
    private final SessionService sessions;
    private final Authenticator auth;
    private final Supplier<String> baseUrl;
    private final Clock clock;

    public AutomationRoutes(
            Store store,
            AutomationService automations,
            SessionService sessions,
            Authenticator auth,
            Supplier<String> baseUrl,
            Clock clock) {
        this.store = store;
        this.automations = automations;
        this.sessions = sessions;
        this.auth = auth;
        this.baseUrl = baseUrl;
        this.clock = clock;
    }

    public void register(RouteTable routes) {
        routes.get("/api/automations", this::list);
        routes.post("/api/automations", this::create);
        routes.get("/api/automations/{id}", this::get);
        routes.patch("/api/automations/{id}", this::update);
        routes.delete("/api/automations/{id}", this::delete);
        routes.post("/api/automations/{id}/pause", this::pause);
        routes.post("/api/automations/{id}/resume", this::resume);
        routes.post("/api/automations/{id}/run-now", this::runNow);
        routes.get("/api/automations/{id}/runs", this::runs);
        routes.post("/webhooks/automations/{id}", this::deliver);
    }

    /** {@code POST /api/automations}, and {@code PATCH} with the fields that change. */
    public record AutomationRequest(
            String name,
            String repository,
            String baseBranch,
            String prompt,
            String model,
            TriggerRequest trigger,
            Boolean rotateKey,
            Long version) {}

    /** A trigger as the API takes it; see {@link AutomationService.TriggerDraft}. */
    public record TriggerRequest(
            String type,
            String cron,
            String timezone,
            List<ConditionRequest> conditions,
            String idempotencyKey,
            String preset,
            String secret,
            String signatureHeader,
            String timestampHeader,
            Long timestampWindowSeconds,
            String deliveryIdHeader) {}

    /** {@code {"path":"$.level","op":"eq","value":"error"}}: the value is any JSON. */
    public record ConditionRequest(String path, String op, JsonNode value) {}

    /** {@code POST /api/automations/{id}/pause}: why, shown on the automation. */
    public record PauseRequest(String reason) {}

    // ---------------------------------------------------------------- API

    private void list(Context ctx) {
        Caller caller = person(ctx, Scope.SESSIONS_READ);
        boolean all = "true".equals(ctx.queryParam("all"));
        if (all) {
            caller.requireAdmin("only administrators list everyone's automations; leave out all=true for yours");
        }
        Map<String, String> logins = new HashMap<>();
        List<Map<String, Object>> views = new ArrayList<>();
        for (Automation automation : automations.list(all ? null : caller.userId())) {
            views.add(view(automation, null, logins));
        }
        Json.respond(ctx, 200, Map.of("automations", views));
    }

    private void create(Context ctx) {
        Caller caller = person(ctx, Scope.SESSIONS_WRITE);
        AutomationRequest request = Json.read(body(ctx), AutomationRequest.class);
        if (request.rotateKey() != null || request.version() != null) {
            throw ApiException.badRequest("'rotateKey' and 'version' belong to PATCH /api/automations/{id}");
        }
        if (request.repository() != null) {
            sessions.checkRepository(caller, request.repository());
        }
        AutomationService.Saved saved = invalidIsBadRequest(() -> automations.create(draft(request), caller.userId()));
        audit(caller, "automation.create", saved.automation());
        Json.respondSecret(ctx, 201, view(saved.automation(), saved.webhookKey(), new HashMap<>()));
    }

    private void get(Context ctx) {
        Caller caller = person(ctx, Scope.SESSIONS_READ);
        Json.respond(ctx, 200, view(visible(caller, ctx.pathParam("id")), null, new HashMap<>()));
    }

    private void update(Context ctx) {
        Caller caller = person(ctx, Scope.SESSIONS_WRITE);
        Automation current = visible(caller, ctx.pathParam("id"));
        AutomationRequest request = Json.read(body(ctx), AutomationRequest.class);
        if (request.repository() != null) {
            sessions.checkRepository(caller, request.repository());
        }
        AutomationService.Saved saved = invalidIsBadRequest(() -> automations.update(
                current, draft(request), Boolean.TRUE.equals(request.rotateKey()), request.version()));
        audit(caller, saved.webhookKey() != null ? "automation.rotate_key" : "automation.update", saved.automation());
        Json.respondSecret(ctx, 200, view(saved.automation(), saved.webhookKey(), new HashMap<>()));
    }

    private void delete(Context ctx) {
        Caller caller = person(ctx, Scope.SESSIONS_WRITE);
        Automation current = visible(caller, ctx.pathParam("id"));
        if (!automations.delete(current.id())) {
            throw ApiException.notFound("no automation " + current.id() + "; list yours with GET /api/automations");
        }
        audit(caller, "automation.delete", current);
        ctx.status(204);
    }

    private void pause(Context ctx) {
        Caller caller = person(ctx, Scope.SESSIONS_WRITE);
        Automation current = visible(caller, ctx.pathParam("id"));
        String reason = "paused by " + caller.displayName();
        if (!ctx.body().isBlank()) {
            PauseRequest request = Json.read(body(ctx), PauseRequest.class);
            if (request.reason() != null && !request.reason().isBlank()) {
                if (request.reason().length() > 500) {
                    throw ApiException.badRequest("'reason' is longer than 500 characters");
                }
                reason = request.reason().strip() + " (" + caller.displayName() + ")";
            }
        }
        String why = reason;
        Automation paused = invalidIsBadRequest(() -> automations.pause(current, why));
        audit(caller, "automation.pause", paused);
        Json.respond(ctx, 200, view(paused, null, new HashMap<>()));
    }

    private void resume(Context ctx) {
        Caller caller = person(ctx, Scope.SESSIONS_WRITE);
        Automation current = visible(caller, ctx.pathParam("id"));
        Automation resumed = invalidIsBadRequest(() -> automations.resume(current));
        audit(caller, "automation.resume", resumed);
        Json.respond(ctx, 200, view(resumed, null, new HashMap<>()));
    }

    private void runNow(Context ctx) {
        Caller caller = person(ctx, Scope.SESSIONS_WRITE);
        Automation current = visible(caller, ctx.pathParam("id"));
        requireActive(current);
        AutomationService.Fired fired = automations.fire(current, source(current), null, null);
        audit(caller, "automation.run_now", current);
        Json.respond(ctx, 202, firedView(fired));
    }

    private void runs(Context ctx) {
        Caller caller = person(ctx, Scope.SESSIONS_READ);
        Automation current = visible(caller, ctx.pathParam("id"));
        int limit = 20;
        String rawLimit = ctx.queryParam("limit");
        if (rawLimit != null) {
            try {
                limit = Integer.parseInt(rawLimit);
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > MAX_RUNS_PAGE) {
                throw ApiException.badRequest("'limit' is a whole number from 1 to " + MAX_RUNS_PAGE);
            }
        }
        String before = ctx.queryParam("before");
        if (before != null && before.length() > 64) {
            throw ApiException.badRequest("'before' is a run id");
        }
        Page<AutomationRun> page = automations.runs(current.id(), before, limit);
        List<Map<String, Object>> views =
                page.items().stream().map(this::runView).toList();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("runs", views);
        body.put("hasMore", page.hasMore());
        if (page.hasMore()) {
            body.put("next", page.items().getLast().id());
        }
        Json.respond(ctx, 200, body);
    }

    // ---------------------------------------------------------------- deliveries

    /**
     * {@code POST /webhooks/automations/{id}}: a webhook automation's delivery (bearer key) or a signed
     * one's (HMAC over the raw body). The run and its trigger are stored before the answer, so a
     * delivery that was answered 202 is never lost.
     */
    private void deliver(Context ctx) {
        String id = ctx.pathParam("id");
        Automation automation = automations
                .find(id)
                .filter(a -> !(a.trigger() instanceof AutomationTrigger.Schedule))
                .orElseThrow(() -> ApiException.notFound(
                        "no webhook automation " + id + "; check the URL the automation's page shows"));
        boolean signed = automation.trigger() instanceof AutomationTrigger.Signed;
        if (!signed && !AutomationService.keyMatches(automation, bearer(ctx))) {
            ctx.header("WWW-Authenticate", "Bearer");
            throw ApiException.unauthorized("a missing or wrong key: send 'Authorization: Bearer <key>' with the key "
                    + "shown when the automation was created (rotate it with PATCH {\"rotateKey\":true})");
        }
        String type = ctx.contentType();
        String media = type == null ? "" : type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (!media.equals("application/json")) {
            throw new ApiException(
                    415,
                    "unsupported_media_type",
                    (type == null
                                    ? "the delivery has no Content-Type"
                                    : "the delivery's Content-Type is '" + type + "'")
                            + "; send the payload as JSON with 'Content-Type: application/json'");
        }
        byte[] raw = readCapped(ctx, signed ? MAX_SIGNED_BYTES : MAX_WEBHOOK_BYTES);
        String dedupe = null;
        if (signed) {
            WebhookSignatures.Verdict verdict = automations.verify(automation, raw, ctx::header);
            if (!(verdict instanceof WebhookSignatures.Verdict.Accepted accepted)) {
                throw ApiException.unauthorized("the delivery's signature was refused: "
                        + ((WebhookSignatures.Verdict.Refused) verdict).reason());
            }
            dedupe = accepted.deliveryId().isEmpty() ? null : accepted.deliveryId();
        } else {
            String header = ctx.header("Idempotency-Key");
            dedupe = header == null || header.isBlank() ? null : header.strip();
        }
        requireActive(automation);
        String body = new String(raw, StandardCharsets.UTF_8);
        try {
            Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw ApiException.badRequest("the delivery is not valid JSON; send one JSON value");
        }
        String key = dedupe;
        AutomationService.Fired fired = invalidIsBadRequest(() ->
                automations.deliver(automation, signed ? TriggerSource.SIGNED : TriggerSource.WEBHOOK, body, key));
        Json.respond(ctx, fired.repeat() ? 200 : 202, firedView(fired));
    }

    /** Reads the body up to {@code max} bytes: a longer one is a 413 before the rest is read. */
    private static byte[] readCapped(Context ctx, int max) {
        long declared = ctx.req().getContentLengthLong();
        if (declared > max) {
            throw tooLarge(max);
        }
        try (InputStream in = ctx.req().getInputStream()) {
            byte[] read = in.readNBytes(max + 1);
            if (read.length > max) {
                throw tooLarge(max);
            }
            return read;
        } catch (IOException e) {
            throw ApiException.badRequest("the delivery could not be read: " + e.getMessage());
        }
    }

    private static ApiException tooLarge(int max) {
        return new ApiException(
                413,
                "payload_too_large",
                "the delivery is larger than " + max / 1024 + " KiB, the limit for this automation");
    }

    private static String bearer(Context ctx) {
        String authorization = ctx.header("Authorization");
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        return authorization.substring(7).trim();
    }

    private static void requireActive(Automation automation) {
        if (automation.paused()) {
            throw new ApiException(
                    409,
                    "automation_paused",
                    "automation " + automation.id() + " is paused"
                            + (automation.pausedReason().isEmpty() ? "" : " (" + automation.pausedReason() + ")")
                            + "; resume it with POST /api/automations/" + automation.id() + "/resume");
        }
    }

    /** What a fire answers: the run, and its session once the pipeline has made it. */
    private Map<String, Object> firedView(AutomationService.Fired fired) {
        AutomationRun run = fired.run();
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("fired", fired.fired());
        view.put("runId", run.id());
        view.put("status", run.status().wire());
        String sessionId = run.sessionId().isEmpty() ? sessionOf(fired) : run.sessionId();
        if (sessionId != null && fired.fired()) {
            view.put("sessionId", sessionId);
        }
        if (fired.repeat()) {
            view.put("repeat", true);
        }
        if (!fired.fired()) {
            view.put("reason", run.reason());
        }
        return view;
    }

    /** The session a just-fired run's trigger made, waiting a moment for the pipeline. */
    private String sessionOf(AutomationService.Fired fired) {
        if (fired.session() == null) {
            return automations.sessionOf(fired.run()).orElse(null);
        }
        try {
            Trigger trigger = fired.session().get(SESSION_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            return trigger == null ? null : trigger.sessionId();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException | TimeoutException e) {
            return null; // the run is stored and goes on; its session shows in its history
        }
    }

    private static TriggerSource source(Automation automation) {
        return switch (automation.trigger()) {
            case AutomationTrigger.Schedule ignored -> TriggerSource.SCHEDULE;
            case AutomationTrigger.Webhook ignored -> TriggerSource.WEBHOOK;
            case AutomationTrigger.Signed ignored -> TriggerSource.SIGNED;
        };
    }

    // ---------------------------------------------------------------- helpers

    /** A person (no share link) whose token has {@code scope}. */
    private Caller person(Context ctx, Scope scope) {
        Caller caller = auth.fromHeader(ctx.header("Authorization"));
        if (caller.isShareLink()) {
            throw ApiException.forbidden("a share link cannot see automations; sign in with your own token");
        }
        caller.require(scope);
        return caller;
    }

    /** The automation, when it is the caller's or the caller is an administrator acting as one. */
    private Automation visible(Caller caller, String id) {
        if (id.length() > 64) {
            throw ApiException.notFound("no automation " + id.substring(0, 64) + "…");
        }
        return automations
                .find(id)
                .filter(a -> a.ownerId().equals(caller.userId()) || caller.admin())
                .orElseThrow(() -> ApiException.notFound(
                        "no automation " + id + " of yours; list yours with GET /api/automations"));
    }

    private static String body(Context ctx) {
        byte[] body = ctx.bodyAsBytes();
        if (body.length > MAX_BODY_BYTES) {
            throw new ApiException(
                    413,
                    "payload_too_large",
                    "the request is larger than " + MAX_BODY_BYTES / 1024 + " KiB; a prompt template has at most "
                            + AutomationService.MAX_PROMPT_CHARS + " characters");
        }
        return new String(body, StandardCharsets.UTF_8);
    }

    private static AutomationService.Draft draft(AutomationRequest r) {
        TriggerRequest t = r.trigger();
        AutomationService.TriggerDraft trigger = t == null
                ? null
                : new AutomationService.TriggerDraft(
                        t.type(),
                        t.cron(),
                        t.timezone(),
                        t.conditions() == null
                                ? null
                                : t.conditions().stream()
                                        .map(c -> c == null
                                                ? null
                                                : new AutomationService.ConditionDraft(
                                                        c.path(),
                                                        c.op(),
                                                        c.value() == null
                                                                ? null
                                                                : c.value().toString()))
                                        .toList(),
                        t.idempotencyKey(),
                        t.preset(),
                        t.secret(),
                        t.signatureHeader(),
                        t.timestampHeader(),
                        t.timestampWindowSeconds(),
                        t.deliveryIdHeader());
        return new AutomationService.Draft(r.name(), r.repository(), r.baseBranch(), r.prompt(), r.model(), trigger);
    }

    private static <T> T invalidIsBadRequest(Supplier<T> action) {
        try {
            return action.get();
        } catch (InvalidAutomation e) {
            throw ApiException.badRequest(e.getMessage());
        } catch (AutomationService.Conflict e) {
            throw ApiException.conflict(e.getMessage());
        }
    }

    private void audit(Caller caller, String action, Automation automation) {
        store.audit()
                .record(
                        caller.userId(),
                        null,
                        action,
                        automation.id(),
                        "ok",
                        automation.trigger().type() + " v" + automation.version(),
                        clock.instant());
    }

    // ---------------------------------------------------------------- views

    /** An automation as clients read it: never the key, never the shared secret. */
    private Map<String, Object> view(Automation a, String newKey, Map<String, String> logins) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", a.id());
        view.put("name", a.name());
        view.put("repository", a.repository());
        view.put("baseBranch", a.baseBranch());
        view.put("prompt", a.promptTemplate());
        view.put("model", a.model());
        view.put("owner", Map.of("id", a.ownerId(), "login", login(a.ownerId(), logins)));
        view.put("trigger", triggerView(a));
        if (!(a.trigger() instanceof AutomationTrigger.Schedule)) {
            Map<String, Object> webhook = new LinkedHashMap<>();
            webhook.put("url", baseUrl.get() + "/webhooks/automations/" + a.id());
            if (newKey != null) {
                webhook.put("key", newKey);
                webhook.put(
                        "keyShownOnce",
                        "store this key now: only its hash is kept; PATCH {\"rotateKey\":true} makes a new one");
            }
            view.put("webhook", webhook);
        }
        view.put("paused", a.paused());
        view.put("pausedReason", a.pausedReason());
        view.put("createdAt", a.createdAt());
        view.put("updatedAt", a.updatedAt());
        view.put("version", a.version());
        automations.runs(a.id(), null, 1).items().stream()
                .findFirst()
                .ifPresent(run -> view.put("lastRun", runView(run)));
        return view;
    }

    private Map<String, Object> triggerView(Automation a) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("type", a.trigger().type());
        switch (a.trigger()) {
            case AutomationTrigger.Schedule s -> {
                view.put("cron", s.cron());
                view.put("timezone", s.timezone());
                view.put("nextFires", a.paused() ? List.of() : automations.nextFires(a, NEXT_FIRES));
            }
            case AutomationTrigger.Webhook w -> {
                view.put("conditions", conditions(w.conditions()));
                view.put("idempotencyKey", w.idempotencyKeyPath().isEmpty() ? null : w.idempotencyKeyPath());
            }
            case AutomationTrigger.Signed s -> {
                view.put("preset", s.preset().wire());
                view.put("signatureHeader", s.signatureHeader());
                view.put("timestampHeader", s.timestampHeader().isEmpty() ? null : s.timestampHeader());
                view.put(
                        "timestampWindowSeconds",
                        s.timestampWindow().isZero()
                                ? null
                                : s.timestampWindow().toSeconds());
                view.put("deliveryIdHeader", s.deliveryIdHeader().isEmpty() ? null : s.deliveryIdHeader());
                view.put("conditions", conditions(s.conditions()));
            }
        }
        return view;
    }

    private static List<Map<String, Object>> conditions(List<AutomationTrigger.Condition> conditions) {
        return conditions.stream()
                .map(c -> {
                    Map<String, Object> view = new LinkedHashMap<>();
                    view.put("path", c.path());
                    view.put("op", c.op().wire());
                    view.put("value", Json.tree(c.valueJson()));
                    return view;
                })
                .toList();
    }

    /** A run with what came of it: its session's branch and pull request once there are any. */
    private Map<String, Object> runView(AutomationRun run) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", run.id());
        view.put("automationId", run.automationId());
        view.put("status", run.status().wire());
        view.put("reason", run.reason());
        view.put("sessionId", run.sessionId().isEmpty() ? null : run.sessionId());
        view.put("createdAt", run.createdAt());
        view.put("startedAt", run.startedAt());
        view.put("endedAt", run.endedAt());
        if (!run.sessionId().isEmpty() && run.status() != AutomationRun.Status.SKIPPED) {
            Optional<Session> session = store.sessions().get(run.sessionId());
            session.map(Session::workBranch).ifPresent(branch -> view.put("branch", branch));
            if (session.isPresent()) {
                store.artifacts().list(run.sessionId()).stream()
                        .filter(artifact -> "pr".equals(artifact.type()))
                        .map(Artifact::url)
                        .reduce((first, second) -> second)
                        .ifPresent(url -> view.put("pullRequest", url));
            }
        }
        return view;
    }

    private String login(String userId, Map<String, String> logins) {
        return logins.computeIfAbsent(
                userId, id -> store.users().byId(id).map(User::login).orElse(id));
    }
}
