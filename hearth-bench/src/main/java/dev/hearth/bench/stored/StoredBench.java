package dev.hearth.bench.stored;

import static dev.hearth.bench.BenchArgs.intArg;

import dev.hearth.engine.gguf.GgmlType;
import dev.hearth.engine.tinymodel.TinyModelSpec;
import dev.hearth.engine.tinymodel.TinyModelWriter;
import dev.hearth.engine.tinymodel.TinyVocabulary;
import dev.hearth.server.HearthServer;
import dev.hearth.server.config.ConfigLoader;
import dev.hearth.server.config.HearthConfig;
import dev.hearth.store.Database;
import dev.hearth.store.PageRequest;
import dev.hearth.store.ProjectStore;
import dev.hearth.store.SortOrder;
import dev.hearth.store.StoredCompletion;
import dev.hearth.store.StoredCompletionStore;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Stored chat completions on SQLite.
 *
 * <ol>
 * <li>Persistence overhead: throughput of {@code POST /v1/chat/completions} with {@code store: true}
 * against the same requests with {@code store: false} (the yardstick), on a tiny model so the write
 * is a visible share of each request; phases alternate (off, on, off, on) in one run.</li>
 * <li>List latency with {@code --rows} stored completions (inserted through
 * {@link StoredCompletionStore} directly), filtered by metadata: p50/p99 of a page of 20, in the
 * store and through HTTP, next to the unfiltered list (the yardstick). Goal: p99 under 20 ms.</li>
 * </ol>
 *
 * <pre>
 * ./hearth-bench/bench stored [--seconds 4] [--clients 8] [--rows 100000] [--queries 500]
 * </pre>
 */
public final class StoredBench {
  public static void main(String[] args) throws Exception {
    int seconds = intArg(args, "--seconds", 4);
    int clients = intArg(args, "--clients", 8);
    int rows = intArg(args, "--rows", 100_000);
    int queries = intArg(args, "--queries", 500);
    Path dir = Files.createTempDirectory("hearth-stored-bench");
    Path modelFile = dir.resolve("tiny.gguf");
    TinyModelWriter.write(TinyModelSpec.of("llama").withWeightType(GgmlType.F32).withDimensions(2, 64, 4, 2, 128, 512),
        TinyVocabulary.byteLevelBpe(200), modelFile);
    Path yaml = dir.resolve("models.yaml");
    Files.writeString(yaml, """
        models:
          - id: qwen2.5-0.5b-instruct
            enabled: false
          - id: tiny
            engine: gguf
            source: "%s"
            options:
              max_concurrent_sequences: %d
              max_queue: 1024
        """.formatted(modelFile, clients));
    Path data = dir.resolve("data");
    HearthConfig config = ConfigLoader.defaults().file(yaml).set("data_dir", data.toString()).set("server.port", "0").load();
    System.out.printf(Locale.ROOT, "Stored completions benchmark: SQLite, %d CPUs%n%n", Runtime.getRuntime().availableProcessors());

    try (HearthServer server = HearthServer.start(config)) {
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      throughput(http, server, clients, 1); // warm-up: JIT, model load
      double[] off = new double[2];
      double[] on = new double[2];
      for (int i = 0; i < 2; i++) {
        off[i] = throughput(http, server, clients, seconds / 2.0, false);
        on[i] = throughput(http, server, clients, seconds / 2.0, true);
      }
      double offRate = (off[0] + off[1]) / 2;
      double onRate = (on[0] + on[1]) / 2;
      System.out.printf(Locale.ROOT, "1. chat throughput, tiny model (2 x 64), max_tokens 4, %d clients, %d s per mode%n",
          clients, seconds);
      System.out.printf(Locale.ROOT, "%-34s %12s %12s %8s%n", "", "store:false", "store:true", "ratio");
      System.out.printf(Locale.ROOT, "%-34s %12.1f %12.1f %8.3f%n%n", "requests/s", offRate, onRate, onRate / offRate);
    }

    // 2. list latency: rows inserted straight into the same database file, then read in the store and over HTTP
    String projectId;
    try (Database db = HearthServer.openDatabase(config)) {
      projectId = new ProjectStore(db, InstantSource.system()).getOrCreate("default").id();
      StoredCompletionStore store = new StoredCompletionStore(db, InstantSource.system());
      long start = System.nanoTime();
      insert(store, projectId, rows);
      double insertSeconds = (System.nanoTime() - start) / 1e9;
      // fold the bulk load's WAL into the database first, so no background checkpoint competes with the reads
      try (var c = db.dataSource().getConnection(); var st = c.createStatement()) {
        st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
      }
      System.out.printf(Locale.ROOT, "2. list latency, %,d stored completions (3 metadata pairs each; inserted in %.1f s,"
          + " %,.0f rows/s), page of 20, %d queries each%n", rows, insertSeconds, rows / insertSeconds, queries);
      Random random = new Random(7);
      List<String[]> table = new ArrayList<>();
      table.add(row("store: no filter (yardstick)", latencies(queries, () -> {
        store.list(projectId, null, Map.of(), PageRequest.first(20, SortOrder.DESC));
        return null;
      })));
      table.add(row("store: metadata[user] (100 rows)", latencies(queries, () -> {
        store.list(projectId, null, Map.of("user", "u" + random.nextInt(1000)), PageRequest.first(20, SortOrder.DESC));
        return null;
      })));
      table.add(row("store: metadata[tier] (1/3 of rows)", latencies(queries, () -> {
        store.list(projectId, null, Map.of("tier", "t" + random.nextInt(3)), PageRequest.first(20, SortOrder.ASC));
        return null;
      })));
      table.add(row("store: metadata[user]+[tier]+model", latencies(queries, () -> {
        store.list(projectId, "tiny", Map.of("user", "u" + random.nextInt(1000), "tier", "t" + random.nextInt(3)),
            PageRequest.first(20, SortOrder.DESC));
        return null;
      })));
      table.add(row("store: metadata[user], no match", latencies(queries, () -> {
        store.list(projectId, null, Map.of("user", "nobody" + random.nextInt(1000)), PageRequest.first(20, SortOrder.DESC));
        return null;
      })));
      try (HearthServer server = HearthServer.start(config)) {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String base = "http://127.0.0.1:" + server.port() + "/v1/chat/completions?limit=20";
        table.add(row("HTTP: no filter (yardstick)", latencies(queries, () -> get(http, base + "&order=desc"))));
        table.add(row("HTTP: metadata[user] (100 rows)", latencies(queries, () ->
            get(http, base + "&order=desc&metadata%5Buser%5D=u" + random.nextInt(1000)))));
        table.add(row("HTTP: metadata[user]+[tier]+model", latencies(queries, () ->
            get(http, base + "&model=tiny&metadata%5Buser%5D=u" + random.nextInt(1000) + "&metadata%5Btier%5D=t"
                + random.nextInt(3)))));
      }
      System.out.printf(Locale.ROOT, "%-38s %10s %10s %10s%n", "", "p50 (ms)", "p99 (ms)", "max (ms)");
      for (String[] r : table) {
        System.out.printf(Locale.ROOT, "%-38s %10s %10s %10s%n", (Object[]) r);
      }
    }
  }

