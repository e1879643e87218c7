package dev.hearth.server.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.models.Model;
import com.openai.models.moderations.ModerationCreateParams;
import com.openai.models.moderations.ModerationCreateResponse;
import dev.hearth.server.HearthServer;
import dev.hearth.server.config.ConfigLoader;
import dev.hearth.server.config.HearthConfig;
import com.openai.core.MultipartField;
import com.openai.models.batches.Batch;
import com.openai.models.batches.BatchCreateParams;
import com.openai.models.files.FileCreateParams;
import com.openai.models.files.FilePurpose;
import dev.hearth.server.conformance.ConformanceClients;
import dev.hearth.server.conformance.ConformanceExtension;
import dev.hearth.server.conformance.ConformanceRecorder;
import java.io.ByteArrayInputStream;
import java.time.Instant;
import dev.hearth.server.conformance.RequiresSpec;
import dev.hearth.server.testing.Envelopes;
import dev.hearth.server.testing.TestServer;
import dev.hearth.server.testing.TinyLlm;
import dev.hearth.store.ApiKeyStore;
import dev.hearth.store.Database;
import dev.hearth.store.ProjectStore;
import dev.hearth.store.UsageStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * A Hearth server whose models live on a second Hearth server (on loopback, with API keys
 * required), used through the official SDK: responses equal the upstream's, with the front's ids,
 * model names, auth and error envelope.
 */
@RequiresSpec
class UpstreamModelsTest {
  @TempDir static Path dir;
  static TestServer upstream;
  static TestServer front;
  static String upstreamKey;
  static String frontKey;
  static HearthConfig frontConfig;

  @RegisterExtension final ConformanceExtension conformance = new ConformanceExtension();

  @BeforeAll
  static void start() throws IOException {
    Path model = TinyLlm.write(dir);
    HearthConfig upstreamConfig = TinyLlm.config(dir.resolve("upstream"), model, 4, 16);
    upstreamKey = createKey(upstreamConfig);
    upstream = TestServer.start(upstreamConfig, List.of());
    int closedPort = freePort();
    frontConfig = frontConfig(dir.resolve("front"), """
        models:
          - id: qwen2.5-0.5b-instruct
            enabled: false
          - id: all-minilm-l6-v2
            enabled: false
          - id: hearth-moderation
            enabled: false
          - id: up
            engine: upstream
            owned_by: upstream-hearth
            aliases: [gpt-4o-mini]
            options: {base_url: "%1$s", api_key: "%2$s", upstream_model: tiny}
          - id: up-embed
            engine: upstream
            aliases: [text-embedding-3-small]
            options: {base_url: "%1$s/", api_key: "%2$s", upstream_model: all-minilm-l6-v2}
          - id: up-moderation
            engine: upstream
            options: {base_url: "%1$s", api_key: "%2$s", upstream_model: hearth-moderation}
          - id: up-wrong-key
            engine: upstream
            options: {base_url: "%1$s", api_key: "sk-wrong-upstream-key-0123456789", upstream_model: tiny}
          - id: up-down
            engine: upstream
            options: {base_url: "http://127.0.0.1:%3$d/v1", upstream_model: tiny, connect_timeout_seconds: 5}
        """.formatted(upstream.baseUrl(), upstreamKey, closedPort));
    frontKey = createKey(frontConfig);
    front = TestServer.start(frontConfig, List.of()).withApiKey(frontKey);
    upstream.withApiKey(upstreamKey);
  }

  @AfterAll
  static void stop() {
    if (front != null) {
      front.close();
    }
    if (upstream != null) {
      upstream.close();
    }
  }

  /**
   * Usage passes through from the upstream, whose prefix cache may have seen the prompt of an
   * earlier call (so {@code cached_tokens} depends on test order): the token counts must match.
   */
  static void assertSameCounts(java.util.Optional<com.openai.models.completions.CompletionUsage> actual,
      java.util.Optional<com.openai.models.completions.CompletionUsage> expected) {
    var a = actual.orElseThrow();
    var e = expected.orElseThrow();
    assertThat(a.promptTokens()).isEqualTo(e.promptTokens());
    assertThat(a.completionTokens()).isEqualTo(e.completionTokens());
    assertThat(a.totalTokens()).isEqualTo(e.totalTokens());
    assertThat(a.promptTokensDetails().flatMap(d -> d.cachedTokens()).orElse(0L)).isBetween(0L, e.promptTokens());
  }

