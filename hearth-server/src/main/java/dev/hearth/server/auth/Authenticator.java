package dev.hearth.server.auth;

import dev.hearth.server.http.ApiException;
import dev.hearth.store.ApiKey;
import dev.hearth.store.ApiKeyStore;
import dev.hearth.store.Project;
import dev.hearth.store.ProjectStore;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Resolves the {@code Authorization: Bearer sk-…} header to a {@link Principal}.
 *
 * <p>Secure by default: while no API key exists, a server bound to loopback accepts any (or no)
 * key and treats the caller as the {@code default} project with admin rights, so a fresh
 * install works with the SDKs' placeholder keys; {@code HearthServer} refuses to start on any
 * other address without keys. Once a key exists, every request needs a valid one — also on
 * loopback, and without a restart.
 */
public final class Authenticator {
  public static final String DEFAULT_PROJECT = "default";
  private static final long KEY_CHECK_INTERVAL_NANOS = 1_000_000_000L;

  private final ApiKeyStore keys;
  private final ProjectStore projects;
  private final boolean openWithoutKeys;
  private final LongSupplier nanoTime;
  private volatile long keysCheckedAt;
  private volatile boolean keysExist;
  private volatile String defaultProjectId;
  /** Recently verified keys, so a busy client costs a map lookup instead of a database read. */
  private final ConcurrentHashMap<String, VerifiedKey> verified = new ConcurrentHashMap<>();
  private final long keyCacheNanos;

  private record VerifiedKey(Principal principal, long verifiedAt) {}

  /**
   * @param keyCache how long a verified key is trusted without asking the store again; a key revoked
   *     with the CLI stops working within this time (zero: checked on every request)
   */
  public Authenticator(ApiKeyStore keys, ProjectStore projects, boolean openWithoutKeys, Duration keyCache) {
    this(keys, projects, openWithoutKeys, keyCache, System::nanoTime);
  }

  Authenticator(ApiKeyStore keys, ProjectStore projects, boolean openWithoutKeys, Duration keyCache, LongSupplier nanoTime) {
    this.keys = keys;
    this.projects = projects;
    this.openWithoutKeys = openWithoutKeys;
    this.keyCacheNanos = keyCache.toNanos();
    this.nanoTime = nanoTime;
    this.keysCheckedAt = nanoTime.getAsLong() - KEY_CHECK_INTERVAL_NANOS;
  }

  public Principal authenticate(String authorization) {
    if (openWithoutKeys && !keysExist()) {
      return new Principal(defaultProjectId(), null, true);
    }
    String secret = bearer(authorization);
    if (secret == null) {
      throw ApiException.unauthorized(
          "You didn't provide an API key. You need to provide your API key in an Authorization header"
              + " using Bearer auth (i.e. Authorization: Bearer YOUR_KEY). Create one with"
              + " `hearth keys create --project NAME`.");
    }
    long now = nanoTime.getAsLong();
    VerifiedKey cached = verified.get(secret);
    if (cached != null && now - cached.verifiedAt() < keyCacheNanos) {
      return cached.principal();
    }
    Optional<ApiKey> key = keys.authenticate(secret);
    if (key.isEmpty()) {
      verified.remove(secret);
      throw ApiException.unauthorized("Incorrect API key provided: " + redact(secret) + ".");
    }
    ApiKey k = key.get();
    Principal principal = new Principal(k.projectId(), k.id(), k.admin());
    if (keyCacheNanos > 0) {
      if (verified.size() >= MAX_CACHED_KEYS) {
        verified.clear(); // only valid keys are cached, so this takes many real keys: start over
      }
      verified.put(secret, new VerifiedKey(principal, now));
    }
    return principal;
  }

  private static final int MAX_CACHED_KEYS = 10_000;

  /** Whether requests without a key are accepted right now (no keys exist, bound to loopback). */
  public boolean open() {
    return openWithoutKeys && !keysExist();
  }

  private boolean keysExist() {
    long now = nanoTime.getAsLong();
    if (keysExist) {
      return true; // keys are only ever added while running; revoking the last one needs a restart to reopen
    }
    if (now - keysCheckedAt >= KEY_CHECK_INTERVAL_NANOS) {
      keysExist = keys.anyActive();
      keysCheckedAt = now;
    }
    return keysExist;
  }

  private String defaultProjectId() {
    String id = defaultProjectId;
    if (id == null) {
      Project project = projects.getOrCreate(DEFAULT_PROJECT);
      id = project.id();
      defaultProjectId = id;
    }
    return id;
  }

  private static String bearer(String authorization) {
    if (authorization == null) {
      return null;
    }
    String value = authorization.trim();
    if (value.regionMatches(true, 0, "Bearer ", 0, 7)) {
      value = value.substring(7).trim();
    }
    return value.isEmpty() ? null : value;
  }

  static String redact(String secret) {
    if (secret.length() <= 8) {
      return "****";
    }
    return secret.substring(0, Math.min(6, secret.length() / 4)) + "*".repeat(4) + secret.substring(secret.length() - 4);
  }
}
