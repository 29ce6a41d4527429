package dev.nightshift.triggers;

import dev.nightshift.core.Ids;
import dev.nightshift.core.Secrets;
import dev.nightshift.core.automation.Automation;
import dev.nightshift.core.automation.AutomationRun;
import dev.nightshift.core.automation.AutomationRun.Status;
import dev.nightshift.core.automation.AutomationTrigger;
import dev.nightshift.core.automation.AutomationTrigger.Condition;
import dev.nightshift.core.port.AutomationStore;
import dev.nightshift.core.port.AutomationStore.RunAdded;
import dev.nightshift.core.port.Page;
import dev.nightshift.core.trigger.NewTrigger;
import dev.nightshift.core.trigger.Origin;
import dev.nightshift.core.trigger.Trigger;
import dev.nightshift.core.trigger.TriggerSink;
import dev.nightshift.core.trigger.TriggerSource;
import dev.nightshift.core.trigger.TriggerStatus;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Automations: checking what a person asks for, firing runs through the {@link TriggerPipeline}, and
 * keeping the run rules (one active run, a timeout, a pause after three failures). The surfaces (REST,
 * the webhook endpoints, the scheduler) call it; it holds no state of its own, so every node of a
 * fleet can act and the store's conditional writes decide races. Thread-safe; called on request
 * threads, the scheduler's thread and the pipeline's workers.
 */
public final class AutomationService {
    private static final Logger LOG = LoggerFactory.getLogger(AutomationService.class);
    /** The origin kind of automation runs: {@code automation:<automation id>/<run id>}. */
    public static final String ORIGIN_KIND = "automation";

    static final int MAX_NAME_CHARS = 200;
    static final int MAX_REPOSITORY_CHARS = 500;
    static final int MAX_BRANCH_CHARS = 255;
    static final int MAX_MODEL_CHARS = 200;
    /** The longest prompt template; the rendered prompt adds at most {@link PromptTemplate#MAX_INPUT_CHARS}. */
    public static final int MAX_PROMPT_CHARS = 20_000;

    static final int MAX_CONDITIONS = 20;
    static final int MAX_DEDUPE_KEY_CHARS = 200;
    static final int MIN_SECRET_CHARS = 16;
    static final int MAX_SECRET_CHARS = 500;
    /** How many of an automation's newest runs the run rules look at. */
    private static final int RECENT_RUNS = 20;

    /**
     * Seals a signed trigger's shared secret at rest and opens it to check a delivery; the context
     * (the automation's id) is bound into the seal, so a sealed value moved to another automation
     * does not open.
     */
    public interface Sealer {
        String seal(String plaintext, String context);

        String open(String sealed, String context);
    }

    /** What the pipeline's session side can say about a trigger's turn, for reconciliation. */
    public interface Turns {
        /** How the prompt ended, or empty while it is pending or running (or unknown). */
        Optional<TriggerSink.TurnOutcome> outcome(String sessionId, String messageId);

        /** Stops the session's running turn (a run past its timeout). */
        void stop(String sessionId);
    }

    /** What a person asks for; null fields keep the current value on an update. */
    public record Draft(
            String name, String repository, String baseBranch, String prompt, String model, TriggerDraft trigger) {}

    /**
     * A trigger as a person writes it: {@code type} is {@code schedule}, {@code webhook} or {@code
     * signed}, and the other fields belong to that type.
     *
     * @param timestampWindowSeconds generic signed preset: how far the timestamp may be from now
     */
    public record TriggerDraft(
            String type,
            String cron,
            String timezone,
            List<ConditionDraft> conditions,
            String idempotencyKey,
            String preset,
            String secret,
            String signatureHeader,
            String timestampHeader,
            Long timestampWindowSeconds,
            String deliveryIdHeader) {}

    /** One condition as written; {@code valueJson} is the JSON text of its value. */
    public record ConditionDraft(String path, String op, String valueJson) {}

    /**
     * An automation just saved, with its webhook key when one was made (shown once: only its hash is
     * stored).
     */
    public record Saved(Automation automation, String webhookKey) {}

    /**
     * What a fire did: a run started, a repeat found the first run, or a run was skipped or unmatched.
     *
     * @param session completes with the run's trigger once the pipeline has worked on it (null when
     *     nothing was started here)
     */
    public record Fired(AutomationRun run, boolean repeat, CompletableFuture<Trigger> session) {
        /** Whether the run started (or, for a repeat, had started) a session. */
        public boolean fired() {
            return run.status() != Status.SKIPPED && run.status() != Status.UNMATCHED;
        }
    }

