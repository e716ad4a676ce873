-- A transaction that reaches its commit after its caller gave up is rolled back: the caller has
-- answered 503 already, so committing then would be work done after the failure was reported
-- (PostgreSQL frozen with the COMMIT in flight, then resumed). Db.tx sets cotoami.deadline (epoch
-- ms, by this server's clock) at the start of each transaction; these deferred triggers check it
-- at commit. A transaction without one (migrations, the trim job) is not checked.
CREATE FUNCTION check_commit_deadline() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  deadline text := current_setting('cotoami.deadline', true);
BEGIN
  IF deadline IS NOT NULL AND deadline <> ''
      AND extract(epoch FROM clock_timestamp()) * 1000 > deadline::bigint THEN
    RAISE EXCEPTION 'commit after the deadline of its caller' USING ERRCODE = 'P0C01';
  END IF;
  RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER cotos_commit_deadline AFTER INSERT OR UPDATE OR DELETE ON cotos
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION check_commit_deadline();
CREATE CONSTRAINT TRIGGER cotonomas_commit_deadline AFTER INSERT OR UPDATE OR DELETE ON cotonomas
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION check_commit_deadline();
CREATE CONSTRAINT TRIGGER members_commit_deadline AFTER INSERT OR UPDATE OR DELETE ON members
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION check_commit_deadline();
CREATE CONSTRAINT TRIGGER timelines_commit_deadline AFTER INSERT OR UPDATE OR DELETE ON timelines
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION check_commit_deadline();
