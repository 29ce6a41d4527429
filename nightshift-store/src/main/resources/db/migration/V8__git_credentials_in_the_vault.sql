-- Git credentials become entries of the vault: user-scoped secrets with delivery 'git', named
-- 'git@<host>', holding what a git host credential needs besides its sealed value. They keep the
-- sealing (and so the associated data) they had, so nothing is re-sealed here.
ALTER TABLE secrets ADD COLUMN credential_kind VARCHAR(20);
ALTER TABLE secrets ADD COLUMN username VARCHAR(200);
ALTER TABLE secrets ADD COLUMN refresh_sealed TEXT;
ALTER TABLE secrets ADD COLUMN expires_at BIGINT;
ALTER TABLE secrets ADD COLUMN refresh_expires_at BIGINT;

INSERT INTO secrets (id, name, delivery, hosts, methods, path_prefixes, headers, query_params, scope, scope_key,
    value_sealed, created_by, created_at, updated_by, updated_at, version, credential_kind, username, refresh_sealed,
    expires_at, refresh_expires_at)
SELECT id, 'git@' || host, 'git', host, '', '', '', '', 'user', user_id,
    secret_sealed, user_id, created_at, user_id, updated_at, version, kind, username, refresh_sealed,
    expires_at, refresh_expires_at
FROM credentials;

DROP TABLE credentials;
