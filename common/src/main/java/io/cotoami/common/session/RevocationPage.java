package io.cotoami.common.session;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * auth-service's answer to "what was revoked after {@code version}": the revocations in the order
 * they were stored, the version of the last one (what to ask after next time) and whether more
 * follow. A version is opaque to the asker; {@code null} means "from the beginning".
 */
public record RevocationPage(List<Revocation> revocations, String version, boolean more) {
  public RevocationPage {
    revocations = List.copyOf(revocations);
  }

  /** The body of the request on {@code auth.revoked-sessions.list}. */
  public record Query(String after) {
    public JsonObject toJson() {
      return new JsonObject().put("after", after);
    }

    public static Query fromJson(JsonObject json) {
      return new Query(json == null ? null : json.getString("after"));
    }
  }

  /** Nothing after {@code version}. */
  public static RevocationPage none(String version) {
    return new RevocationPage(List.of(), version, false);
  }

  public JsonObject toJson() {
    JsonArray list = new JsonArray();
    revocations.forEach(revocation -> list.add(revocation.toJson()));
    return new JsonObject().put("revocations", list).put("version", version).put("more", more);
  }

  public static RevocationPage fromJson(JsonObject json) {
    JsonArray list = json.getJsonArray("revocations");
    if (list == null) {
      throw new IllegalArgumentException("a revocation page needs 'revocations'");
    }
    List<Revocation> revocations = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      revocations.add(Revocation.fromJson(list.getJsonObject(i)));
    }
    return new RevocationPage(revocations, json.getString("version"), json.getBoolean("more", false));
  }
}
