package dev.hearth.server.embeddings;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Base64;

/** Small vector helpers: normalisation as torch.nn.functional.normalize does it, truncation, base64. */
public final class Vectors {
  private Vectors() {}

  /** Divides by the L2 norm (never by less than 1e-12, as torch does). Modifies and returns {@code v}. */
  public static float[] normalize(float[] v) {
    double sum = 0;
    for (float x : v) {
      sum += (double) x * x;
    }
    double norm = Math.max(Math.sqrt(sum), 1e-12);
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (v[i] / norm);
    }
    return v;
  }

  /** The first {@code dimensions} components, re-normalised to unit length (what OpenAI's {@code dimensions} does). */
  public static float[] truncate(float[] v, int dimensions) {
    if (dimensions >= v.length) {
      return v;
    }
    return normalize(Arrays.copyOf(v, dimensions));
  }

  /** Little-endian float32 bytes, base64: what {@code encoding_format: base64} returns. */
  public static String base64(float[] v) {
    ByteBuffer buf = ByteBuffer.allocate(v.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    buf.asFloatBuffer().put(v);
    return Base64.getEncoder().encodeToString(buf.array());
  }

  /** The inverse of {@link #base64}. */
  public static float[] fromBase64(String s) {
    ByteBuffer buf = ByteBuffer.wrap(Base64.getDecoder().decode(s)).order(ByteOrder.LITTLE_ENDIAN);
    float[] v = new float[buf.remaining() / Float.BYTES];
    buf.asFloatBuffer().get(v);
    return v;
  }

  public static double dot(float[] a, float[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += (double) a[i] * b[i];
    }
    return sum;
  }
}
