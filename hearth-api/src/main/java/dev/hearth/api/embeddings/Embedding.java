package dev.hearth.api.embeddings;

/**
 * The spec's {@code Embedding}. {@code embedding} is a {@code float[]} for
 * {@code encoding_format: float}, or a {@code String} (base64 of little-endian float32) for
 * {@code base64}.
 */
public record Embedding(String object, int index, Object embedding) {

  public static Embedding of(int index, float[] vector) {
    return new Embedding("embedding", index, vector);
  }

  public static Embedding base64(int index, String vector) {
    return new Embedding("embedding", index, vector);
  }
}
