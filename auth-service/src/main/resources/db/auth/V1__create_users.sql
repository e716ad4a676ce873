-- auth-service owns the schema "auth": the people who signed in at least once.
CREATE TABLE users (
  id          uuid        PRIMARY KEY,
  -- Normalised (trimmed, lower-cased) so one person is one user whatever they type.
  email       text        NOT NULL UNIQUE CHECK (char_length(email) <= 254),
  name        text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 50),
  created_at  timestamptz NOT NULL DEFAULT now()
);
