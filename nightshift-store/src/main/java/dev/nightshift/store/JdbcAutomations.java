package dev.nightshift.store;

import dev.nightshift.core.automation.Automation;
import dev.nightshift.core.automation.AutomationRun;
import dev.nightshift.core.automation.AutomationTrigger;
import dev.nightshift.core.automation.AutomationTrigger.Condition;
import dev.nightshift.core.port.AutomationStore;
import dev.nightshift.core.port.Page;
import dev.nightshift.core.trigger.NewTrigger;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.SqlStatement;

/**
 * Automations, their conditions and runs. A trigger's fields live in columns of their own; a
 * condition list in {@code automation_conditions}, rewritten whole on every change in the same
 * transaction as the row. Runs are added with {@code ON CONFLICT DO NOTHING}: the unique indexes
 * (dedupe key, one active run) decide, and the loser is told which run stood in its way.
 */
final class JdbcAutomations implements AutomationStore {
    private static final RowMapper<AutomationRun> RUN = (rs, ctx) -> new AutomationRun(
            rs.getString("id"),
            rs.getString("automation_id"),
            AutomationRun.Status.fromWire(rs.getString("status")),
            rs.getString("reason"),
            rs.getString("session_id"),
            rs.getString("dedupe_key"),
            rs.getString("trigger_id"),
            Db.instant(rs, "created_at"),
            Db.instant(rs, "started_at"),
            Db.instant(rs, "ended_at"));

    private static final String ACTIVE = "status IN ('fired', 'running')";

    private final Db db;

    JdbcAutomations(Db db) {
        this.db = db;
    }

    @Override
    public Automation create(Automation a) {
        return db.write(h -> {
            bindChangeable(h.createUpdate("""
                                    INSERT INTO automations (id, name, repository, base_branch, prompt_template, model,
                                        owner_id, trigger_type, cron, timezone, idempotency_key_path, key_hash, preset,
                                        secret_sealed, signature_header, timestamp_header, timestamp_window_ms,
                                        delivery_id_header, paused, paused_reason, created_at, updated_at, version)
                                    VALUES (:id, :name, :repository, :baseBranch, :promptTemplate, :model, :ownerId,
                                        :triggerType, :cron, :timezone, :idempotencyKeyPath, :keyHash, :preset,
                                        :secretSealed, :signatureHeader, :timestampHeader, :timestampWindowMs,
                                        :deliveryIdHeader, :paused, :pausedReason, :createdAt, :updatedAt, 1)"""), a)
                    .bind("id", a.id())
                    .bind("ownerId", a.ownerId())
                    .bind("paused", Db.flag(a.paused()))
                    .bind("pausedReason", a.pausedReason())
                    .bind("createdAt", Db.millis(a.createdAt()))
                    .execute();
            writeConditions(h, a);
            return byId(h, a.id()).orElseThrow();
        });
    }

    @Override
    public Optional<Automation> find(String id) {
        return db.read(h -> byId(h, id));
    }

    @Override
    public List<Automation> list(String ownerId) {
        return db.read(h -> h.createQuery("SELECT * FROM automations WHERE (:owner IS NULL OR owner_id = :owner)"
                        + " ORDER BY created_at, id")
                .bind("owner", ownerId)
                .map((rs, ctx) -> automation(h, rs))
                .list());
    }

    @Override
    public boolean replaceIfVersion(Automation a, long expectedVersion) {
        return db.write(h -> {
            int updated = bindChangeable(h.createUpdate("""
                                    UPDATE automations SET name = :name, repository = :repository,
                                        base_branch = :baseBranch, prompt_template = :promptTemplate, model = :model,
                                        trigger_type = :triggerType, cron = :cron, timezone = :timezone,
                                        idempotency_key_path = :idempotencyKeyPath, key_hash = :keyHash,
                                        preset = :preset, secret_sealed = :secretSealed,
                                        signature_header = :signatureHeader, timestamp_header = :timestampHeader,
                                        timestamp_window_ms = :timestampWindowMs,
                                        delivery_id_header = :deliveryIdHeader, updated_at = :updatedAt,
                                        version = version + 1
                                    WHERE id = :id AND version = :version"""), a)
                    .bind("id", a.id())
                    .bind("version", expectedVersion)
                    .execute();
            if (updated == 1) {
                writeConditions(h, a);
            }
            return updated == 1;
        });
    }

