package dev.hearth.server.embeddings;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Dynamic batching: inputs of concurrent requests share ONNX runs. One worker thread per
 * session takes what is queued (up to {@code maxBatchSize} inputs), and when other requests are
 * in flight waits up to {@code batchWait} for more; it then sorts the inputs by length and splits
 * them so that no run pads beyond {@code maxBatchTokens} (inputs × longest input). A lone request
 * never waits: when no other request is in flight and a session is free, the caller runs its own
 * inputs on it, without a hand-off to a worker thread and back. Batching costs latency only when
 * there is company to batch with.
 */
final class EmbeddingBatcher implements AutoCloseable {
  private record Item(TokenizedInput tokens, Request request, int slot) {}

  private static final class Request {
    final float[][] results;
    final AtomicInteger remaining;
    final CompletableFuture<float[][]> done = new CompletableFuture<>();

    Request(int n) {
      results = new float[n][];
      remaining = new AtomicInteger(n);
    }
  }

  private final LinkedBlockingQueue<Item> queue = new LinkedBlockingQueue<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final List<OnnxEncoder> encoders;
  /** Held while a session runs, by its worker or by a lone caller running inline. */
  private final List<ReentrantLock> locks = new ArrayList<>();
  private final List<Thread> workers = new ArrayList<>();
  private final int maxBatchSize;
  private final long maxBatchTokens;
  private final long batchWaitNanos;
  private volatile boolean closed;

  EmbeddingBatcher(String name, List<OnnxEncoder> encoders, int maxBatchSize, long maxBatchTokens, long batchWaitMicros) {
    this.encoders = List.copyOf(encoders);
    this.maxBatchSize = maxBatchSize;
    this.maxBatchTokens = maxBatchTokens;
    this.batchWaitNanos = TimeUnit.MICROSECONDS.toNanos(batchWaitMicros);
    encoders.forEach(e -> locks.add(new ReentrantLock()));
    for (int i = 0; i < encoders.size(); i++) {
      int session = i;
      Thread t = Thread.ofPlatform().daemon().name("embeddings-" + name + "-" + i).start(() -> work(session));
      workers.add(t);
    }
  }

  float[][] embed(List<TokenizedInput> inputs) {
    if (closed) {
      throw new IllegalStateException("embedding engine is closed");
    }
    Request request = new Request(inputs.size());
    List<Item> items = new ArrayList<>(inputs.size());
    for (int i = 0; i < inputs.size(); i++) {
      items.add(new Item(inputs.get(i), request, i));
    }
    // A big request's inputs go in length order, so consecutive runs pad little.
    items.sort(Comparator.comparingInt(it -> it.tokens().length()));
    boolean alone = inFlight.incrementAndGet() == 1;
    try {
      if (alone && queue.isEmpty() && runInline(items)) {
        return request.done.get();
      }
      queue.addAll(items);
      return request.done.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while embedding", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } finally {
      inFlight.decrementAndGet();
    }
  }

  /** Runs a lone request's inputs on a free session in the caller's thread; false when every session is busy. */
  private boolean runInline(List<Item> items) {
    for (int i = 0; i < encoders.size(); i++) {
      ReentrantLock lock = locks.get(i);
      if (lock.tryLock()) {
        try {
          for (int from = 0; from < items.size(); from += maxBatchSize) {
            runSorted(encoders.get(i), items.subList(from, Math.min(items.size(), from + maxBatchSize)));
          }
        } finally {
          lock.unlock();
        }
        return true;
      }
    }
    return false;
  }

  private void work(int session) {
    OnnxEncoder encoder = encoders.get(session);
    ReentrantLock lock = locks.get(session);
    List<Item> items = new ArrayList<>(maxBatchSize);
    while (!closed) {
      items.clear();
      try {
        items.add(queue.take());
      } catch (InterruptedException e) {
        return;
      }
      queue.drainTo(items, maxBatchSize - items.size());
      if (batchWaitNanos > 0 && items.size() < maxBatchSize && inFlight.get() > requests(items)) {
        long deadline = System.nanoTime() + batchWaitNanos;
        try {
          long left;
          while (items.size() < maxBatchSize && (left = deadline - System.nanoTime()) > 0) {
            Item next = queue.poll(left, TimeUnit.NANOSECONDS);
            if (next == null) {
              break;
            }
            items.add(next);
            queue.drainTo(items, maxBatchSize - items.size());
          }
        } catch (InterruptedException e) {
          fail(items, new IllegalStateException("embedding engine is closing"));
          return;
        }
      }
      lock.lock();
      try {
        runSorted(encoder, items);
      } finally {
        lock.unlock();
      }
    }
  }

  /** Sorts {@code items} by length and runs them in batches that pad to at most {@code maxBatchTokens}. */
  private void runSorted(OnnxEncoder encoder, List<Item> items) {
    List<Item> sorted = new ArrayList<>(items);
    sorted.sort(Comparator.comparingInt(it -> it.tokens().length()));
    int from = 0;
    while (from < sorted.size()) {
      int to = from + 1;
      // Sorted ascending, so the last input of a run is its longest.
      while (to < sorted.size() && (long) (to + 1 - from) * sorted.get(to).tokens().length() <= maxBatchTokens) {
        to++;
      }
      run(encoder, sorted.subList(from, to));
      from = to;
    }
  }

  private void run(OnnxEncoder encoder, List<Item> batch) {
    float[][] vectors;
    try {
      vectors = encoder.run(batch.stream().map(Item::tokens).toList());
    } catch (RuntimeException e) {
      fail(batch, e);
      return;
    }
    for (int i = 0; i < batch.size(); i++) {
      Item item = batch.get(i);
      item.request().results[item.slot()] = vectors[i];
      if (item.request().remaining.decrementAndGet() == 0) {
        item.request().done.complete(item.request().results);
      }
    }
  }

  private static void fail(List<Item> items, RuntimeException e) {
    for (Item item : items) {
      item.request().done.completeExceptionally(e);
    }
  }

  private static long requests(List<Item> items) {
    return items.stream().map(Item::request).distinct().count();
  }

  @Override
  public void close() {
    closed = true;
    workers.forEach(Thread::interrupt);
    for (Thread t : workers) {
      try {
        t.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    List<Item> left = new ArrayList<>();
    queue.drainTo(left);
    fail(left, new IllegalStateException("embedding engine closed"));
    encoders.forEach(OnnxEncoder::close);
  }
}
