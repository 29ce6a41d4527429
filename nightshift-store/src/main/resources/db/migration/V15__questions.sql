-- Turns that wait for people. The agent's questions (ask_user) and, in a plan-first session, its plan
-- (propose_plan): while one is open its prompt is 'waiting' (held by no node) and the session is
-- 'waiting'; an answer, or the timeout, closes it and makes the prompt processing again, once.
CREATE TABLE questions (
    id          VARCHAR(64)  PRIMARY KEY,
    session_id  VARCHAR(64)  NOT NULL REFERENCES sessions (id),
    message_id  VARCHAR(64)  NOT NULL REFERENCES messages (id),
    -- the tool call that asked: the answer becomes its result
    call_id     VARCHAR(200) NOT NULL,
    -- question | plan
    kind        VARCHAR(20)  NOT NULL,
    -- the question or plan event's data, as logged
    data        TEXT         NOT NULL,
    -- open | answered | timed_out | cancelled
    status      VARCHAR(20)  NOT NULL,
    asked_at    BIGINT       NOT NULL,
    expires_at  BIGINT       NOT NULL,
    answered_by VARCHAR(64),
    answered_at BIGINT
);
-- a turn waits for one thing at a time, and a session runs one turn at a time
CREATE UNIQUE INDEX questions_one_open ON questions (session_id) WHERE status = 'open';
CREATE INDEX questions_session ON questions (session_id, asked_at);
-- the timeout check reads only the open ones, soonest first
CREATE INDEX questions_expiry ON questions (expires_at) WHERE status = 'open';
-- a waiting prompt blocks its session's queue as a processing one does
CREATE UNIQUE INDEX messages_one_waiting ON messages (session_id) WHERE status = 'waiting';

-- A plan-first session: nothing may change until a member approves the agent's plan.
ALTER TABLE sessions ADD COLUMN plan_first INTEGER NOT NULL DEFAULT 0;
