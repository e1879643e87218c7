package dev.hearth.bench.engine;

import dev.hearth.engine.gguf.GgmlType;
import dev.hearth.engine.gguf.GgufFile;
import dev.hearth.engine.model.ModelConfig;
import dev.hearth.engine.model.ModelLoader;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Hearth's engine against llama.cpp (de.kherud:llama 4.2.0) on random-weight GGUFs with the
 * Qwen2.5-0.5B and Llama-3.2-1B shapes in Q8_0 and Q4_0 ({@code all}; or any one type of
 * {@link #WRITABLE}), the same thread count for both:
 *
 * <ul>
 *   <li>decode tokens/s (tg128: 128 greedy tokens one at a time) and prefill tokens/s (pp512: a
 *       512-token prompt in one call), ratio hearth ÷ llama.cpp (goals ≥ 1.0 and ≥ 0.8);</li>
 *   <li>decode tokens/s of the same 128 tokens after a 1024-token context ({@code --depth}), where
 *       attention reads a long KV cache every step, as in a long conversation;</li>
 *   <li>aggregate decode tokens/s of 1, 4 and 16 sequences advanced together (Hearth: one
 *       {@code Model.forward(List<Step>)} per step; llama.cpp: parallel slots with continuous
 *       batching, driven by concurrent completion calls), and 16 ÷ 1 (goal ≥ 4);</li>
 *   <li>the roofline fraction of decode: weight bytes read per token × tokens/s ÷ the memory read
 *       bandwidth this bench measures first (goal ≥ 90%);</li>
 *   <li>Hearth's peak resident memory against model file + KV cache + 300 MB.</li>
 * </ul>
 *
 * Each engine runs in a JVM of its own (the binding's sharp edges, and so that resident memory is
 * the engine's own). The GGUFs are written once into {@code hearth-bench/target/engine-models}.
 *
 * <pre>
 * ./hearth-bench/bench engine [--model qwen2.5-0.5b|llama-3.2-1b|gemma-3-1b|all] [--type Q8_0|Q4_0|Q4_1|Q5_0|Q5_1|Q4_K|Q5_K|Q6_K|F16|BF16|F32|all]
 *                             [--threads N] [--depth N] [--quick] [--no-llama] [--dir DIR]
 * </pre>
 */
public final class EngineBench {

  /** The weight types the bench can write models in. */
  static final List<GgmlType> WRITABLE = List.of(GgmlType.Q8_0, GgmlType.Q4_0, GgmlType.Q4_1, GgmlType.Q5_0,
      GgmlType.Q5_1, GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K, GgmlType.F16, GgmlType.BF16, GgmlType.F32);

  public static void main(String[] args) throws Exception {
    boolean quick = has(args, "--quick");
    boolean llama = !has(args, "--no-llama");
    int threads = Integer.parseInt(arg(args, "--threads", String.valueOf(Runtime.getRuntime().availableProcessors())));
    String modelArg = arg(args, "--model", quick ? "qwen2.5-0.5b" : "all");
    String typeArg = arg(args, "--type", quick ? "Q8_0" : "all");
    Path dir = Path.of(arg(args, "--dir", defaultDir().toString()));
    int pp = quick ? 64 : 512;
    int tg = quick ? 16 : 128;
    int depth = Integer.parseInt(arg(args, "--depth", quick ? "128" : "1024"));
    int aggSteps = quick ? 8 : 32;
    int repeats = quick ? 1 : 2;
    String seqs = "1,4,16";

    List<BenchModels> models = modelArg.equalsIgnoreCase("all") ? BenchModels.ALL : List.of(BenchModels.named(modelArg));
    List<GgmlType> types = typeArg.equalsIgnoreCase("all") ? List.of(GgmlType.Q8_0, GgmlType.Q4_0)
        : List.of(GgmlType.valueOf(typeArg.toUpperCase(Locale.ROOT)));
    for (GgmlType t : types) {
      if (!WRITABLE.contains(t)) {
        throw new IllegalArgumentException("--type must be one of " + WRITABLE + " (what the tiny-model writer writes;"
            + " the K-quants as random blocks, every matrix in that one type)");
      }
    }

    String cpu = cpuName();
    System.out.printf("CPU: %s, %d threads for each engine%s%n", cpu, threads,
        quick ? " (--quick: pp64, tg16, 8 steps, depth " + depth + ")" : "");
    double bandwidth = Bandwidth.measure(quick ? 256L << 20 : 1L << 30, threads, quick ? 3 : 5);
    System.out.printf("memory read bandwidth (%d threads): %.1f GB/s%n", threads, bandwidth / 1e9);

    List<String[]> table = new ArrayList<>();
    for (BenchModels m : models) {
      for (GgmlType type : types) {
        Path file = m.file(type, dir);
        long fileBytes = Files.size(file);
        long weightBytes;
        ModelConfig config;
        try (GgufFile gguf = GgufFile.open(file)) {
          weightBytes = BenchModels.weightBytesPerToken(gguf);
          config = ModelLoader.load(gguf).config();
        }
        if (depth + tg + 1 > config.contextLength()) {
          throw new IllegalArgumentException("--depth " + depth + " plus tg" + tg + " is past the context of " + m.name()
              + " (" + config.contextLength() + " tokens)");
        }
        long maxKv = Math.max(HearthRun.kvBytes(config, Math.max(Math.max(pp + 1, tg + 2), depth + tg + 1)),
            16 * HearthRun.kvBytes(config, 8 + aggSteps + 1));
        System.out.printf("%s %s: running Hearth ...%n", m.name(), type);
        Map<String, Double> ours = child("hearth-" + m.name() + "-" + type, dir, List.of(
            // a heap sized to the run (KV caches, scratch, logits) as one would size a server's: an
            // oversized one lets G1 touch pages it does not need, which shows up in resident memory
            "-Xmx" + ((maxKv * 2 + (320L << 20)) >> 20) + "m",
            "-Djava.util.concurrent.ForkJoinPool.common.parallelism=" + (threads - 1),
            "-Dhearth.engine.threads=" + threads,
            HearthRun.class.getName(), file.toString(), "" + pp, "" + tg, "" + aggSteps, "" + repeats, seqs, "" + depth),
            quick ? 300 : 3600);
        Map<String, Double> theirs = Map.of();
        if (llama) {
          System.out.printf("%s %s: running llama.cpp ...%n", m.name(), type);
          theirs = child("llamacpp-" + m.name() + "-" + type, dir, List.of(
              "-Xmx256m", "-Dde.kherud.llama.tmpdir=" + dir.resolve("llama-native"),
              LlamaCppRun.class.getName(), file.toString(), "" + threads, "" + pp, "" + tg, "" + aggSteps,
              "" + repeats, seqs, "" + depth),
              quick ? 300 : 3600);
        }
        String name = m.name() + " " + type;
        table.add(row(name, "decode tg" + tg + " (tok/s)", ours.get("tg_tps"), theirs.get("tg_tps")));
        table.add(row("", "prefill pp" + pp + " (tok/s)", ours.get("pp_tps"), theirs.get("pp_tps")));
        if (depth > 0) {
          table.add(row("", "decode tg" + tg + " at depth " + depth + " (tok/s)", ours.get("tg_depth_tps"),
              theirs.get("tg_depth_tps")));
        }
        for (String n : seqs.split(",")) {
          table.add(row("", "aggregate, " + n + " seq (tok/s)", ours.get("agg" + n + "_tps"), theirs.get("agg" + n + "_tps")));
        }
        table.add(new String[] {"", "16 seqs ÷ 1 seq", times(ours.get("agg16_tps"), ours.get("agg1_tps")),
            times(theirs.get("agg16_tps"), theirs.get("agg1_tps")), ""});
        table.add(new String[] {"", "weight MB read per token", String.format("%.0f", weightBytes / 1e6), "", ""});
        table.add(new String[] {"", "roofline fraction (decode)", percent(ours.get("tg_tps"), weightBytes, bandwidth),
            percent(theirs.get("tg_tps"), weightBytes, bandwidth), ""});
        Double rss = ours.get("rss_peak_bytes");
        Double kv = ours.get("kv_bytes");
        long budget = fileBytes + (kv == null ? 0 : kv.longValue()) + (300L << 20);
        table.add(new String[] {"", "resident MB (budget: file + KV + 300)",
            rss == null ? "n/a" : String.format("%.0f / %.0f", rss / 1e6, budget / 1e6),
            theirs.get("rss_peak_bytes") == null ? "" : String.format("%.0f", theirs.get("rss_peak_bytes") / 1e6),
            rss == null ? "" : String.format("%.2f", rss / budget)});
      }
    }
    System.out.println();
    System.out.printf("Engine benchmark: %s, %d threads, read bandwidth %.1f GB/s; ratio = hearth ÷ llama.cpp%n", cpu,
        threads, bandwidth / 1e9);
    print(table);
  }

  private static String[] row(String model, String metric, Double ours, Double theirs) {
    return new String[] {model, metric, number(ours), number(theirs),
        ours == null || theirs == null ? "" : String.format("%.2f", ours / theirs)};
  }

  private static String number(Double v) {
    return v == null ? "n/a" : v >= 100 ? String.format("%.0f", v) : String.format("%.1f", v);
  }

  private static String times(Double a, Double b) {
    return a == null || b == null ? "n/a" : String.format("%.1f×", a / b);
  }

  private static String percent(Double tps, long weightBytes, double bandwidth) {
    return tps == null ? "n/a" : String.format("%.0f%%", 100 * tps * weightBytes / bandwidth);
  }

  private static void print(List<String[]> rows) {
    String[] header = {"model", "metric", "hearth", "llama.cpp", "ratio"};
    int[] width = new int[header.length];
    List<String[]> all = new ArrayList<>();
    all.add(header);
    all.addAll(rows);
    for (String[] r : all) {
      for (int i = 0; i < r.length; i++) {
        width[i] = Math.max(width[i], r[i].length());
      }
    }
    for (String[] r : all) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < r.length; i++) {
        String cell = r[i];
        String pad = " ".repeat(width[i] - cell.length());
        line.append(i < 2 ? cell + pad : pad + cell).append(i < r.length - 1 ? "  " : "");
      }
      System.out.println(line.toString().stripTrailing());
    }
  }

  /**
   * Runs {@code mainAndArgs} in a fresh JVM with this one's class path; returns its
   * {@code RESULT key value} lines. Its error output goes to {@code dir/<name>.log}; a failure
   * leaves the figures it did print (the rest show as n/a) and says where to look.
   */
  private static Map<String, Double> child(String name, Path dir, List<String> mainAndArgs, long timeoutSeconds)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("--add-modules");
    command.add("jdk.incubator.vector");
    command.add("--enable-native-access=ALL-UNNAMED");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.addAll(mainAndArgs);
    Path log = dir.resolve(name + ".log");
    Process process = new ProcessBuilder(command).redirectError(log.toFile()).start();
    Map<String, Double> results = new java.util.concurrent.ConcurrentHashMap<>();
    Thread reader = Thread.ofPlatform().daemon().start(() -> {
      try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = out.readLine()) != null) {
          if (line.startsWith("RESULT ")) {
            String[] parts = line.split(" ");
            results.put(parts[1], Double.parseDouble(parts[2]));
          }
        }
      } catch (IOException e) {
        // the process went away; keep what it printed
      }
    });
    if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
      System.out.printf("  %s ran past %d s and was stopped; see %s%n", name, timeoutSeconds, log);
    } else if (process.exitValue() != 0) {
      System.out.printf("  %s exited with %d; see %s%n", name, process.exitValue(), log);
    }
    reader.join(5000);
    return new LinkedHashMap<>(results);
  }

  private static Path defaultDir() {
    try {
      Path jar = Path.of(EngineBench.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return jar.getParent().resolve("engine-models"); // hearth-bench/target/engine-models
    } catch (Exception e) {
      return Path.of(System.getProperty("java.io.tmpdir"), "hearth-engine-models");
    }
  }

  private static String cpuName() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException e) {
      // not Linux
    }
    return System.getProperty("os.arch");
  }

  private static boolean has(String[] args, String flag) {
    return List.of(args).contains(flag);
  }

  private static String arg(String[] args, String name, String fallback) {
    for (int i = 0; i < args.length - 1; i++) {
      if (args[i].equals(name)) {
        return args[i + 1];
      }
    }
    return fallback;
  }
}
