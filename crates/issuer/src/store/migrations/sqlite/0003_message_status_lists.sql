-- 3: status lists of purpose `message` (Bitstring Status List v1.0 §2.1, `statusSize` 2): the one
-- status entry of EDC awards, its two bits the revocation and the suspension of the credential
-- (docs/adr/0003-edc-conformant-status.md). `status_entries.value` holds the 2-bit value there.
-- SQLite cannot alter a CHECK constraint; widening one in the stored schema is the documented way
-- (sqlite.org/lang_altertable.html, "making other kinds of table schema changes": removing or
-- loosening CHECK constraints does not change the file format). Rows are unchanged.
PRAGMA writable_schema = ON;
UPDATE sqlite_master
   SET sql = replace(sql, 'CHECK (purpose IN (''revocation'', ''suspension''))',
                          'CHECK (purpose IN (''revocation'', ''suspension'', ''message''))')
 WHERE type = 'table' AND name = 'status_lists';
PRAGMA writable_schema = RESET;
-- The edit above does not change the schema cookie, so connections opened before would keep the
-- old constraint: a real schema change (the same index, rebuilt) makes every connection reload it.
DROP INDEX status_lists_one_active;
CREATE UNIQUE INDEX status_lists_one_active ON status_lists (university, purpose) WHERE active = 1;
