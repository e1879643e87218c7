package dev.hearth.server.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.core.MultipartField;
import com.openai.core.http.HttpResponse;
import com.openai.models.batches.Batch;
import com.openai.models.batches.BatchCreateParams;
import com.openai.models.files.FileCreateParams;
import com.openai.models.files.FilePurpose;
import dev.hearth.server.conformance.ConformanceClients;
import dev.hearth.server.conformance.ConformanceExtension;
import dev.hearth.server.conformance.ConformanceRecorder;
import dev.hearth.server.conformance.RequiresSpec;
import dev.hearth.server.testing.Envelopes;
import dev.hearth.server.testing.TestServer;
import dev.hearth.server.testing.TinyLlm;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** Batch lines for /v1/chat/completions and /v1/completions take the live path and give the live answer. */
@RequiresSpec
class ChatBatchTest {
  @TempDir Path dir;

  @RegisterExtension final ConformanceExtension conformance = new ConformanceExtension();

  static final Set<Batch.Status> DONE = Set.of(Batch.Status.COMPLETED, Batch.Status.FAILED, Batch.Status.EXPIRED,
      Batch.Status.CANCELLED);

  @Test
  void chatAndCompletionLinesAnswerAsLiveRequestsDo() throws Exception {
    Path model = TinyLlm.write(dir);
    try (TestServer server = TestServer.start(TinyLlm.config(dir.resolve("data"), model, 1, 0), List.of())) {
      OpenAIClient client = conformance.openAi(server.baseUrl(), "sk-x");
      String chatBody = "{\"model\":\"gpt-4o-mini\",\"max_tokens\":6,\"temperature\":0,"
          + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
      String completionBody = "{\"model\":\"tiny\",\"max_tokens\":6,\"temperature\":0,\"prompt\":\"Once\"}";
      check(server, client, "/v1/chat/completions", BatchCreateParams.Endpoint.V1_CHAT_COMPLETIONS, chatBody,
          live -> live.get("choices").get(0).get("message").get("content"));
      check(server, client, "/v1/completions", BatchCreateParams.Endpoint.V1_COMPLETIONS, completionBody,
          live -> live.get("choices").get(0).get("text"));
    }
  }

  void check(TestServer server, OpenAIClient client, String url, BatchCreateParams.Endpoint endpoint, String body,
      java.util.function.Function<JsonNode, JsonNode> answer) throws Exception {
    String lines = "{\"custom_id\":\"a\",\"method\":\"POST\",\"url\":\"" + url + "\",\"body\":" + body + "}\n"
        + "{\"custom_id\":\"b\",\"method\":\"POST\",\"url\":\"" + url + "\",\"body\":" + body + "}\n";
    String input = client.files().create(FileCreateParams.builder()
        .file(MultipartField.<InputStream>builder()
            .value(new ByteArrayInputStream(lines.getBytes(StandardCharsets.UTF_8))).filename("requests.jsonl").build())
        .purpose(FilePurpose.BATCH).build()).id();
    Batch created = client.batches().create(BatchCreateParams.builder().inputFileId(input).endpoint(endpoint)
        .completionWindow(BatchCreateParams.CompletionWindow._24H).build());
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    Batch b = created;
    while (!DONE.contains(b.status()) && Instant.now().isBefore(deadline)) {
      Thread.sleep(20); // polling the runner, which works in the background
      b = client.batches().retrieve(created.id());
    }
    assertThat(b.status()).isEqualTo(Batch.Status.COMPLETED);
    assertThat(b.requestCounts().orElseThrow().completed()).isEqualTo(2);
    JsonNode live = Envelopes.json(server.post(url, body).body());
    List<JsonNode> out;
    try (HttpResponse response = ConformanceClients.openAi(server.baseUrl(), "sk-x", new ConformanceRecorder())
        .files().content(b.outputFileId().orElseThrow())) {
      out = new String(response.body().readAllBytes(), StandardCharsets.UTF_8).lines().map(Envelopes::json).toList();
    }
    assertThat(out).hasSize(2);
    for (JsonNode line : out) {
      assertThat(line.get("response").get("status_code").asInt()).isEqualTo(200);
      assertThat(answer.apply(line.get("response").get("body"))).isEqualTo(answer.apply(live));
    }
  }
}
