-- Identity and access for a team: external identities keyed by the provider's immutable subject,
-- deactivation, logins unique regardless of case, scoped tokens and live tokens tied to the token
-- they were minted with.

CREATE TABLE identities (
    id           VARCHAR(64)   PRIMARY KEY,
    user_id      VARCHAR(64)   NOT NULL REFERENCES users (id),
    kind         VARCHAR(20)   NOT NULL,
    issuer       VARCHAR(500)  NOT NULL,
    subject      VARCHAR(255)  NOT NULL,
    login        VARCHAR(200),
    email        VARCHAR(320),
    created_at   BIGINT        NOT NULL,
    last_seen_at BIGINT
);
-- one account at a provider belongs to one user, whatever any node believes
CREATE UNIQUE INDEX identities_subject ON identities (kind, issuer, subject);
CREATE INDEX identities_user ON identities (user_id);

ALTER TABLE users ADD COLUMN deactivated_at BIGINT;
-- "Alice" and "alice" are one login
CREATE UNIQUE INDEX users_login_ci ON users (lower(login));

-- space-separated scope names; NULL on tokens from before scopes (every scope)
ALTER TABLE tokens ADD COLUMN scopes VARCHAR(200);
ALTER TABLE tokens ADD COLUMN parent_id VARCHAR(64);
CREATE INDEX tokens_parent ON tokens (parent_id);

CREATE INDEX audit_log_user ON audit_log (user_id, at);
CREATE INDEX audit_log_action ON audit_log (action, at);