    /** A change that cannot be made in the automation's present state (paused, changed meanwhile). */
    public static final class Conflict extends RuntimeException {
        public Conflict(String message) {
            super(message);
        }
    }

    private final AutomationStore store;
    private final TriggerPipeline pipeline;
    private final Sealer sealer;
    private final RunRules rules;
    private final Clock clock;
    private Turns turns;

    public AutomationService(
            AutomationStore store, TriggerPipeline pipeline, Sealer sealer, RunRules rules, Clock clock) {
        this.store = store;
        this.pipeline = pipeline;
        this.sealer = sealer;
        this.rules = rules;
        this.clock = clock;
        pipeline.sink(ORIGIN_KIND, new RunSink());
    }

    /** The session side, for reconciliation and timeouts (set once while the server is wired). */
    public void turns(Turns turns) {
        this.turns = turns;
    }

    public RunRules rules() {
        return rules;
    }

    // ---------------------------------------------------------------- saving

    /**
     * Checks and stores a new automation owned by {@code ownerId}.
     *
     * @throws InvalidAutomation naming the first problem; nothing is stored
     */
    public Saved create(Draft draft, String ownerId) {
        String id = Ids.newId("aut");
        String name = required("name", draft.name(), MAX_NAME_CHARS);
        String repository = required("repository", draft.repository(), MAX_REPOSITORY_CHARS);
        String baseBranch = optional("baseBranch", draft.baseBranch(), MAX_BRANCH_CHARS);
        String prompt = prompt(draft.prompt());
        String model = optional("model", draft.model(), MAX_MODEL_CHARS);
        if (draft.trigger() == null) {
            throw new InvalidAutomation("an automation needs a 'trigger': {\"type\":\"schedule\",…}, "
                    + "{\"type\":\"webhook\",…} or {\"type\":\"signed\",…}");
        }
        String[] key = new String[1];
        AutomationTrigger trigger = trigger(id, draft.trigger(), null, false, key);
        Instant now = clock.instant();
        Automation created = store.create(new Automation(
                id, name, repository, baseBranch, prompt, model, ownerId, trigger, false, "", now, now, 1));
        return new Saved(created, key[0]);
    }

    /**
     * Changes what the draft gives (null fields stay), rotating the webhook key when asked; written only
     * over {@code expectedVersion} when it is given.
     *
     * @throws InvalidAutomation naming the first problem
     * @throws Conflict when the automation changed meanwhile
     */
    public Saved update(Automation current, Draft draft, boolean rotateKey, Long expectedVersion) {
        if (expectedVersion != null && expectedVersion != current.version()) {
            throw new Conflict("automation " + current.id() + " is at version " + current.version() + ", not "
                    + expectedVersion + "; read it again and repeat your change");
        }
        String name = draft.name() == null ? current.name() : required("name", draft.name(), MAX_NAME_CHARS);
        String repository = draft.repository() == null
                ? current.repository()
                : required("repository", draft.repository(), MAX_REPOSITORY_CHARS);
        String baseBranch = draft.baseBranch() == null
                ? current.baseBranch()
                : optional("baseBranch", draft.baseBranch(), MAX_BRANCH_CHARS);
        String prompt = draft.prompt() == null ? current.promptTemplate() : prompt(draft.prompt());
        String model = draft.model() == null ? current.model() : optional("model", draft.model(), MAX_MODEL_CHARS);
        String[] key = new String[1];
        AutomationTrigger trigger;
        if (draft.trigger() != null) {
            trigger = trigger(current.id(), draft.trigger(), current.trigger(), rotateKey, key);
        } else if (rotateKey) {
            if (!(current.trigger() instanceof AutomationTrigger.Webhook webhook)) {
                throw new InvalidAutomation("only a webhook automation has a key to rotate; this one's trigger is "
                        + current.trigger().type());
            }
            key[0] = Secrets.newSecret("nsw");
            trigger = new AutomationTrigger.Webhook(
                    webhook.conditions(), webhook.idempotencyKeyPath(), Secrets.hash(key[0]));
        } else {
            trigger = current.trigger();
        }
        Automation updated = new Automation(
                current.id(),
                name,
                repository,
                baseBranch,
                prompt,
                model,
                current.ownerId(),
                trigger,
                current.paused(),
                current.pausedReason(),
                current.createdAt(),
                clock.instant(),
                current.version());
        if (!store.replaceIfVersion(updated, current.version())) {
            throw new Conflict("automation " + current.id()
                    + " changed while you were changing it; read it again and repeat your change");
        }
        return new Saved(store.find(current.id()).orElseThrow(), key[0]);
    }

