package io.cotoami.coto.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Search in PostgreSQL: every SQL statement of it is here. The n-gram index and the functions it
 * is built from are in {@code V3_20_5__search.sql}, which says why they are what they are.
 */
public final class SearchRepository {
  /** A query's terms and what the index is asked for, normalized by the functions the index uses. */
  static final String TERMS = "SELECT t AS terms, search_query_grams(t) AS grams FROM search_terms($1) AS t";
  /**
   * $1 the query's n-grams (through the GIN index), $2 its terms (each must be in the coto), $3
   * the cursor, $4 the caller, $5 the cotonomas they may open, $6 one cotonoma or null, $7 the limit.
   * Readable is what timelines show: the caller's own cotos (their home) and those posted in a
   * cotonoma they may open; also the coto announcing a cotonoma they may open (its name).
   * Materialized, so that the matches are found first (by the index, or by the caller's own cotos
   * when they are fewer) and only then ordered: never a walk down the timeline testing each coto.
   * Only the page's rows are then read whole (a repost's text is read through, see {@link Coto#COLUMNS}).
   */
  static final String SEARCH = "WITH hits AS MATERIALIZED (SELECT c.id, c.seq FROM cotos c "
      + "WHERE c.grams @> $1::text[] "
      + "AND c.seq < $3 "
      + "AND (c.author_id = $4 OR c.cotonoma_key = ANY($5::text[]) OR c.as_cotonoma = ANY($5::text[])) "
      + "AND ($6::text IS NULL OR c.cotonoma_key = $6) "
      + "AND NOT EXISTS (SELECT 1 FROM unnest($2::text[]) AS t WHERE strpos(search_text(c.content, c.summary), t) = 0)) "
      + "SELECT " + Coto.COLUMNS + " FROM (SELECT id, seq FROM hits ORDER BY seq DESC LIMIT $7) AS page "
      + "JOIN cotos c ON c.id = page.id ORDER BY c.seq DESC";
  /**
   * Every cotonoma the caller ($1 user id, $2 email) might open, with their relation to it: those
   * they own or are a member of, and everything below them. Whether they may open each is then
   * decided by {@link Access} (an owned sub-cotonoma is not theirs once they may not open its parent).
   */
  static final String CANDIDATES = "WITH RECURSIVE tree AS ("
      + "SELECT o.key, o.parent_key FROM cotonomas o WHERE o.owner_id = $1 "
      + "UNION SELECT n.key, n.parent_key FROM members m JOIN cotonomas n ON n.key = m.cotonoma_key WHERE m.email = $2 "
      + "UNION SELECT n.key, n.parent_key FROM cotonomas n JOIN tree ON n.parent_key = tree.key) "
      + "SELECT tree.key, tree.parent_key, n.owner_id = $1 AS is_owner, EXISTS (SELECT 1 FROM members m "
      + "WHERE m.cotonoma_key = tree.key AND m.email = $2) AS is_member "
      + "FROM tree JOIN cotonomas n ON n.key = tree.key";

  /** A query, normalized: the terms a coto must contain, and the n-grams that find the candidates. */
  public record Terms(List<String> terms, List<String> grams) {
    public boolean isEmpty() {
      return terms.isEmpty();
    }
  }

  public Future<Terms> terms(SqlConnection conn, String query) {
    return conn.preparedQuery(TERMS).execute(Tuple.of(query)).map(rows -> {
      Row row = rows.iterator().next();
      return new Terms(List.of(row.getArrayOfStrings("terms")), List.of(row.getArrayOfStrings("grams")));
    });
  }

  /** The keys of every cotonoma the caller may open, by the rules of {@link Access}. */
  public Future<List<String>> readableCotonomas(SqlConnection conn, UUID callerId, String callerEmail) {
    return conn.preparedQuery(CANDIDATES).execute(Tuple.of(callerId, callerEmail)).map(rows -> {
      Map<String, Row> byKey = new HashMap<>();
      rows.forEach(row -> byKey.put(row.getString("key"), row));
      Map<String, Access.Rights> rights = new HashMap<>();
      List<String> open = new ArrayList<>();
      for (String key : byKey.keySet()) {
        if (rightsOf(key, byKey, rights, new HashSet<>()).open()) {
          open.add(key);
        }
      }
      return open;
    });
  }

  /**
   * The caller's rights on one candidate, from its parent's as {@link Access#fold} does along a
   * path. A parent that is no candidate is one the caller may not open (nor manage, which implies
   * opening): no rights to inherit, as above a top-level cotonoma.
   */
  private static Access.Rights rightsOf(String key, Map<String, Row> byKey, Map<String, Access.Rights> known,
      Set<String> walking) {
    Access.Rights done = known.get(key);
    if (done != null) {
      return done;
    }
    Row row = byKey.get(key);
    String parent = row.getString("parent_key");
    Access.Rights above = parent == null || !byKey.containsKey(parent) || !walking.add(key) ? Access.Rights.NONE
        : rightsOf(parent, byKey, known, walking);
    Access.Rights rights = above.child(parent == null, Boolean.TRUE.equals(row.getBoolean("is_owner")),
        Boolean.TRUE.equals(row.getBoolean("is_member")));
    known.put(key, rights);
    return rights;
  }

  /** A page of the cotos matching {@code terms} among the readable ones, newest first, older than {@code before}. */
  public Future<List<Coto>> search(SqlConnection conn, Terms terms, UUID callerId, List<String> cotonomaKeys,
      String inCotonoma, Long before, int limit) {
    return conn.preparedQuery(SEARCH).execute(params(terms, callerId, cotonomaKeys, inCotonoma, before, limit))
        .map(rows -> {
          List<Coto> cotos = new ArrayList<>(rows.size());
          rows.forEach(row -> cotos.add(Coto.from(row)));
          return cotos;
        });
  }

  /**
   * The parameters of {@link #SEARCH}, as the service sends them (the index test explains the same).
   * Only terms of three characters or more are checked in the text: a coto's n-grams are exactly
   * its substrings of one and two characters (without whitespace, as terms are), so the index
   * answers shorter terms exactly.
   */
  static Tuple params(Terms terms, UUID callerId, List<String> cotonomaKeys, String inCotonoma, Long before,
      int limit) {
    String[] checked = terms.terms().stream().filter(t -> t.codePointCount(0, t.length()) > 2).toArray(String[]::new);
    return Tuple.tuple().addArrayOfString(terms.grams().toArray(String[]::new))
        .addArrayOfString(checked)
        .addLong(before == null ? Long.MAX_VALUE : before)
        .addUUID(callerId)
        .addArrayOfString(cotonomaKeys.toArray(String[]::new))
        .addString(inCotonoma)
        .addInteger(limit);
  }
}
