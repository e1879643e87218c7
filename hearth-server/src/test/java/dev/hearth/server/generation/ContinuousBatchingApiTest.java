package dev.hearth.server.generation;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import com.openai.models.completions.CompletionUsage;
import dev.hearth.server.config.ConfigLoader;
import dev.hearth.server.config.HearthConfig;
import dev.hearth.server.conformance.ConformanceExtension;
import dev.hearth.server.conformance.RequiresSpec;
import dev.hearth.server.testing.TestServer;
import dev.hearth.server.testing.TinyLlm;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Continuous batching, the prefix cache and disconnects, seen through the official SDK. */
@RequiresSpec
class ContinuousBatchingApiTest {
  @TempDir Path dir;

  @RegisterExtension final ConformanceExtension conformance = new ConformanceExtension();

  static HearthConfig config(Path dataDir, Path model, int maxConcurrent, int maxQueue, int prefixCacheMb) throws Exception {
    Files.createDirectories(dataDir);
    Path yaml = dataDir.resolve("models.yaml");
    Files.writeString(yaml, """
        models:
          - id: qwen2.5-0.5b-instruct
            enabled: false
          - id: tiny
            engine: gguf
            source: "%s"
            options:
              max_concurrent_sequences: %d
              max_queue: %d
              max_batch_tokens: 32
              prefix_cache_mb: %d
        """.formatted(model.toString().replace("\\", "\\\\"), maxConcurrent, maxQueue, prefixCacheMb));
    return ConfigLoader.defaults().file(yaml).set("data_dir", dataDir.toString()).set("server.port", "0").load();
  }

  static String text(ChatCompletion c) {
    return c.choices().get(0).message().content().orElse("");
  }

  static long cached(CompletionUsage u) {
    return u.promptTokensDetails().orElseThrow().cachedTokens().orElse(0L);
  }

