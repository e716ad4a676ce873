-- coto-service owns the schema "coto". Signed-in users' cotos; anonymous ones live in Redis.
CREATE TABLE cotos (
  id          uuid        PRIMARY KEY,
  -- Strictly increasing: the order of timelines and the cursor of their pages.
  seq         bigint      GENERATED ALWAYS AS IDENTITY UNIQUE,
  author_id   uuid        NOT NULL,
  content     text        NOT NULL CHECK (char_length(content) BETWEEN 1 AND 2500),
  summary     text        CHECK (summary IS NULL OR char_length(summary) <= 200),
  -- Set by the client to make a retried post safe: one coto per (author, client id).
  client_id   text        CHECK (client_id IS NULL OR char_length(client_id) <= 64),
  posted_at   timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz,
  CONSTRAINT cotos_author_client_id_key UNIQUE (author_id, client_id)
);

CREATE INDEX cotos_author_seq_idx ON cotos (author_id, seq DESC);
