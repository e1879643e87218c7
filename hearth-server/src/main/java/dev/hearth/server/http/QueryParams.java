package dev.hearth.server.http;

import io.javalin.http.Context;

/** Query parameters with OpenAI's error envelope for bad values. */
public final class QueryParams {
  private QueryParams() {}

  public static Integer integer(Context ctx, String name) {
    String raw = ctx.queryParam(name);
    if (raw == null || raw.isEmpty()) {
      return null;
    }
    try {
      return Integer.valueOf(raw.trim());
    } catch (NumberFormatException e) {
      throw ApiException.invalidRequest(name, "Invalid value for '" + name + "': expected an integer, got '" + raw + "'.");
    }
  }

  public static boolean bool(Context ctx, String name, boolean fallback) {
    String raw = ctx.queryParam(name);
    if (raw == null || raw.isEmpty()) {
      return fallback;
    }
    return switch (raw.trim()) {
      case "true", "True", "1" -> true;
      case "false", "False", "0" -> false;
      default -> throw ApiException.invalidRequest(name, "Invalid value for '" + name + "': expected a boolean, got '" + raw + "'.");
    };
  }
}
