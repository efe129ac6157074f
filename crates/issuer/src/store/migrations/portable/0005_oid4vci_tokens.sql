-- 5: OpenID4VCI 1.0 (issue #16): access tokens of the token endpoint (§6; stored as SHA-256 hex,
-- never in plain), the `c_nonce`s of the nonce endpoint (§7; single use) and the `jti`s of DPoP
-- proofs seen (RFC 9449 §11.1; single use per key). Kept in the database, not in the process, so
-- every replica sees the same tokens and a nonce or a DPoP proof is accepted once in all of them.
CREATE TABLE oid4vci_access_tokens (
    token_hash TEXT PRIMARY KEY,
    university TEXT NOT NULL REFERENCES universities (id),
    offer_id TEXT NOT NULL,
    credential_id TEXT NOT NULL REFERENCES credentials (id),
    configuration_ids TEXT NOT NULL,
    dpop_jkt TEXT,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX oid4vci_access_tokens_expiry ON oid4vci_access_tokens (expires_at);
CREATE TABLE oid4vci_nonces (
    nonce_hash TEXT PRIMARY KEY,
    university TEXT NOT NULL REFERENCES universities (id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX oid4vci_nonces_expiry ON oid4vci_nonces (expires_at);
CREATE TABLE oid4vci_dpop_jtis (
    jkt TEXT NOT NULL,
    jti TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    PRIMARY KEY (jkt, jti)
);
CREATE INDEX oid4vci_dpop_jtis_expiry ON oid4vci_dpop_jtis (expires_at);
