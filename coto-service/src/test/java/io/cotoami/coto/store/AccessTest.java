package io.cotoami.coto.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cotoami.coto.store.Access.Rights;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class AccessTest {
  private static final Rights NONE = new Rights(false, false);
  private static final Rights OPEN = new Rights(true, false);
  private static final Rights MANAGED = new Rights(true, true);

  @Test
  @DisplayName("At the top, the owner manages, a member opens, anyone else has nothing")
  void top() {
    assertEquals(MANAGED, Rights.NONE.child(true, true, false));
    assertEquals(OPEN, Rights.NONE.child(true, false, true));
    assertEquals(NONE, Rights.NONE.child(true, false, false));
  }

  @Test
  @DisplayName("Inside: managing and opening inherit; owning a sub-cotonoma counts only while its parent opens")
  void inside() {
    assertEquals(MANAGED, MANAGED.child(false, false, false), "the room's owner, at any depth");
    assertEquals(OPEN, OPEN.child(false, false, false), "membership inherits");
    assertEquals(MANAGED, OPEN.child(false, true, false), "a member's own sub-cotonoma");
    assertEquals(NONE, NONE.child(false, true, false), "removed from the room: their sub-cotonoma is gone too");
    assertEquals(OPEN, NONE.child(false, false, true), "a member of the sub-cotonoma alone");
    assertEquals(NONE, NONE.child(false, false, false));
  }
}
