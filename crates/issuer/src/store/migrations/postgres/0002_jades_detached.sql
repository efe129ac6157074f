-- 1: `jades` holds the seal with an empty `payload`: the payload is the stored credential without
-- its proof, serialised (checked byte for byte when the credential was issued), and is put back
-- when the seal is downloaded. Halves what each credential takes on disk. Rows from before keep
-- the whole seal (0).
ALTER TABLE credentials ADD COLUMN jades_detached BIGINT NOT NULL DEFAULT 0;

-- Stored credentials are large (display images as base64): compress them with lz4, several times
-- faster than the default pglz, where the server is built with it (PostgreSQL 14+, --with-lz4);
-- elsewhere they keep the default. Only new values are affected.
DO $$
BEGIN
    ALTER TABLE credentials ALTER COLUMN credential SET COMPRESSION lz4;
    ALTER TABLE credentials ALTER COLUMN jades SET COMPRESSION lz4;
EXCEPTION WHEN others THEN
    RAISE NOTICE 'lz4 compression not available; stored credentials use the default';
END
$$;
