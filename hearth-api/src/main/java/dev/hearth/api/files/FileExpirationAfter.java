package dev.hearth.api.files;

/** The spec's {@code FileExpirationAfter}: {@code anchor} is always {@code created_at}; 3600 ≤ seconds ≤ 2592000. */
public record FileExpirationAfter(String anchor, Long seconds) {
  public static final long MIN_SECONDS = 3600;
  public static final long MAX_SECONDS = 2_592_000;
}
