package dev.hearth.bench.engine;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The machine's memory read bandwidth as a decode step sees it: {@code threads} threads each sum
 * their slice of an off-heap buffer far larger than the caches with the widest vector loads, best
 * of several rounds. Decode reads every weight once per token, so this is its roofline.
 */
final class Bandwidth {

  private static final VectorSpecies<Long> LONGS = LongVector.SPECIES_PREFERRED;

  private Bandwidth() {}

  /** Bytes per second. */
  static double measure(long bytes, int threads, int rounds) throws Exception {
    long perThread = bytes / threads / 4096 * 4096;
    try (Arena arena = Arena.ofShared()) {
      MemorySegment buffer = arena.allocate(perThread * threads, 4096);
      for (long i = 0; i < buffer.byteSize(); i += 8) {
        buffer.set(ValueLayout.JAVA_LONG, i, i); // touch every page
      }
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        double best = 0;
        long sink = 0;
        for (int r = 0; r < rounds + 1; r++) { // the first round warms the JIT up
          List<Future<Long>> parts = new ArrayList<>();
          long start = System.nanoTime();
          for (int t = 0; t < threads; t++) {
            MemorySegment slice = buffer.asSlice(t * perThread, perThread);
            parts.add(pool.submit(() -> sum(slice)));
          }
          for (Future<Long> f : parts) {
            sink += f.get();
          }
          double seconds = (System.nanoTime() - start) / 1e9;
          if (r > 0) {
            best = Math.max(best, perThread * threads / seconds);
          }
        }
        if (sink == 42) {
          System.out.print("");
        }
        return best;
      } finally {
        pool.shutdownNow();
      }
    }
  }

  private static long sum(MemorySegment slice) {
    int step = LONGS.vectorByteSize() * 4;
    LongVector a = LongVector.zero(LONGS);
    LongVector b = a;
    LongVector c = a;
    LongVector d = a;
    int w = LONGS.vectorByteSize();
    for (long i = 0; i + step <= slice.byteSize(); i += step) {
      a = a.add(LongVector.fromMemorySegment(LONGS, slice, i, ByteOrder.LITTLE_ENDIAN));
      b = b.add(LongVector.fromMemorySegment(LONGS, slice, i + w, ByteOrder.LITTLE_ENDIAN));
      c = c.add(LongVector.fromMemorySegment(LONGS, slice, i + 2L * w, ByteOrder.LITTLE_ENDIAN));
      d = d.add(LongVector.fromMemorySegment(LONGS, slice, i + 3L * w, ByteOrder.LITTLE_ENDIAN));
    }
    return a.add(b).add(c).add(d).reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
  }
}
