package dev.hearth.server.generation;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Admission for one model: at most {@code maxConcurrent} sequences generate at once, at most
 * {@code maxQueue} more live requests wait (first come, first served); anything beyond is refused
 * at once with {@link QueueFullException} (the routes answer 429 with {@code Retry-After}), so no
 * request waits without bound behind an unbounded queue.
 *
 * <p>Background work (batch lines) ranks below live traffic: a background request starts only while
 * no live request of the model is running or queued, and background requests together leave one
 * slot free (on a model with more than one), so a live request arriving during a batch starts at
 * once and shares the step loop only with the lines already in flight; within a quiet period
 * (1 s) after live activity, background work holds one slot at most, so that under interactive
 * traffic a live request shares the loop with one batch sequence at most.
 * It waits however long the queue, but not forever: one that has waited {@code backgroundMaxWait}
 * is served in arrival order with the live requests, so a model under constant live load still
 * works through its batches, slowly.
 */
public final class Scheduler {
  /** How long a background request yields to live traffic before it queues as if it were live. */
  public static final Duration DEFAULT_BACKGROUND_MAX_WAIT = Duration.ofSeconds(30);
  /** For this long after live activity, background work holds one slot at most. */
  public static final Duration DEFAULT_QUIET_PERIOD = Duration.ofSeconds(1);
  /** A waiting background request re-checks its age at least this often. */
  private static final long AGE_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  private final int maxConcurrent;
  private final int maxQueue;
  private final long backgroundMaxWaitNanos;
  private final long quietNanos;
  private long lastLive;
  private boolean everLive;
  private final LongSupplier nanoClock;
  private final ReentrantLock lock = new ReentrantLock();
  private final ArrayDeque<Waiter> live = new ArrayDeque<>();
  private final ArrayDeque<Waiter> background = new ArrayDeque<>();
  // Written under the lock; volatile so that the metrics below read them without taking it (a
  // caller polling them in a loop must not starve the admissions that change them).
  private volatile int free;
  private volatile int liveRunning;
  private volatile int backgroundRunning;
  private volatile int liveQueued;
  private volatile int backgroundQueued;

  public Scheduler(int maxConcurrent, int maxQueue) {
    this(maxConcurrent, maxQueue, DEFAULT_BACKGROUND_MAX_WAIT, DEFAULT_QUIET_PERIOD, System::nanoTime);
  }

  /**
   * @param backgroundMaxWait how long a background request yields to live ones at most
   * @param quietPeriod for how long after a live request background work holds one slot at most
   * @param nanoClock {@link System#nanoTime} but in tests
   */
  public Scheduler(int maxConcurrent, int maxQueue, Duration backgroundMaxWait, Duration quietPeriod,
      LongSupplier nanoClock) {
    if (maxConcurrent < 1 || maxQueue < 0) {
      throw new IllegalArgumentException("need max_concurrent_sequences >= 1 and max_queue >= 0");
    }
    this.maxConcurrent = maxConcurrent;
    this.maxQueue = maxQueue;
    this.backgroundMaxWaitNanos = backgroundMaxWait.toNanos();
    this.quietNanos = quietPeriod.toNanos();
    this.nanoClock = nanoClock;
    this.free = maxConcurrent;
  }

  /** A held slot; closing it (once) lets the next request in. */
  public interface Slot extends AutoCloseable {
    @Override
    void close();
  }

  private final class Waiter {
    final int permits;
    final boolean isBackground;
    final long since;
    final Condition granted = lock.newCondition();
    boolean admitted;

    Waiter(int permits, boolean isBackground, long since) {
      this.permits = permits;
      this.isBackground = isBackground;
      this.since = since;
    }

    boolean aged(long now) {
      return isBackground && now - since >= backgroundMaxWaitNanos;
    }
  }

  /** Takes a slot, waiting in the bounded queue if all are busy; refuses when the queue is full too. */
  public Slot admit() {
    return admit(false);
  }

  /**
   * @param background batch work: waits for a slot however long the queue (the batch runner bounds
   *     it), behind every live request; live requests pass false and are refused beyond {@code maxQueue}
   */
  public Slot admit(boolean background) {
    return admit(background, 1);
  }

