-- Projects own every other object; api keys authenticate requests to one project.
-- Timestamps are unix epoch seconds, as the OpenAI API reports them.
-- seq is the insertion order that lists page by (AUTOINCREMENT: never reused, even after deletes).

CREATE TABLE projects (
    seq                 INTEGER PRIMARY KEY AUTOINCREMENT,
    id                  TEXT    NOT NULL UNIQUE,
    name                TEXT    NOT NULL UNIQUE,
    retention_days      INTEGER NOT NULL,
    zero_data_retention INTEGER NOT NULL CHECK (zero_data_retention IN (0, 1)),
    created_at          INTEGER NOT NULL
);

-- No rows for a project means every model is allowed.
CREATE TABLE project_allowed_models (
    project_id TEXT    NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    model      TEXT    NOT NULL,
    PRIMARY KEY (project_id, model)
);

CREATE TABLE api_keys (
    seq            INTEGER PRIMARY KEY AUTOINCREMENT,
    id             TEXT    NOT NULL UNIQUE,
    project_id     TEXT    NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    name           TEXT    NOT NULL,
    -- Lowercase hex SHA-256 of the secret; the secret itself is never stored.
    secret_sha256  TEXT    NOT NULL UNIQUE,
    redacted_value TEXT    NOT NULL,
    created_at     INTEGER NOT NULL,
    last_used_at   INTEGER,
    revoked_at     INTEGER
);

CREATE INDEX api_keys_project_seq ON api_keys (project_id, seq);
