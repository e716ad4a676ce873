-- Personal access tokens, for scripts and integrations. The token itself is never stored: only
-- its SHA-256 (to recognise a leaked token), and what the owner sees in the list.
CREATE TABLE access_tokens (
  id            text        PRIMARY KEY,
  user_id       uuid        NOT NULL REFERENCES users (id),
  name          text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
  scope         text        NOT NULL CHECK (scope IN ('read', 'read-write')),
  token_sha256  bytea       NOT NULL UNIQUE,
  created_at    timestamptz NOT NULL,
  expires_at    timestamptz,
  last_used_at  timestamptz,
  -- Set once, never cleared: every full read of the revocations includes the unexpired ones,
  -- since the Redis stream keeps a revocation for one session lifetime only.
  revoked_at    timestamptz
);
CREATE INDEX access_tokens_by_user ON access_tokens (user_id, created_at);
CREATE INDEX access_tokens_revoked ON access_tokens (revoked_at) WHERE revoked_at IS NOT NULL;
