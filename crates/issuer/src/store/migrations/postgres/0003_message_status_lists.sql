-- 3: status lists of purpose `message` (Bitstring Status List v1.0 §2.1, `statusSize` 2): the one
-- status entry of EDC awards, its two bits the revocation and the suspension of the credential
-- (docs/adr/0003-edc-conformant-status.md). `status_entries.value` holds the 2-bit value there.
ALTER TABLE status_lists DROP CONSTRAINT IF EXISTS status_lists_purpose_check;
ALTER TABLE status_lists ADD CONSTRAINT status_lists_purpose_check
    CHECK (purpose IN ('revocation', 'suspension', 'message'));
