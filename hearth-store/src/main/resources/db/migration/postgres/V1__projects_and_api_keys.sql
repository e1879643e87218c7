-- Same schema as db/migration/sqlite/V1, in PostgreSQL types. Keep the two in step.
-- Timestamps are unix epoch seconds, as the OpenAI API reports them.
-- seq is the insertion order that lists page by.

CREATE TABLE projects (
    seq                 BIGINT  GENERATED ALWAYS AS IDENTITY UNIQUE,
    id                  TEXT    PRIMARY KEY,
    name                TEXT    NOT NULL UNIQUE,
    retention_days      INTEGER NOT NULL,
    zero_data_retention BOOLEAN NOT NULL,
    created_at          BIGINT  NOT NULL
);

-- No rows for a project means every model is allowed.
CREATE TABLE project_allowed_models (
    project_id TEXT    NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    model      TEXT    NOT NULL,
    PRIMARY KEY (project_id, model)
);

CREATE TABLE api_keys (
    seq            BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
    id             TEXT   PRIMARY KEY,
    project_id     TEXT   NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    name           TEXT   NOT NULL,
    -- Lowercase hex SHA-256 of the secret; the secret itself is never stored.
    secret_sha256  TEXT   NOT NULL UNIQUE,
    redacted_value TEXT   NOT NULL,
    created_at     BIGINT NOT NULL,
    last_used_at   BIGINT,
    revoked_at     BIGINT
);

CREATE INDEX api_keys_project_seq ON api_keys (project_id, seq);
