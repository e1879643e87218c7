package dev.hearth.server.storedcompletions;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes stored completions past their project's retention, on one background thread, in
 * transactions of at most {@code batch} rows (so requests that write interleave with the purge
 * rather than waiting for it). Metrics: {@code hearth_stored_completions_purged_total} (rows removed),
 * {@code hearth_stored_completions_purge_seconds} (runs and their duration),
 * {@code hearth_stored_completions_purge_failures_total}.
 */
final class RetentionPurge implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RetentionPurge.class);
  /** Batches one run removes at most; the rest waits for the next run. */
  static final int MAX_BATCHES_PER_RUN = 1000;

  private final StoredCompletionsService service;
  private final int batch;
  private final ScheduledExecutorService executor;
  private final Counter purged;
  private final Counter failures;
  private final Timer runs;
  private final AtomicLong total = new AtomicLong();

  RetentionPurge(StoredCompletionsService service, Duration interval, int batch, MeterRegistry registry) {
    this.service = service;
    this.batch = batch;
    this.purged = Counter.builder("hearth.stored_completions.purged")
        .description("Stored chat completions deleted by the retention purge").register(registry);
    this.failures = Counter.builder("hearth.stored_completions.purge.failures")
        .description("Retention purge runs that failed").register(registry);
    this.runs = Timer.builder("hearth.stored_completions.purge")
        .description("Retention purge runs").register(registry);
    this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "hearth-retention-purge");
      t.setDaemon(true);
      return t;
    });
    executor.scheduleWithFixedDelay(this::runOnce, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** One run; returns the rows removed. */
  int runOnce() {
    long started = System.nanoTime();
    try {
      int n = service.purge(batch, MAX_BATCHES_PER_RUN);
      purged.increment(n);
      total.addAndGet(n);
      if (n > 0) {
        log.info("retention purge removed {} stored chat completions", n);
      }
      return n;
    } catch (RuntimeException e) {
      failures.increment();
      log.warn("retention purge failed ({}); retrying at the next interval", e.getClass().getName());
      return 0;
    } finally {
      runs.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
    }
  }

  long total() {
    return total.get();
  }

  @Override
  public void close() {
    executor.shutdownNow();
    try {
      executor.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