  static double throughput(HttpClient http, HearthServer server, int clients, double seconds) throws Exception {
    return throughput(http, server, clients, seconds, false);
  }

  /** Requests per second of {@code clients} closed-loop clients for {@code seconds}. */
  static double throughput(HttpClient http, HearthServer server, int clients, double seconds, boolean store)
      throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong done = new AtomicLong();
    long start = System.nanoTime();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int c = 0; c < clients; c++) {
        int client = c;
        pool.submit(() -> {
          for (int i = 0; !stop.get(); i++) {
            String body = "{\"model\":\"tiny\",\"max_tokens\":4,\"temperature\":0,\"store\":" + store
                + ",\"metadata\":{\"client\":\"" + client + "\",\"i\":\"" + i + "\"},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Say something about request " + i + "\"}]}";
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(server.baseUrl().resolve("/v1/chat/completions"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
              throw new IllegalStateException("HTTP " + r.statusCode() + ": " + r.body());
            }
            done.incrementAndGet();
          }
          return null;
        });
      }
      Thread.sleep((long) (seconds * 1000));
      stop.set(true);
    }
    return done.get() / ((System.nanoTime() - start) / 1e9);
  }

  static void insert(StoredCompletionStore store, String projectId, int rows) {
    Instant now = Instant.now();
    String answer = "A stored answer of moderate length, as a short chat reply would be. ".repeat(4);
    List<StoredCompletion> batch = new ArrayList<>();
    for (int i = 0; i < rows; i++) {
      String id = "chatcmpl-bench" + String.format(Locale.ROOT, "%09d", i);
      String response = "{\"id\":\"" + id + "\",\"object\":\"chat.completion\",\"created\":" + now.getEpochSecond()
          + ",\"model\":\"tiny\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"" + answer
          + "\",\"refusal\":null},\"logprobs\":null,\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":20,"
          + "\"completion_tokens\":40,\"total_tokens\":60},\"system_fingerprint\":\"fp_bench\",\"service_tier\":\"default\"}";
      batch.add(new StoredCompletion(id, projectId, "tiny", now, now.plusSeconds(30L * 86_400),
          "[{\"role\":\"user\",\"content\":\"Question number " + i + "\"}]", response,
          Map.of("user", "u" + (i % 1000), "tier", "t" + (i % 3), "run", "bench")));
      if (batch.size() == 5000) {
        store.insertAll(batch);
        batch.clear();
      }
    }
    if (!batch.isEmpty()) {
      store.insertAll(batch);
    }
  }

  static String get(HttpClient http, String url) {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(java.net.URI.create(url)).build(),
          HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IllegalStateException("HTTP " + r.statusCode() + ": " + r.body());
      }
      return r.body();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Milliseconds of {@code n} calls, after {@code n / 10} warm-up calls. */
  static double[] latencies(int n, Supplier<?> call) {
    for (int i = 0; i < n / 10; i++) {
      call.get();
    }
    double[] ms = new double[n];
    for (int i = 0; i < n; i++) {
      long start = System.nanoTime();
      call.get();
      ms[i] = (System.nanoTime() - start) / 1e6;
    }
    Arrays.sort(ms);
    return ms;
  }

  static String[] row(String name, double[] sorted) {
    return new String[] {name, fmt(pct(sorted, 50)), fmt(pct(sorted, 99)), fmt(sorted[sorted.length - 1])};
  }

  static double pct(double[] sorted, double p) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100 * sorted.length) - 1)];
  }

  static String fmt(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
  }
}
