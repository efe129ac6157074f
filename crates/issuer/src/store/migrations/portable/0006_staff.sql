-- 6: staff accounts and console sessions (issue #18). Passwords as Argon2id PHC strings (NULL for
-- single-sign-on-only accounts), the TOTP secret (RFC 6238) when set, roles as the API tokens'
-- (`issue,revoke,admin`), the last TOTP time step accepted (RFC 6238 §5.2: a code is accepted
-- once), the failed-attempt counter and lockout; single-sign-on accounts are keyed
-- by (university, sso_issuer, sso_subject). Sessions are stored by the SHA-256 hex of their id only.
CREATE TABLE staff_accounts (
    id TEXT PRIMARY KEY,
    university TEXT NOT NULL REFERENCES universities (id),
    username TEXT NOT NULL,
    display_name TEXT NOT NULL,
    email TEXT,
    password_hash TEXT,
    totp_secret TEXT,
    totp_last_step BIGINT,
    roles TEXT NOT NULL,
    failed_attempts BIGINT NOT NULL DEFAULT 0,
    locked_until TEXT,
    disabled BIGINT NOT NULL DEFAULT 0,
    sso_issuer TEXT,
    sso_subject TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (university, username)
);
CREATE UNIQUE INDEX staff_accounts_sso ON staff_accounts (university, sso_issuer, sso_subject);
CREATE TABLE staff_sessions (
    id_hash TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES staff_accounts (id),
    csrf_token TEXT NOT NULL,
    lang TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL
);
CREATE INDEX staff_sessions_account ON staff_sessions (account_id);
CREATE INDEX staff_sessions_expiry ON staff_sessions (expires_at);
