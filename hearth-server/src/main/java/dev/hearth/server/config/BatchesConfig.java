package dev.hearth.server.config;

import java.time.Duration;

/**
 * How batch runners share work.
 *
 * @param lease how long a runner holds a batch without renewing it; after a crash another runner
 *     (or the restarted server) takes the batch over once the lease has run out
 */
public record BatchesConfig(Duration lease) {
  public static final BatchesConfig DEFAULTS = new BatchesConfig(Duration.ofSeconds(60));
}
