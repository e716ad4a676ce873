-- Imports (POST /api/import). An imported record gets a new id or key; import_ids remembers which
-- record of the document became which row, per importing user, so the same document imported again
-- writes nothing twice.
CREATE TABLE import_ids (
  user_id  uuid NOT NULL,
  -- 'cotonoma', 'coto', 'pin' or 'connection': a document's ids are unique within their kind.
  kind     text NOT NULL,
  source   text NOT NULL CHECK (char_length(source) BETWEEN 1 AND 64),
  target   text NOT NULL,
  PRIMARY KEY (user_id, kind, source)
);

-- One row per import job: its progress is read by GET /api/import/{id}, on any instance.
CREATE TABLE import_jobs (
  id           uuid        PRIMARY KEY,
  user_id      uuid        NOT NULL,
  -- running, done or failed. A running job whose heartbeat stopped (its instance died) is reported
  -- as failed: its transaction was rolled back with the instance's connection.
  state        text        NOT NULL CHECK (state IN ('running', 'done', 'failed')),
  total        integer     NOT NULL,
  done         integer     NOT NULL DEFAULT 0,
  result       jsonb,
  problem      jsonb,
  created_at   timestamptz NOT NULL DEFAULT now(),
  heartbeat_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX import_jobs_user_idx ON import_jobs (user_id, created_at DESC);
