package dev.hearth.bench.chat;

import static dev.hearth.bench.BenchArgs.intArg;
import static dev.hearth.bench.BenchArgs.stringArg;
import static dev.hearth.bench.BenchArgs.pct;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.LlamaOutput;
import de.kherud.llama.ModelParameters;
import dev.hearth.bench.streaming.StreamingBench;
import dev.hearth.engine.gguf.GgmlType;
import dev.hearth.engine.gguf.GgufFile;
import dev.hearth.engine.model.Model;
import dev.hearth.engine.model.ModelLoader;
import dev.hearth.engine.template.ChatMessage;
import dev.hearth.engine.template.ChatTemplate;
import dev.hearth.engine.template.ChatTemplateInput;
import dev.hearth.engine.tinymodel.TinyModelSpec;
import dev.hearth.engine.tinymodel.TinyModelWriter;
import dev.hearth.engine.tinymodel.TinyVocabulary;
import dev.hearth.server.HearthServer;
import dev.hearth.server.config.ConfigLoader;
import dev.hearth.server.config.HearthConfig;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Aggregate decoding throughput of {@code POST /v1/chat/completions} with {@code stream: true} at
 * 1, 4, 16 and 64 concurrent streams (continuous batching in the model's step loop), against
 * llama.cpp (de.kherud:llama, JNI) run in the same JVM with the same number of parallel sequences
 * ({@code n_parallel} slots, continuous batching on) and the same prompts, measured side by side.
 *
 * <p>The model has Qwen2.5-0.5B's shape (qwen2, 24 layers x 896, 14 heads / 2 KV heads, FFN 4864,
 * Q8_0) with random weights; with the shared fixtures present it gets Qwen2's real 151,936-token
 * vocabulary and the Qwen2.5 chat template, else the built-in small vocabulary. Both sides decode
 * exactly {@code --tokens} tokens per stream (end of generation banned / ignored), each stream
 * with its own prompt. The client side of Hearth's streams is {@link StreamingBench#http}.
 *
 * <pre>
 * ./hearth-bench/bench chat [--streams 1,4,16,64] [--tokens 64] [--layers 24] [--width 896] [--heads 14]
 *     [--kv-heads 2] [--ffn 4864] [--batch-tokens 256] [--temperature 0] [--threads N] [--vocab qwen2|tiny]
 *     [--no-llama] [--quick]
 * </pre>
 * {@code --vocab tiny}: the built-in 600-token vocabulary, so the output layer does not dominate a small shape.
 * {@code --quick}: 1 and 4 streams, 8 tokens, 2 layers (checks that everything runs, in seconds).
 */
public final class ChatBench {
  private static final String USER = "Write a short story about a lighthouse keeper who finds a message in a bottle.";

