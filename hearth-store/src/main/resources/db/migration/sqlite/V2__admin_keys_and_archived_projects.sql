-- Admin keys may also use the organization endpoints (/v1/organization/*).
ALTER TABLE api_keys ADD COLUMN admin INTEGER NOT NULL DEFAULT 0 CHECK (admin IN (0, 1));
-- Archived projects keep their objects but are listed only on request.
ALTER TABLE projects ADD COLUMN archived_at INTEGER;
