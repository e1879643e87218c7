-- Uploaded files (/v1/files) and multi-part uploads (/v1/uploads). The bytes live on disk under
-- <data_dir>/files, at a path derived from the file id; a row exists only once its bytes are in place.

CREATE TABLE files (
    seq            INTEGER PRIMARY KEY AUTOINCREMENT,
    id             TEXT    NOT NULL UNIQUE,
    project_id     TEXT    NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    filename       TEXT    NOT NULL,
    purpose        TEXT    NOT NULL,
    bytes          INTEGER NOT NULL,
    content_type   TEXT    NOT NULL,
    status         TEXT    NOT NULL,
    status_details TEXT,
    created_at     INTEGER NOT NULL,
    expires_at     INTEGER
);

CREATE INDEX files_project_seq ON files (project_id, seq);
CREATE INDEX files_expires_at ON files (expires_at) WHERE expires_at IS NOT NULL;

CREATE TABLE uploads (
    seq                  INTEGER PRIMARY KEY AUTOINCREMENT,
    id                   TEXT    NOT NULL UNIQUE,
    project_id           TEXT    NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    filename             TEXT    NOT NULL,
    purpose              TEXT    NOT NULL,
    bytes                INTEGER NOT NULL,
    mime_type            TEXT    NOT NULL,
    status               TEXT    NOT NULL,
    created_at           INTEGER NOT NULL,
    expires_at           INTEGER NOT NULL,
    -- expires_after[seconds] for the file the upload becomes; null keeps the purpose's default.
    file_expires_after   INTEGER,
    file_id              TEXT
);

CREATE INDEX uploads_project_seq ON uploads (project_id, seq);
CREATE INDEX uploads_pending_expiry ON uploads (expires_at) WHERE status = 'pending';

CREATE TABLE upload_parts (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    id         TEXT    NOT NULL UNIQUE,
    project_id TEXT    NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    upload_id  TEXT    NOT NULL REFERENCES uploads (id) ON DELETE CASCADE,
    bytes      INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE INDEX upload_parts_upload ON upload_parts (upload_id, seq);
