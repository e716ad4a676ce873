-- The graph (issue 20, items 1-3): pins (a stock's ordered entry points) and connections (directed,
-- ordered per source coto, with an optional linking phrase). Deleting a coto deletes its pins and
-- connections with it; coto-service writes their events in the same transaction.

-- A stock is a timeline name: 'cotonoma:<key>' for a cotonoma's, 'home:<user id>' for a person's home.
CREATE TABLE pins (
  id          uuid        PRIMARY KEY,
  stock       text        NOT NULL,
  coto_id     uuid        NOT NULL REFERENCES cotos (id) ON DELETE CASCADE,
  author_id   uuid        NOT NULL,
  position    integer     NOT NULL,
  client_id   text        CHECK (client_id IS NULL OR char_length(client_id) <= 64),
  created_at  timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT pins_stock_coto_key UNIQUE (stock, coto_id),
  CONSTRAINT pins_author_client_id_key UNIQUE (author_id, client_id)
);
CREATE INDEX pins_stock_position_idx ON pins (stock, position);
CREATE INDEX pins_coto_idx ON pins (coto_id);

CREATE TABLE connections (
  id             uuid        PRIMARY KEY,
  source_id      uuid        NOT NULL REFERENCES cotos (id) ON DELETE CASCADE,
  target_id      uuid        NOT NULL REFERENCES cotos (id) ON DELETE CASCADE,
  author_id      uuid        NOT NULL,
  linking_phrase text        CHECK (linking_phrase IS NULL OR char_length(linking_phrase) BETWEEN 1 AND 200),
  position       integer     NOT NULL,
  client_id      text        CHECK (client_id IS NULL OR char_length(client_id) <= 64),
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz,
  CONSTRAINT connections_not_self CHECK (source_id <> target_id),
  CONSTRAINT connections_source_target_key UNIQUE (source_id, target_id),
  CONSTRAINT connections_author_client_id_key UNIQUE (author_id, client_id)
);
CREATE INDEX connections_source_position_idx ON connections (source_id, position);
CREATE INDEX connections_target_idx ON connections (target_id);

CREATE CONSTRAINT TRIGGER pins_commit_deadline AFTER INSERT OR UPDATE OR DELETE ON pins
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION check_commit_deadline();
CREATE CONSTRAINT TRIGGER connections_commit_deadline AFTER INSERT OR UPDATE OR DELETE ON connections
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION check_commit_deadline();
