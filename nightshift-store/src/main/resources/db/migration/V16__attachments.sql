-- Files attached to prompts. The bytes live in the blob store, keyed by their SHA-256; a row says
-- which prompt a file came with and what it is. Names are unique within a session: each is also a
-- file in the session's workspace (.nightshift/attachments/<name>).
CREATE TABLE attachments (
    id          VARCHAR(64)  PRIMARY KEY,
    session_id  VARCHAR(64)  NOT NULL REFERENCES sessions (id),
    message_id  VARCHAR(64)  NOT NULL REFERENCES messages (id),
    ordinal     INTEGER      NOT NULL,
    name        VARCHAR(255) NOT NULL,
    media_type  VARCHAR(100) NOT NULL,
    size_bytes  BIGINT       NOT NULL,
    sha256      VARCHAR(64)  NOT NULL,
    created_at  BIGINT       NOT NULL
);
CREATE INDEX attachments_message ON attachments (message_id, ordinal);
CREATE UNIQUE INDEX attachments_session_name ON attachments (session_id, name);
