package dev.hearth.bench.upstream;

import static dev.hearth.bench.BenchArgs.intArg;
import static dev.hearth.bench.BenchArgs.pct;

import dev.hearth.engine.gguf.GgmlType;
import dev.hearth.engine.gguf.GgufFile;
import dev.hearth.engine.model.ModelLoader;
import dev.hearth.engine.tinymodel.TinyModelSpec;
import dev.hearth.engine.tinymodel.TinyModelWriter;
import dev.hearth.engine.tinymodel.TinyVocabulary;
import dev.hearth.server.HearthServer;
import dev.hearth.server.config.ConfigLoader;
import dev.hearth.server.config.HearthConfig;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * What an upstream hop costs: the same requests sent straight to a Hearth serving a GGUF model
 * (the yardstick) and through a second Hearth that has it as an {@code engine: upstream} model,
 * alternating, in one JVM on loopback. Streaming time to first token and inter-token latency,
 * the latency of one-token non-streaming requests (the per-request cost of the hop), and the
 * aggregate tokens/s of {@code --concurrency} streams at once.
 *
 * <pre>
 * ./hearth-bench/bench upstream [--runs 20] [--tokens 64] [--layers 4] [--width 256] [--concurrency 8]
 * </pre>
 */
public final class UpstreamBench {
  public static void main(String[] args) throws Exception {
    int runs = intArg(args, "--runs", 20);
    int tokens = intArg(args, "--tokens", 64);
    int layers = intArg(args, "--layers", 4);
    int width = intArg(args, "--width", 256);
    int concurrency = intArg(args, "--concurrency", 8);
    Path dir = Files.createTempDirectory("hearth-upstream-bench");
    Path modelFile = dir.resolve("bench.gguf");
    TinyModelWriter.write(TinyModelSpec.of("llama").withWeightType(GgmlType.Q8_0)
        .withDimensions(layers, width, 8, 4, width * 3, 2048), TinyVocabulary.byteLevelBpe(400), modelFile);
    int eot;
    try (GgufFile file = GgufFile.open(modelFile)) {
      eot = ModelLoader.load(file).tokenizer().specialTokens().eot();
    }
    HearthConfig upstreamConfig = config(dir.resolve("upstream"), """
        models:
          - id: qwen2.5-0.5b-instruct
            enabled: false
          - id: bench
            engine: gguf
            source: "%s"
            options: {max_concurrent_sequences: %d, max_queue: 64}
        """.formatted(modelFile, concurrency));
    try (HearthServer upstream = HearthServer.start(upstreamConfig)) {
      HearthConfig frontConfig = config(dir.resolve("front"), """
          models:
            - id: qwen2.5-0.5b-instruct
              enabled: false
            - id: bench
              engine: upstream
              options: {base_url: "%s"}
          """.formatted(upstream.baseUrl()));
      try (HearthServer front = HearthServer.start(frontConfig)) {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String stream = "{\"model\":\"bench\",\"stream\":true,\"temperature\":0,\"max_tokens\":" + tokens
            + ",\"logit_bias\":{\"" + eot + "\":-100},\"messages\":[{\"role\":\"user\",\"content\":\"Tell me a story\"}]}";
        String one = "{\"model\":\"bench\",\"temperature\":0,\"max_tokens\":1,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
        HttpRequest directStream = post(upstream.baseUrl(), stream);
        HttpRequest proxiedStream = post(front.baseUrl(), stream);
        HttpRequest directOne = post(upstream.baseUrl(), one);
        HttpRequest proxiedOne = post(front.baseUrl(), one);

        Samples direct = new Samples();
        Samples proxied = new Samples();
        for (int warm = 0; warm < 5; warm++) { // JIT, connection pools, the lazy model load
          stream(http, directStream, new Samples());
          stream(http, proxiedStream, new Samples());
          once(http, directOne, new Samples());
          once(http, proxiedOne, new Samples());
        }
        for (int r = 0; r < runs; r++) {
          stream(http, directStream, direct);
          stream(http, proxiedStream, proxied);
          once(http, directOne, direct);
          once(http, proxiedOne, proxied);
        }
        double directRate = aggregate(http, directStream, concurrency, tokens);
        double proxiedRate = aggregate(http, proxiedStream, concurrency, tokens);
        double directRate2 = aggregate(http, directStream, concurrency, tokens);
        double proxiedRate2 = aggregate(http, proxiedStream, concurrency, tokens);

        System.out.printf(Locale.ROOT, "Upstream benchmark: llama %d layers x %d wide, Q8_0, %d tokens per stream, %d runs,"
            + " %d concurrent, %d CPUs%n", layers, width, tokens, runs, concurrency, Runtime.getRuntime().availableProcessors());
        System.out.printf(Locale.ROOT, "%-34s %12s %12s %8s%n", "", "direct", "via upstream", "ratio");
        row("stream TTFT median (ms)", pct(direct.ttft, 50), pct(proxied.ttft, 50));
        row("stream ITL median (ms)", pct(direct.itl, 50), pct(proxied.itl, 50));
        row("stream ITL p99 (ms)", pct(direct.itl, 99), pct(proxied.itl, 99));
        row("stream total median (ms)", pct(direct.total, 50), pct(proxied.total, 50));
        row("1-token request median (ms)", pct(direct.request, 50), pct(proxied.request, 50));
        row("1-token request p90 (ms)", pct(direct.request, 90), pct(proxied.request, 90));
        row(concurrency + " streams, tokens/s (best of 2)", Math.max(directRate, directRate2), Math.max(proxiedRate, proxiedRate2));
      }
    }
  }

