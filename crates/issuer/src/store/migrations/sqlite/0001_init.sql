-- Issuer service schema, SQLite. Keep in step with ../postgres/0001_init.sql.
CREATE TABLE universities (
    id TEXT PRIMARY KEY,
    did TEXT NOT NULL,
    legal_identifier TEXT NOT NULL,
    profile TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    university TEXT NOT NULL REFERENCES universities(id),
    roles TEXT NOT NULL,
    label TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE TABLE specifications (
    id TEXT NOT NULL,
    university TEXT NOT NULL REFERENCES universities(id),
    version BIGINT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    PRIMARY KEY (university, id, version)
);
CREATE TABLE status_lists (
    id TEXT PRIMARY KEY,
    university TEXT NOT NULL REFERENCES universities(id),
    purpose TEXT NOT NULL CHECK (purpose IN ('revocation', 'suspension')),
    size BIGINT NOT NULL,
    perm_key TEXT NOT NULL,
    next_counter BIGINT NOT NULL DEFAULT 0,
    revision BIGINT NOT NULL DEFAULT 0,
    signed_revision BIGINT NOT NULL DEFAULT -1,
    signed_credential TEXT,
    active BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX status_lists_one_active ON status_lists (university, purpose) WHERE active = 1;
CREATE TABLE credentials (
    id TEXT PRIMARY KEY,
    university TEXT NOT NULL REFERENCES universities(id),
    kind TEXT NOT NULL,
    learner_ref TEXT,
    credential TEXT NOT NULL,
    jades TEXT,
    vc_jwt TEXT,
    share_token_hash TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL DEFAULT 'active',
    batch_key TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX credentials_by_university ON credentials (university, created_at);
CREATE UNIQUE INDEX credentials_batch_row ON credentials (university, batch_key);
CREATE TABLE status_entries (
    list_id TEXT NOT NULL REFERENCES status_lists(id),
    idx BIGINT NOT NULL,
    credential_id TEXT NOT NULL REFERENCES credentials(id) DEFERRABLE INITIALLY DEFERRED,
    value BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (list_id, idx),
    UNIQUE (credential_id, list_id)
);
CREATE TABLE idempotency_keys (
    university TEXT NOT NULL REFERENCES universities(id),
    key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    response TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (university, key)
);
CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    university TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    reason TEXT,
    detail TEXT
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
