-- Same as db/migration/sqlite/V4, in PostgreSQL types.

CREATE TABLE batches (
    seq                  BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
    id                   TEXT    PRIMARY KEY,
    project_id           TEXT    NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    endpoint             TEXT    NOT NULL,
    -- the model of the first request, set when validation passes
    model                TEXT,
    input_file_id        TEXT    NOT NULL,
    completion_window    TEXT    NOT NULL,
    status               TEXT    NOT NULL,
    created_at           BIGINT  NOT NULL,
    expires_at           BIGINT  NOT NULL,
    in_progress_at       BIGINT,
    finalizing_at        BIGINT,
    completed_at         BIGINT,
    failed_at            BIGINT,
    expired_at           BIGINT,
    cancelling_at        BIGINT,
    cancelled_at         BIGINT,
    total                BIGINT  NOT NULL DEFAULT 0,
    completed            BIGINT  NOT NULL DEFAULT 0,
    failed               BIGINT  NOT NULL DEFAULT 0,
    output_file_id       TEXT,
    error_file_id        TEXT,
    errors_json          TEXT,
    metadata_json        TEXT,
    output_expires_after BIGINT,
    lease_owner          TEXT,
    lease_until          BIGINT
);

CREATE INDEX batches_project_seq ON batches (project_id, seq);
CREATE INDEX batches_active ON batches (status) WHERE status IN ('validating', 'in_progress', 'finalizing', 'cancelling');

CREATE TABLE batch_requests (
    batch_id    TEXT    NOT NULL REFERENCES batches (id) ON DELETE CASCADE,
    line        INTEGER NOT NULL,
    custom_id   TEXT    NOT NULL,
    byte_offset BIGINT  NOT NULL,
    byte_length INTEGER NOT NULL,
    succeeded   BOOLEAN,
    result      TEXT,
    PRIMARY KEY (batch_id, line)
);