  /**
   * @param sequences how many sequences the request runs at once ({@code n} choices, {@code best_of}
   *     candidates); it takes that many slots, at most all of them
   */
  public Slot admit(boolean isBackground, int sequences) {
    int permits = Math.max(1, Math.min(sequences, maxConcurrent));
    lock.lock();
    try {
      long now = nanoClock.getAsLong();
      Waiter w = new Waiter(permits, isBackground, now);
      if (!isBackground && live.isEmpty() && oldestAged(now) == null && free >= permits) {
        grant(w);
        return slot(w);
      }
      if (!isBackground && live.size() >= maxQueue) {
        throw new QueueFullException(maxConcurrent, maxQueue);
      }
      (isBackground ? background : live).addLast(w);
      counted();
      dispatch();
      while (!w.admitted) {
        try {
          if (isBackground) {
            long untilAged = w.since + backgroundMaxWaitNanos - nanoClock.getAsLong();
            w.granted.awaitNanos(Math.max(1, Math.min(untilAged, AGE_CHECK_NANOS)));
            dispatch();
          } else {
            w.granted.await();
          }
        } catch (InterruptedException e) {
          if (w.admitted) {
            release(w);
          } else {
            (isBackground ? background : live).remove(w);
            counted();
            dispatch();
          }
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while queued", e);
        }
      }
      return slot(w);
    } finally {
      lock.unlock();
    }
  }

  /** Hands free slots to waiters: live first, in order; background only when no live request runs or waits. */
  private void dispatch() {
    long now = nanoClock.getAsLong();
    while (true) {
      Waiter aged = oldestAged(now);
      Waiter next;
      if (aged != null && (live.isEmpty() || aged.since <= live.peekFirst().since)) {
        next = aged;
      } else if (!live.isEmpty()) {
        next = live.peekFirst();
      } else if (!background.isEmpty() && liveRunning == 0 && fitsBackground(background.peekFirst(), now)) {
        next = background.peekFirst();
      } else {
        return;
      }
      if (next.permits > free) {
        return; // the head waits for enough slots; nobody overtakes it
      }
      (next.isBackground ? background : live).remove(next);
      counted();
      grant(next);
      next.granted.signal();
    }
  }

  private void counted() {
    liveQueued = live.size();
    backgroundQueued = background.size();
  }

  /**
   * Background work leaves one slot free for live requests (when the model has more than one), and
   * holds one slot at most while live requests came within the quiet period: the sequences already
   * running when a live request arrives share the step loop with it until they finish.
   */
  private boolean fitsBackground(Waiter w, long now) {
    int cap = everLive && now - lastLive < quietNanos ? 1 : maxConcurrent - 1;
    return backgroundRunning == 0 || backgroundRunning + w.permits <= cap;
  }

  private Waiter oldestAged(long now) {
    Waiter first = background.peekFirst();
    return first != null && first.aged(now) ? first : null;
  }

  private void grant(Waiter w) {
    w.admitted = true;
    free -= w.permits;
    if (w.isBackground) {
      backgroundRunning += w.permits;
    } else {
      liveRunning += w.permits;
      lastLive = nanoClock.getAsLong();
      everLive = true;
    }
  }

  private void release(Waiter w) {
    free += w.permits;
    if (w.isBackground) {
      backgroundRunning -= w.permits;
    } else {
      liveRunning -= w.permits;
      lastLive = nanoClock.getAsLong();
    }
    dispatch();
  }

  private Slot slot(Waiter w) {
    boolean[] released = new boolean[1];
    return () -> {
      lock.lock();
      try {
        if (!released[0]) {
          released[0] = true;
          release(w);
        }
      } finally {
        lock.unlock();
      }
    };
  }

  public int maxConcurrent() {
    return maxConcurrent;
  }

  public int maxQueue() {
    return maxQueue;
  }

  /** Live requests waiting for a slot right now (tests and metrics). */
  public int queued() {
    return liveQueued;
  }

  /** Background requests waiting for a slot right now (tests and metrics). */
  public int backgroundQueued() {
    return backgroundQueued;
  }

  /** Slots free right now (tests and metrics). */
  public int available() {
    return free;
  }

  /** Slots held by background requests right now (tests and metrics). */
  public int backgroundRunning() {
    return backgroundRunning;
  }

  /** Thrown by {@link #admit} when both the running slots and the queue are full. */
  public static final class QueueFullException extends RuntimeException {
    public QueueFullException(int maxConcurrent, int maxQueue) {
      super("The model is at capacity (" + maxConcurrent + " running, " + maxQueue + " queued); please retry shortly.",
          null, false, false);
    }
  }
}
