package dev.hearth.server.files;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the files family's housekeeping on one background thread: deleting expired files and
 * uploads in bounded batches, and once at start the bytes no row references.
 */
public final class FilesSweeper implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FilesSweeper.class);

  private final ScheduledExecutorService executor;
  private final List<Runnable> tasks = new ArrayList<>();

  public FilesSweeper(Duration interval) {
    this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "hearth-files-sweep");
      t.setDaemon(true);
      return t;
    });
    executor.scheduleWithFixedDelay(this::runAll, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Adds a sweep step; {@code step} returns how many objects it removed. */
  public FilesSweeper every(String what, IntSupplier step) {
    synchronized (tasks) {
      tasks.add(() -> {
        int n = step.getAsInt();
        if (n > 0) {
          log.info("removed {} {}", n, what);
        }
      });
    }
    return this;
  }

  /** Runs {@code step} once, soon, on the sweep thread. */
  public void once(String what, IntSupplier step) {
    executor.execute(() -> {
      try {
        int n = step.getAsInt();
        if (n > 0) {
          log.info("removed {} {}", n, what);
        }
      } catch (RuntimeException e) {
        log.warn("{} failed", what, e);
      }
    });
  }

  private void runAll() {
    List<Runnable> snapshot;
    synchronized (tasks) {
      snapshot = List.copyOf(tasks);
    }
    for (Runnable task : snapshot) {
      try {
        task.run();
      } catch (RuntimeException e) {
        log.warn("files sweep failed; retrying at the next interval", e);
      }
    }
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