  public static void main(String[] args) throws Exception {
    boolean quick = Arrays.asList(args).contains("--quick");
    boolean llama = !Arrays.asList(args).contains("--no-llama");
    int[] streams = Arrays.stream(stringArg(args, "--streams", quick ? "1,4" : "1,4,16,64").split(","))
        .mapToInt(s -> Integer.parseInt(s.strip())).toArray();
    int tokens = intArg(args, "--tokens", quick ? 8 : 64);
    int layers = intArg(args, "--layers", quick ? 2 : 24);
    int width = intArg(args, "--width", 896);
    int heads = intArg(args, "--heads", 14);
    int kvHeads = intArg(args, "--kv-heads", 2);
    int ffn = intArg(args, "--ffn", 4864);
    int batchTokens = intArg(args, "--batch-tokens", 256);
    int threads = intArg(args, "--threads", Runtime.getRuntime().availableProcessors());
    float temperature = Float.parseFloat(stringArg(args, "--temperature", "0"));
    int maxStreams = Arrays.stream(streams).max().orElse(1);

    Path shared = sharedDir();
    Path vocabFile = shared.resolve("llm-fixtures/vocab/ggml-vocab-qwen2.gguf");
    Path templateFile = shared.resolve("llm-fixtures/chat-templates/Qwen-Qwen2.5-7B-Instruct.jinja");
    boolean qwenVocab = !stringArg(args, "--vocab", "qwen2").equals("tiny")
        && Files.isRegularFile(vocabFile) && Files.isRegularFile(templateFile);
    Path dir = Files.createTempDirectory("hearth-chat-bench");
    String shape = "qwen2-" + layers + "x" + width + "-h" + heads + "-kv" + kvHeads + "-ffn" + ffn + "-q8_0-"
        + (qwenVocab ? "qwen2vocab" : "tinyvocab");
    // random weights of this size take a while to write: kept between runs
    Path modelFile = Path.of(System.getProperty("java.io.tmpdir"), "hearth-chat-bench-" + shape + ".gguf");
    if (!Files.isRegularFile(modelFile)) {
      TinyVocabulary vocabulary = qwenVocab
          ? TinyVocabulary.fromGguf(vocabFile).withChatTemplate(Files.readString(templateFile))
          : TinyVocabulary.byteLevelBpe(400);
      Path partial = Files.createTempFile(modelFile.getParent(), "hearth-chat-bench-", ".part");
      TinyModelWriter.write(TinyModelSpec.of("qwen2").withWeightType(GgmlType.Q8_0)
          .withDimensions(layers, width, heads, kvHeads, ffn, 4096), vocabulary, partial);
      Files.move(partial, modelFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    List<String> prompts = new ArrayList<>();
    int eot;
    int promptTokens;
    try (GgufFile file = GgufFile.open(modelFile)) {
      Model model = ModelLoader.load(file);
      eot = model.tokenizer().specialTokens().eot() >= 0 ? model.tokenizer().specialTokens().eot()
          : model.tokenizer().specialTokens().eos();
      ChatTemplate template = ChatTemplate.compile(file.metadata().getString("tokenizer.chat_template").orElseThrow());
      int bos = model.tokenizer().specialTokens().bos();
      for (int i = 0; i < maxStreams; i++) {
        prompts.add(template.render(new ChatTemplateInput(List.of(ChatMessage.user(userOf(i))), null,
            true, bos >= 0 ? model.tokenizer().vocabulary().text(bos) : null, null, null)));
      }
      promptTokens = model.tokenizer().encode(prompts.get(0), false, true).length;
    }

    System.out.printf(Locale.ROOT, "Chat throughput: qwen2 %d layers x %d wide (%d/%d heads, FFN %d), Q8_0, %s vocabulary,"
        + " prompt ~%d tokens, %d generated per stream, temperature %s, %d CPUs, Hearth max_batch_tokens %d%n",
        layers, width, heads, kvHeads, ffn, qwenVocab ? "Qwen2 (151,936)" : "built-in small", promptTokens, tokens,
        temperature, Runtime.getRuntime().availableProcessors(), batchTokens);

    double[] hearth = new double[streams.length];
    double[] hearthTtft = new double[streams.length];
    Path yaml = dir.resolve("models.yaml");
    Files.writeString(yaml, """
        models:
          - id: qwen2.5-0.5b-instruct
            enabled: false
          - id: bench
            engine: gguf
            source: "%s"
            options:
              max_concurrent_sequences: %d
              max_queue: %d
              max_batch_tokens: %d
              prefix_cache_mb: 0
        """.formatted(modelFile, maxStreams, maxStreams, batchTokens));
    HearthConfig config = ConfigLoader.defaults().file(yaml).set("data_dir", dir.resolve("data").toString())
        .set("server.port", "0").load();
    try (HearthServer server = HearthServer.start(config)) {
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      List<HttpRequest> requests = new ArrayList<>();
      for (int i = 0; i < prompts.size(); i++) {
        String body = "{\"model\":\"bench\",\"stream\":true,\"temperature\":" + temperature + ",\"seed\":" + i
            + ",\"max_tokens\":" + tokens + ",\"logit_bias\":{\"" + eot + "\":-100},\"messages\":[{\"role\":\"user\","
            + "\"content\":" + json(userOf(i)) + "}]}";
        requests.add(HttpRequest.newBuilder(server.baseUrl().resolve("/v1/chat/completions"))
            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build());
      }
      hearthLevel(http, requests, Math.min(4, maxStreams)); // warm-up: JIT, the model's lazy load
      for (int i = 0; i < streams.length; i++) {
        double[] r = hearthLevel(http, requests, streams[i]);
        hearth[i] = r[0] * tokens / r[1];
        hearthTtft[i] = r[2];
      }
    }

    double[] cpp = new double[streams.length];
    double[] cppTtft = new double[streams.length];
    if (llama) {
      Path natives = dir.resolve("llama-native");
      Files.createDirectories(natives);
      System.setProperty("de.kherud.llama.tmpdir", natives.toString());
      for (int i = 0; i < streams.length; i++) {
        double[] r = llamaLevel(modelFile, prompts, streams[i], tokens, promptTokens, threads, temperature, eot);
        cpp[i] = r[0] * tokens / r[1];
        cppTtft[i] = r[2];
      }
    }

    System.out.printf(Locale.ROOT, "%-8s %14s %14s %8s %16s %16s%n", "streams", "Hearth tok/s", "llama.cpp tok/s",
        "ratio", "Hearth TTFT ms", "llama.cpp TTFT ms");
    for (int i = 0; i < streams.length; i++) {
      System.out.printf(Locale.ROOT, "%-8d %14.1f %14s %8s %16.1f %16s%n", streams[i], hearth[i],
          llama ? String.format(Locale.ROOT, "%.1f", cpp[i]) : "-",
          llama ? String.format(Locale.ROOT, "%.2f", hearth[i] / cpp[i]) : "-", hearthTtft[i],
          llama ? String.format(Locale.ROOT, "%.1f", cppTtft[i]) : "-");
    }
    System.out.println("tok/s: generated tokens of all streams / wall time from the first request to the last token;"
        + " TTFT: median over the streams.");
    System.exit(0); // the binding leaves a native thread running after close()
  }

  private static String userOf(int index) {
    return "Story " + index + ". " + USER;
  }

  /** {@code count} streams at once; returns {streams, seconds, median TTFT ms}. */
  static double[] hearthLevel(HttpClient http, List<HttpRequest> requests, int count) throws Exception {
    List<Double> ttft = Collections.synchronizedList(new ArrayList<>());
    long start = System.nanoTime();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> futures = new ArrayList<>();
      for (int s = 0; s < count; s++) {
        HttpRequest request = requests.get(s);
        futures.add(pool.submit(() -> {
          List<Double> mine = new ArrayList<>();
          StreamingBench.http(http, request, mine, new ArrayList<>());
          ttft.add(mine.isEmpty() ? Double.NaN : mine.get(0));
          return null;
        }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    return new double[] {count, seconds, pct(new ArrayList<>(ttft), 50)};
  }

  /** llama.cpp with {@code count} slots serving {@code count} concurrent completions; {streams, seconds, median TTFT ms}. */
  static double[] llamaLevel(Path modelFile, List<String> prompts, int count, int tokens, int promptTokens, int threads,
      float temperature, int eot) throws Exception {
    int perSlot = promptTokens + tokens + 64;
    ModelParameters params = new ModelParameters().setModel(modelFile.toString()).setParallel(count)
        .setCtxSize(count * perSlot).setBatchSize(Math.max(512, count * 4)).setThreads(threads).setThreadsBatch(threads)
        .setGpuLayers(0).enableContBatching().disableLog();
    try (LlamaModel model = new LlamaModel(params)) {
      run(model, prompts.get(0), Math.min(4, tokens), temperature, eot, 0); // warm-up
      List<Double> ttft = Collections.synchronizedList(new ArrayList<>());
      long start = System.nanoTime();
      try (ExecutorService pool = Executors.newFixedThreadPool(count)) {
        List<Future<?>> futures = new ArrayList<>();
        for (int s = 0; s < count; s++) {
          int index = s;
          futures.add(pool.submit(() -> {
            long t0 = System.nanoTime();
            long first = run(model, prompts.get(index), tokens, temperature, eot, index);
            ttft.add((first - t0) / 1e6);
            return null;
          }));
        }
        for (Future<?> f : futures) {
          f.get();
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      return new double[] {count, seconds, pct(new ArrayList<>(ttft), 50)};
    }
  }

  /** One streamed completion of exactly {@code tokens} tokens; returns when the first arrived (nanoTime). */
  private static long run(LlamaModel model, String prompt, int tokens, float temperature, int eot, int seed) {
    InferenceParameters p = new InferenceParameters(prompt).setNPredict(tokens).setIgnoreEos(true)
        .setTemperature(temperature).setSeed(seed).setCachePrompt(false).setTokenIdBias(Map.of(eot, -100f));
    long first = 0;
    int received = 0;
    for (LlamaOutput out : model.generate(p)) {
      if (first == 0) {
        first = System.nanoTime();
      }
      received++;
    }
    if (received == 0) {
      throw new IllegalStateException("llama.cpp produced nothing");
    }
    return first;
  }

  static String json(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }

  /** The shared fixtures: {@code hearth.shared}, else {@code <repo>/../shared} next to this jar's checkout. */
  static Path sharedDir() throws Exception {
    String property = System.getProperty("hearth.shared");
    if (property != null && !property.isBlank()) {
      return Path.of(property);
    }
    Path jar = Path.of(ChatBench.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    // <repo>/hearth-bench/target/x.jar (or target/classes) -> <repo>/../shared
    Path repo = jar.getParent().getParent().getParent();
    return repo.resolveSibling("shared");
  }
}
