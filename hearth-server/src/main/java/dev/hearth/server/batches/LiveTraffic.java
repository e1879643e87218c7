package dev.hearth.server.batches;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Live requests in flight per resource, so that batch lines can yield to them. The generation
 * models have this in their scheduler; this is the same idea for the engines without one (the
 * embedding encoder behind {@code /v1/embeddings} and {@code /v1/moderations}). A batch line that
 * needs the resource takes a {@link Permit} from {@link #yieldTo} and holds it while it runs:
 *
 * <ul>
 *   <li>it waits while more than {@code threshold} live requests use the resource;
 *   <li>while live requests have used it within the last {@code quietPeriod}, batch lines run one
 *       at a time, so that a live request arriving between them finds at most one line ahead of it
 *       (not every line the runner has in flight);
 *   <li>it never waits longer than {@code maxWait}, so that a batch under constant live load still
 *       moves on.
 * </ul>
 */
public final class LiveTraffic {
  private static final long RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  private static final class Use {
    int live;
    int background;
    long lastLive;
    boolean everLive;
  }

  private final Map<String, Use> uses = new HashMap<>();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final int threshold;
  private final long quietNanos;
  private final long maxWaitNanos;
  private final LongSupplier nanoClock;
  private volatile int yielding;

  /**
   * @param threshold live requests in flight that batch lines still run alongside
   * @param quietPeriod how long after a live request batch lines still run one at a time
   * @param maxWait how long a batch line yields at most
   */
  public LiveTraffic(int threshold, Duration quietPeriod, Duration maxWait) {
    this(threshold, quietPeriod, maxWait, System::nanoTime);
  }

  LiveTraffic(int threshold, Duration quietPeriod, Duration maxWait, LongSupplier nanoClock) {
    this.threshold = threshold;
    this.quietNanos = quietPeriod.toNanos();
    this.maxWaitNanos = maxWait.toNanos();
    this.nanoClock = nanoClock;
  }

  /** A batch line's hold on the resource; closing it (once) lets the next line in. */
  public interface Permit extends AutoCloseable {
    @Override
    void close();
  }

  /** A live request for {@code resource} starts. */
  public void begin(String resource) {
    lock.lock();
    try {
      Use u = uses.computeIfAbsent(resource, k -> new Use());
      u.live++;
      u.lastLive = nanoClock.getAsLong();
      u.everLive = true;
    } finally {
      lock.unlock();
    }
  }

  /** The live request for {@code resource} that {@link #begin} counted has finished (answered or failed). */
  public void end(String resource) {
    lock.lock();
    try {
      Use u = uses.get(resource);
      if (u != null && u.live > 0) {
        u.live--;
        u.lastLive = nanoClock.getAsLong();
        changed.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Live requests for {@code resource} in flight right now. */
  public int inFlight(String resource) {
    lock.lock();
    try {
      Use u = uses.get(resource);
      return u == null ? 0 : u.live;
    } finally {
      lock.unlock();
    }
  }

  /** Batch lines waiting for a resource right now (tests and metrics). */
  public int yielding() {
    return yielding;
  }

  /** Waits until a batch line may use {@code resource} (see the class comment), at most {@code maxWait}. */
  public Permit yieldTo(String resource) {
    lock.lock();
    try {
      Use u = uses.computeIfAbsent(resource, k -> new Use());
      long start = nanoClock.getAsLong();
      long now = start;
      if (mustWait(u, now)) {
        yielding++;
        try {
          while (mustWait(u, now) && now - start < maxWaitNanos) {
            changed.awaitNanos(Math.min(maxWaitNanos - (now - start), RECHECK_NANOS));
            now = nanoClock.getAsLong();
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt(); // run the line rather than lose it
        } finally {
          yielding--;
        }
      }
      u.background++;
      boolean[] closed = new boolean[1];
      return () -> {
        lock.lock();
        try {
          if (!closed[0]) {
            closed[0] = true;
            u.background--;
            changed.signalAll();
          }
        } finally {
          lock.unlock();
        }
      };
    } finally {
      lock.unlock();
    }
  }

  private boolean mustWait(Use u, long now) {
    if (u.live > threshold) {
      return true;
    }
    boolean recentlyLive = u.everLive && (u.live > 0 || now - u.lastLive < quietNanos);
    return recentlyLive && u.background >= 1;
  }
}
