package dev.hearth.bench.batches;

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
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Batch API's throughput against the same requests sent live, and what a running batch does to
 * live latency, side by side in one run on one in-process server:
 *
 * <ul>
 *   <li>lines/s of a batch ({@code --embed-lines} embeddings lines, {@code --chat-lines} chat lines on a
 *       random-weight tiny model), from {@code POST /v1/batches} to {@code completed} as a client polling
 *       every 20 ms sees it, against requests/s of the same bodies sent live by {@code --clients}
 *       concurrent clients;
 *   <li>the latency (p50, p99) of live requests sent one at a time by a single client on the idle
 *       server, and while a batch of the same endpoint runs (the batch yields to them).
 * </ul>
 *
 * <pre>
 * ./hearth-bench/bench batches [--embed-lines 1000] [--chat-lines 200] [--clients 8] [--samples 40]
 *                              [--tokens 16] [--layers 2] [--width 128]
 * </pre>
 */
public final class BatchesBench {
  private static final Pattern STATUS = Pattern.compile("\"status\"\\s*:\\s*\"([a-z_]+)\"");
  private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");
  private static final Pattern COMPLETED = Pattern.compile("\"completed\"\\s*:\\s*(\\d+)");

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private final URI base;

  private BatchesBench(URI base) {
    this.base = base;
  }

  public static void main(String[] args) throws Exception {
    int embedLines = intArg(args, "--embed-lines", 1000);
    int chatLines = intArg(args, "--chat-lines", 200);
    int clients = intArg(args, "--clients", 8);
    int samples = intArg(args, "--samples", 40);
    int tokens = intArg(args, "--tokens", 16);
    int layers = intArg(args, "--layers", 2);
    int width = intArg(args, "--width", 128);

    Path dir = Files.createTempDirectory("hearth-batches-bench");
    Path modelFile = dir.resolve("tiny.gguf");
    TinyModelWriter.write(TinyModelSpec.of("llama").withWeightType(GgmlType.Q8_0)
        .withDimensions(layers, width, 4, 2, width * 2, 1024), TinyVocabulary.byteLevelBpe(200), modelFile);
    int eot;
    try (GgufFile f = GgufFile.open(modelFile)) {
      eot = ModelLoader.load(f).tokenizer().specialTokens().eot();
    }
    Path yaml = dir.resolve("hearth.yaml");
    Files.writeString(yaml, """
        models:
          - id: qwen2.5-0.5b-instruct
            enabled: false
          - id: tiny
            engine: gguf
            source: "%s"
            options:
              max_concurrent_sequences: %d
              max_queue: 256
        """.formatted(modelFile, clients));
    HearthConfig config = ConfigLoader.defaults().file(yaml).set("data_dir", dir.resolve("data").toString())
        .set("server.port", "0").load();

    IntFunction<String> embedBody = i -> "{\"model\":\"text-embedding-3-small\",\"input\":\"The quick brown fox number "
        + i + " jumps over the lazy dog and keeps running through the field.\"}";
    IntFunction<String> chatBody = i -> "{\"model\":\"tiny\",\"max_tokens\":" + tokens + ",\"temperature\":0,"
        + "\"logit_bias\":{\"" + eot + "\":-100},\"messages\":[{\"role\":\"user\",\"content\":\"Request " + i
        + ": tell me something.\"}]}";

    try (HearthServer server = HearthServer.start(config)) {
      BatchesBench bench = new BatchesBench(server.baseUrl());
      List<Row> rows = new ArrayList<>();
      rows.add(bench.measure("embeddings", "/v1/embeddings", embedBody, embedLines, clients, samples));
      rows.add(bench.measure("chat (" + tokens + " tokens)", "/v1/chat/completions", chatBody, chatLines, clients, samples));

      System.out.printf(Locale.ROOT, "Batches benchmark: %d CPUs; chat on a random-weight llama %d layers x %d wide, Q8_0;"
          + " embeddings on all-minilm-l6-v2; batches.concurrency %d%n", Runtime.getRuntime().availableProcessors(),
          layers, width, config.batches().concurrency());
      System.out.printf(Locale.ROOT, "%-22s %6s %14s %18s %8s%n", "throughput", "lines", "batch lines/s",
          "live " + clients + " clients/s", "ratio");
      for (Row r : rows) {
        System.out.printf(Locale.ROOT, "%-22s %6d %14.1f %18.1f %8.2f%n", r.name, r.lines, r.batchRate, r.liveRate,
            r.batchRate / r.liveRate);
      }
      System.out.printf(Locale.ROOT, "%-22s %10s %10s %14s %14s %8s %8s%n", "live latency, 1 client", "idle p50",
          "idle p99", "w/ batch p50", "w/ batch p99", "p50 x", "p99 x");
      for (Row r : rows) {
        System.out.printf(Locale.ROOT, "%-22s %10.1f %10.1f %14.1f %14.1f %8.2f %8.2f%n", r.name + " (ms)",
            pct(r.idle, 50), pct(r.idle, 99), pct(r.busy, 50), pct(r.busy, 99), pct(r.busy, 50) / pct(r.idle, 50),
            pct(r.busy, 99) / pct(r.idle, 99));
      }
      System.out.printf(Locale.ROOT, "(w/ batch: %s live requests met a running batch)%n",
          rows.stream().map(r -> r.name + " " + r.busy.size()).toList());
    }
  }

