-- Same as db/migration/sqlite/V2, in PostgreSQL types.
ALTER TABLE api_keys ADD COLUMN admin BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE projects ADD COLUMN archived_at BIGINT;
