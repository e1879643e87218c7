package dev.hearth.server.config;

import java.time.Duration;

/**
 * How batch runners share work.
 *
 * @param lease how long a runner holds a batch without renewing it; after a crash another runner
 *     (or the restarted server) takes the batch over once the lease has run out
 * @param concurrency how many lines of a batch run at once (they rank below live requests)
 */
public record BatchesConfig(Duration lease, int concurrency) {
  public static final BatchesConfig DEFAULTS = new BatchesConfig(Duration.ofSeconds(60), 8);
}
