package dev.hearth.server.upstream;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Interrupts the thread that reads an upstream stream once nothing has arrived for the timeout,
 * so a stalled upstream ends the client's stream (with an error event) instead of holding it open.
 * Created and closed on the reading thread; {@link #close} clears an interrupt it caused.
 */
final class StallWatch implements AutoCloseable {
  private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(
      Thread.ofPlatform().daemon().name("hearth-upstream-stall-watch").factory());

  private final Thread reader = Thread.currentThread();
  private final long timeoutNanos;
  private volatile long last = System.nanoTime();
  private boolean closed;
  private boolean fired;
  private ScheduledFuture<?> next;

  StallWatch(Duration timeout) {
    this.timeoutNanos = timeout.toNanos();
    schedule(timeoutNanos);
  }

  /** Data arrived. */
  void touch() {
    last = System.nanoTime();
  }

  synchronized boolean fired() {
    return fired;
  }

  private synchronized void schedule(long delayNanos) {
    if (!closed) {
      next = TIMER.schedule(this::check, delayNanos, TimeUnit.NANOSECONDS);
    }
  }

  private void check() {
    long idle = System.nanoTime() - last;
    synchronized (this) {
      if (closed) {
        return;
      }
      if (idle >= timeoutNanos) {
        fired = true;
        reader.interrupt();
        return;
      }
    }
    schedule(timeoutNanos - idle);
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (next != null) {
      next.cancel(false);
    }
    if (fired) {
      Thread.interrupted();
    }
  }
}
