package dev.hearth.bench.engine;

import dev.hearth.engine.gguf.GgufFile;
import dev.hearth.engine.model.InferenceState;
import dev.hearth.engine.model.Model;
import dev.hearth.engine.model.ModelLoader;
import dev.hearth.engine.model.ModelConfig;
import dev.hearth.engine.model.Step;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Hearth's engine on one model, in a JVM of its own (so its resident memory is its own): prefill
 * ({@code pp} tokens in one {@code ingest}), decode ({@code tg} greedy tokens one at a time) and
 * aggregate decode of 1, 4 and 16 sequences advanced together by {@code Model.forward(List<Step>)},
 * and, where {@code DEPTH > 0}, decode of {@code tg} tokens after a {@code DEPTH}-token context (what a
 * long conversation costs: attention reads the whole KV cache every step).
 * Threads: the common fork-join pool, sized by the parent. Prints {@code RESULT key value} lines.
 *
 * <pre>java ... HearthRun FILE PP TG AGG_STEPS REPEATS SEQS(comma-separated) [DEPTH]</pre>
 */
public final class HearthRun {

  private static long liveKvBytes;
  private static long peakKvBytes;

  public static void main(String[] args) throws Exception {
    Path path = Path.of(args[0]);
    int pp = Integer.parseInt(args[1]);
    int tg = Integer.parseInt(args[2]);
    int aggSteps = Integer.parseInt(args[3]);
    int repeats = Integer.parseInt(args[4]);
    int[] seqs = java.util.Arrays.stream(args[5].split(",")).mapToInt(Integer::parseInt).toArray();
    int depth = args.length > 6 ? Integer.parseInt(args[6]) : 0;
    try (GgufFile file = GgufFile.open(path)) {
      Model model = ModelLoader.load(file);
      ModelConfig c = model.config();
      SplittableRandom random = new SplittableRandom(7);
      int[] prompt = random.ints(pp, 0, 400).toArray();

      // warm-up: the JIT compiles the kernels (a short prefill, a few decode steps, a small batch)
      InferenceState warm = model.newState(96);
      model.ingest(warm, java.util.Arrays.copyOf(prompt, Math.min(pp, 48)));
      for (int i = 0; i < 32; i++) {
        model.forward(warm, argmax(warm.lastLogits()));
      }
      List<InferenceState> warmBatch = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        warmBatch.add(model.newState(16));
      }
      for (int i = 0; i < 8; i++) {
        model.forward(warmBatch.stream().map(s -> Step.of(s, 1 + warmBatch.indexOf(s))).toList());
      }
      warm = null;

      double ppBest = 0;
      for (int r = 0; r < repeats; r++) {
        InferenceState s = state(model, pp + 1);
        long start = System.nanoTime();
        model.ingest(s, prompt);
        ppBest = Math.max(ppBest, pp / seconds(start));
        release(c, s);
      }
      result("pp_tps", ppBest);

      double tgBest = 0;
      for (int r = 0; r < repeats; r++) {
        InferenceState s = state(model, tg + 2);
        tgBest = Math.max(tgBest, decode(model, s, argmax(model.forward(s, 1)), tg));
        release(c, s);
      }
      result("tg_tps", tgBest);

      if (depth > 0) {
        int[] context = new SplittableRandom(11).ints(depth, 0, 400).toArray();
        double best = 0;
        for (int r = 0; r < repeats; r++) {
          InferenceState s = state(model, depth + tg + 1);
          model.ingest(s, context);
          best = Math.max(best, decode(model, s, argmax(s.lastLogits()), tg));
          release(c, s);
        }
        result("tg_depth_tps", best);
      }

      for (int n : seqs) {
        List<InferenceState> states = new ArrayList<>();
        List<Step> prefill = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          InferenceState s = state(model, 8 + aggSteps + 1);
          states.add(s);
          prefill.add(Step.of(s, java.util.Arrays.copyOfRange(prompt, i % 8, i % 8 + 8)));
        }
        model.forward(prefill);
        int[] next = new int[n];
        for (int i = 0; i < n; i++) {
          next[i] = argmax(states.get(i).lastLogits());
        }
        long start = System.nanoTime();
        for (int step = 0; step < aggSteps; step++) {
          List<Step> batch = new ArrayList<>(n);
          for (int i = 0; i < n; i++) {
            batch.add(Step.of(states.get(i), next[i]));
          }
          model.forward(batch);
          for (int i = 0; i < n; i++) {
            next[i] = argmax(states.get(i).lastLogits());
          }
        }
        result("agg" + n + "_tps", (double) n * aggSteps / seconds(start));
        for (InferenceState s : states) {
          release(c, s);
        }
      }
      result("kv_bytes", peakKvBytes);
      result("rss_peak_bytes", procStatus("VmHWM"));
      result("rss_bytes", procStatus("VmRSS"));
    }
    System.out.flush();
    System.exit(0);
  }

  /** Tokens/s of {@code tg} greedy decode steps of {@code s}, the first fed {@code token}. */
  private static double decode(Model model, InferenceState s, int token, int tg) {
    long start = System.nanoTime();
    for (int i = 0; i < tg; i++) {
      token = argmax(model.forward(s, token));
    }
    return tg / seconds(start);
  }

  private static InferenceState state(Model model, int capacity) {
    ModelConfig c = model.config();
    liveKvBytes += kvBytes(c, capacity);
    peakKvBytes = Math.max(peakKvBytes, liveKvBytes);
    return model.newState(capacity);
  }

  private static void release(ModelConfig c, InferenceState s) {
    liveKvBytes -= kvBytes(c, s.capacity());
  }

  /** The F32 key and value caches of a state. */
  static long kvBytes(ModelConfig c, int capacity) {
    return 2L * c.blockCount() * capacity * c.keyValueDimension() * Float.BYTES;
  }

  static int argmax(float[] logits) {
    int best = 0;
    for (int i = 1; i < logits.length; i++) {
      if (logits[i] > logits[best]) {
        best = i;
      }
    }
    return best;
  }

  static double seconds(long start) {
    return (System.nanoTime() - start) / 1e9;
  }

  static void result(String key, double value) {
    System.out.println("RESULT " + key + " " + value);
  }

  /** A line of /proc/self/status in bytes (0 where there is no /proc). */
  static long procStatus(String key) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(key + ":")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (java.io.IOException | NumberFormatException e) {
      return 0;
    }
    return 0;
  }
}
