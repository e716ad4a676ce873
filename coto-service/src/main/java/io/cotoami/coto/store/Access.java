package io.cotoami.coto.store;

import io.vertx.sqlclient.Row;
import java.util.ArrayList;
import java.util.List;

/**
 * The rules of sharing, in one place, applied along a path of cotonomas from the top down.
 * Each row says whether the caller owns that cotonoma ({@code is_owner}) and whether their email
 * is one of its members ({@code is_member}).
 * <ul>
 *   <li>The owner of a top-level cotonoma manages everything inside it, at any depth.</li>
 *   <li>The owner of a sub-cotonoma (a member who created it) manages it only while they may open
 *       its parent: removed from the room, they lose their sub-cotonomas in it too.</li>
 *   <li>Membership inherits downwards: whoever may open a cotonoma may open its sub-cotonomas;
 *       a member of a sub-cotonoma alone may open that one and what is below it, not its parent.</li>
 * </ul>
 */
public final class Access {
  private Access() {
  }

  /** What a caller may do with one cotonoma. */
  public record Rights(boolean open, boolean managed) {
    /** Above a top-level cotonoma: nothing, and no parent to inherit from. */
    static final Rights NONE = new Rights(false, false);

    /** The caller's rights on a child from theirs on its parent ({@code top}: there is none). */
    public Rights child(boolean top, boolean owner, boolean member) {
      boolean childManaged = top ? owner : managed || owner && open;
      return new Rights(childManaged || member || !top && open, childManaged);
    }
  }

  /** The path with the caller's rights on each cotonoma, in the same (top-down) order. */
  static List<Cotonoma> fold(List<Row> topDown) {
    List<Cotonoma> path = new ArrayList<>(topDown.size());
    Rights rights = Rights.NONE;
    for (Row row : topDown) {
      rights = rights.child(path.isEmpty(), Boolean.TRUE.equals(row.getBoolean("is_owner")),
          Boolean.TRUE.equals(row.getBoolean("is_member")));
      path.add(Cotonoma.from(row, rights.open(), rights.managed()));
    }
    return path;
  }
}
