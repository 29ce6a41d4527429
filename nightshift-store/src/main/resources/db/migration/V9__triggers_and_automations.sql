-- The durable record of every external start (schedule, webhook, signed delivery, chat, tracker),
-- written before the origin is acknowledged. One trigger per source and dedupe key: a repeated
-- delivery finds the first one (NULL keys never collide). origin_kind/origin_id name the thread,
-- issue or automation it answers to; claimed_by/lease_until say which node works on it.
CREATE TABLE triggers (
    id          VARCHAR(64)   PRIMARY KEY,
    source      VARCHAR(16)   NOT NULL,
    actor_id    VARCHAR(64),
    repository  VARCHAR(500)  NOT NULL,
    base_branch VARCHAR(255),
    prompt      TEXT          NOT NULL,
    dedupe_key  VARCHAR(500),
    origin_kind VARCHAR(32)   NOT NULL,
    origin_id   VARCHAR(500)  NOT NULL,
    status      VARCHAR(16)   NOT NULL,
    session_id  VARCHAR(64),
    reason      TEXT,
    claimed_by  VARCHAR(128),
    lease_until BIGINT,
    created_at  BIGINT        NOT NULL,
    updated_at  BIGINT        NOT NULL
);
CREATE UNIQUE INDEX triggers_dedupe ON triggers (source, dedupe_key);
CREATE INDEX triggers_unfinished ON triggers (created_at) WHERE status IN ('received', 'admitted');
CREATE INDEX triggers_origin ON triggers (origin_kind, origin_id, created_at);

-- Automations: one trigger each (schedule, webhook or signed), its fields in columns of their own
-- (NULL when another type). The webhook key is stored hashed only. last_fired_at is the newest
-- schedule slot a node has taken: a conditional update on it lets one node alone fire a slot.
CREATE TABLE automations (
    id                   VARCHAR(64)   PRIMARY KEY,
    name                 VARCHAR(200)  NOT NULL,
    repository           VARCHAR(500)  NOT NULL,
    base_branch          VARCHAR(255),
    prompt_template      TEXT          NOT NULL,
    model                VARCHAR(200),
    owner_id             VARCHAR(64)   NOT NULL REFERENCES users (id),
    trigger_type         VARCHAR(16)   NOT NULL,
    cron                 VARCHAR(200),
    timezone             VARCHAR(64),
    idempotency_key_path VARCHAR(500),
    key_hash             VARCHAR(128),
    preset               VARCHAR(16),
    secret_sealed        TEXT,
    signature_header     VARCHAR(200),
    timestamp_header     VARCHAR(200),
    timestamp_window_ms  BIGINT,
    delivery_id_header   VARCHAR(200),
    paused               INTEGER       NOT NULL,
    paused_reason        TEXT          NOT NULL,
    last_fired_at        BIGINT,
    created_at           BIGINT        NOT NULL,
    updated_at           BIGINT        NOT NULL,
    version              BIGINT        NOT NULL
);
CREATE INDEX automations_owner ON automations (owner_id, created_at);
CREATE UNIQUE INDEX automations_key_hash ON automations (key_hash);

-- A webhook's or signed trigger's conditions, in order.
CREATE TABLE automation_conditions (
    automation_id VARCHAR(64)   NOT NULL REFERENCES automations (id) ON DELETE CASCADE,
    position      INTEGER       NOT NULL,
    path          VARCHAR(500)  NOT NULL,
    op            VARCHAR(16)   NOT NULL,
    value_json    TEXT,
    PRIMARY KEY (automation_id, position)
);

-- Every firing of an automation, its history. dedupe_key (a schedule slot, an idempotency key, a
-- delivery id) is unique per automation; at most one run per automation is active (fired or
-- running), whatever the nodes believe.
CREATE TABLE automation_runs (
    id            VARCHAR(64)   PRIMARY KEY,
    automation_id VARCHAR(64)   NOT NULL REFERENCES automations (id) ON DELETE CASCADE,
    status        VARCHAR(16)   NOT NULL,
    reason        TEXT          NOT NULL,
    session_id    VARCHAR(64),
    dedupe_key    VARCHAR(500),
    trigger_id    VARCHAR(64),
    created_at    BIGINT        NOT NULL,
    started_at    BIGINT,
    ended_at      BIGINT
);
CREATE UNIQUE INDEX automation_runs_dedupe ON automation_runs (automation_id, dedupe_key);
CREATE UNIQUE INDEX automation_runs_one_active ON automation_runs (automation_id) WHERE status IN ('fired', 'running');
CREATE INDEX automation_runs_history ON automation_runs (automation_id, created_at, id);
