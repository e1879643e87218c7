-- Same as db/migration/sqlite/V3, in PostgreSQL types.

CREATE TABLE files (
    seq            BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
    id             TEXT    PRIMARY KEY,
    project_id     TEXT    NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    filename       TEXT    NOT NULL,
    purpose        TEXT    NOT NULL,
    bytes          BIGINT  NOT NULL,
    content_type   TEXT    NOT NULL,
    status         TEXT    NOT NULL,
    status_details TEXT,
    created_at     BIGINT  NOT NULL,
    expires_at     BIGINT
);

CREATE INDEX files_project_seq ON files (project_id, seq);
CREATE INDEX files_expires_at ON files (expires_at) WHERE expires_at IS NOT NULL;

CREATE TABLE uploads (
    seq                  BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
    id                   TEXT    PRIMARY KEY,
    project_id           TEXT    NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    filename             TEXT    NOT NULL,
    purpose              TEXT    NOT NULL,
    bytes                BIGINT  NOT NULL,
    mime_type            TEXT    NOT NULL,
    status               TEXT    NOT NULL,
    created_at           BIGINT  NOT NULL,
    expires_at           BIGINT  NOT NULL,
    file_expires_after   BIGINT,
    file_id              TEXT
);

CREATE INDEX uploads_project_seq ON uploads (project_id, seq);
CREATE INDEX uploads_pending_expiry ON uploads (expires_at) WHERE status = 'pending';

CREATE TABLE upload_parts (
    seq        BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
    id         TEXT    PRIMARY KEY,
    project_id TEXT    NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    upload_id  TEXT    NOT NULL REFERENCES uploads (id) ON DELETE CASCADE,
    bytes      BIGINT  NOT NULL,
    created_at BIGINT  NOT NULL
);

CREATE INDEX upload_parts_upload ON upload_parts (upload_id, seq);
