package dev.hearth.server.generation;

import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Admission for one model: at most {@code maxConcurrent} requests generate at once, at most
 * {@code maxQueue} more wait (first come, first served); anything beyond is refused at once with
 * {@link QueueFullException} (the routes answer 429 with {@code Retry-After}), so no request waits
 * without bound behind an unbounded queue.
 */
public final class Scheduler {
  private final int maxConcurrent;
  private final int maxQueue;
  private final Semaphore running;
  private final AtomicInteger waiting = new AtomicInteger();

  public Scheduler(int maxConcurrent, int maxQueue) {
    if (maxConcurrent < 1 || maxQueue < 0) {
      throw new IllegalArgumentException("need max_concurrent_sequences >= 1 and max_queue >= 0");
    }
    this.maxConcurrent = maxConcurrent;
    this.maxQueue = maxQueue;
    this.running = new Semaphore(maxConcurrent, true);
  }

  /** A held slot; closing it (once) lets the next request in. */
  public interface Slot extends AutoCloseable {
    @Override
    void close();
  }

  /** Takes a slot, waiting in the bounded queue if all are busy; refuses when the queue is full too. */
  public Slot admit() {
    return admit(false);
  }

  /**
   * @param background wait for a slot however long the queue (batch lines: their own runner bounds
   *     them); live requests pass false and are refused beyond {@code maxQueue}
   */
  public Slot admit(boolean background) {
    return admit(background, 1);
  }

  /**
   * @param sequences how many sequences the request runs at once ({@code n} choices, {@code best_of}
   *     candidates); it takes that many slots, at most all of them
   */
  public Slot admit(boolean background, int sequences) {
    int permits = Math.max(1, Math.min(sequences, maxConcurrent));
    if (background) {
      try {
        running.acquire(permits);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while queued", e);
      }
    } else if (!running.tryAcquire(permits)) {
      if (waiting.incrementAndGet() > maxQueue) {
        waiting.decrementAndGet();
        throw new QueueFullException(maxConcurrent, maxQueue);
      }
      try {
        running.acquire(permits);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while queued", e);
      } finally {
        waiting.decrementAndGet();
      }
    }
    boolean[] released = new boolean[1];
    return () -> {
      synchronized (released) {
        if (!released[0]) {
          released[0] = true;
          running.release(permits);
        }
      }
    };
  }

  public int maxConcurrent() {
    return maxConcurrent;
  }

  public int maxQueue() {
    return maxQueue;
  }

  /** Requests waiting for a slot right now (tests and metrics). */
  public int queued() {
    return waiting.get();
  }

  /** Slots free right now (tests and metrics). */
  public int available() {
    return running.availablePermits();
  }

  /** Thrown by {@link #admit} when both the running slots and the queue are full. */
  public static final class QueueFullException extends RuntimeException {
    public QueueFullException(int maxConcurrent, int maxQueue) {
      super("The model is at capacity (" + maxConcurrent + " running, " + maxQueue + " queued); please retry shortly.",
          null, false, false);
    }
  }
}
