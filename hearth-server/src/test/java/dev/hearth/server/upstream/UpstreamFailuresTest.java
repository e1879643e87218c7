package dev.hearth.server.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.hearth.server.conformance.ConformanceClients;
import dev.hearth.server.conformance.ConformanceExtension;
import dev.hearth.server.conformance.ConformanceRecorder;
import dev.hearth.server.conformance.RequiresSpec;
import dev.hearth.server.testing.Envelopes;
import dev.hearth.server.testing.TestServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * What other OpenAI-compatible servers do that a Hearth upstream does not: their error shapes
 * (vLLM, Ollama, FastAPI), a stream cut mid-way, a stall, a key quoted in an error. A scripted
 * server on loopback plays the upstream and records what Hearth sent it.
 */
@RequiresSpec
class UpstreamFailuresTest {
  static final String KEY = "sk-upstream-secret-9f8e7d6c5b4a";

  @TempDir Path dir;
  HttpServer fake;
  TestServer front;
  /** The answer the fake upstream gives next. */
  final AtomicReference<Script> script = new AtomicReference<>();
  final List<Recorded> received = new ArrayList<>();
  final CountDownLatch release = new CountDownLatch(1);

  @RegisterExtension final ConformanceExtension conformance = new ConformanceExtension();

  interface Script {
    void answer(HttpExchange exchange) throws IOException;
  }

  record Recorded(String path, String authorization, JsonNode body, int clientPort) {}

  @BeforeEach
  void start() throws IOException {
    fake = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    fake.createContext("/v1/", exchange -> {
      byte[] body = exchange.getRequestBody().readAllBytes();
      synchronized (received) {
        received.add(new Recorded(exchange.getRequestURI().getPath(),
            exchange.getRequestHeaders().getFirst("Authorization"), Envelopes.json(new String(body, StandardCharsets.UTF_8)),
            exchange.getRemoteAddress().getPort()));
      }
      try {
        script.get().answer(exchange);
      } finally {
        exchange.close();
      }
    });
    fake.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
    fake.start();
    String base = "http://127.0.0.1:" + fake.getAddress().getPort() + "/v1";
    front = TestServer.start(UpstreamModelsTest.frontConfig(dir, """
        models:
          - id: qwen2.5-0.5b-instruct
            enabled: false
          - id: vllm-llama
            engine: upstream
            options: {base_url: "%1$s", api_key: "%2$s", upstream_model: meta-llama/Llama-3.1-8B-Instruct, timeout_seconds: 1}
          - id: no-stream-options
            engine: upstream
            options: {base_url: "%1$s", stream_usage: false}
        """.formatted(base, KEY)), List.of());
  }

  @AfterEach
  void stop() {
    release.countDown();
    if (front != null) {
      front.close();
    }
    fake.stop(0);
  }

