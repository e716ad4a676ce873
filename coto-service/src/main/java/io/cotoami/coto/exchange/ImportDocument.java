package io.cotoami.coto.exchange;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * A document to import, read and checked whole ({@code ImportReader}): every reference names a
 * record of the document, so writing it cannot fail half-way on a dangling one. Ids and keys are the
 * document's own; the import gives each record a new one.
 */
public record ImportDocument(List<Cotonoma> cotonomas, List<Coto> cotos, List<Repost> reposts, List<Pin> pins,
    List<Connection> connections) {

  /** @param parentKey null, or an earlier cotonoma of the document */
  public record Cotonoma(String key, String name, String parentKey, OffsetDateTime createdAt, List<String> members) {
  }

  /** @param asCotonoma the cotonoma this coto announces (its content is then the cotonoma's name), or null */
  public record Coto(String id, String content, String summary, String cotonomaKey, String asCotonoma,
      OffsetDateTime postedAt, OffsetDateTime updatedAt) {
  }

  /** @param of a coto of the document (never a repost) */
  public record Repost(String id, String of, String cotonomaKey, OffsetDateTime postedAt) {
  }

  /** @param cotonomaKey the stock: null for home */
  public record Pin(String id, String cotonomaKey, String cotoId, int position) {
  }

  public record Connection(String id, String sourceId, String targetId, String linkingPhrase, int position) {
  }

  /** How many records the import writes, the measure of its progress. */
  public int total() {
    return cotonomas.size() + cotos.size() + reposts.size() + pins.size() + connections.size();
  }
}
