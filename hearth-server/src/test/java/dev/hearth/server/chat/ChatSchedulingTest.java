package dev.hearth.server.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.hearth.server.conformance.ConformanceExtension;
import dev.hearth.server.conformance.RequiresSpec;
import dev.hearth.server.testing.Envelopes;
import dev.hearth.server.testing.TestServer;
import dev.hearth.server.testing.TinyLlm;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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

/** The per-model scheduler seen from HTTP: bounded queue (429), freed slots, concurrent streams. */
@RequiresSpec
class ChatSchedulingTest {
  @TempDir Path dir;

  @RegisterExtension final ConformanceExtension conformance = new ConformanceExtension();

  static String body(int maxTokens, boolean stream) {
    return "{\"model\":\"tiny\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":" + maxTokens
        + ",\"stream\":" + stream + ",\"logit_bias\":{\"%d\":-100}}";
  }

  @Test
  void aFloodBeyondTheQueueGets429AndADisconnectFreesTheSlot() throws Exception {
    // big enough that a 3000-token generation outlasts the requests below by far
    Path model = TinyLlm.write(dir, 4, 256, 4096);
    int eot = TinyLlm.endOfTurn(model);
    try (TestServer server = TestServer.start(TinyLlm.config(dir.resolve("data"), model, 1, 0), List.of())) {
      HttpClient http = HttpClient.newHttpClient();
      HttpRequest longStream = HttpRequest.newBuilder(server.uri("/v1/chat/completions"))
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body(3000, true).formatted(eot))).build();
      HttpResponse<InputStream> first = http.send(longStream, HttpResponse.BodyHandlers.ofInputStream());
      assertThat(first.statusCode()).isEqualTo(200);
      InputStream in = first.body();
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      assertThat(reader.readLine()).startsWith("data: "); // generating: the only slot is taken

      HttpResponse<String> refused = server.post("/v1/chat/completions", body(2, false).formatted(eot));
      Envelopes.assertError(refused, 429);
      assertThat(refused.headers().firstValue("Retry-After")).isPresent();

      in.close(); // the client goes away: the server stops within one step and frees the slot
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      int status;
      do {
        status = server.post("/v1/chat/completions", body(2, false).formatted(eot)).statusCode();
      } while (status == 429 && System.nanoTime() < deadline);
      assertThat(status).isEqualTo(200);
    }
  }

  @Test
  void concurrentStreamsEachEqualTheSameRequestRunAlone() throws Exception {
    Path model = TinyLlm.write(dir);
    try (TestServer server = TestServer.start(TinyLlm.config(dir.resolve("data"), model, 4, 8), List.of())) {
      OpenAIClient client = conformance.openAi(server.baseUrl(), "sk-x");
      List<ChatCompletionCreateParams> requests = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        requests.add(ChatCompletionCreateParams.builder().model("tiny").addUserMessage("Request number " + i)
            .maxCompletionTokens(16).temperature(1.0).seed(100 + i).build());
      }
      List<String> streamed = new ArrayList<>();
      try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
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
      for (int i = 0; i < requests.size(); i++) {
        String alone = client.chat().completions().create(requests.get(i)).choices().get(0).message().content().orElse("");
        assertThat(streamed.get(i)).as("stream " + i).isEqualTo(alone);
      }
    }
  }
}
