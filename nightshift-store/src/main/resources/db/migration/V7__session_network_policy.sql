-- A session can narrow what its sandbox reaches: its network (none, allowlist, repository) and the
-- names of the secrets it gets (NULL: every secret that applies to it; one name per line otherwise).
ALTER TABLE sessions ADD COLUMN network VARCHAR(20);
ALTER TABLE sessions ADD COLUMN secret_names TEXT;