    @Override
    public boolean delete(String id) {
        return db.write(h -> {
            h.createUpdate("DELETE FROM automation_runs WHERE automation_id = :id")
                    .bind("id", id)
                    .execute();
            h.createUpdate("DELETE FROM automation_conditions WHERE automation_id = :id")
                    .bind("id", id)
                    .execute();
            return h.createUpdate("DELETE FROM automations WHERE id = :id")
                            .bind("id", id)
                            .execute()
                    > 0;
        });
    }

    @Override
    public boolean pause(String id, String reason, Instant now) {
        return db.write(h -> h.createUpdate("""
                                UPDATE automations SET paused = 1, paused_reason = :reason, updated_at = :now,
                                    version = version + 1
                                WHERE id = :id AND paused = 0""")
                        .bind("reason", reason == null ? "" : reason)
                        .bind("now", now.toEpochMilli())
                        .bind("id", id)
                        .execute())
                == 1;
    }

    @Override
    public boolean resume(String id, Instant now) {
        return db.write(h -> h.createUpdate("""
                                UPDATE automations SET paused = 0, paused_reason = '', updated_at = :now,
                                    version = version + 1
                                WHERE id = :id AND paused = 1""")
                        .bind("now", now.toEpochMilli())
                        .bind("id", id)
                        .execute())
                == 1;
    }

    @Override
    public List<Scheduled> schedules() {
        return db.read(h -> h.createQuery(
                        "SELECT * FROM automations WHERE trigger_type = 'schedule' AND paused = 0 ORDER BY id")
                .map((rs, ctx) -> new Scheduled(automation(h, rs), Db.instant(rs, "last_fired_at")))
                .list());
    }

    @Override
    public boolean claimSlot(String automationId, Instant slot) {
        return db.write(h -> h.createUpdate("""
                                UPDATE automations SET last_fired_at = :slot
                                WHERE id = :id AND paused = 0 AND (last_fired_at IS NULL OR last_fired_at < :slot)""")
                        .bind("slot", slot.toEpochMilli())
                        .bind("id", automationId)
                        .execute())
                == 1;
    }

    @Override
    public RunAdded addRun(AutomationRun run) {
        return addRun(run, null, run.createdAt());
    }

    @Override
    public RunAdded addRun(AutomationRun run, NewTrigger trigger, Instant now) {
        String dedupeKey = run.dedupeKey().isEmpty() ? null : run.dedupeKey();
        for (int attempt = 0; attempt < 3; attempt++) {
            Optional<RunAdded> result = db.write(h -> {
                int inserted = h.createUpdate("""
                                INSERT INTO automation_runs (id, automation_id, status, reason, session_id, dedupe_key,
                                    trigger_id, created_at, started_at, ended_at)
                                VALUES (:id, :automationId, :status, :reason, :sessionId, :dedupeKey, :triggerId,
                                    :createdAt, :startedAt, :endedAt)
                                ON CONFLICT DO NOTHING""")
                        .bind("id", run.id())
                        .bind("automationId", run.automationId())
                        .bind("status", run.status().wire())
                        .bind("reason", run.reason())
                        .bind("sessionId", blankToNull(run.sessionId()))
                        .bind("dedupeKey", dedupeKey)
                        .bind("triggerId", blankToNull(run.triggerId()))
                        .bind("createdAt", Db.millis(run.createdAt()))
                        .bind("startedAt", Db.millis(run.startedAt()))
                        .bind("endedAt", Db.millis(run.endedAt()))
                        .execute();
                if (inserted == 1) {
                    if (trigger != null && JdbcTriggers.insert(h, trigger, now) != 1) {
                        throw new IllegalArgumentException("trigger " + trigger.id() + " exists already");
                    }
                    return Optional.<RunAdded>of(
                            new RunAdded.Added(runById(h, run.id()).orElseThrow()));
                }
                if (dedupeKey != null) {
                    Optional<AutomationRun> first = h.createQuery(
                                    "SELECT * FROM automation_runs WHERE automation_id = :a AND dedupe_key = :key")
                            .bind("a", run.automationId())
                            .bind("key", dedupeKey)
                            .map(RUN)
                            .findOne();
                    if (first.isPresent()) {
                        return Optional.<RunAdded>of(new RunAdded.Repeat(first.get()));
                    }
                }
                Optional<AutomationRun> active = active(h, run.automationId());
                if (active.isPresent() && run.active()) {
                    return Optional.<RunAdded>of(new RunAdded.Busy(active.get()));
                }
                if (runById(h, run.id()).isPresent()) {
                    throw new IllegalArgumentException("run id " + run.id() + " is taken");
                }
                return Optional.<RunAdded>empty(); // what stood in the way has just ended: try again
            });
            if (result.isPresent()) {
                return result.get();
            }
        }
        throw new IllegalStateException("could not add a run to automation " + run.automationId());
    }