  @Test
  void thirtyTwoConcurrentStreamsEachEqualTheSameRequestRunAlone() throws Exception {
    Path model = TinyLlm.write(dir);
    int streams = 32;
    try (TestServer server = TestServer.start(config(dir.resolve("data"), model, streams, streams, 0), List.of())) {
      OpenAIClient client = conformance.openAi(server.baseUrl(), "sk-x");
      List<ChatCompletionCreateParams> requests = new ArrayList<>();
      for (int i = 0; i < streams; i++) {
        requests.add(ChatCompletionCreateParams.builder().model("tiny").addUserMessage("Request number " + i + "!".repeat(i))
            .maxCompletionTokens(10 + i % 7).temperature(1.0).seed(100 + i).build());
      }
      List<String> streamed = new ArrayList<>();
      try (ExecutorService pool = Executors.newFixedThreadPool(streams)) {
        List<Future<String>> futures = new ArrayList<>();
        for (ChatCompletionCreateParams p : requests) {
          futures.add(pool.submit(() -> {
            StringBuilder text = new StringBuilder();
            try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(p)) {
              s.stream().forEach(c -> c.choices().forEach(ch -> ch.delta().content().ifPresent(text::append)));
            }
            return text.toString();
          }));
        }
        for (Future<String> f : futures) {
          streamed.add(f.get());
        }
      }
      for (int i = 0; i < streams; i++) {
        assertThat(streamed.get(i)).as("stream " + i).isEqualTo(text(client.chat().completions().create(requests.get(i))));
      }
    }
  }

  @Test
  void theSecondTurnOfAChatHitsThePrefixCacheAndAnswersLikeACacheColdServer() throws Exception {
    Path model = TinyLlm.write(dir);
    try (TestServer warm = TestServer.start(config(dir.resolve("warm"), model, 2, 4, 64), List.of());
        TestServer cold = TestServer.start(config(dir.resolve("cold"), model, 2, 4, 0), List.of())) {
      OpenAIClient warmClient = conformance.openAi(warm.baseUrl(), "sk-x");
      OpenAIClient coldClient = conformance.openAi(cold.baseUrl(), "sk-x");
      ChatCompletionCreateParams turn1 = ChatCompletionCreateParams.builder().model("tiny")
          .addSystemMessage("You are a terse assistant that answers in one line.")
          .addUserMessage("What is the capital of France?").maxCompletionTokens(12).temperature(1.0).seed(7).build();
      ChatCompletion first = warmClient.chat().completions().create(turn1);
      assertThat(cached(first.usage().orElseThrow())).isZero();
      assertThat(text(first)).isEqualTo(text(coldClient.chat().completions().create(turn1)));

      ChatCompletionCreateParams turn2 = turn1.toBuilder().addAssistantMessage(text(first))
          .addUserMessage("And of Italy?").seed(8).build();
      ChatCompletion second = warmClient.chat().completions().create(turn2);
      ChatCompletion coldSecond = coldClient.chat().completions().create(turn2);
      CompletionUsage usage = second.usage().orElseThrow();
      assertThat(cached(usage)).isPositive().isLessThan(usage.promptTokens());
      assertThat(cached(coldSecond.usage().orElseThrow())).isZero();
      assertThat(usage.promptTokens()).isEqualTo(coldSecond.usage().orElseThrow().promptTokens());
      assertThat(text(second)).isEqualTo(text(coldSecond));

      // streamed, with usage: the same answer, the cached tokens reported in the last chunk
      StringBuilder streamed = new StringBuilder();
      List<CompletionUsage> usages = new ArrayList<>();
      try (StreamResponse<ChatCompletionChunk> s = warmClient.chat().completions().createStreaming(turn2.toBuilder()
          .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
        s.stream().forEach(c -> {
          c.choices().forEach(ch -> ch.delta().content().ifPresent(streamed::append));
          c.usage().ifPresent(usages::add);
        });
      }
      assertThat(streamed.toString()).isEqualTo(text(coldSecond));
      assertThat(usages).hasSize(1);
      assertThat(cached(usages.get(0))).isGreaterThanOrEqualTo(cached(usage));
    }
  }

  @Test
  void aRepeatedLegacyCompletionPromptReportsItsCachedTokens() throws Exception {
    Path model = TinyLlm.write(dir);
    try (TestServer server = TestServer.start(config(dir.resolve("data"), model, 2, 4, 64), List.of())) {
      OpenAIClient client = conformance.openAi(server.baseUrl(), "sk-x");
      CompletionCreateParams request = CompletionCreateParams.builder().model(CompletionCreateParams.Model.of("tiny"))
          .prompt("Once upon a time, in a village by the sea, there lived an old fisherman who").maxTokens(6)
          .temperature(1.0).seed(3).build();
      Completion first = client.completions().create(request);
      Completion second = client.completions().create(request);
      assertThat(cached(first.usage().orElseThrow())).isZero();
      CompletionUsage usage = second.usage().orElseThrow();
      assertThat(cached(usage)).isEqualTo(usage.promptTokens() - 1); // all but the last prompt token
      assertThat(second.choices().get(0).text()).isEqualTo(first.choices().get(0).text());
    }
  }

  @Test
  void nChoicesStillComeFromOneFedPrompt() throws Exception {
    Path model = TinyLlm.write(dir);
    try (TestServer server = TestServer.start(config(dir.resolve("data"), model, 4, 4, 0), List.of())) {
      OpenAIClient client = conformance.openAi(server.baseUrl(), "sk-x");
      ChatCompletionCreateParams three = ChatCompletionCreateParams.builder().model("tiny").addUserMessage("Three, please")
          .maxCompletionTokens(8).temperature(1.0).seed(50).n(3).build();
      ChatCompletion c = client.chat().completions().create(three);
      assertThat(c.choices()).hasSize(3);
      for (int i = 0; i < 3; i++) { // choice i is the single request with seed + i
        ChatCompletion alone = client.chat().completions().create(three.toBuilder().n(1).seed(50 + i).build());
        assertThat(c.choices().get(i).message().content().orElse("")).isEqualTo(text(alone));
      }
      assertThat(c.usage().orElseThrow().promptTokens()).isEqualTo(TinyLlm.chatPromptTokens(model, "Three, please"));
    }
  }

  private static Socket send(TestServer server, byte[] body) throws Exception {
    Socket socket = new Socket(server.baseUrl().getHost(), server.baseUrl().getPort());
    OutputStream out = socket.getOutputStream();
    out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    out.write(body);
    out.flush();
    return socket;
  }

  @Test
  void aNonStreamingClientThatDisconnectsFreesItsSlot() throws Exception {
    Path model = TinyLlm.write(dir, 4, 256, 4096);
    int eot = TinyLlm.endOfTurn(model);
    try (TestServer server = TestServer.start(config(dir.resolve("data"), model, 1, 0, 0), List.of())) {
      String probe = "{\"model\":\"tiny\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":%d,"
          + "\"logit_bias\":{\"" + eot + "\":-100}}";
      // how long the model takes for a short answer, to tell a freed slot from a finished generation
      long start = System.nanoTime();
      assertThat(server.post("/v1/chat/completions", probe.formatted(64)).statusCode()).isEqualTo(200);
      long per64 = System.nanoTime() - start;

      byte[] body = probe.formatted(4000).getBytes(StandardCharsets.UTF_8);
      Socket socket = send(server, body);
      try {
        // until the long request generates, holding the only slot (a probe that held it meanwhile got it refused: resend)
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (server.post("/v1/chat/completions", probe.formatted(1)).statusCode() != 429) {
          assertThat(System.nanoTime()).as("the long request never took the slot").isLessThan(deadline);
          if (socket.getInputStream().available() > 0) {
            socket.close();
            socket = send(server, body);
          }
        }
        assertThat(socket.getInputStream().available()).isZero(); // no answer yet
      } finally {
        socket.close(); // the client goes away without reading an answer
      }
      long gone = System.nanoTime();
      int status;
      do {
        status = server.post("/v1/chat/completions", probe.formatted(1)).statusCode();
      } while (status == 429 && System.nanoTime() - gone < Duration.ofSeconds(60).toNanos());
      long freedAfter = System.nanoTime() - gone;
      assertThat(status).isEqualTo(200);
      // 4000 tokens take at least 60 times as long as 64 (attention grows with the length too)
      assertThat(freedAfter).as("slot freed after %d ms (64 tokens take %d ms)", freedAfter / 1_000_000, per64 / 1_000_000)
          .isLessThan(15 * per64);
    }
  }
}
