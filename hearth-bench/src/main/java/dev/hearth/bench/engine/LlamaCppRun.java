package dev.hearth.bench.engine;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.LlamaOutput;
import de.kherud.llama.ModelParameters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * llama.cpp (de.kherud:llama 4.2.0, its bundled CPU build) on the same GGUF, in a JVM of its own: the
 * binding aborts the JVM on some misuse and keeps a native thread alive after {@code close()}, so the
 * parent runs this as a process and reads its {@code RESULT key value} lines.
 *
 * <p>The binding only offers llama.cpp's server-style completion calls, so the figures are taken
 * from their wall time: prefill = a prompt of exactly {@code pp} tokens (BOS included) completed
 * with one predicted token; decode = the difference between predicting {@code tg + 1} and one token
 * after a one-word prompt; aggregate = {@code n} Java threads completing at once against
 * {@code setParallel(n)} slots with continuous batching (minus the time a single one-token request takes);
 * decode at depth = {@code tg} tokens streamed after a {@code DEPTH}-token prompt, timed from the first
 * streamed token to the last (a difference of two long prefills would drown it in their noise).
 * Prompt caching is off, the end-of-generation token ignored, sampling greedy.
 *
 * <pre>java ... LlamaCppRun FILE THREADS PP TG AGG_STEPS REPEATS SEQS [DEPTH]</pre>
 */
public final class LlamaCppRun {

  public static void main(String[] args) {
    try {
      run(args);
    } catch (Throwable e) {
      e.printStackTrace();
      System.exit(1); // the binding's native thread would keep the JVM alive
    }
    System.out.flush();
    System.exit(0);
  }

  private static void run(String[] args) throws Exception {
    String dir = System.getProperty("de.kherud.llama.tmpdir");
    if (dir != null) {
      Files.createDirectories(Path.of(dir)); // the loader extracts its library there but does not create it
    }
    Path file = Path.of(args[0]);
    int threads = Integer.parseInt(args[1]);
    int pp = Integer.parseInt(args[2]);
    int tg = Integer.parseInt(args[3]);
    int aggSteps = Integer.parseInt(args[4]);
    int repeats = Integer.parseInt(args[5]);
    int[] seqs = java.util.Arrays.stream(args[6].split(",")).mapToInt(Integer::parseInt).toArray();
    int depth = args.length > 7 ? Integer.parseInt(args[7]) : 0;

    try (LlamaModel llama = new LlamaModel(parameters(file, threads, Math.max(pp, depth) + tg + 16, 1))) {
      String prompt = promptOf(llama, pp - 1); // + BOS
      complete(llama, "the", 8); // warm-up
      double ppBest = 0;
      double tgBest = 0;
      for (int r = 0; r < repeats; r++) {
        ppBest = Math.max(ppBest, pp / time(() -> complete(llama, prompt, 1)));
        double one = time(() -> complete(llama, "the", 1));
        double many = time(() -> complete(llama, "the", tg + 1));
        tgBest = Math.max(tgBest, tg / Math.max(1e-9, many - one));
      }
      HearthRun.result("pp_tps", ppBest);
      HearthRun.result("tg_tps", tgBest);
      if (depth > 0) {
        String context = promptOf(llama, depth - 1); // + BOS
        double best = 0;
        for (int r = 0; r < repeats; r++) {
          best = Math.max(best, streamedRate(llama, context, tg));
        }
        HearthRun.result("tg_depth_tps", best);
      }
    }
    HearthRun.result("rss_peak_bytes", HearthRun.procStatus("VmHWM"));
    for (int n : seqs) {
      try (LlamaModel llama = new LlamaModel(parameters(file, threads, n * (aggSteps + 16), n))) {
        complete(llama, "the", 4);
        double one = time(() -> complete(llama, "the", 1));
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
          long start = System.nanoTime();
          List<Future<String>> all = new ArrayList<>();
          for (int i = 0; i < n; i++) {
            all.add(pool.submit(() -> complete(llama, "the", aggSteps + 1)));
          }
          for (Future<String> f : all) {
            f.get();
          }
          double seconds = HearthRun.seconds(start) - one;
          HearthRun.result("agg" + n + "_tps", (double) n * aggSteps / seconds);
        } finally {
          pool.shutdownNow();
        }
      }
    }
  }

  static ModelParameters parameters(Path file, int threads, int context, int parallel) {
    ModelParameters p = new ModelParameters()
        .setModel(file.toString())
        .setCtxSize(context)
        .setThreads(threads)
        .setThreadsBatch(threads)
        .setBatchSize(512)
        .setUbatchSize(512)
        .setGpuLayers(0)
        .disableLog();
    if (parallel > 1) {
      p.setParallel(parallel).enableContBatching();
    }
    return p;
  }

  static String complete(LlamaModel llama, String prompt, int tokens) {
    return llama.complete(greedy(prompt, tokens));
  }

  /** Tokens/s of the {@code tokens} decode steps after the first streamed token of a completion. */
  static double streamedRate(LlamaModel llama, String prompt, int tokens) {
    long first = 0;
    long last = 0;
    int outputs = 0;
    for (LlamaOutput ignored : llama.generate(greedy(prompt, tokens + 1))) {
      last = System.nanoTime();
      if (outputs++ == 0) {
        first = last;
      }
    }
    if (outputs < 2) {
      throw new IllegalStateException("llama.cpp streamed " + outputs + " outputs for " + (tokens + 1) + " tokens");
    }
    return (outputs - 1) / ((last - first) / 1e9);
  }

  private static InferenceParameters greedy(String prompt, int tokens) {
    return new InferenceParameters(prompt)
        .setNPredict(tokens)
        .setCachePrompt(false)
        .setIgnoreEos(true)
        .setTemperature(0f)
        .setRepeatPenalty(1f)
        .setSeed(1);
  }

  /** A text llama.cpp tokenizes to exactly {@code tokens} tokens (without BOS): repeated short words. */
  static String promptOf(LlamaModel llama, int tokens) {
    int words = tokens;
    for (int attempt = 0; attempt < 8; attempt++) {
      String text = "the" + " the".repeat(Math.max(0, words - 1));
      int got = llama.encode(text).length;
      if (got == tokens) {
        return text;
      }
      words += tokens - got;
    }
    throw new IllegalStateException("found no prompt of repeated words that tokenizes to " + tokens + " tokens");
  }

  private interface Call {
    Object run() throws Exception;
  }

  private static double time(Call call) throws Exception {
    long start = System.nanoTime();
    call.run();
    return HearthRun.seconds(start);
  }
}
