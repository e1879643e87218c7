package dev.hearth.bench.embeddings;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.hearth.server.HearthServer;
import dev.hearth.server.config.ConfigLoader;
import dev.hearth.server.config.HearthConfig;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.HdrHistogram.Histogram;

/**
 * Embedding throughput through Hearth's HTTP API against ONNX Runtime called directly, in the same
 * run and JVM, with the bundled all-MiniLM-L6-v2.
 *
 * <ul>
 *   <li>sentences/s at batch 1, 8 and 32 inputs per request, inputs of ~16 and ~128 tokens: one client
 *       sending requests back to back over HTTP (JSON in, JSON floats out) vs a loop that tokenizes, pads,
 *       runs an ORT session with the same threads, mean-pools and normalises, with no HTTP, JSON or batcher;
 *       ratio = HTTP ÷ direct (goal ≥ 0.9);</li>
 *   <li>latency of single-sentence requests (~16 tokens) under {@code --clients} concurrent clients (default 16),
 *       closed loop: p50/p99, and the sentences/s that dynamic batching reaches.</li>
 * </ul>
 *
 * <pre>
 * ./hearth-bench/bench embeddings [--seconds 5] [--clients 16]
 * </pre>
 */
public final class EmbeddingsBench {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

  public static void main(String[] args) throws Exception {
    int seconds = intArg(args, "--seconds", 5);
    int clients = intArg(args, "--clients", 16);
    Duration warmup = Duration.ofSeconds(Math.max(1, seconds / 2));
    Duration duration = Duration.ofSeconds(seconds);

    Path dataDir = Files.createTempDirectory("hearth-bench-embeddings");
    HearthConfig config = ConfigLoader.defaults().set("data_dir", dataDir.toString()).set("server.port", "0").load();
    System.out.printf(Locale.ROOT, "Embeddings benchmark: all-minilm-l6-v2, %ds per point (warm-up %ds), %d CPUs, %s%n",
        seconds, warmup.toSeconds(), Runtime.getRuntime().availableProcessors(), cpuModel());

    List<String> rows = new ArrayList<>();
    try (HearthServer hearth = HearthServer.start(config); Direct direct = new Direct()) {
      URI uri = URI.create("http://127.0.0.1:" + hearth.port() + "/v1/embeddings");
      for (int tokens : new int[] {16, 128}) {
        for (int batch : new int[] {1, 8, 32}) {
          List<List<String>> requests = requests(tokens, batch, 64);
          System.out.printf(Locale.ROOT, "  ~%d tokens (measured %d), batch %d ...%n", tokens,
              direct.tokenizer.encode(requests.getFirst().getFirst()).getIds().length, batch);
          double[] both = interleaved(requests, batch, warmup, duration, texts -> post(uri, texts), direct::embed);
          double http = both[0];
          double bare = both[1];
          rows.add(String.format(Locale.ROOT, "| ~%d | %d | %.1f | %.1f | %.2f |", tokens, batch, http, bare, http / bare));
        }
      }
      System.out.printf(Locale.ROOT, "  %d concurrent clients, single ~16-token sentences ...%n", clients);
      String concurrent = concurrent(uri, clients, warmup, duration);
      double directBatch32 = sentencesPerSecond(requests(16, 32, 64), 32, warmup, duration, direct::embed);

      System.out.println();
      System.out.println("| tokens/input | inputs/request | HTTP sentences/s | direct ORT sentences/s | ratio |");
      System.out.println("|---|---|---|---|---|");
      rows.forEach(System.out::println);
      System.out.println();
      System.out.println("| clients | requests/s (= sentences/s) | p50 ms | p99 ms | max ms | direct ORT batch-32 sentences/s |");
      System.out.println("|---|---|---|---|---|---|");
      System.out.printf(Locale.ROOT, "%s %.1f |%n", concurrent, directBatch32);
    }
  }

  interface Embedder {
    void embed(List<String> texts) throws Exception;
  }

  /**
   * Sentences/s of {@code a} and {@code b}, measured in alternating one-second rounds so that a change in the
   * machine's load during the run affects both alike.
   */
  private static double[] interleaved(List<List<String>> requests, int batch, Duration warmup, Duration duration,
      Embedder a, Embedder b) throws Exception {
    run(requests, warmup, a);
    run(requests, warmup, b);
    long[] n = new long[2];
    long[] nanos = new long[2];
    Embedder[] sides = {a, b};
    for (long r = 0; r < duration.toSeconds(); r++) {
      for (int side = 0; side < 2; side++) {
        long start = System.nanoTime();
        n[side] += run(requests, Duration.ofSeconds(1), sides[side]);
        nanos[side] += System.nanoTime() - start;
      }
    }
    return new double[] {n[0] * batch / (nanos[0] / 1e9), n[1] * batch / (nanos[1] / 1e9)};
  }

  private static double sentencesPerSecond(List<List<String>> requests, int batch, Duration warmup, Duration duration, Embedder e)
      throws Exception {
    run(requests, warmup, e);
    long start = System.nanoTime();
    long n = run(requests, duration, e);
    return n * batch / ((System.nanoTime() - start) / 1e9);
  }

  private static long run(List<List<String>> requests, Duration d, Embedder e) throws Exception {
    long end = System.nanoTime() + d.toNanos();
    long n = 0;
    while (System.nanoTime() < end) {
      e.embed(requests.get((int) (n++ % requests.size())));
    }
    return n;
  }