  OpenAIClient client() {
    return conformance.openAi(front.baseUrl(), frontKey);
  }

  OpenAIClient direct() {
    return conformance.openAi(upstream.baseUrl(), upstreamKey);
  }

  static ChatCompletionCreateParams.Builder chat(String model) {
    return ChatCompletionCreateParams.builder().model(model).addUserMessage("Tell me a story")
        .maxCompletionTokens(10).temperature(1.0).seed(42);
  }

  @Test
  void chatEqualsTheUpstreamWithOurIdModelAndUsage() {
    ChatCompletion there = direct().chat().completions().create(chat("tiny").build());
    ChatCompletion here = client().chat().completions().create(chat("gpt-4o-mini").build());
    assertThat(here.id()).startsWith("chatcmpl-").isNotEqualTo(there.id());
    assertThat(here.model()).isEqualTo("up");
    assertThat(here.choices().get(0).message().content()).isEqualTo(there.choices().get(0).message().content());
    assertThat(here.choices().get(0).finishReason()).isEqualTo(there.choices().get(0).finishReason());
    assertSameCounts(here.usage(), there.usage());
    assertThat(here.usage().orElseThrow().completionTokens()).isPositive();
  }

  @Test
  void chatStreamsEveryChunkWithOneIdAndUsageOnlyWhenAsked() {
    String expected = direct().chat().completions().create(chat("tiny").build()).choices().get(0).message().content().orElse("");
    var usage = direct().chat().completions().create(chat("tiny").build()).usage().orElseThrow();

    List<ChatCompletionChunk> chunks = new ArrayList<>();
    try (StreamResponse<ChatCompletionChunk> s = client().chat().completions().createStreaming(
        chat("up").streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
      s.stream().forEach(chunks::add);
    }
    Set<String> ids = chunks.stream().map(ChatCompletionChunk::id).collect(Collectors.toSet());
    assertThat(ids).hasSize(1);
    assertThat(ids.iterator().next()).startsWith("chatcmpl-");
    assertThat(chunks).allSatisfy(c -> assertThat(c.model()).isEqualTo("up"));
    assertThat(content(chunks)).isEqualTo(expected);
    ChatCompletionChunk last = chunks.getLast();
    assertThat(last.choices()).isEmpty();
    assertSameCounts(last.usage(), java.util.Optional.of(usage));

    // Not asked: the usage chunk Hearth requested upstream stays here.
    HttpResponse<String> raw = front.post("/v1/chat/completions",
        "{\"model\":\"up\",\"messages\":[{\"role\":\"user\",\"content\":\"Tell me a story\"}],\"max_tokens\":10,"
            + "\"temperature\":1.0,\"seed\":42,\"stream\":true}");
    assertThat(raw.statusCode()).isEqualTo(200);
    assertThat(raw.headers().firstValue("content-type").orElseThrow()).startsWith("text/event-stream");
    assertThat(raw.body()).doesNotContain("\"usage\"").doesNotContain("\"tiny\"").endsWith("data: [DONE]\n\n");
    StringBuilder text = new StringBuilder();
    for (String line : raw.body().split("\n")) {
      if (line.startsWith("data: {")) {
        Envelopes.json(line.substring(6)).path("choices").forEach(
            c -> text.append(c.path("delta").path("content").asString("")));
      }
    }
    assertThat(text.toString()).isEqualTo(expected);
  }

  @Test
  void legacyCompletionsAndTheirStreams() {
    CompletionCreateParams there = CompletionCreateParams.builder().model("tiny").prompt("Once upon a time")
        .maxTokens(8).temperature(1.0).seed(7L).build();
    Completion expected = direct().completions().create(there);
    Completion here = client().completions().create(there.toBuilder().model("up").build());
    assertThat(here.id()).startsWith("cmpl-").isNotEqualTo(expected.id());
    assertThat(here.model()).isEqualTo("up");
    assertThat(here.choices().get(0).text()).isEqualTo(expected.choices().get(0).text());
    assertSameCounts(here.usage(), expected.usage());

    // the spec documents only application/json for createCompletion, so the stream is read without the harness
    HttpResponse<String> raw = front.post("/v1/completions", "{\"model\":\"up\",\"prompt\":\"Once upon a time\","
        + "\"max_tokens\":8,\"temperature\":1.0,\"seed\":7,\"stream\":true,\"stream_options\":{\"include_usage\":true}}");
    assertThat(raw.headers().firstValue("content-type").orElseThrow()).startsWith("text/event-stream");
    StringBuilder streamed = new StringBuilder();
    Set<String> ids = new java.util.HashSet<>();
    JsonNode last = null;
    for (String line : raw.body().split("\n")) {
      if (line.startsWith("data: {")) {
        last = Envelopes.json(line.substring(6));
        ids.add(last.get("id").asString());
        assertThat(last.get("model").asString()).isEqualTo("up");
        last.get("choices").forEach(c -> streamed.append(c.get("text").asString()));
      }
    }
    assertThat(raw.body()).endsWith("data: [DONE]\n\n");
    assertThat(ids).hasSize(1).allSatisfy(id -> assertThat(id).startsWith("cmpl-"));
    assertThat(streamed.toString()).isEqualTo(expected.choices().get(0).text());
    assertThat(last.get("usage").get("completion_tokens").asLong()).isEqualTo(expected.usage().orElseThrow().completionTokens());
  }

  @Test
  void embeddingsAndModerationsAreForwardedToo() {
    EmbeddingCreateParams.Builder params = EmbeddingCreateParams.builder().input("The quick brown fox")
        .encodingFormat(EmbeddingCreateParams.EncodingFormat.FLOAT);
    CreateEmbeddingResponse there = direct().embeddings().create(params.model("all-minilm-l6-v2").build());
    CreateEmbeddingResponse here = client().embeddings().create(params.model("text-embedding-3-small").build());
    assertThat(here.model()).isEqualTo("up-embed");
    assertThat(here.data().get(0).embedding()).isEqualTo(there.data().get(0).embedding()).hasSize(384);
    assertThat(here.usage()).isEqualTo(there.usage());

    ModerationCreateParams.Builder m = ModerationCreateParams.builder().input("I will hurt you");
    ModerationCreateResponse mThere = direct().moderations().create(m.model("hearth-moderation").build());
    ModerationCreateResponse mHere = client().moderations().create(m.model("up-moderation").build());
    assertThat(mHere.id()).startsWith("modr-").isNotEqualTo(mThere.id());
    assertThat(mHere.model()).isEqualTo("up-moderation");
    assertThat(mHere.results()).isEqualTo(mThere.results());
  }

  @Test
  void modelsListsUpstreamModelsWithTheirOwner() {
    List<Model> models = client().models().list().data();
    assertThat(models).extracting(Model::id).contains("up", "gpt-4o-mini", "up-embed", "up-down");
    assertThat(models.stream().filter(m -> m.id().equals("up")).findFirst().orElseThrow().ownedBy())
        .isEqualTo("upstream-hearth");
  }

  @Test
  void anUpstreamBadRequestPassesThroughAsItsEnvelope() {
    String body = "{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"temperature\":5}";
    JsonNode there = Envelopes.assertError(upstream.post("/v1/chat/completions", body.formatted("tiny")), 400);
    JsonNode here = Envelopes.assertError(front.post("/v1/chat/completions", body.formatted("up")), 400);
    assertThat(here).isEqualTo(there);
    assertThat(here.get("param").asString()).isEqualTo("temperature");
    assertThatThrownBy(() -> client().chat().completions().create(chat("up").temperature(5.0).build()))
        .isInstanceOf(BadRequestException.class).hasMessageContaining("temperature");
  }

  @Test
  void anUnreachableUpstreamIs503NamingTheModel() {
    for (boolean stream : new boolean[] {false, true}) {
      JsonNode error = Envelopes.assertError(front.post("/v1/chat/completions",
          "{\"model\":\"up-down\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":" + stream + "}"), 503);
      assertThat(error.get("message").asString()).contains("`up-down`").contains("unreachable");
      assertThat(error.get("code").asString()).isEqualTo("upstream_unavailable");
      assertThat(error.get("type").asString()).isEqualTo("server_error");
    }
  }

  @Test
  void theUpstreamKeyIsRequiredSentAndNeverShown() {
    // The upstream requires its key: a wrong one is the deployment's error, told without any key.
    HttpResponse<String> wrong = front.post("/v1/chat/completions",
        "{\"model\":\"up-wrong-key\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    JsonNode error = Envelopes.assertError(wrong, 502);
    assertThat(error.get("message").asString()).contains("`up-wrong-key`").contains("credentials");
    assertThat(error.get("code").asString()).isEqualTo("upstream_auth_failed");
    assertThat(wrong.body()).doesNotContain("sk-wrong").doesNotContain("0123456789").doesNotContain(upstreamKey);
    // The caller's key is ours: the upstream never sees it, and without it the front refuses.
    Envelopes.assertError(front.withApiKey(null).post("/v1/chat/completions",
        "{\"model\":\"up\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"), 401);
    front.withApiKey(frontKey);
    HttpResponse<String> ok = front.post("/v1/chat/completions",
        "{\"model\":\"up\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":3}");
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.body()).doesNotContain(upstreamKey);
  }

  @Test
  void aClientThatDisconnectsCancelsTheUpstreamRequest(@TempDir Path own) throws Exception {
    // One slot upstream, no queue: while the forwarded stream runs, the upstream refuses others (429).
    // (End to end; UpstreamFailuresTest has an upstream that streams forever, which only a cancel ends.)
    Path model = TinyLlm.write(own, 4, 256, 4096);
    int eot = TinyLlm.endOfTurn(model);
    try (TestServer slow = TestServer.start(TinyLlm.config(own.resolve("upstream"), model, 1, 0), List.of());
        TestServer proxy = TestServer.start(proxyTo(own.resolve("front"), slow), List.of())) {
      String body = "{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":%d,"
          + "\"stream\":%s,\"logit_bias\":{\"" + eot + "\":-100}}";
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      HttpResponse<InputStream> first = http.send(HttpRequest.newBuilder(proxy.uri("/v1/chat/completions"))
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body.formatted("up", 3000, true))).build(),
          HttpResponse.BodyHandlers.ofInputStream());
      assertThat(first.statusCode()).isEqualTo(200);
      InputStream in = first.body();
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      assertThat(reader.readLine()).startsWith("data: ");
      Envelopes.assertError(slow.post("/v1/chat/completions", body.formatted("tiny", 2, false)), 429);

      in.close(); // the client goes away: the front closes its upstream request, which frees the slot
      assertSlotFrees(slow, body.formatted("tiny", 2, false));
    }
  }