  static void reply(HttpExchange exchange, int status, String contentType, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      exchange.getResponseBody().write(bytes);
    }
  }

  static String chunk(String content) {
    return "data: {\"id\":\"chatcmpl-vllm-1\",\"object\":\"chat.completion.chunk\",\"created\":1,"
        + "\"model\":\"meta-llama/Llama-3.1-8B-Instruct\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\""
        + content + "\"},\"finish_reason\":null}]}\n\n";
  }

  HttpResponse<String> chat(boolean stream) {
    return front.post("/v1/chat/completions", "{\"model\":\"vllm-llama\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
        + "\"stream\":" + stream + ",\"top_k\":5}");
  }

  @Test
  void theRequestGoesOutWithTheUpstreamNameKeyAndUsageRequested() {
    script.set(e -> reply(e, 200, "text/event-stream", chunk("Hi") + "data: {\"id\":\"x\",\"object\":\"chat.completion.chunk\","
        + "\"created\":1,\"model\":\"m\",\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1,\"total_tokens\":4}}\n\n"
        + "data: [DONE]\n\n"));
    HttpResponse<String> r = chat(true);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("\"content\":\"Hi\"").contains("\"model\":\"vllm-llama\"").doesNotContain("usage")
        .doesNotContain("chatcmpl-vllm-1").endsWith("data: [DONE]\n\n");
    Recorded sent = received.getLast();
    assertThat(sent.path()).isEqualTo("/v1/chat/completions");
    assertThat(sent.authorization()).isEqualTo("Bearer " + KEY);
    assertThat(sent.body().get("model").asString()).isEqualTo("meta-llama/Llama-3.1-8B-Instruct");
    assertThat(sent.body().get("stream_options").get("include_usage").asBoolean()).isTrue();
    // fields the upstream understands beyond the spec (vLLM's top_k) pass through untouched
    assertThat(sent.body().get("top_k").asInt()).isEqualTo(5);

    // a server that rejects stream_options is not sent any (stream_usage: false); nor is a key where none is set
    front.post("/v1/chat/completions", "{\"model\":\"no-stream-options\",\"stream\":true,\"messages\":[]}");
    assertThat(received.getLast().body().has("stream_options")).isFalse();
    assertThat(received.getLast().body().get("model").asString()).isEqualTo("no-stream-options");
    assertThat(received.getLast().authorization()).isNull();
  }

  @Test
  void finishedStreamsAndAnswersLeaveTheConnectionForTheNextRequest() {
    // whatever follows [DONE] (here a long comment, normally just the end of the body) is read to the end
    script.set(e -> reply(e, 200, "text/event-stream", chunk("Hi") + "data: [DONE]\n\n" + ": padding\n".repeat(30_000)));
    assertThat(chat(true).body()).endsWith("data: [DONE]\n\n");
    assertThat(chat(true).body()).endsWith("data: [DONE]\n\n");
    script.set(e -> reply(e, 200, "application/json", "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,"
        + "\"model\":\"m\",\"choices\":[]}"));
    assertThat(chat(false).statusCode()).isEqualTo(200);
    assertThat(received).hasSize(3);
    assertThat(received).extracting(Recorded::clientPort).containsOnly(received.getFirst().clientPort());
  }

  @Test
  void aStreamCutMidwayEndsWithAnErrorEventTheSdkRaises() {
    script.set(e -> {
      e.getResponseHeaders().set("Content-Type", "text/event-stream");
      e.sendResponseHeaders(200, 0);
      OutputStream out = e.getResponseBody();
      out.write(chunk("Once").getBytes(StandardCharsets.UTF_8));
      out.flush();
      // and the connection ends without [DONE]
    });
    HttpResponse<String> r = chat(true);
    assertThat(r.statusCode()).isEqualTo(200);
    String[] events = r.body().split("\n\n");
    assertThat(events[0]).contains("\"content\":\"Once\"");
    JsonNode error = Envelopes.json(events[events.length - 1].substring("data: ".length())).get("error");
    assertThat(error.get("message").asString()).contains("`vllm-llama`");
    assertThat(error.get("code").asString()).isEqualTo("upstream_error");
    assertThat(r.body()).doesNotContain("[DONE]");

    // The error event is how OpenAI ends a failed stream, but the spec's chunk schema does not describe it:
    // this client records without the conformance check.
    List<String> seen = new ArrayList<>();
    assertThatThrownBy(() -> {
      try (StreamResponse<ChatCompletionChunk> s = ConformanceClients.openAi(front.baseUrl(), "sk-x", new ConformanceRecorder()).chat().completions()
          .createStreaming(ChatCompletionCreateParams.builder().model("vllm-llama").addUserMessage("hi").build())) {
        s.stream().forEach(c -> c.choices().forEach(ch -> ch.delta().content().ifPresent(seen::add)));
      }
    }).hasMessageContaining("vllm-llama");
    assertThat(seen).containsExactly("Once");
  }

  @Test
  void errorShapesOfOtherServersBecomeOpenAiEnvelopes() {
    // vLLM: a flat error object
    script.set(e -> reply(e, 400, "application/json",
        "{\"object\":\"error\",\"message\":\"top_k must be -1 or at least 1\",\"type\":\"BadRequestError\",\"param\":null,\"code\":400}"));
    JsonNode vllm = Envelopes.assertError(chat(false), 400);
    assertThat(vllm.get("message").asString()).isEqualTo("top_k must be -1 or at least 1");
    assertThat(vllm.get("code").isNull()).isTrue();
    // FastAPI validation
    script.set(e -> reply(e, 422, "application/json", "{\"detail\":[{\"loc\":[\"body\",\"messages\"],\"msg\":\"field required\"}]}"));
    assertThat(Envelopes.assertError(chat(false), 422).get("message").asString()).contains("field required");
    // Ollama: a model that was never pulled is the deployment's problem, not the caller's
    script.set(e -> reply(e, 404, "application/json", "{\"error\":\"model \\\"llama3\\\" not found, try pulling it first\"}"));
    JsonNode ollama = Envelopes.assertError(chat(false), 502);
    assertThat(ollama.get("message").asString()).contains("`vllm-llama`").contains("try pulling it first");
    // a key quoted in an error is never shown; a refused key is the deployment's error
    script.set(e -> reply(e, 401, "application/json",
        "{\"error\":{\"message\":\"Incorrect API key provided: " + KEY + "\",\"type\":\"invalid_request_error\",\"code\":\"invalid_api_key\"}}"));
    HttpResponse<String> refused = chat(true);
    assertThat(Envelopes.assertError(refused, 502).get("code").asString()).isEqualTo("upstream_auth_failed");
    assertThat(refused.body()).doesNotContain(KEY).doesNotContain("9f8e7d");
    script.set(e -> reply(e, 400, "application/json", "{\"error\":{\"message\":\"bad key " + KEY + "\",\"type\":\"invalid_request_error\"}}"));
    HttpResponse<String> quoted = chat(false);
    assertThat(Envelopes.assertError(quoted, 400).get("message").asString()).isEqualTo("bad key ***");
    // overload keeps its status and Retry-After
    script.set(e -> {
      e.getResponseHeaders().set("Retry-After", "7");
      reply(e, 429, "application/json", "{\"error\":{\"message\":\"busy\",\"type\":\"rate_limit_exceeded\"}}");
    });
    HttpResponse<String> busy = chat(false);
    Envelopes.assertError(busy, 429);
    assertThat(busy.headers().firstValue("Retry-After")).contains("7");
    // a crash, and a body that is not JSON
    script.set(e -> reply(e, 500, "text/html", "<html>Internal Server Error</html>"));
    assertThat(Envelopes.assertError(chat(false), 502).get("message").asString()).contains("`vllm-llama`").contains("500");
    script.set(e -> reply(e, 200, "text/html", "<html>hello</html>"));
    assertThat(Envelopes.assertError(chat(false), 502).get("code").asString()).isEqualTo("upstream_error");
    // and a stream error event sent by the upstream, in its own words
    script.set(e -> reply(e, 200, "text/event-stream", chunk("a")
        + "data: {\"error\":{\"message\":\"CUDA out of memory\",\"type\":\"server_error\",\"param\":null,\"code\":null}}\n\n"));
    HttpResponse<String> oom = chat(true);
    assertThat(oom.body()).contains("\"content\":\"a\"").contains("CUDA out of memory").doesNotContain("[DONE]");
    // vLLM's flat error object mid-stream, after a chunk without the optional fields
    script.set(e -> reply(e, 200, "text/event-stream", "data: {\"id\":\"x\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"b\"}}]}\n\n"
        + "data: {\"object\":\"error\",\"message\":\"engine dead\",\"type\":\"InternalServerError\",\"param\":null,\"code\":500}\n\n"));
    HttpResponse<String> dead = chat(true);
    String[] events = dead.body().split("\n\n");
    assertThat(events[0]).contains("\"content\":\"b\"");
    JsonNode flat = Envelopes.json(events[1].substring("data: ".length())).get("error");
    assertThat(flat.get("message").asString()).isEqualTo("engine dead");
    assertThat(flat.get("code").isNull()).isTrue();
  }

  @Test
  void anUpstreamThatDoesNotAnswerInTimeIs504() {
    script.set(e -> {
      try {
        release.await();
      } catch (InterruptedException ignored) {
        Thread.currentThread().interrupt();
      }
    });
    JsonNode error = Envelopes.assertError(chat(false), 504);
    assertThat(error.get("message").asString()).contains("`vllm-llama`").contains("1 s");
    assertThat(error.get("code").asString()).isEqualTo("upstream_timeout");
  }

  @Test
  void aStreamThatStallsEndsWithATimeoutEvent() {
    script.set(e -> {
      e.getResponseHeaders().set("Content-Type", "text/event-stream");
      e.sendResponseHeaders(200, 0);
      e.getResponseBody().write(chunk("Once").getBytes(StandardCharsets.UTF_8));
      e.getResponseBody().flush();
      try {
        release.await(); // then nothing, for longer than timeout_seconds
      } catch (InterruptedException ignored) {
        Thread.currentThread().interrupt();
      }
    });
    HttpResponse<String> r = chat(true);
    assertThat(r.statusCode()).isEqualTo(200);
    String[] events = r.body().split("\n\n");
    assertThat(events).hasSize(2);
    assertThat(events[0]).contains("\"content\":\"Once\"");
    JsonNode error = Envelopes.json(events[1].substring("data: ".length())).get("error");
    assertThat(error.get("code").asString()).isEqualTo("upstream_timeout");
    assertThat(error.get("message").asString()).contains("`vllm-llama`").contains("1 s");
  }

  @Test
  void aClientThatLeavesClosesTheUpstreamStream() throws Exception {
    // An upstream that would stream forever: only Hearth closing the connection ends it.
    CountDownLatch cancelled = new CountDownLatch(1);
    script.set(e -> {
      e.getResponseHeaders().set("Content-Type", "text/event-stream");
      e.sendResponseHeaders(200, 0);
      OutputStream out = e.getResponseBody();
      try {
        while (true) {
          out.write(chunk("more").getBytes(StandardCharsets.UTF_8));
          out.flush();
        }
      } catch (IOException closed) {
        cancelled.countDown();
      }
    });
    java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build();
    HttpResponse<java.io.InputStream> r = http.send(front.request("/v1/chat/completions")
        .header("Content-Type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers.ofString(
            "{\"model\":\"vllm-llama\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":true}")).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    java.io.InputStream in = r.body();
    assertThat(new String(in.readNBytes(16), StandardCharsets.UTF_8)).startsWith("data: {");
    in.close();
    assertThat(cancelled.await(60, java.util.concurrent.TimeUnit.SECONDS)).as("upstream request closed").isTrue();
  }
}
