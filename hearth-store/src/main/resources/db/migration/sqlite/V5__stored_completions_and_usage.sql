-- Stored chat completions (store: true) and per-request usage counters.

CREATE TABLE stored_completions (
    seq              INTEGER PRIMARY KEY AUTOINCREMENT,
    id               TEXT    NOT NULL UNIQUE,
    project_id       TEXT    NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    model            TEXT    NOT NULL,
    created_at       INTEGER NOT NULL,
    expires_at       INTEGER NOT NULL,
    -- the request's messages as sent (JSON array) and the response without metadata (JSON object)
    request_messages TEXT    NOT NULL,
    response         TEXT    NOT NULL
);

CREATE INDEX stored_completions_project_seq ON stored_completions (project_id, seq);
CREATE INDEX stored_completions_project_model_seq ON stored_completions (project_id, model, seq);
CREATE INDEX stored_completions_expires_at ON stored_completions (expires_at);

-- The metadata: one row per pair (the only copy), so that metadata[key]=value filters are an index range scan in seq order.
CREATE TABLE stored_completion_metadata (
    completion_seq INTEGER NOT NULL REFERENCES stored_completions (seq) ON DELETE CASCADE,
    project_id     TEXT    NOT NULL,
    meta_key       TEXT    NOT NULL,
    meta_value     TEXT    NOT NULL,
    PRIMARY KEY (completion_seq, meta_key)
);

CREATE INDEX stored_completion_metadata_filter ON stored_completion_metadata (project_id, meta_key, meta_value, completion_seq);

-- Usage counters per project, key, model and endpoint in one-minute buckets; never bodies.
-- api_key_id is '' for requests to a server running open on loopback (no keys).
CREATE TABLE usage (
    project_id    TEXT    NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    bucket_start  INTEGER NOT NULL,
    api_key_id    TEXT    NOT NULL,
    model         TEXT    NOT NULL,
    endpoint      TEXT    NOT NULL,
    batch         INTEGER NOT NULL CHECK (batch IN (0, 1)),
    requests      INTEGER NOT NULL,
    input_tokens  INTEGER NOT NULL,
    output_tokens INTEGER NOT NULL,
    PRIMARY KEY (project_id, bucket_start, api_key_id, model, endpoint, batch)
);