  @Test
  void aClientThatLeavesBeforeANonStreamingAnswerCancelsTheUpstreamRequest(@TempDir Path own) throws Exception {
    // As above, without a stream: nothing is written to the client until the answer, so the front
    // watches its connection; the cancelled request is in the front's usage with no tokens.
    Path model = TinyLlm.write(own, 4, 256, 4096);
    int eot = TinyLlm.endOfTurn(model);
    String body = "{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":%d,"
        + "\"logit_bias\":{\"" + eot + "\":-100}}";
    try (TestServer slow = TestServer.start(TinyLlm.config(own.resolve("upstream"), model, 1, 0), List.of())) {
      HearthConfig proxyConfig = proxyTo(own.resolve("front"), slow);
      String key = createKey(proxyConfig);
      try (TestServer proxy = TestServer.start(proxyConfig, List.of())) {
        byte[] request = body.formatted("up", 4000).getBytes(StandardCharsets.UTF_8);
        byte[] head = ("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + key
            + "\r\nContent-Type: application/json\r\nContent-Length: " + request.length + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
        boolean busy = false;
        // Until the forwarded request holds the upstream's one slot: it is in flight there (its
        // /metrics count this scrape and that request), then a probe is refused. A probe that took the
        // slot first would have the forwarded request refused, answered at once: it is sent again.
        for (int attempt = 0; attempt < 10 && !busy; attempt++) {
          try (java.net.Socket client = new java.net.Socket(proxy.uri("/").getHost(), proxy.uri("/").getPort())) {
            client.getOutputStream().write(head);
            client.getOutputStream().write(request);
            client.getOutputStream().flush();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (inFlight(slow) < 2 && client.getInputStream().available() == 0 && System.nanoTime() < deadline) {
              Thread.sleep(10);
            }
            Thread.sleep(100); // from in flight to the slot
            busy = client.getInputStream().available() == 0
                && slow.post("/v1/chat/completions", body.formatted("tiny", 2)).statusCode() == 429;
          } // with busy: the client goes away without an answer
        }
        assertThat(busy).isTrue();
        assertSlotFrees(slow, body.formatted("tiny", 2));
      }
      try (Database db = HearthServer.openDatabase(proxyConfig)) {
        String project = new ProjectStore(db, InstantSource.system()).getOrCreate("default").id();
        assertThat(new UsageStore(db).list(project)).singleElement().satisfies(u -> {
          assertThat(u.model()).isEqualTo("up");
          assertThat(u.requests()).isEqualTo(1);
          assertThat(u.outputTokens()).isZero(); // not the 4000 an answer would have had
        });
      }
    }
  }

  @Test
  void batchLinesForUpstreamModelsAreForwarded() throws Exception {
    String there = direct().chat().completions().create(chat("tiny").build()).choices().get(0).message().content().orElse("");
    String chatLine = "{\"custom_id\":\"%s\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":"
        + "{\"model\":\"up\",\"messages\":[{\"role\":\"user\",\"content\":\"Tell me a story\"}],"
        + "\"max_completion_tokens\":10,\"temperature\":1.0,\"seed\":42%s}}\n";
    String lines = chatLine.formatted("a", "") + chatLine.formatted("b", ",\"stream\":true");
    Batch b = runBatch(lines);
    List<JsonNode> out = new ArrayList<>();
    for (String file : List.of(b.outputFileId().orElseThrow(), b.errorFileId().orElseThrow())) {
      try (com.openai.core.http.HttpResponse response =
          ConformanceClients.openAi(front.baseUrl(), frontKey, new ConformanceRecorder()).files().content(file)) {
        new String(response.body().readAllBytes(), StandardCharsets.UTF_8).lines().map(Envelopes::json).forEach(out::add);
      }
    }
    JsonNode a = out.stream().filter(l -> l.get("custom_id").asString().equals("a")).findFirst().orElseThrow();
    assertThat(a.get("response").get("status_code").asInt()).isEqualTo(200);
    JsonNode answer = a.get("response").get("body");
    assertThat(answer.get("id").asString()).startsWith("chatcmpl-");
    assertThat(answer.get("model").asString()).isEqualTo("up");
    assertThat(answer.get("choices").get(0).get("message").get("content").asString()).isEqualTo(there);
    JsonNode streamed = out.stream().filter(l -> l.get("custom_id").asString().equals("b")).findFirst().orElseThrow();
    assertThat(streamed.get("response").get("status_code").asInt()).isEqualTo(400);
    assertThat(streamed.get("response").get("body").get("error").get("param").asString()).isEqualTo("stream");
  }

  @Test
  void everyForwardedRequestIsInTheProjectsUsageWithTheUpstreamsCounts() throws Exception {
    long[] chatBefore = usage("up", "/v1/chat/completions", false);
    long[] embedBefore = usage("up-embed", "/v1/embeddings", false);
    long[] batchBefore = usage("up", "/v1/chat/completions", true);

    var plain = client().chat().completions().create(chat("up").build()).usage().orElseThrow();
    List<ChatCompletionChunk> chunks = new ArrayList<>();
    try (StreamResponse<ChatCompletionChunk> s = client().chat().completions().createStreaming(
        chat("up").streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
      s.stream().forEach(chunks::add);
    }
    var streamed = chunks.getLast().usage().orElseThrow();
    // a stream whose client did not ask for usage is recorded with the counts Hearth asked for upstream
    HttpResponse<String> quiet = front.post("/v1/chat/completions",
        "{\"model\":\"up\",\"messages\":[{\"role\":\"user\",\"content\":\"Tell me a story\"}],\"max_tokens\":10,"
            + "\"temperature\":1.0,\"seed\":42,\"stream\":true}");
    assertThat(quiet.statusCode()).isEqualTo(200);
    var embedded = client().embeddings().create(EmbeddingCreateParams.builder().input("The quick brown fox")
        .encodingFormat(EmbeddingCreateParams.EncodingFormat.FLOAT).model("up-embed").build()).usage();

    long[] chat = minus(usage("up", "/v1/chat/completions", false), chatBefore);
    assertThat(chat[0]).isEqualTo(3);
    assertThat(chat[1]).isEqualTo(plain.promptTokens() + 2 * streamed.promptTokens());
    // the quiet stream is the streamed request again: same prompt, same seed, so the same completion
    assertThat(chat[2]).isEqualTo(plain.completionTokens() + 2 * streamed.completionTokens());
    assertThat(minus(usage("up-embed", "/v1/embeddings", false), embedBefore))
        .containsExactly(1, embedded.promptTokens(), 0);

    // a batch line for an upstream model is recorded as a batch line
    String line = "{\"custom_id\":\"u\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":"
        + "{\"model\":\"up\",\"messages\":[{\"role\":\"user\",\"content\":\"Tell me a story\"}],"
        + "\"max_completion_tokens\":10,\"temperature\":1.0,\"seed\":42}}\n";
    runBatch(line);
    assertThat(minus(usage("up", "/v1/chat/completions", true), batchBefore))
        .containsExactly(1, plain.promptTokens(), plain.completionTokens());
  }

  /** Runs the chat-completions batch of JSONL {@code lines} through the front and returns it completed. */
  Batch runBatch(String lines) throws InterruptedException {
    OpenAIClient client = client();
    String input = client.files().create(FileCreateParams.builder()
        .file(MultipartField.<InputStream>builder()
            .value(new ByteArrayInputStream(lines.getBytes(StandardCharsets.UTF_8))).filename("requests.jsonl").build())
        .purpose(FilePurpose.BATCH).build()).id();
    Batch created = client.batches().create(BatchCreateParams.builder().inputFileId(input)
        .endpoint(BatchCreateParams.Endpoint.V1_CHAT_COMPLETIONS).completionWindow(BatchCreateParams.CompletionWindow._24H).build());
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    Batch b = created;
    while (!Set.of(Batch.Status.COMPLETED, Batch.Status.FAILED).contains(b.status()) && Instant.now().isBefore(deadline)) {
      Thread.sleep(20); // polling the runner, which works in the background
      b = client.batches().retrieve(created.id());
    }
    assertThat(b.status()).isEqualTo(Batch.Status.COMPLETED);
    return b;
  }

  /** A front with one model, {@code up}, forwarded to {@code upstream}'s {@code tiny}. */
  static HearthConfig proxyTo(Path dataDir, TestServer upstream) {
    return frontConfig(dataDir, """
        models:
          - id: qwen2.5-0.5b-instruct
            enabled: false
          - id: up
            engine: upstream
            options: {base_url: "%s", upstream_model: tiny}
        """.formatted(upstream.baseUrl()));
  }

  /** {@code upstream}'s one slot is free again within a minute: {@code probe} stops being refused (429). */
  static void assertSlotFrees(TestServer upstream, String probe) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    int status;
    do {
      status = upstream.post("/v1/chat/completions", probe).statusCode();
    } while (status == 429 && System.nanoTime() < deadline);
    assertThat(status).isEqualTo(200);
  }

  /** The requests {@code server} is serving now, as its /metrics report them (the scrape included). */
  static int inFlight(TestServer server) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^hearth_http_requests_in_flight ([0-9.]+)$")
        .matcher(server.get("/metrics").body());
    return m.find() ? (int) Double.parseDouble(m.group(1)) : 0;
  }