    @Override
    public boolean updateRun(String runId, AutomationRun.Status status, String sessionId, String reason, Instant now) {
        String stamp = status == AutomationRun.Status.RUNNING
                ? ", started_at = COALESCE(started_at, :now)"
                : status.active() ? "" : ", ended_at = :now";
        return db.write(h -> h.createUpdate("UPDATE automation_runs SET status = :status,"
                                + " session_id = COALESCE(:sessionId, session_id),"
                                + " reason = COALESCE(:reason, reason)" + stamp
                                + " WHERE id = :id AND " + ACTIVE)
                        .bind("status", status.wire())
                        .bind("sessionId", sessionId)
                        .bind("reason", reason)
                        .bind("now", now.toEpochMilli())
                        .bind("id", runId)
                        .execute())
                == 1;
    }

    @Override
    public Optional<AutomationRun> findRun(String runId) {
        return db.read(h -> runById(h, runId));
    }

    @Override
    public Page<AutomationRun> runs(String automationId, String beforeRunId, int limit) {
        return db.read(h -> {
            Optional<AutomationRun> before = beforeRunId == null ? Optional.empty() : runById(h, beforeRunId);
            String after = before.isEmpty()
                    ? ""
                    : " AND (created_at < :beforeAt OR (created_at = :beforeAt AND id < :beforeId))";
            var query = h.createQuery("SELECT * FROM automation_runs WHERE automation_id = :a" + after
                            + " ORDER BY created_at DESC, id DESC LIMIT :limit")
                    .bind("a", automationId)
                    .bind("limit", limit + 1);
            before.ifPresent(
                    b -> query.bind("beforeAt", Db.millis(b.createdAt())).bind("beforeId", b.id()));
            return Page.fromLookAhead(query.map(RUN).list(), limit);
        });
    }

    @Override
    public Optional<AutomationRun> activeRun(String automationId) {
        return db.read(h -> active(h, automationId));
    }

    @Override
    public List<AutomationRun> activeRunsCreatedBefore(Instant cutoff) {
        return db.read(h -> h.createQuery("SELECT * FROM automation_runs WHERE " + ACTIVE
                        + " AND created_at < :cutoff ORDER BY created_at")
                .bind("cutoff", cutoff.toEpochMilli())
                .map(RUN)
                .list());
    }

    private static Optional<AutomationRun> active(Handle h, String automationId) {
        return h.createQuery("SELECT * FROM automation_runs WHERE automation_id = :a AND " + ACTIVE)
                .bind("a", automationId)
                .map(RUN)
                .findOne();
    }

    private static Optional<AutomationRun> runById(Handle h, String id) {
        return h.createQuery("SELECT * FROM automation_runs WHERE id = :id")
                .bind("id", id)
                .map(RUN)
                .findOne();
    }

    private static Optional<Automation> byId(Handle h, String id) {
        return h.createQuery("SELECT * FROM automations WHERE id = :id")
                .bind("id", id)
                .map((rs, ctx) -> automation(h, rs))
                .findOne();
    }

