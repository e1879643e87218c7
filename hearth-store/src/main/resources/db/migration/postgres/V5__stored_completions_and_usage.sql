-- Same as db/migration/sqlite/V5, in PostgreSQL types.

CREATE TABLE stored_completions (
    seq              BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
    id               TEXT    PRIMARY KEY,
    project_id       TEXT    NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    model            TEXT    NOT NULL,
    created_at       BIGINT  NOT NULL,
    expires_at       BIGINT  NOT NULL,
    request_messages TEXT    NOT NULL,
    response         TEXT    NOT NULL
);

CREATE INDEX stored_completions_project_seq ON stored_completions (project_id, seq);
CREATE INDEX stored_completions_project_model_seq ON stored_completions (project_id, model, seq);
CREATE INDEX stored_completions_expires_at ON stored_completions (expires_at);

CREATE TABLE stored_completion_metadata (
    completion_seq BIGINT  NOT NULL REFERENCES stored_completions (seq) ON DELETE CASCADE,
    project_id     TEXT    NOT NULL,
    meta_key       TEXT    NOT NULL,
    meta_value     TEXT    NOT NULL,
    PRIMARY KEY (completion_seq, meta_key)
);

CREATE INDEX stored_completion_metadata_filter ON stored_completion_metadata (project_id, meta_key, meta_value, completion_seq);

CREATE TABLE usage (
    project_id    TEXT    NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    bucket_start  BIGINT  NOT NULL,
    api_key_id    TEXT    NOT NULL,
    model         TEXT    NOT NULL,
    endpoint      TEXT    NOT NULL,
    batch         BOOLEAN NOT NULL,
    requests      BIGINT  NOT NULL,
    input_tokens  BIGINT  NOT NULL,
    output_tokens BIGINT  NOT NULL,
    PRIMARY KEY (project_id, bucket_start, api_key_id, model, endpoint, batch)
);