  /** Requests, input and output tokens the front's project has on record for {@code model} at {@code endpoint}. */
  static long[] usage(String model, String endpoint, boolean batch) {
    try (Database db = HearthServer.openDatabase(frontConfig)) {
      String project = new ProjectStore(db, InstantSource.system()).getOrCreate("default").id();
      long[] sum = new long[3];
      for (UsageStore.Usage u : new UsageStore(db).list(project)) {
        if (u.model().equals(model) && u.endpoint().equals(endpoint) && u.batch() == batch) {
          sum[0] += u.requests();
          sum[1] += u.inputTokens();
          sum[2] += u.outputTokens();
        }
      }
      return sum;
    }
  }

  static long[] minus(long[] a, long[] b) {
    return new long[] {a[0] - b[0], a[1] - b[1], a[2] - b[2]};
  }

  static String content(List<ChatCompletionChunk> chunks) {
    StringBuilder text = new StringBuilder();
    chunks.forEach(c -> c.choices().forEach(ch -> ch.delta().content().ifPresent(text::append)));
    return text.toString();
  }

  static HearthConfig frontConfig(Path dataDir, String models) {
    try {
      Files.createDirectories(dataDir);
      Path yaml = dataDir.resolve("front.yaml");
      Files.writeString(yaml, models);
      return ConfigLoader.defaults().file(yaml).set("data_dir", dataDir.toString()).set("server.port", "0").load();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String createKey(HearthConfig config) {
    try (Database db = HearthServer.openDatabase(config)) {
      var project = new ProjectStore(db, InstantSource.system()).getOrCreate("default");
      return new ApiKeyStore(db, InstantSource.system()).create(project.id(), "test", false).secret();
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
