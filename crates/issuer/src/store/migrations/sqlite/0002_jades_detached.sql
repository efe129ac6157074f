-- 1: `jades` holds the seal with an empty `payload`: the payload is the stored credential without
-- its proof, serialised (checked byte for byte when the credential was issued), and is put back
-- when the seal is downloaded. Halves what each credential takes on disk. Rows from before keep
-- the whole seal (0).
ALTER TABLE credentials ADD COLUMN jades_detached BIGINT NOT NULL DEFAULT 0;
