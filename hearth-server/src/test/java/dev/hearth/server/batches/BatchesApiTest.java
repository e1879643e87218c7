package dev.hearth.server.batches;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.core.MultipartField;
import com.openai.core.http.HttpResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.models.batches.Batch;
import com.openai.models.batches.BatchCreateParams;
import com.openai.models.files.FileCreateParams;
import com.openai.models.files.FilePurpose;
import dev.hearth.server.conformance.ConformanceClients;
import dev.hearth.server.conformance.ConformanceExtension;
import dev.hearth.server.conformance.ConformanceRecorder;
import dev.hearth.server.conformance.RawHttp;
import dev.hearth.server.conformance.RawResponse;
import dev.hearth.server.conformance.RequiresSpec;
import dev.hearth.server.testing.Envelopes;
import dev.hearth.server.testing.TestServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** {@code /v1/batches} through the official SDK, on a server that serves no batch endpoint yet. */
@RequiresSpec
class BatchesApiTest {
  @TempDir static Path dataDir;
  static TestServer server;

  @RegisterExtension final ConformanceExtension conformance = new ConformanceExtension();

  @BeforeAll
  static void start() {
    server = TestServer.start(dataDir);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private OpenAIClient client() {
    return conformance.openAi(server.baseUrl(), "sk-anything");
  }

  static final Set<Batch.Status> DONE = Set.of(Batch.Status.COMPLETED, Batch.Status.FAILED, Batch.Status.EXPIRED,
      Batch.Status.CANCELLED);

  /** Polls until the batch reaches a final status (the runner works in the background). */
  private Batch awaitDone(String id) throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
    while (true) {
      Batch b = client().batches().retrieve(id);
      if (DONE.contains(b.status()) || Instant.now().isAfter(deadline)) {
        return b;
      }
      Thread.sleep(20);
    }
  }