    private static String prompt(String prompt) {
        String text = required("prompt", prompt, MAX_PROMPT_CHARS);
        PromptTemplate.parse(text);
        return text;
    }

    private AutomationTrigger trigger(
            String id, TriggerDraft draft, AutomationTrigger current, boolean rotateKey, String[] newKey) {
        String type = draft.type() == null ? "" : draft.type().trim();
        switch (type) {
            case "schedule" -> {
                CronSchedule schedule = CronSchedule.parse(draft.cron(), draft.timezone());
                return new AutomationTrigger.Schedule(
                        schedule.expression(), schedule.zone().getId());
            }
            case "webhook" -> {
                List<Condition> conditions = conditions(draft.conditions());
                String keyPath = optional("trigger.idempotencyKey", draft.idempotencyKey(), 500);
                if (keyPath != null) {
                    try {
                        JsonConditions.compile(keyPath);
                    } catch (InvalidAutomation e) {
                        throw new InvalidAutomation("'trigger.idempotencyKey': " + e.getMessage());
                    }
                }
                String keyHash;
                if (current instanceof AutomationTrigger.Webhook webhook && !rotateKey) {
                    keyHash = webhook.keyHash();
                } else {
                    newKey[0] = Secrets.newSecret("nsw");
                    keyHash = Secrets.hash(newKey[0]);
                }
                return new AutomationTrigger.Webhook(conditions, keyPath, keyHash);
            }
            case "signed" -> {
                List<Condition> conditions = conditions(draft.conditions());
                String sealed;
                if (draft.secret() != null) {
                    String secret = draft.secret();
                    if (secret.length() < MIN_SECRET_CHARS || secret.length() > MAX_SECRET_CHARS) {
                        throw new InvalidAutomation("'trigger.secret' has " + MIN_SECRET_CHARS + " to "
                                + MAX_SECRET_CHARS + " characters: the shared secret the sender signs with "
                                + "(Sentry: the integration's client secret)");
                    }
                    sealed = sealer.seal(secret, id);
                } else if (current instanceof AutomationTrigger.Signed signed) {
                    sealed = signed.secretSealed();
                } else {
                    throw new InvalidAutomation("a signed trigger needs 'secret': the shared secret the sender "
                            + "signs with (Sentry: the integration's client secret)");
                }
                String preset = draft.preset() == null ? "" : draft.preset().trim();
                return switch (preset) {
                    case "sentry" -> WebhookSignatures.sentryDefaults(sealed, conditions);
                    case "generic" ->
                        WebhookSignatures.generic(
                                sealed,
                                draft.signatureHeader(),
                                draft.timestampHeader(),
                                draft.timestampWindowSeconds() == null
                                        ? Duration.ZERO
                                        : Duration.ofSeconds(draft.timestampWindowSeconds()),
                                draft.deliveryIdHeader(),
                                conditions);
                    default ->
                        throw new InvalidAutomation(
                                "'trigger.preset' is \"sentry\" or \"generic\", not \"" + preset + "\"");
                };
            }
            default ->
                throw new InvalidAutomation(
                        "'trigger.type' is \"schedule\", \"webhook\" or \"signed\", not \"" + type + "\"");
        }
    }

    private static List<Condition> conditions(List<ConditionDraft> drafts) {
        if (drafts == null) {
            return List.of();
        }
        if (drafts.size() > MAX_CONDITIONS) {
            throw new InvalidAutomation("'trigger.conditions' has at most " + MAX_CONDITIONS + " conditions");
        }
        List<Condition> conditions = new ArrayList<>();
        for (ConditionDraft draft : drafts) {
            if (draft == null || draft.path() == null || draft.path().isBlank()) {
                throw new InvalidAutomation("each condition needs a 'path', e.g. {\"path\":\"$.level\","
                        + "\"op\":\"eq\",\"value\":\"error\"}");
            }
            String value = draft.valueJson() == null ? "null" : draft.valueJson();
            conditions.add(JsonConditions.condition(draft.path().trim(), draft.op(), value));
        }
        return conditions;
    }

