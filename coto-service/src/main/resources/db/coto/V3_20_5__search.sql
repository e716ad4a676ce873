-- Search (issue 20, item 5): find cotos, their summaries and cotonoma names (a cotonoma's name is the
-- content of the coto announcing it) by any substring, Japanese included.
--
-- The index is character n-grams in a GIN index on an expression, core PostgreSQL only:
-- * the built-in text search splits on spaces and punctuation, so 京都 inside 京都で会議 is no word;
-- * pg_trgm (the embedded and the deployed PostgreSQL both have it) extracts no trigram from a 1- or
--   2-character query, so 京都 or 会議 would read the whole index, and it keeps only what the
--   database's locale calls letters (CJK drops out under the C locale).
-- So every coto is indexed by the set of its characters and of its pairs of adjacent characters
-- (bigrams), after NFKC (full-width and half-width forms agree) and lower-casing; whitespace never
-- belongs to an n-gram. A query is split on whitespace into terms; a coto is a candidate when its
-- n-grams contain each term's bigrams (a 1-character term: that character), which the GIN index
-- answers; the query then keeps those that contain each term exactly.
--
-- PostgreSQL maintains an expression index in the transaction of every insert, edit and delete,
-- and CREATE INDEX below indexes the cotos that exist already (the backfill). The function bodies
-- are SQL-standard (RETURN), bound when created, so they do not depend on the search_path of
-- whoever runs them (autovacuum's ANALYZE runs with an empty one).

-- What search reads of a coto: content and summary, NFKC, lower case.
CREATE FUNCTION search_text(content text, summary text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN lower(normalize(content || E'\n' || coalesce(summary, ''), NFKC));

-- The distinct characters and bigrams of a coto's search text, none holding whitespace.
CREATE FUNCTION search_grams(content text, summary text) RETURNS text[]
  LANGUAGE sql IMMUTABLE PARALLEL SAFE COST 500
  RETURN (SELECT coalesce(array_agg(DISTINCT g), '{}'::text[])
    FROM (SELECT substr(t.s, i, n) AS g
          FROM (SELECT search_text(content, summary) AS s) t
          CROSS JOIN LATERAL generate_series(1, char_length(t.s)) AS i
          CROSS JOIN (VALUES (1), (2)) AS v (n)
          WHERE i + n - 1 <= char_length(t.s)) grams
    WHERE g !~ '[[:space:]]');

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

CREATE INDEX cotos_search_grams_idx ON cotos USING gin (search_grams(content, summary));
