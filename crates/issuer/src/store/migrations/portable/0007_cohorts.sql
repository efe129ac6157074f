-- 7: cohort issuance in the staff console (issue #18). Portable SQL: SQLite and PostgreSQL run
-- this same file. A cohort is an uploaded CSV/XLSX read into records (`records`: JSON
-- {"header": [...], "rows": [{"line": n, "cells": [...]}]}), checked and fixed in the console,
-- then issued as one batch under the Idempotency-Key `idempotency_key` (its rows' credentials
-- carry batch_key `<key>#<row>`). Learner data stays in the database (never logged).
-- `result` (JSON, set when the batch finished) holds each row's credential id and share-link
-- token (a bearer secret, shown only in the console) or its findings.
CREATE TABLE cohorts (
    id TEXT PRIMARY KEY,
    university TEXT NOT NULL REFERENCES universities(id),
    specification TEXT,
    version BIGINT,
    created_by TEXT NOT NULL,
    state TEXT NOT NULL,
    source TEXT NOT NULL,
    records TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    total BIGINT NOT NULL DEFAULT 0,
    result TEXT,
    error TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX cohorts_by_university ON cohorts (university, created_at);
