-- Cotonomas (rooms of cotos, nested), their members, and the events of every timeline.

CREATE TABLE cotonomas (
  -- Random, URL-safe, not guessable (128 bits): the key is how a cotonoma is shared.
  key         text        PRIMARY KEY CHECK (char_length(key) BETWEEN 16 AND 64),
  name        text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 50),
  owner_id    uuid        NOT NULL,
  parent_key  text        REFERENCES cotonomas (key),
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz
);
-- A name is unique per owner, whatever its case.
CREATE UNIQUE INDEX cotonomas_owner_name_key ON cotonomas (owner_id, lower(name));
CREATE INDEX cotonomas_parent_idx ON cotonomas (parent_key) WHERE parent_key IS NOT NULL;

ALTER TABLE cotos
  -- The cotonoma the coto was posted in (null: only on its author's home timeline).
  ADD COLUMN cotonoma_key text REFERENCES cotonomas (key),
  -- Set on the coto that announces a cotonoma: creating one posts it like a coto.
  ADD COLUMN as_cotonoma  text UNIQUE REFERENCES cotonomas (key);
CREATE INDEX cotos_cotonoma_seq_idx ON cotos (cotonoma_key, seq DESC) WHERE cotonoma_key IS NOT NULL;

-- By email (trimmed, lower-cased), so a person who has not signed in yet is a member from their first sign-in.
CREATE TABLE members (
  cotonoma_key text        NOT NULL REFERENCES cotonomas (key) ON DELETE CASCADE,
  email        text        NOT NULL CHECK (email = lower(btrim(email)) AND char_length(email) BETWEEN 3 AND 254),
  added_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (cotonoma_key, email)
);
CREATE INDEX members_email_idx ON members (email);

-- One counter row per timeline ('home:<user id>', 'cotonoma:<key>'): updating it in a transaction
-- locks it until commit, so event ids of a timeline are committed in order, without gaps.
CREATE TABLE timelines (
  name          text   PRIMARY KEY,
  last_event_id bigint NOT NULL
);

-- Every change, written in the transaction of the change and published on the bus after commit,
-- so that live clients can replay what they missed (issue 5).
CREATE TABLE timeline_events (
  timeline    text        NOT NULL,
  event_id    bigint      NOT NULL,
  type        text        NOT NULL,
  payload     jsonb       NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (timeline, event_id)
);
