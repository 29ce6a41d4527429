-- A read-only session (an automatic review): the agent gets only read-only tools on a read-only
-- view of the workspace, and nothing is committed or pushed.
ALTER TABLE sessions ADD COLUMN read_only INTEGER NOT NULL DEFAULT 0;
