-- Batches (/v1/batches): the batch row carries its lifecycle, counts and the lease of the runner
-- working on it; batch_requests holds one row per input line (where it is in the input file,
-- and once run, its output line), so a restarted server resumes where the last one stopped.

CREATE TABLE batches (
    seq                  INTEGER PRIMARY KEY AUTOINCREMENT,
    id                   TEXT    NOT NULL UNIQUE,
    project_id           TEXT    NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    endpoint             TEXT    NOT NULL,
    -- the model of the first request, set when validation passes
    model                TEXT,
    input_file_id        TEXT    NOT NULL,
    completion_window    TEXT    NOT NULL,
    status               TEXT    NOT NULL,
    created_at           INTEGER NOT NULL,
    expires_at           INTEGER NOT NULL,
    in_progress_at       INTEGER,
    finalizing_at        INTEGER,
    completed_at         INTEGER,
    failed_at            INTEGER,
    expired_at           INTEGER,
    cancelling_at        INTEGER,
    cancelled_at         INTEGER,
    total                INTEGER NOT NULL DEFAULT 0,
    completed            INTEGER NOT NULL DEFAULT 0,
    failed               INTEGER NOT NULL DEFAULT 0,
    output_file_id       TEXT,
    error_file_id        TEXT,
    errors_json          TEXT,
    metadata_json        TEXT,
    output_expires_after INTEGER,
    lease_owner          TEXT,
    lease_until          INTEGER
);

CREATE INDEX batches_project_seq ON batches (project_id, seq);
CREATE INDEX batches_active ON batches (status) WHERE status IN ('validating', 'in_progress', 'finalizing', 'cancelling');

CREATE TABLE batch_requests (
    batch_id    TEXT    NOT NULL REFERENCES batches (id) ON DELETE CASCADE,
    line        INTEGER NOT NULL,
    custom_id   TEXT    NOT NULL,
    byte_offset INTEGER NOT NULL,
    byte_length INTEGER NOT NULL,
    -- null until run; then 1 if it goes to the output file, 0 if to the error file
    succeeded   INTEGER CHECK (succeeded IN (0, 1)),
    result      TEXT,
    PRIMARY KEY (batch_id, line)
);
