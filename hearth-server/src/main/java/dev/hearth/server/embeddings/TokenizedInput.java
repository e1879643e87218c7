package dev.hearth.server.embeddings;

/** One input's token ids and token type ids, special tokens included; {@link #length()} is what usage counts. */
public record TokenizedInput(long[] ids, long[] typeIds) {
  public int length() {
    return ids.length;
  }
}
