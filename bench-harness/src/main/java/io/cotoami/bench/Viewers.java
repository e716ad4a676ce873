package io.cotoami.bench;

import io.vertx.core.Vertx;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.UUID;

/**
 * Distinct viewers of one cotonoma (issue 17: one token shared by every subscriber hid what presence
 * costs across users): a signed-in user each, made a member. The memberships are written straight into
 * coto-service's table, in one batch, because the set-up of the test data is not what is measured (adding
 * 10,000 members through the API would also queue 10,000 invitation mails).
 */
final class Viewers {
  private Viewers() {
  }

  /** Mints a token for each of {@code count} new users and makes each a member of {@code cotonomaKey}. */
  static String[] admit(Stack stack, Vertx vertx, String cotonomaKey, int count) throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    String[] tokens = new String[count];
    try (Connection db = DriverManager.getConnection(stack.pg.jdbcUrl(), stack.pg.user(), stack.pg.password());
         PreparedStatement insert = db.prepareStatement(
             "INSERT INTO coto.members (cotonoma_key, email) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
      for (int i = 0; i < count; i++) {
        String email = "viewer-" + i + "-" + run + "@example.com";
        tokens[i] = stack.keys.token(vertx, UUID.randomUUID().toString(), email, "viewer " + i);
        insert.setString(1, cotonomaKey);
        insert.setString(2, email);
        insert.addBatch();
      }
      insert.executeBatch();
    }
    Bench.say("fan-out: " + count + " distinct viewers made members of the cotonoma");
    return tokens;
  }
}
