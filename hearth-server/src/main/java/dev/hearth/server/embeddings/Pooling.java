package dev.hearth.server.embeddings;

import java.util.Locale;

/** How token embeddings become one sentence vector, as sentence-transformers' Pooling module does it. */
public enum Pooling {
  /** Average of the token vectors over the attention mask (all-MiniLM-L6-v2). */
  MEAN,
  /** The first token's vector, {@code [CLS]} (bge-*). */
  CLS;

  public static Pooling parse(String value) {
    try {
      return valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown pooling '" + value + "' (known: mean, cls)");
    }
  }
}