    private static Automation automation(Handle h, ResultSet rs) throws SQLException {
        String id = rs.getString("id");
        AutomationTrigger trigger = switch (rs.getString("trigger_type")) {
            case "schedule" -> new AutomationTrigger.Schedule(rs.getString("cron"), rs.getString("timezone"));
            case "webhook" ->
                new AutomationTrigger.Webhook(
                        conditions(h, id), rs.getString("idempotency_key_path"), nullToEmpty(rs.getString("key_hash")));
            case "signed" ->
                new AutomationTrigger.Signed(
                        AutomationTrigger.Signed.Preset.fromWire(rs.getString("preset")),
                        rs.getString("secret_sealed"),
                        rs.getString("signature_header"),
                        rs.getString("timestamp_header"),
                        Duration.ofMillis(rs.getLong("timestamp_window_ms")),
                        rs.getString("delivery_id_header"),
                        conditions(h, id));
            default ->
                throw new IllegalStateException(
                        "unknown trigger type " + rs.getString("trigger_type") + " of automation " + id);
        };
        return new Automation(
                id,
                rs.getString("name"),
                rs.getString("repository"),
                rs.getString("base_branch"),
                rs.getString("prompt_template"),
                rs.getString("model"),
                rs.getString("owner_id"),
                trigger,
                rs.getInt("paused") != 0,
                rs.getString("paused_reason"),
                Db.instant(rs, "created_at"),
                Db.instant(rs, "updated_at"),
                rs.getLong("version"));
    }

    private static List<Condition> conditions(Handle h, String automationId) {
        return h.createQuery("SELECT * FROM automation_conditions WHERE automation_id = :id ORDER BY position")
                .bind("id", automationId)
                .map((rs, ctx) -> new Condition(
                        rs.getString("path"), Condition.Op.fromWire(rs.getString("op")), rs.getString("value_json")))
                .list();
    }

    private static void writeConditions(Handle h, Automation a) {
        h.createUpdate("DELETE FROM automation_conditions WHERE automation_id = :id")
                .bind("id", a.id())
                .execute();
        List<Condition> conditions = switch (a.trigger()) {
            case AutomationTrigger.Webhook w -> w.conditions();
            case AutomationTrigger.Signed s -> s.conditions();
            case AutomationTrigger.Schedule s -> List.of();
        };
        for (int i = 0; i < conditions.size(); i++) {
            Condition c = conditions.get(i);
            h.createUpdate("""
                            INSERT INTO automation_conditions (automation_id, position, path, op, value_json)
                            VALUES (:id, :position, :path, :op, :valueJson)""")
                    .bind("id", a.id())
                    .bind("position", i)
                    .bind("path", c.path())
                    .bind("op", c.op().wire())
                    .bind("valueJson", c.valueJson())
                    .execute();
        }
    }

    private static <S extends SqlStatement<S>> S bindChangeable(S statement, Automation a) {
        statement
                .bind("name", a.name())
                .bind("repository", a.repository())
                .bind("baseBranch", a.baseBranch())
                .bind("promptTemplate", a.promptTemplate())
                .bind("model", a.model())
                .bind("triggerType", a.trigger().type())
                .bind("updatedAt", Db.millis(a.updatedAt()));
        String cron = null, timezone = null, keyPath = null, keyHash = null, preset = null, secret = null;
        String signatureHeader = null, timestampHeader = null, deliveryIdHeader = null;
        Long windowMs = null;
        switch (a.trigger()) {
            case AutomationTrigger.Schedule s -> {
                cron = s.cron();
                timezone = s.timezone();
            }
            case AutomationTrigger.Webhook w -> {
                keyPath = w.idempotencyKeyPath();
                keyHash = blankToNull(w.keyHash());
            }
            case AutomationTrigger.Signed s -> {
                preset = s.preset().wire();
                secret = s.secretSealed();
                signatureHeader = s.signatureHeader();
                timestampHeader = s.timestampHeader();
                windowMs = s.timestampWindow().toMillis();
                deliveryIdHeader = s.deliveryIdHeader();
            }
        }
        return statement
                .bind("cron", cron)
                .bind("timezone", timezone)
                .bind("idempotencyKeyPath", keyPath)
                .bind("keyHash", keyHash)
                .bind("preset", preset)
                .bind("secretSealed", secret)
                .bind("signatureHeader", signatureHeader)
                .bind("timestampHeader", timestampHeader)
                .bind("timestampWindowMs", windowMs)
                .bind("deliveryIdHeader", deliveryIdHeader);
    }

    private static String blankToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }
}
