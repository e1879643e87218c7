package dev.hearth.server.chat.tools;

import java.util.List;

/** Helpers the syntaxes share. */
final class Markers {
  private Markers() {}

  /**
   * Where the longest tail of {@code text} (from {@code from}) that is a proper prefix of
   * {@code marker} starts; {@code text.length()} when there is none.
   */
  static int partialSuffix(String text, int from, String marker) {
    for (int len = Math.min(text.length() - from, marker.length() - 1); len > 0; len--) {
      if (text.startsWith(marker.substring(0, len), text.length() - len)) {
        return text.length() - len;
      }
    }
    return text.length();
  }

  /** The call an object read so far stands for (none while its name is unknown). */
  static List<ToolSyntax.Call> call(String text, JsonScan.CallObject obj) {
    if (obj.name() == null) {
      return List.of();
    }
    String args;
    if (obj.argsFrom() >= 0) {
      args = text.substring(obj.argsFrom(), obj.argsTo() >= 0 ? obj.argsTo() : text.length());
    } else {
      args = obj.end() >= 0 ? "{}" : "";
    }
    return List.of(new ToolSyntax.Call(obj.name(), args, obj.argsTo() >= 0 || (obj.argsFrom() < 0 && obj.end() >= 0)));
  }

  /**
   * Whether the text at {@code i}, whitespace between tokens of {@code pattern} ignored, starts
   * with all of {@code pattern} ({@link Boolean#TRUE}), could still become it (null), or cannot
   * ({@link Boolean#FALSE}). Whitespace is skipped only before the pattern's characters {@code {},"[}.
   */
  static Boolean lenientMatch(String text, int i, String pattern) {
    int j = i;
    for (int p = 0; p < pattern.length(); p++) {
      char c = pattern.charAt(p);
      if (p > 0 && "{[\"".indexOf(c) >= 0) {
        j = JsonScan.skipSpace(text, j);
      }
      if (j >= text.length()) {
        return null;
      }
      if (text.charAt(j) != c) {
        return Boolean.FALSE;
      }
      j++;
    }
    return Boolean.TRUE;
  }

  /** A 9-character alphanumeric id derived from {@code id} (the same id always gives the same one). */
  static String nineAlphanumerics(String id) {
    if (id.matches("[a-zA-Z0-9]{9}")) {
      return id;
    }
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    try {
      byte[] hash = java.security.MessageDigest.getInstance("SHA-256").digest(id.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      StringBuilder sb = new StringBuilder();
      for (int k = 0; k < 9; k++) {
        sb.append(alphabet.charAt((hash[k] & 0xff) % alphabet.length()));
      }
      return sb.toString();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
