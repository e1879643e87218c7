package dev.hearth.bench.gateway;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * Drives one endpoint over N keep-alive connections, one virtual thread each, in two modes:
 * closed loop (as fast as responses come back: throughput) and fixed rate (a schedule of sends:
 * latency at a given load, measured from the scheduled send time so a stalled server cannot hide
 * its queueing — no coordinated omission).
 */
final class LoadGenerator {
  private final String host;
  private final int port;
  private final int connections;

  LoadGenerator(String host, int port, int connections) {
    this.host = host;
    this.port = port;
    this.connections = connections;
  }

  record Result(long requests, long unexpected, double seconds, Histogram latencyNanos) {
    double requestsPerSecond() {
      return requests / seconds;
    }

    double percentileMillis(double p) {
      return latencyNanos.getValueAtPercentile(p) / 1e6;
    }
  }

  Result closedLoop(byte[] request, int expectedStatus, Duration warmup, Duration duration) throws InterruptedException {
    run(request, expectedStatus, warmup, 0);
    return run(request, expectedStatus, duration, 0);
  }

  Result fixedRate(byte[] request, int expectedStatus, int totalRate, Duration warmup, Duration duration)
      throws InterruptedException {
    run(request, expectedStatus, warmup, totalRate);
    return run(request, expectedStatus, duration, totalRate);
  }

  private Result run(byte[] request, int expectedStatus, Duration duration, int totalRate) throws InterruptedException {
    AtomicLong unexpected = new AtomicLong();
    List<Histogram> histograms = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    long start = System.nanoTime() + 50_000_000L; // all connections start together
    long end = start + duration.toNanos();
    long interval = totalRate > 0 ? (long) (1e9 * connections / totalRate) : 0;
    long[] counts = new long[connections];
    for (int c = 0; c < connections; c++) {
      Histogram h = new Histogram(3_600_000_000_000L, 3);
      histograms.add(h);
      int index = c;
      threads.add(Thread.ofVirtual().start(() -> {
        try (RawHttpConnection conn = new RawHttpConnection(host, port)) {
          long next = start + (interval > 0 ? interval * index / connections : 0);
          while (true) {
            long now = System.nanoTime();
            if (interval > 0) {
              if (next >= end) {
                break;
              }
              if (next > now) {
                LockSupport.parkNanos(next - now);
              }
            } else if (now >= end) {
              break;
            }
            long sent = interval > 0 ? next : System.nanoTime();
            int status = conn.exchange(request);
            h.recordValue(Math.max(1, System.nanoTime() - sent));
            counts[index]++;
            if (status != expectedStatus) {
              unexpected.incrementAndGet();
            }
            next += interval;
          }
        } catch (IOException e) {
          unexpected.incrementAndGet();
        }
      }));
    }
    for (Thread t : threads) {
      t.join();
    }
    Histogram all = new Histogram(3_600_000_000_000L, 3);
    histograms.forEach(all::add);
    long total = 0;
    for (long n : counts) {
      total += n;
    }
    return new Result(total, unexpected.get(), duration.toNanos() / 1e9, all);
  }
}
