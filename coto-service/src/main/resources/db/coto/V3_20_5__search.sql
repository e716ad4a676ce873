-- Search (issue 20, item 5): find cotos, their summaries and cotonoma names (a cotonoma's name is the
-- content of the coto announcing it) by any substring, Japanese included.
--
-- The index is character n-grams, stored per coto with a GIN index on them, core PostgreSQL only:
-- * the built-in text search splits on spaces and punctuation, so 京都 inside 京都で会議 is no word;
-- * pg_trgm (the embedded and the deployed PostgreSQL both have it) extracts no trigram from a 1- or
--   2-character query, so 京都 or 会議 would read the whole index, and it keeps only what the
--   database's locale calls letters (CJK drops out under the C locale).
-- So every coto is indexed by the set of its characters and of its pairs of adjacent characters
-- (bigrams), after NFKC (full-width and half-width forms agree) and lower-casing; whitespace never
-- belongs to an n-gram. A query is split on whitespace into terms; a coto is a candidate when its
-- n-grams contain each term's bigrams (a 1-character term: that character), which the GIN index
-- answers (exactly, for terms of one or two characters); longer terms are then checked in the text.
--
-- The n-grams are a generated column with a GIN index, both maintained by PostgreSQL in the
-- transaction of every insert, edit and delete (see the end of this file). The SQL function
-- bodies are SQL-standard (RETURN), bound when created, so they do not depend on the search_path
-- of whoever runs them (autovacuum's ANALYZE runs with pg_catalog only).

-- What search reads of a coto: content and summary, NFKC, lower case.
CREATE FUNCTION search_text(content text, summary text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN lower(normalize(content || E'\n' || coalesce(summary, ''), NFKC));

-- The distinct characters and bigrams of a text, none holding whitespace. PL/pgSQL: an order of
-- magnitude faster than the same in one SQL query, and it runs on every insert and edit. It calls
-- built-in functions only (pg_catalog comes first whatever the search_path).
CREATE FUNCTION search_ngrams(s text) RETURNS text[]
  LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE COST 200 AS $$
DECLARE
  grams text[] := '{}';
  n int := char_length(s);
  ch text;
  nxt text;
BEGIN
  FOR i IN 1..n LOOP
    ch := substr(s, i, 1);
    CONTINUE WHEN ch ~ '[[:space:]]';
    grams := grams || ch;
    IF i < n THEN
      nxt := substr(s, i + 1, 1);
      IF nxt !~ '[[:space:]]' THEN
        grams := grams || (ch || nxt);
      END IF;
    END IF;
  END LOOP;
  RETURN ARRAY(SELECT DISTINCT g FROM unnest(grams) AS g ORDER BY g);
END
$$;

-- A coto's n-grams: those of its search text.
CREATE FUNCTION search_grams(content text, summary text) RETURNS text[]
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN search_ngrams(search_text(content, summary));

-- The terms of a query: normalized as the cotos are, split on whitespace, distinct.
CREATE FUNCTION search_terms(q text) RETURNS text[]
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN (SELECT coalesce(array_agg(DISTINCT term), '{}'::text[])
    FROM regexp_split_to_table(search_text(q, NULL), '[[:space:]]+') AS term
    WHERE term <> '');

-- What the index is asked for: each term's bigrams, or the term itself when it is one character.
CREATE FUNCTION search_query_grams(terms text[]) RETURNS text[]
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN (SELECT coalesce(array_agg(DISTINCT substr(term, i, least(2, char_length(term)))), '{}'::text[])
    FROM unnest(terms) AS term
    CROSS JOIN LATERAL generate_series(1, greatest(char_length(term) - 1, 1)) AS i);

-- Stored, not only indexed: a plan that reads them row by row (the planner charges a bitmap scan's
-- recheck as if it ran, so it would otherwise prefer computing them along the timeline, which for a
-- reader with few matches is a scan of every coto) then reads a column instead of computing them.
-- Adding the column computes it for every existing coto (the backfill); PostgreSQL keeps it and the
-- index current in the transaction of each insert and edit.
ALTER TABLE cotos ADD COLUMN grams text[] GENERATED ALWAYS AS (search_grams(content, summary)) STORED;
CREATE INDEX cotos_grams_idx ON cotos USING gin (grams);
