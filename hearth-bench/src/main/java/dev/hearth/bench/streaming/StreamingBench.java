package dev.hearth.bench.streaming;

import static dev.hearth.bench.BenchArgs.intArg;
import static dev.hearth.bench.BenchArgs.pct;

import dev.hearth.engine.generation.Generator;
import dev.hearth.engine.gguf.GgmlType;
import dev.hearth.engine.gguf.GgufFile;
import dev.hearth.engine.model.Model;
import dev.hearth.engine.model.ModelLoader;
import dev.hearth.engine.sampling.GreedySampler;
import dev.hearth.engine.sampling.Sampler;
import dev.hearth.engine.template.ChatMessage;
import dev.hearth.engine.template.ChatTemplate;
import dev.hearth.engine.template.ChatTemplateInput;
import dev.hearth.engine.tinymodel.TinyModelSpec;
import dev.hearth.engine.tinymodel.TinyModelWriter;
import dev.hearth.engine.tinymodel.TinyVocabulary;
import dev.hearth.server.HearthServer;
import dev.hearth.server.config.ConfigLoader;
import dev.hearth.server.config.HearthConfig;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Streaming overhead: time to first token (TTFT) and inter-token latency (ITL) of
 * {@code POST /v1/chat/completions} with {@code stream: true}, read by a client on loopback, against
 * the engine's own {@link Generator} on the same prompt tokens in the same JVM (the yardstick). Both
 * decode greedily with the end-of-turn token banned, so both produce exactly {@code --tokens} tokens.
 *
 * <pre>
 * ./hearth-bench/bench streaming [--runs 10] [--tokens 64] [--layers 8] [--width 512]
 * </pre>
 */
public final class StreamingBench {
  public static void main(String[] args) throws Exception {
    int runs = intArg(args, "--runs", 10);
    int tokens = intArg(args, "--tokens", 64);
    int layers = intArg(args, "--layers", 8);
    int width = intArg(args, "--width", 512);
    Path dir = Files.createTempDirectory("hearth-stream-bench");
    Path modelFile = dir.resolve("bench.gguf");
    TinyModelWriter.write(TinyModelSpec.of("llama").withWeightType(GgmlType.Q8_0)
        .withDimensions(layers, width, 8, 4, width * 3, 2048), TinyVocabulary.byteLevelBpe(400), modelFile);
    String user = "Write a short story about a lighthouse keeper who finds a message in a bottle.";

    try (GgufFile file = GgufFile.open(modelFile)) {
      Model model = ModelLoader.load(file);
      int eot = model.tokenizer().specialTokens().eot();
      String rendered = ChatTemplate.compile(file.metadata().getString("tokenizer.chat_template").orElseThrow())
          .render(new ChatTemplateInput(List.of(ChatMessage.user(user)), null, true,
              model.tokenizer().vocabulary().text(model.tokenizer().specialTokens().bos()), null, null));
      int[] prompt = model.tokenizer().encode(rendered, false, true);
      Sampler noEot = logits -> {
        logits[eot] = Float.NEGATIVE_INFINITY;
        return new GreedySampler().sample(logits);
      };

      Path yaml = dir.resolve("models.yaml");
      Files.writeString(yaml, """
          models:
            - id: qwen2.5-0.5b-instruct
              enabled: false
            - id: bench
              engine: gguf
              source: "%s"
          """.formatted(modelFile));
      HearthConfig config = ConfigLoader.defaults().file(yaml).set("data_dir", dir.resolve("data").toString())
          .set("server.port", "0").load();
      String body = "{\"model\":\"bench\",\"stream\":true,\"temperature\":0,\"max_tokens\":" + tokens
          + ",\"logit_bias\":{\"" + eot + "\":-100},\"messages\":[{\"role\":\"user\",\"content\":\""
          + user + "\"}]}";
      try (HearthServer server = HearthServer.start(config)) {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest request = HttpRequest.newBuilder(server.baseUrl().resolve("/v1/chat/completions"))
            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        List<Double> engineTtft = new ArrayList<>();
        List<Double> engineItl = new ArrayList<>();
        List<Double> httpTtft = new ArrayList<>();
        List<Double> httpItl = new ArrayList<>();
        for (int warm = 0; warm < 3; warm++) { // JIT and the server's lazy model load
          engine(model, prompt, tokens, noEot, new ArrayList<>(), new ArrayList<>());
          http(http, request, new ArrayList<>(), new ArrayList<>());
        }
        for (int r = 0; r < runs; r++) {
          engine(model, prompt, tokens, noEot, engineTtft, engineItl);
          http(http, request, httpTtft, httpItl);
        }
        System.out.printf(Locale.ROOT, "Streaming benchmark: llama %d layers x %d wide, Q8_0, prompt %d tokens, %d generated,"
            + " %d runs, %d CPUs%n", layers, width, prompt.length, tokens, runs, Runtime.getRuntime().availableProcessors());
        System.out.printf(Locale.ROOT, "%-28s %12s %12s %8s%n", "", "engine", "HTTP stream", "ratio");
        row("TTFT median (ms)", pct(engineTtft, 50), pct(httpTtft, 50));
        row("ITL median (ms)", pct(engineItl, 50), pct(httpItl, 50));
        row("ITL p90 (ms)", pct(engineItl, 90), pct(httpItl, 90));
        row("ITL p99 (ms)", pct(engineItl, 99), pct(httpItl, 99));
      }
    }
  }

  /** The engine's own loop: prompt fed, then tokens streamed through its detokenizer. */
  static void engine(Model model, int[] prompt, int tokens, Sampler sampler, List<Double> ttft, List<Double> itl) {
    long start = System.nanoTime();
    long[] last = {0};
    new Generator(model).generate(prompt, tokens, sampler, text -> {
      long now = System.nanoTime();
      if (last[0] == 0) {
        ttft.add((now - start) / 1e6);
      } else {
        itl.add((now - last[0]) / 1e6);
      }
      last[0] = now;
    });
  }

  /** A streaming request; a token arrives with each {@code data:} line that carries content. */
  public static void http(HttpClient http, HttpRequest request, List<Double> ttft, List<Double> itl) throws Exception {
    long start = System.nanoTime();
    HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    if (response.statusCode() != 200) {
      throw new IllegalStateException("HTTP " + response.statusCode() + ": " + new String(response.body().readAllBytes(), StandardCharsets.UTF_8));
    }
    long last = 0;
    try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        if (!line.startsWith("data: {") || !line.contains("\"content\":\"") || line.contains("\"content\":\"\"")) {
          continue;
        }
        long now = System.nanoTime();
        if (last == 0) {
          ttft.add((now - start) / 1e6);
        } else {
          itl.add((now - last) / 1e6);
        }
        last = now;
      }
    }
  }

  static void row(String name, double engine, double http) {
    System.out.printf(Locale.ROOT, "%-28s %12.2f %12.2f %8.2f%n", name, engine, http, http / engine);
  }
}
