-- Credentials for git hosts (HTTPS tokens, SSH keys, OAuth tokens), sealed with AES-GCM by the
-- control plane before they reach the database; version is bumped on every change so a refresh
-- can compare-and-set.
CREATE TABLE credentials (
    id                 VARCHAR(64)  PRIMARY KEY,
    user_id            VARCHAR(64)  NOT NULL REFERENCES users (id),
    host               VARCHAR(255) NOT NULL,
    kind               VARCHAR(20)  NOT NULL,
    username           VARCHAR(200),
    secret_sealed      TEXT         NOT NULL,
    refresh_sealed     TEXT,
    expires_at         BIGINT,
    refresh_expires_at BIGINT,
    version            BIGINT       NOT NULL,
    created_at         BIGINT       NOT NULL,
    updated_at         BIGINT       NOT NULL
);
CREATE UNIQUE INDEX credentials_user_host ON credentials (user_id, host);

-- Every credentialed action: who, what, which session, when, and how it ended.
CREATE TABLE audit_log (
    id         VARCHAR(64)   PRIMARY KEY,
    at         BIGINT        NOT NULL,
    user_id    VARCHAR(64),
    session_id VARCHAR(64),
    action     VARCHAR(64)   NOT NULL,
    target     VARCHAR(2000) NOT NULL,
    outcome    VARCHAR(20)   NOT NULL,
    detail     TEXT
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_session ON audit_log (session_id, at);

-- Single-use values with an expiry (OAuth sign-in states); stored hashed, consumed by DELETE.
CREATE TABLE one_time_values (
    value_hash VARCHAR(128)  PRIMARY KEY,
    purpose    VARCHAR(32)   NOT NULL,
    payload    VARCHAR(2000),
    expires_at BIGINT        NOT NULL
);

-- Webhook deliveries already handled, so a redelivery is acknowledged but not applied twice.
CREATE TABLE webhook_deliveries (
    provider    VARCHAR(32)  NOT NULL,
    delivery_id VARCHAR(200) NOT NULL,
    received_at BIGINT       NOT NULL,
    PRIMARY KEY (provider, delivery_id)
);
CREATE INDEX artifacts_url ON artifacts (type, url);
