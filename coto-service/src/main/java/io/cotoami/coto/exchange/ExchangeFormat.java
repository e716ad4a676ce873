package io.cotoami.coto.exchange;

/**
 * The exported document's one definition: what {@code GET /api/export} writes and {@code POST /api/import}
 * reads (docs/api.md, "Export and import", describes it for people).
 *
 * <pre>
 * { "format": "cotoami-export", "version": 1, "exportedAt": "...",
 *   "cotonomas":   [{"key", "name", "parentKey", "createdAt", "members": ["email", ...]}],
 *   "cotos":       [{"id", "content", "summary", "cotonomaKey", "asCotonoma", "postedAt", "updatedAt"}],
 *   "reposts":     [{"id", "of", "cotonomaKey", "postedAt"}],
 *   "pins":        [{"id", "cotonomaKey", "cotoId", "position"}],
 *   "connections": [{"id", "sourceId", "targetId", "linkingPhrase", "position"}] }
 * </pre>
 *
 * Sections come in this order, each record after the records it names: a parent cotonoma before its
 * children, cotonomas before cotos, cotos before reposts, pins and connections. A {@code cotonomaKey}
 * or {@code parentKey} is null (home, or no parent) or one of the document's cotonomas.
 */
public final class ExchangeFormat {
  public static final String FORMAT = "cotoami-export";
  public static final int VERSION = 1;
  public static final String COTONOMAS = "cotonomas";
  public static final String COTOS = "cotos";
  public static final String REPOSTS = "reposts";
  public static final String PINS = "pins";
  public static final String CONNECTIONS = "connections";
  /** The largest id or key a document may use for a record (ours are UUIDs and 22-character keys). */
  public static final int MAX_ID = 64;

  private ExchangeFormat() {
  }
}