  private String upload(String content) {
    return client().files().create(FileCreateParams.builder()
        .file(MultipartField.<InputStream>builder()
            .value(new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8))).filename("requests.jsonl").build())
        .purpose(FilePurpose.BATCH).build()).id();
  }

  static String line(String customId, String url) {
    return "{\"custom_id\":\"" + customId + "\",\"method\":\"POST\",\"url\":\"" + url + "\","
        + "\"body\":{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}}\n";
  }

  @Test
  void linesForAnEndpointNotServedYetFailAsALiveRequestWould() throws Exception {
    String input = upload(line("a", "/v1/responses") + line("b", "/v1/responses"));
    Batch created = client().batches().create(BatchCreateParams.builder()
        .inputFileId(input)
        .endpoint(BatchCreateParams.Endpoint.V1_RESPONSES)
        .completionWindow(BatchCreateParams.CompletionWindow._24H)
        .build());
    assertThat(created.id()).startsWith("batch_");
    assertThat(created.status()).isIn(Batch.Status.VALIDATING, Batch.Status.IN_PROGRESS);
    assertThat(created.expiresAt()).contains(created.createdAt() + 24 * 3600);

    Batch done = awaitDone(created.id());
    assertThat(done.status()).isEqualTo(Batch.Status.COMPLETED);
    assertThat(done.requestCounts().orElseThrow().total()).isEqualTo(2);
    assertThat(done.requestCounts().orElseThrow().completed()).isZero();
    assertThat(done.requestCounts().orElseThrow().failed()).isEqualTo(2);
    assertThat(done.outputFileId()).isEmpty();
    assertThat(done.completedAt()).isPresent();
    assertThat(done.model()).contains("gpt-4o-mini");

    JsonNode live;
    try (RawHttp raw = conformance.rawHttp(server.baseUrl(), "sk-anything")) {
      RawResponse response = raw.post("/v1/responses", "{}");
      assertThat(response.statusCode()).isEqualTo(404);
      live = Envelopes.json(response.body());
    }
    List<JsonNode> errors = download(done.errorFileId().orElseThrow());
    assertThat(errors).extracting(l -> l.get("custom_id").asString()).containsExactly("a", "b");
    for (JsonNode l : errors) {
      assertThat(l.get("response").get("status_code").asInt()).isEqualTo(404);
      assertThat(l.get("response").get("body")).isEqualTo(live);
    }

    assertThat(client().batches().list().data()).extracting(Batch::id).contains(created.id());
    assertThatThrownBy(() -> client().batches().cancel(created.id()))
        .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.getMessage()).contains("completed"));
  }

  @Test
  void embeddingsLinesRunThroughTheLiveEmbeddingsPath() throws Exception {
    String good = "{\"custom_id\":\"e1\",\"method\":\"POST\",\"url\":\"/v1/embeddings\","
        + "\"body\":{\"model\":\"text-embedding-3-small\",\"input\":[\"a cat\",\"a dog\"]}}\n";
    String bad = "{\"custom_id\":\"e2\",\"method\":\"POST\",\"url\":\"/v1/embeddings\","
        + "\"body\":{\"model\":\"text-embedding-3-small\",\"input\":\"x\",\"dimensions\":100000}}\n";
    String input = upload(good + bad);
    Batch done = awaitDone(client().batches().create(BatchCreateParams.builder().inputFileId(input)
        .endpoint(BatchCreateParams.Endpoint.V1_EMBEDDINGS).completionWindow(BatchCreateParams.CompletionWindow._24H)
        .build()).id());
    assertThat(done.status()).isEqualTo(Batch.Status.COMPLETED);
    assertThat(done.requestCounts().orElseThrow().completed()).isEqualTo(1);
    assertThat(done.requestCounts().orElseThrow().failed()).isEqualTo(1);

    JsonNode output = download(done.outputFileId().orElseThrow()).getFirst();
    assertThat(output.get("custom_id").asString()).isEqualTo("e1");
    JsonNode body = output.get("response").get("body");
    assertThat(body.get("data")).hasSize(2);
    assertThat(body.get("data").get(0).get("embedding")).hasSize(384);

    JsonNode live;
    try (RawHttp raw = conformance.rawHttp(server.baseUrl(), "sk-anything")) {
      live = Envelopes.json(raw.post("/v1/embeddings",
          "{\"model\":\"text-embedding-3-small\",\"input\":\"x\",\"dimensions\":100000}").body());
    }
    JsonNode error = download(done.errorFileId().orElseThrow()).getFirst();
    assertThat(error.get("response").get("status_code").asInt()).isEqualTo(400);
    assertThat(error.get("response").get("body")).isEqualTo(live);
  }

  @Test
  void anInputFileForAnotherEndpointFailsValidation() throws Exception {
    String input = upload(line("a", "/v1/embeddings"));
    Batch created = client().batches().create(BatchCreateParams.builder().inputFileId(input)
        .endpoint(BatchCreateParams.Endpoint.V1_CHAT_COMPLETIONS).completionWindow(BatchCreateParams.CompletionWindow._24H).build());
    Batch failed = awaitDone(created.id());
    assertThat(failed.status()).isEqualTo(Batch.Status.FAILED);
    assertThat(failed.errors().orElseThrow().data().orElseThrow()).singleElement()
        .satisfies(e -> assertThat(e.line()).contains(1L));
  }

  @Test
  void createChecksItsInputs() {
    String notBatch = client().files().create(FileCreateParams.builder().file(new byte[] {1})
        .purpose(FilePurpose.USER_DATA).build()).id();
    assertThatThrownBy(() -> client().batches().create(BatchCreateParams.builder().inputFileId(notBatch)
        .endpoint(BatchCreateParams.Endpoint.V1_CHAT_COMPLETIONS).completionWindow(BatchCreateParams.CompletionWindow._24H).build()))
        .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.param()).contains("input_file_id"));
    assertThatThrownBy(() -> client().batches().create(BatchCreateParams.builder().inputFileId("file-nope0000000000000000000")
        .endpoint(BatchCreateParams.Endpoint.V1_CHAT_COMPLETIONS).completionWindow(BatchCreateParams.CompletionWindow._24H).build()))
        .isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> client().batches().create(BatchCreateParams.builder().inputFileId(notBatch)
        .endpoint(BatchCreateParams.Endpoint.of("/v1/nope")).completionWindow(BatchCreateParams.CompletionWindow._24H).build()))
        .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.param()).contains("endpoint"));
    assertThatThrownBy(() -> client().batches().retrieve("batch_nope")).isInstanceOf(NotFoundException.class);
  }

  private List<JsonNode> download(String fileId) throws IOException {
    ConformanceRecorder downloads = new ConformanceRecorder();
    try (HttpResponse response = ConformanceClients.openAi(server.baseUrl(), "sk-anything", downloads).files().content(fileId)) {
      return new String(response.body().readAllBytes(), StandardCharsets.UTF_8).lines().map(Envelopes::json).toList();
    }
  }
}
