-- How far each person has read each cotonoma, kept per user so that every device agrees (issue 16):
-- the list of their cotonomas marks one unread when someone else posted after seen_seq.
CREATE TABLE cotonoma_reads (
  user_id      uuid   NOT NULL,
  cotonoma_key text   NOT NULL REFERENCES cotonomas (key) ON DELETE CASCADE,
  seen_seq     bigint NOT NULL,
  PRIMARY KEY (user_id, cotonoma_key)
);
