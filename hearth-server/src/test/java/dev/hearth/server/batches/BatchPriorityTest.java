package dev.hearth.server.batches;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.server.testing.Envelopes;
import dev.hearth.server.testing.TestServer;
import dev.hearth.server.testing.TinyLlm;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Batch lines rank below live requests: a live request sent while a batch keeps the model busy
 * takes about as long as on an idle server. Latencies are compared with the idle ones measured in
 * the same test on the same machine (medians of several requests, a generous factor), never with
 * absolute times.
 */
class BatchPriorityTest {
  private static final int SAMPLES = 7;

  @TempDir Path dir;

  @Test
  void aLiveChatRequestDuringABatchTakesAboutItsIdleTime() throws Exception {
    Path model = TinyLlm.write(dir);
    int eot = TinyLlm.endOfTurn(model);
    Path data = dir.resolve("data");
    Files.createDirectories(data);
    Path yaml = data.resolve("models.yaml");
    // Two slots: batch lines may hold one (the other stays free for live requests); eight lines are
    // in flight, the rest of them queued in the scheduler behind any live request.
    Files.writeString(yaml, """
        models:
          - id: qwen2.5-0.5b-instruct
            enabled: false
          - id: tiny
            engine: gguf
            source: "%s"
            options:
              max_concurrent_sequences: 2
              max_queue: 4
        batches:
          concurrency: 8
        """.formatted(model.toString().replace("\\", "\\\\")));
    try (TestServer server = TestServer.start(dev.hearth.server.config.ConfigLoader.defaults().file(yaml)
        .set("data_dir", data.toString()).set("server.port", "0").load(), List.of())) {
      // A live request generates 32 tokens; batch lines 16 each (no end of turn: every line runs
      // its full length), so without priority a live request would queue behind batch lines.
      String live = "{\"model\":\"tiny\",\"max_tokens\":32,\"temperature\":0,\"logit_bias\":{\"" + eot + "\":-100},"
          + "\"messages\":[{\"role\":\"user\",\"content\":\"how are you?\"}]}";
      Supplier<Long> liveRequest = () -> {
        long start = System.nanoTime();
        HttpResponse<String> r = server.post("/v1/chat/completions", live);
        long took = System.nanoTime() - start;
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(Envelopes.json(r.body()).get("usage").get("completion_tokens").asInt()).isEqualTo(32);
        return took;
      };
      for (int i = 0; i < 5; i++) {
        liveRequest.get(); // warm up: JIT, model load
      }
      long idle = median(liveRequest);

      StringBuilder jsonl = new StringBuilder();
      for (int i = 0; i < 400; i++) {
        jsonl.append("{\"custom_id\":\"r").append(i).append("\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",")
            .append("\"body\":{\"model\":\"tiny\",\"max_tokens\":16,\"logit_bias\":{\"").append(eot)
            .append("\":-100},\"messages\":[{\"role\":\"user\",\"content\":\"line ").append(i).append("\"}]}}\n");
      }
      String batchId = startBatch(server, jsonl.toString(), "/v1/chat/completions");
      awaitCompleted(server, batchId, 10); // the batch is running, its lines queued for the model

      long busy = median(liveRequest);
      JsonNode after = Envelopes.json(server.get("/v1/batches/" + batchId).body());
      assertThat(after.get("status").asString()).as("the batch still runs: the live requests met it").isEqualTo("in_progress");
      assertThat(server.post("/v1/batches/" + batchId + "/cancel", "").statusCode()).isEqualTo(200);

      String figures = "live median idle %d ms, during the batch %d ms".formatted(
          TimeUnit.NANOSECONDS.toMillis(idle), TimeUnit.NANOSECONDS.toMillis(busy));
      System.out.println(figures);
      assertThat(busy).as(figures).isLessThanOrEqualTo(3 * idle + TimeUnit.MILLISECONDS.toNanos(150));
    }
  }

  @Test
  void aLiveEmbeddingsRequestDuringAnEmbeddingsBatchTakesAboutItsIdleTime() throws Exception {
    try (TestServer server = TestServer.start(dir.resolve("data"))) {
      String live = "{\"model\":\"text-embedding-3-small\",\"input\":\"how long does a live request take?\"}";
      Supplier<Long> liveRequest = () -> {
        long start = System.nanoTime();
        HttpResponse<String> r = server.post("/v1/embeddings", live);
        long took = System.nanoTime() - start;
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return took;
      };
      for (int i = 0; i < 10; i++) {
        liveRequest.get(); // warm up: model load, JIT
      }
      // A live request that fails still counts as finished (else every batch line would wait 30 s).
      Envelopes.assertError(server.post("/v1/embeddings", "{\"model\":\"text-embedding-3-small\"}"), 400);
      long idle = median(liveRequest);

      StringBuilder jsonl = new StringBuilder();
      for (int i = 0; i < 2000; i++) {
        jsonl.append("{\"custom_id\":\"e").append(i).append("\",\"method\":\"POST\",\"url\":\"/v1/embeddings\",")
            .append("\"body\":{\"model\":\"text-embedding-3-small\",\"input\":[\"batch line ").append(i)
            .append(" with a few more words to embed\",\"and a second input of line ").append(i).append("\"]}}\n");
      }
      String batchId = startBatch(server, jsonl.toString(), "/v1/embeddings");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(25); // lines yield 30 s at most
      awaitCompleted(server, batchId, 50);
      assertThat(System.nanoTime()).as("lines ran without waiting out a live request that had failed")
          .isLessThan(deadline);

      long busy = median(liveRequest);
      JsonNode after = Envelopes.json(server.get("/v1/batches/" + batchId).body());
      assertThat(after.get("status").asString()).as("the batch still runs: the live requests met it").isEqualTo("in_progress");
      assertThat(server.post("/v1/batches/" + batchId + "/cancel", "").statusCode()).isEqualTo(200);

      String figures = "live embeddings median idle %.1f ms, during the batch %.1f ms".formatted(
          idle / 1e6, busy / 1e6);
      System.out.println(figures);
      assertThat(busy).as(figures).isLessThanOrEqualTo(3 * idle + TimeUnit.MILLISECONDS.toNanos(150));
    }
  }

  private static long median(Supplier<Long> sample) {
    List<Long> took = new ArrayList<>();
    for (int i = 0; i < SAMPLES; i++) {
      took.add(sample.get());
    }
    took.sort(null);
    return took.get(SAMPLES / 2);
  }

  static String startBatch(TestServer server, String jsonl, String endpoint) {
    String multipart = "--b\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n"
        + "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"requests.jsonl\"\r\n"
        + "Content-Type: application/jsonl\r\n\r\n" + jsonl + "\r\n--b--\r\n";
    HttpResponse<String> file = server.send(server.request("/v1/files")
        .header("Content-Type", "multipart/form-data; boundary=b")
        .POST(HttpRequest.BodyPublishers.ofString(multipart, StandardCharsets.UTF_8)).build());
    assertThat(file.statusCode()).as(file.body()).isEqualTo(200);
    HttpResponse<String> batch = server.post("/v1/batches", "{\"input_file_id\":\"" + Envelopes.json(file.body())
        .get("id").asString() + "\",\"endpoint\":\"" + endpoint + "\",\"completion_window\":\"24h\"}");
    assertThat(batch.statusCode()).as(batch.body()).isEqualTo(200);
    return Envelopes.json(batch.body()).get("id").asString();
  }

  static void awaitCompleted(TestServer server, String batchId, int lines) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      JsonNode b = Envelopes.json(server.get("/v1/batches/" + batchId).body());
      if (b.get("request_counts").get("completed").asInt() >= lines) {
        return;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
    }
    throw new AssertionError("batch " + batchId + " did not reach " + lines + " lines");
  }
}
