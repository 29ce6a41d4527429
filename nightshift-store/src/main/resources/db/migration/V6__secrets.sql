-- The vault: secrets with a name, a scope and where they may be sent; the value is sealed with
-- AES-GCM by the control plane before it reaches the database. scope_key is the repository
-- pattern (scope 'repository'), the user's id (scope 'user') or '' (scope 'deployment'), so one
-- unique index keeps one name per scope. Lists are stored one entry per line.
CREATE TABLE secrets (
    id            VARCHAR(64)   PRIMARY KEY,
    name          VARCHAR(100)  NOT NULL,
    delivery      VARCHAR(16)   NOT NULL,
    hosts         TEXT          NOT NULL,
    methods       TEXT          NOT NULL,
    path_prefixes TEXT          NOT NULL,
    headers       TEXT          NOT NULL,
    query_params  TEXT          NOT NULL,
    scope         VARCHAR(16)   NOT NULL,
    scope_key     VARCHAR(500)  NOT NULL,
    value_sealed  TEXT          NOT NULL,
    created_by    VARCHAR(64),
    created_at    BIGINT        NOT NULL,
    updated_by    VARCHAR(64),
    updated_at    BIGINT        NOT NULL,
    version       BIGINT        NOT NULL
);
CREATE UNIQUE INDEX secrets_scope_name ON secrets (scope, scope_key, name);
