-- The language a person signed in with last (from the confirm request's Accept-Language), so that
-- mail others cause them (an invitation) is in their language (issue 16). Null: not known yet.
ALTER TABLE users ADD COLUMN language text CHECK (language IN ('en', 'ja'));