  static final class Samples {
    final List<Double> ttft = new ArrayList<>();
    final List<Double> itl = new ArrayList<>();
    final List<Double> total = new ArrayList<>();
    final List<Double> request = new ArrayList<>();
  }

  static HearthConfig config(Path dataDir, String yaml) throws Exception {
    Files.createDirectories(dataDir);
    Path file = dataDir.resolve("models.yaml");
    Files.writeString(file, yaml);
    return ConfigLoader.defaults().file(file).set("data_dir", dataDir.toString()).set("server.port", "0").load();
  }

  static HttpRequest post(URI base, String body) {
    return HttpRequest.newBuilder(URI.create(base + "/chat/completions"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
  }

  /** One streaming request; a token arrives with each {@code data:} line that carries content. Returns the tokens seen. */
  static int stream(HttpClient http, HttpRequest request, Samples samples) throws Exception {
    long start = System.nanoTime();
    HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    if (response.statusCode() != 200) {
      throw new IllegalStateException("HTTP " + response.statusCode() + ": "
          + new String(response.body().readAllBytes(), StandardCharsets.UTF_8));
    }
    long last = 0;
    int seen = 0;
    try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        if (!line.startsWith("data: {") || !line.contains("\"content\":\"") || line.contains("\"content\":\"\"")) {
          continue;
        }
        long now = System.nanoTime();
        if (last == 0) {
          samples.ttft.add((now - start) / 1e6);
        } else {
          samples.itl.add((now - last) / 1e6);
        }
        last = now;
        seen++;
      }
    }
    samples.total.add((System.nanoTime() - start) / 1e6);
    return seen;
  }

  static void once(HttpClient http, HttpRequest request, Samples samples) throws Exception {
    long start = System.nanoTime();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException("HTTP " + response.statusCode() + ": " + response.body());
    }
    samples.request.add((System.nanoTime() - start) / 1e6);
  }

  /** Tokens per second of {@code n} streams run at once. */
  static double aggregate(HttpClient http, HttpRequest request, int n, int tokens) throws Exception {
    long start = System.nanoTime();
    int total = 0;
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<Integer>> futures = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        futures.add(pool.submit(() -> stream(http, request, new Samples())));
      }
      for (Future<Integer> f : futures) {
        total += f.get();
      }
    }
    return total / ((System.nanoTime() - start) / 1e9);
  }

  static void row(String name, double direct, double proxied) {
    System.out.printf(Locale.ROOT, "%-34s %12.2f %12.2f %8.3f%n", name, direct, proxied, proxied / direct);
  }
}
