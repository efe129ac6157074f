-- 4: OpenID4VCI 1.0 credential offers (§4.1) with pre-authorized codes (§3.5) and tx_code PINs
-- (issue #16). Portable SQL: SQLite and PostgreSQL run this same file. Secrets are stored as
-- SHA-256 hashes only: `ref_hash` of the offer's reference in its `credential_offer_uri`,
-- `code_hash` of the pre-authorized code, `tx_code_hash` of the PIN keyed with the code
-- (crate::oid4vci::offers). A code is consumed with `UPDATE ... WHERE used_at IS NULL`, so it is
-- single-use across replicas; `tx_code_attempts` is advanced before every PIN comparison.
CREATE TABLE oid4vci_offers (
    id TEXT PRIMARY KEY,
    university TEXT NOT NULL REFERENCES universities(id),
    credential_id TEXT NOT NULL REFERENCES credentials(id),
    ref_hash TEXT NOT NULL UNIQUE,
    code_hash TEXT NOT NULL UNIQUE,
    configuration_ids TEXT NOT NULL,
    tx_code_hash TEXT,
    tx_code_attempts BIGINT NOT NULL DEFAULT 0,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT
);
CREATE INDEX oid4vci_offers_by_credential ON oid4vci_offers (credential_id);
