-- Which node's sandbox provider holds a session's sandbox (and its snapshot): a restarting node
-- reconciles only the sessions it owned, never those of the other nodes on the same database.
-- NULL on rows from before owners were recorded.
ALTER TABLE sessions ADD COLUMN sandbox_owner VARCHAR(64);
CREATE INDEX sessions_sandbox_owner ON sessions (sandbox_owner, sandbox_status);
