-- Issue 20, item 4: a repost shows a coto in one more cotonoma. It is a row of its own (its
-- author is who reposted, its place is its own seq in that cotonoma's timeline) that links back
-- to the original and copies nothing: its content and summary are read from the original, so an
-- edit shows everywhere, and deleting the original deletes its reposts.
ALTER TABLE cotos
  ADD COLUMN repost_of uuid REFERENCES cotos (id) ON DELETE CASCADE,
  ALTER COLUMN content DROP NOT NULL,
  ADD CONSTRAINT cotos_content_or_repost CHECK ((content IS NULL) = (repost_of IS NOT NULL)),
  -- One repost of a coto per cotonoma: a retry, or a second person, finds the one there.
  ADD CONSTRAINT cotos_repost_once_per_cotonoma UNIQUE (repost_of, cotonoma_key);
