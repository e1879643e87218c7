package dev.hearth.server.http;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/** Request ids in OpenAI's shape: {@code req_} and 32 hex digits, sent as {@code x-request-id}. */
public final class RequestIds {
  public static final String HEADER = "x-request-id";
  public static final String CLIENT_HEADER = "x-client-request-id";
  public static final String MDC_KEY = "request_id";

  private RequestIds() {}

  public static String next() {
    byte[] bytes = new byte[16];
    ThreadLocalRandom.current().nextBytes(bytes);
    return "req_" + HexFormat.of().formatHex(bytes);
  }
}
