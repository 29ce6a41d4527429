-- Sessions that branch. A fork starts from another session's conversation and workspace at one of
-- its turns' ends (forked_at_seq, the parent's turn_complete); a child session is started by
-- another session's agent (parent_id set, forked_at_seq null). Both name their parent.
ALTER TABLE sessions ADD COLUMN forked_at_seq BIGINT;
CREATE INDEX sessions_parent ON sessions (parent_id, created_at);

-- A turn that waits for its child sessions holds no thread: its prompt stays processing (it still
-- blocks the queue and can be stopped) but is claimed by no node, and waiting_for names the
-- sessions it waits for (one id per line) until one of their turn ends wakes it.
ALTER TABLE messages ADD COLUMN waiting_for TEXT;