  private static String concurrent(URI uri, int clients, Duration warmup, Duration duration) throws Exception {
    List<List<String>> requests = requests(16, 1, 256);
    Histogram histogram = new Histogram(60_000_000_000L, 3);
    AtomicBoolean measuring = new AtomicBoolean(false);
    AtomicBoolean stop = new AtomicBoolean(false);
    long[] counts = new long[clients];
    try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> futures = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        int client = c;
        futures.add(pool.submit(() -> {
          long i = client;
          while (!stop.get()) {
            long t0 = System.nanoTime();
            post(uri, requests.get((int) (i++ % requests.size())));
            if (measuring.get()) {
              long t = System.nanoTime() - t0;
              synchronized (histogram) {
                histogram.recordValue(t);
              }
              counts[client]++;
            }
          }
          return null;
        }));
      }
      Thread.sleep(warmup);
      measuring.set(true);
      long start = System.nanoTime();
      Thread.sleep(duration);
      measuring.set(false);
      double elapsed = (System.nanoTime() - start) / 1e9;
      stop.set(true);
      for (Future<?> f : futures) {
        f.get();
      }
      long total = Arrays.stream(counts).sum();
      return String.format(Locale.ROOT, "| %d | %.1f | %.2f | %.2f | %.2f |", clients, total / elapsed,
          histogram.getValueAtPercentile(50) / 1e6, histogram.getValueAtPercentile(99) / 1e6, histogram.getMaxValue() / 1e6);
    }
  }

  private static void post(URI uri, List<String> texts) throws Exception {
    StringBuilder body = new StringBuilder("{\"model\":\"text-embedding-3-small\",\"encoding_format\":\"float\",\"input\":[");
    for (int i = 0; i < texts.size(); i++) {
      body.append(i == 0 ? "\"" : ",\"").append(texts.get(i)).append('"');
    }
    body.append("]}");
    HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("HTTP " + r.statusCode() + ": " + new String(r.body()));
    }
  }

  private static final String[] WORDS = ("river mountain quiet engine library window garden market winter summer "
      + "teacher doctor history science music letter yellow morning evening station bridge forest ocean island "
      + "company report weather kitchen student window village camera planet animal").split(" ");

  /** {@code count} requests of {@code batch} inputs, each ~{@code tokens} tokens ([CLS] and [SEP] included). */
  static List<List<String>> requests(int tokens, int batch, int count) {
    List<List<String>> out = new ArrayList<>();
    int k = 0;
    for (int r = 0; r < count; r++) {
      List<String> texts = new ArrayList<>();
      for (int b = 0; b < batch; b++) {
        StringBuilder sb = new StringBuilder();
        for (int w = 0; w < tokens - 2; w++) {
          sb.append(w == 0 ? "" : " ").append(WORDS[(k * 7 + w * 3 + w * w) % WORDS.length]);
        }
        texts.add(sb.toString());
        k++;
      }
      out.add(texts);
    }
    return out;
  }

  /** The yardstick: ONNX Runtime and the tokenizer called directly, as a library user would. */
  static final class Direct implements AutoCloseable {
    final OrtEnvironment env = OrtEnvironment.getEnvironment();
    final OrtSession session;
    final HuggingFaceTokenizer tokenizer;

    Direct() throws Exception {
      ClassLoader loader = EmbeddingsBench.class.getClassLoader();
      try (InputStream model = loader.getResourceAsStream("all-minilm-l6-v2.onnx");
          InputStream tok = loader.getResourceAsStream("all-minilm-l6-v2-tokenizer.json");
          OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        session = env.createSession(model.readAllBytes(), options);
        tokenizer = HuggingFaceTokenizer.newInstance(tok, Map.of("truncation", "false", "padding", "false"));
      }
    }

    void embed(List<String> texts) throws Exception {
      Encoding[] enc = tokenizer.batchEncode(texts);
      int n = enc.length;
      int len = Arrays.stream(enc).mapToInt(e -> e.getIds().length).max().orElse(0);
      long[] ids = new long[n * len];
      long[] mask = new long[n * len];
      long[] types = new long[n * len];
      for (int b = 0; b < n; b++) {
        long[] e = enc[b].getIds();
        System.arraycopy(e, 0, ids, b * len, e.length);
        Arrays.fill(mask, b * len, b * len + e.length, 1L);
      }
      long[] shape = {n, len};
      Map<String, OnnxTensor> inputs = new HashMap<>();
      inputs.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape));
      inputs.put("attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape));
      inputs.put("token_type_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(types), shape));
      try (OrtSession.Result result = session.run(inputs)) {
        FloatBuffer out = ((OnnxTensor) result.get(0)).getFloatBuffer();
        int d = 384;
        float[] v = new float[d];
        for (int b = 0; b < n; b++) {
          Arrays.fill(v, 0f);
          int tokens = enc[b].getIds().length;
          for (int t = 0; t < tokens; t++) {
            for (int i = 0; i < d; i++) {
              v[i] += out.get((b * len + t) * d + i);
            }
          }
          double norm = 0;
          for (float x : v) {
            norm += x * x;
          }
          norm = Math.sqrt(norm);
          for (int i = 0; i < d; i++) {
            v[i] /= (float) norm;
          }
        }
      } finally {
        inputs.values().forEach(OnnxTensor::close);
      }
    }

    @Override
    public void close() throws Exception {
      session.close();
      tokenizer.close();
    }
  }

  static String cpuModel() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
          .filter(l -> l.startsWith("model name")).findFirst()
          .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown CPU");
    } catch (Exception e) {
      return "unknown CPU";
    }
  }

  private static int intArg(String[] args, String name, int fallback) {
    for (int i = 0; i < args.length - 1; i++) {
      if (args[i].equals(name)) {
        return Integer.parseInt(args[i + 1]);
      }
    }
    return fallback;
  }
}
