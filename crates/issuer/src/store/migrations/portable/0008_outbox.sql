-- 8 (portable: the same on SQLite and PostgreSQL): learner notifications (issue #18 item 3), a
-- transactional outbox. A row is inserted in the same transaction as the credential it announces
-- (so a rolled-back issuance leaves no message and a committed one always has its message); the
-- notification worker claims due rows
-- (`pending` → `sending`, one UPDATE ... WHERE state = 'pending', so two workers never take the
-- same row; a `sending` row whose lease ran out is retaken after a crash), sends them by SMTP and
-- marks them `sent`, or retries with exponential back-off until `failed`.
-- `recipient` is personal data: it is shown to staff of the university only, never logged.
-- `share_token` is the learner's share link secret, kept to compose the message (and resends).
-- `message_id` is the stable RFC 5322 Message-ID: a message sent again after a crash in the
-- window between the SMTP server's acceptance and the `sent` mark carries the same id.
CREATE TABLE outbox_messages (
    id TEXT PRIMARY KEY,
    credential_id TEXT NOT NULL REFERENCES credentials (id),
    university TEXT NOT NULL REFERENCES universities (id),
    recipient TEXT NOT NULL,
    language TEXT NOT NULL,
    share_token TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'sent', 'failed')),
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_error TEXT,
    message_id TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    sent_at TEXT,
    updated_at TEXT NOT NULL
);
CREATE INDEX outbox_messages_due ON outbox_messages (state, next_attempt_at);
CREATE INDEX outbox_messages_credential ON outbox_messages (university, credential_id);