  private record Row(String name, int lines, double batchRate, double liveRate, List<Double> idle, List<Double> busy) {}

  private Row measure(String name, String endpoint, IntFunction<String> body, int lines, int clients, int samples)
      throws Exception {
    for (int i = 0; i < 20; i++) {
      post(endpoint, body.apply(i)); // warm up: model load, JIT
    }
    // The same requests live, from `clients` concurrent clients.
    AtomicInteger next = new AtomicInteger();
    long start = System.nanoTime();
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      threads.add(Thread.ofPlatform().start(() -> {
        for (int i = next.getAndIncrement(); i < lines; i = next.getAndIncrement()) {
          post(endpoint, body.apply(i));
        }
      }));
    }
    for (Thread t : threads) {
      t.join();
    }
    double liveRate = lines / ((System.nanoTime() - start) / 1e9);

    // The same requests as a batch.
    String input = upload(jsonl(endpoint, body, lines));
    start = System.nanoTime();
    String batch = createBatch(input, endpoint);
    while (!status(batch).equals("completed")) {
      Thread.sleep(20); // a client polling, as users do
    }
    double batchRate = lines / ((System.nanoTime() - start) / 1e9);

    // Live latency, one client, idle and while a batch runs.
    List<Double> idle = new ArrayList<>();
    for (int i = 0; i < samples; i++) {
      idle.add(timed(endpoint, body.apply(i)));
    }
    batch = createBatch(input, endpoint);
    while (completed(batch) == 0 && status(batch).matches("validating|in_progress")) {
      Thread.sleep(5);
    }
    List<Double> busy = new ArrayList<>();
    for (int i = 0; i < samples && status(batch).equals("in_progress"); i++) {
      busy.add(timed(endpoint, body.apply(i)));
    }
    if (status(batch).equals("in_progress")) {
      try {
        post("/v1/batches/" + batch + "/cancel", "");
      } catch (IllegalStateException e) {
        // finished meanwhile
      }
    }
    while (!status(batch).matches("cancelled|completed|failed|expired")) {
      Thread.sleep(20);
    }
    return new Row(name, lines, batchRate, liveRate, idle, busy.isEmpty() ? List.of(Double.NaN) : busy);
  }

  private double timed(String endpoint, String body) {
    long start = System.nanoTime();
    post(endpoint, body);
    return (System.nanoTime() - start) / 1e6;
  }

  private static String jsonl(String endpoint, IntFunction<String> body, int lines) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < lines; i++) {
      out.append("{\"custom_id\":\"r").append(i).append("\",\"method\":\"POST\",\"url\":\"").append(endpoint)
          .append("\",\"body\":").append(body.apply(i)).append("}\n");
    }
    return out.toString();
  }

  private String upload(String jsonl) {
    String multipart = "--b\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n"
        + "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"requests.jsonl\"\r\n"
        + "Content-Type: application/jsonl\r\n\r\n" + jsonl + "\r\n--b--\r\n";
    return field(ID, send(HttpRequest.newBuilder(uri("/v1/files"))
        .header("Content-Type", "multipart/form-data; boundary=b")
        .POST(HttpRequest.BodyPublishers.ofString(multipart, StandardCharsets.UTF_8)).build()));
  }

  private String createBatch(String inputFileId, String endpoint) {
    return field(ID, post("/v1/batches", "{\"input_file_id\":\"" + inputFileId + "\",\"endpoint\":\"" + endpoint
        + "\",\"completion_window\":\"24h\"}"));
  }

  private String status(String batch) {
    String b = send(HttpRequest.newBuilder(uri("/v1/batches/" + batch)).build());
    String s = field(STATUS, b);
    if (s.equals("failed")) {
      throw new IllegalStateException("batch failed: " + b);
    }
    return s;
  }

  private long completed(String batch) {
    return Long.parseLong(field(COMPLETED, send(HttpRequest.newBuilder(uri("/v1/batches/" + batch)).build())));
  }

  private String post(String path, String json) {
    return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)).build());
  }

  private String send(HttpRequest request) {
    try {
      HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IllegalStateException(request.uri() + ": HTTP " + r.statusCode() + " " + r.body());
      }
      return r.body();
    } catch (IOException e) {
      throw new IllegalStateException(request.uri() + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private URI uri(String path) {
    return base.resolve(path);
  }

  private static String field(Pattern p, String json) {
    Matcher m = p.matcher(json);
    if (!m.find()) {
      throw new IllegalStateException(p + " not in " + json);
    }
    return m.group(1);
  }
}