    private static String required(String field, String value, int max) {
        if (value == null || value.isBlank()) {
            throw new InvalidAutomation("'" + field + "' is required");
        }
        return optional(field, value, max);
    }

    private static String optional(String field, String value, int max) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String trimmed = value.strip();
        if (trimmed.length() > max) {
            throw new InvalidAutomation("'" + field + "' is longer than " + max + " characters");
        }
        return trimmed;
    }

    public Optional<Automation> find(String id) {
        return store.find(id);
    }

    /** Every automation, or only {@code ownerId}'s. */
    public List<Automation> list(String ownerId) {
        return store.list(ownerId);
    }

    public boolean delete(String id) {
        return store.delete(id);
    }

    /** @throws Conflict when it is paused already */
    public Automation pause(Automation automation, String reason) {
        if (!store.pause(automation.id(), reason, clock.instant())) {
            throw new Conflict("automation " + automation.id() + " is already paused"
                    + (automation.pausedReason().isEmpty() ? "" : " (" + automation.pausedReason() + ")"));
        }
        return store.find(automation.id()).orElseThrow();
    }

    /** @throws Conflict when it is not paused */
    public Automation resume(Automation automation) {
        if (!store.resume(automation.id(), clock.instant())) {
            throw new Conflict("automation " + automation.id() + " is not paused");
        }
        return store.find(automation.id()).orElseThrow();
    }

    /** The next fire times of a schedule automation (empty for the other types). */
    public List<Instant> nextFires(Automation automation, int count) {
        return automation.trigger() instanceof AutomationTrigger.Schedule schedule
                ? CronSchedule.of(schedule).nextFires(clock.instant(), count)
                : List.of();
    }

    public Optional<AutomationRun> findRun(String runId) {
        return store.findRun(runId);
    }

    /** The session a run's trigger started, even before the run itself records it. */
    public Optional<String> sessionOf(AutomationRun run) {
        if (!run.sessionId().isEmpty()) {
            return Optional.of(run.sessionId());
        }
        return run.triggerId().isEmpty()
                ? Optional.empty()
                : pipeline.find(run.triggerId()).map(Trigger::sessionId);
    }

    public Page<AutomationRun> runs(String automationId, String beforeRunId, int limit) {
        return store.runs(automationId, beforeRunId, limit);
    }

    // ---------------------------------------------------------------- webhooks

    /** Whether a presented webhook key is this automation's, compared in constant time. */
    public static boolean keyMatches(Automation automation, String presented) {
        if (!(automation.trigger() instanceof AutomationTrigger.Webhook webhook)
                || presented == null
                || presented.isEmpty()) {
            return false;
        }
        return MessageDigest.isEqual(
                Secrets.hash(presented).getBytes(StandardCharsets.UTF_8),
                webhook.keyHash().getBytes(StandardCharsets.UTF_8));
    }

    /** Checks a signed delivery against the automation's shared secret. */
    public WebhookSignatures.Verdict verify(Automation automation, byte[] rawBody, Function<String, String> header) {
        if (!(automation.trigger() instanceof AutomationTrigger.Signed signed)) {
            throw new IllegalArgumentException(automation.id() + " is not a signed automation");
        }
        String secret = sealer.open(signed.secretSealed(), automation.id());
        return WebhookSignatures.verify(signed, secret, rawBody, header, clock.instant());
    }

    /**
     * A delivery to a webhook or signed automation: checks the conditions, then fires. A delivery that
     * does not match is recorded as unmatched.
     *
     * @param dedupeKey the delivery's idempotency key or delivery id (null: none)
     * @throws InvalidAutomation when the body is not JSON
     */
    public Fired deliver(Automation automation, TriggerSource source, String body, String dedupeKey) {
        return deliver(automation, source, body, dedupeKey, null);
    }

    /**
     * {@link #deliver(Automation, TriggerSource, String, String)} with the Sentry resource the delivery
     * names ({@code Sentry-Hook-Resource}): for a Sentry automation, a resource that is not an alert is
     * recorded as unmatched.
     */
    public Fired deliver(
            Automation automation, TriggerSource source, String body, String dedupeKey, String sentryResource) {
        List<Condition> conditions = switch (automation.trigger()) {
            case AutomationTrigger.Webhook webhook -> webhook.conditions();
            case AutomationTrigger.Signed signed -> signed.conditions();
            case AutomationTrigger.Schedule ignored ->
                throw new IllegalArgumentException(automation.id() + " is a schedule");
        };
        String key = dedupeKey;
        if (automation.trigger() instanceof AutomationTrigger.Webhook webhook) {
            key = JsonConditions.idempotencyKey(webhook.idempotencyKeyPath(), body)
                    .orElse(dedupeKey);
        } else {
            JsonConditions.evaluate(List.of(), body); // a body that is not JSON is a 400 here too
        }
        if (key != null && key.length() > MAX_DEDUPE_KEY_CHARS) {
            throw new InvalidAutomation("the idempotency key is longer than " + MAX_DEDUPE_KEY_CHARS + " characters");
        }
        String dedupe = key == null || key.isEmpty() ? null : "key:" + key;
        if (automation.trigger() instanceof AutomationTrigger.Signed signed
                && signed.preset() == AutomationTrigger.Signed.Preset.SENTRY) {
            Optional<String> ignored = SentryPayloads.ignored(sentryResource);
            if (ignored.isPresent()) {
                return record(automation, Status.UNMATCHED, ignored.get(), dedupe, null);
            }
        }
        JsonConditions.Outcome outcome = JsonConditions.evaluate(conditions, body);
        if (!outcome.matched()) {
            return record(automation, Status.UNMATCHED, "conditions not met: " + outcome.reason(), dedupe, null);
        }
        return fire(automation, source, dedupe, body);
    }

    // ---------------------------------------------------------------- firing

    /**
     * Fires a run now ({@code run-now}, a schedule slot, a matched delivery): one run and its trigger in
     * one transaction, then the pipeline starts its session. A repeated dedupe key returns the first
     * run; while another run is active this one is recorded as skipped.
     *
     * @param dedupe unique per automation (null: none)
     * @param payload the JSON body the prompt template reads (null: none)
     */
    public Fired fire(Automation automation, TriggerSource source, String dedupe, String payload) {
        Instant now = clock.instant();
        String runId = Ids.newId("run");
        String triggerId = TriggerPipeline.newTriggerId();
        String prompt = PromptTemplate.parse(automation.promptTemplate()).render(payload);
        AutomationRun run =
                new AutomationRun(runId, automation.id(), Status.FIRED, "", "", dedupe, triggerId, now, null, null);
        NewTrigger trigger = new NewTrigger(
                triggerId,
                source,
                automation.ownerId(),
                automation.repository(),
                automation.baseBranch(),
                prompt,
                null,
                origin(automation.id(), runId));
        RunAdded added = store.addRun(run, trigger, now);
        return switch (added) {
            case RunAdded.Added a -> new Fired(a.run(), false, pipeline.submit(triggerId));
            case RunAdded.Repeat r -> new Fired(r.first(), true, null);
            case RunAdded.Busy busy -> {
                RunRules.Fire decision = rules.onFire(List.of(busy.active()));
                String reason = decision instanceof RunRules.Fire.Skip skip ? skip.reason() : "another run is active";
                yield record(
                        automation,
                        Status.SKIPPED,
                        reason,
                        dedupe,
                        busy.active().sessionId());
            }
        };
    }

    private Fired record(Automation automation, Status status, String reason, String dedupe, String sessionId) {
        Instant now = clock.instant();
        AutomationRun run = new AutomationRun(
                Ids.newId("run"), automation.id(), status, reason, sessionId, dedupe, null, now, null, now);
        return switch (store.addRun(run)) {
            case RunAdded.Added a -> new Fired(a.run(), false, null);
            case RunAdded.Repeat r -> new Fired(r.first(), true, null);
            case RunAdded.Busy b -> throw new IllegalStateException("a final run is never busy");
        };
    }

    /** The origin of a run's trigger. */
    public static Origin origin(String automationId, String runId) {
        return new Origin(ORIGIN_KIND, automationId + "/" + runId);
    }

    /** The automation and run ids an automation origin names. */
    public static Optional<String[]> parseOrigin(String origin) {
        if (origin == null || !origin.startsWith(ORIGIN_KIND + ":")) {
            return Optional.empty();
        }
        String[] ids = origin.substring(ORIGIN_KIND.length() + 1).split("/", 2);
        return ids.length == 2 ? Optional.of(ids) : Optional.empty();
    }

    // ---------------------------------------------------------------- run rules

    /**
     * Stops runs past their timeout and, when {@code leftovers} is true, brings active runs up to date
     * with their triggers and turns (what a crash or another node left behind: two lookups per active
     * run, so the scheduler asks for it once a minute, not every tick). Called on the scheduler's
     * thread; safe on every node.
     */
    public void reconcile(boolean leftovers) {
        Instant now = clock.instant();
        for (AutomationRun run : store.activeRunsCreatedBefore(now)) {
            try {
                reconcile(run, now, leftovers);
            } catch (RuntimeException e) {
                LOG.warn("reconciling run {} failed; will retry", run.id(), e);
            }
        }
    }

    /** {@link #reconcile(boolean)} with the leftovers. */
    public void reconcile() {
        reconcile(true);
    }

    private void reconcile(AutomationRun run, Instant now, boolean leftovers) {
        if (!rules.overdue(List.of(run), now).isEmpty()) {
            // the run fails with the timeout as its reason first; the stopped turn's end then changes nothing
            finishRun(run.id(), run.automationId(), Status.FAILED, null, rules.timeoutReason());
            if (!run.sessionId().isEmpty() && turns != null) {
                turns.stop(run.sessionId());
            }
            return;
        }
        if (!leftovers) {
            return;
        }
        Optional<Trigger> trigger = run.triggerId().isEmpty() ? Optional.empty() : pipeline.find(run.triggerId());
        if (trigger.isEmpty() || !trigger.get().status().terminal()) {
            return; // the pipeline is on it (or recovers it)
        }
        if (run.status() == Status.FIRED) {
            pipeline.tell(trigger.get());
            return;
        }
        if (turns != null && trigger.get().sessionId() != null) {
            turns.outcome(
                            trigger.get().sessionId(),
                            TriggerPipeline.messageIdFor(trigger.get().id()))
                    .ifPresent(outcome -> ended(run.id(), run.automationId(), outcome));
        }
    }

    private void ended(String runId, String automationId, TriggerSink.TurnOutcome outcome) {
        if (outcome.succeeded()) {
            finishRun(runId, automationId, Status.SUCCEEDED, outcome.sessionId(), "");
        } else {
            finishRun(
                    runId,
                    automationId,
                    Status.FAILED,
                    outcome.sessionId(),
                    outcome.error().isEmpty() ? "the turn failed" : outcome.error());
        }
    }

    /** Ends an active run; after a failure, pauses the automation when the run rules say so. */
    private void finishRun(String runId, String automationId, Status status, String sessionId, String reason) {
        if (!store.updateRun(runId, status, sessionId, reason, clock.instant()) || status != Status.FAILED) {
            return;
        }
        store.find(automationId)
                .ifPresent(automation -> rules.pauseReason(
                                automation,
                                store.runs(automationId, null, RECENT_RUNS).items())
                        .ifPresent(reasonToPause -> {
                            if (store.pause(automationId, reasonToPause, clock.instant())) {
                                LOG.info("automation {} paused: {}", automationId, reasonToPause);
                            }
                        }));
    }

    /** Records what became of a run's trigger and turn. */
    private final class RunSink implements TriggerSink {
        @Override
        public void started(Trigger trigger, String sessionId) {
            parseOrigin(trigger.origin().toString())
                    .ifPresent(ids -> store.updateRun(ids[1], Status.RUNNING, sessionId, null, clock.instant()));
        }

        @Override
        public void refused(Trigger trigger, String reason) {
            parseOrigin(trigger.origin().toString())
                    .ifPresent(ids -> finishRun(ids[1], ids[0], Status.FAILED, null, reason));
        }

        @Override
        public void turnEnded(Trigger trigger, TurnOutcome outcome) {
            parseOrigin(trigger.origin().toString()).ifPresent(ids -> {
                if (trigger.status() == TriggerStatus.STARTED) {
                    store.updateRun(ids[1], Status.RUNNING, outcome.sessionId(), null, clock.instant());
                }
                ended(ids[1], ids[0], outcome);
            });
        }
    }
}
