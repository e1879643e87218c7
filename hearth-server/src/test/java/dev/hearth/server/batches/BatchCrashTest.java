package dev.hearth.server.batches;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.server.testing.Envelopes;
import dev.hearth.server.testing.ServerProcess;
import dev.hearth.server.testing.TinyLlm;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * A batch survives the server process being killed with {@code SIGKILL} (no shutdown hook, no
 * graceful stop: the process dies wherever it is, mid-line, mid-transaction) several times while it
 * runs: after each restart on the same data directory it resumes, and the output file answers every
 * {@code custom_id} exactly once, in OpenAI's line format, with the answer a live request gets.
 */
class BatchCrashTest {
  private static final int LINES = 500;
  private static final int KILLS = 4;
  private static final Set<String> FINAL = Set.of("completed", "failed", "expired", "cancelled");

  @TempDir Path dir;

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void killedFourTimesMidRunEveryLineIsAnsweredExactlyOnce() throws Exception {
    long seed = new Random().nextLong();
    Random random = new Random(seed);
    String context = "seed " + seed;
    Path model = TinyLlm.write(dir);
    Path config = dir.resolve("hearth.yaml");
    Files.writeString(config, """
        models:
          - id: qwen2.5-0.5b-instruct
            enabled: false
          - id: tiny
            engine: gguf
            source: "%s"
            aliases: [gpt-4o-mini]
            options:
              max_concurrent_sequences: 2
              max_queue: 16
        """.formatted(model.toString().replace("\\", "\\\\")));

    // Random kill moments: after 0..449 lines are done (0: right after the batch is created, while
    // it validates), each a random few milliseconds after the progress was seen, so that the kill
    // lands anywhere in a line's cycle (generating, recording the result, renewing the lease).
    TreeSet<Integer> targets = new TreeSet<>();
    while (targets.size() < KILLS) {
      targets.add(targets.isEmpty() && random.nextBoolean() ? 0 : random.nextInt(LINES * 9 / 10));
    }
    context += ", kills after " + targets + " lines";

    try (ServerProcess server = ServerProcess.on(dir.resolve("data")).config(config)
        .set("batches.lease_seconds=1").jvmArg("-XX:+UseSerialGC").start()) {
      StringBuilder jsonl = new StringBuilder();
      for (int i = 0; i < LINES; i++) {
        jsonl.append("{\"custom_id\":\"line-").append(i)
            .append("\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":").append(body(i)).append("}\n");
      }
      String inputId = Envelopes.json(upload(server, jsonl.toString())).get("id").asString();
      HttpResponse<String> created = post(server, "/v1/batches",
          "{\"input_file_id\":\"" + inputId + "\",\"endpoint\":\"/v1/chat/completions\",\"completion_window\":\"24h\"}");
      assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
      String batchId = Envelopes.json(created.body()).get("id").asString();

      List<String> killedWhile = new ArrayList<>();
      long started = System.nanoTime();
      for (int target : targets) {
        JsonNode seen = awaitProgress(server, batchId, target, context);
        LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(random.nextInt(20_000)));
        server.kill9();
        killedWhile.add(seen.get("status").asString() + "@" + seen.get("request_counts").get("completed").asLong());
        long down = System.nanoTime();
        server.restart();
        System.out.printf("killed at %d ms, restarted in %d ms%n", (down - started) / 1_000_000,
            (System.nanoTime() - down) / 1_000_000);
      }
      context += ", killed while " + killedWhile;
      JsonNode done = awaitDone(server, batchId, context);
      System.out.printf("batch done at %d ms (%s)%n", (System.nanoTime() - started) / 1_000_000, context);

      assertThat(done.get("status").asString()).as(context).isEqualTo("completed");
      assertThat(done.get("request_counts").get("total").asLong()).as(context).isEqualTo(LINES);
      assertThat(done.get("request_counts").get("completed").asLong()).as(context).isEqualTo(LINES);
      assertThat(done.get("request_counts").get("failed").asLong()).as(context).isZero();
      assertThat(done.hasNonNull("error_file_id")).as(context + ": no error file").isFalse();
      assertThat(killedWhile).as(context + ": every kill hit the running batch")
          .allSatisfy(s -> assertThat(s).matches("(validating|in_progress)@\\d+"));

      HttpResponse<String> content = get(server, "/v1/files/" + done.get("output_file_id").asString() + "/content");
      assertThat(content.statusCode()).isEqualTo(200);
      assertThat(content.body()).endsWith("\n");
      List<String> lines = content.body().lines().toList();
      Map<String, Integer> answers = new HashMap<>();
      Map<String, JsonNode> byId = new HashMap<>();
      Set<String> lineIds = new HashSet<>();
      Set<String> requestIds = new HashSet<>();
      for (int n = 0; n < lines.size(); n++) {
        JsonNode line = Envelopes.json(lines.get(n));
        String where = context + ", output line " + (n + 1) + ": " + lines.get(n);
        assertThat(fieldNames(line)).as(where).containsExactly("id", "custom_id", "response", "error");
        assertThat(line.get("id").asString()).as(where).startsWith("batch_req_");
        assertThat(lineIds.add(line.get("id").asString())).as(where + ": line ids are unique").isTrue();
        assertThat(line.get("error").isNull()).as(where).isTrue();
        JsonNode response = line.get("response");
        assertThat(response.get("status_code").asInt()).as(where).isEqualTo(200);
        assertThat(response.get("request_id").asString()).as(where).startsWith("req_");
        assertThat(requestIds.add(response.get("request_id").asString())).as(where).isTrue();
        JsonNode completion = response.get("body");
        assertThat(completion.get("object").asString()).as(where).isEqualTo("chat.completion");
        assertThat(completion.get("model").asString()).as(where).isEqualTo("tiny");
        assertThat(completion.get("choices")).as(where).hasSize(1);
        assertThat(completion.get("choices").get(0).get("message").get("content").isString()).as(where).isTrue();
        assertThat(completion.get("usage").get("completion_tokens").asInt()).as(where).isBetween(1, 8);
        String customId = line.get("custom_id").asString();
        answers.merge(customId, 1, Integer::sum);
        byId.put(customId, completion);
      }
      Map<String, Integer> duplicated = new HashMap<>(answers);
      duplicated.values().removeIf(count -> count == 1);
      assertThat(duplicated).as(context + ": custom_ids answered more than once").isEmpty();
      Set<String> missing = new TreeSet<>();
      for (int i = 0; i < LINES; i++) {
        if (!answers.containsKey("line-" + i)) {
          missing.add("line-" + i);
        }
      }
      assertThat(missing).as(context + ": custom_ids never answered").isEmpty();
      assertThat(lines).as(context).hasSize(LINES);

      // A sample of the answers equals what the same request gets live (greedy decoding).
      for (int k = 0; k < 5; k++) {
        int i = random.nextInt(LINES);
        HttpResponse<String> live = post(server, "/v1/chat/completions", body(i));
        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(byId.get("line-" + i).get("choices").get(0).get("message").get("content").asString())
            .as(context + ": line-" + i + " as answered live")
            .isEqualTo(Envelopes.json(live.body()).get("choices").get(0).get("message").get("content").asString());
      }
    }
  }

  private static String body(int i) {
    return "{\"model\":\"gpt-4o-mini\",\"max_tokens\":8,\"temperature\":0,"
        + "\"messages\":[{\"role\":\"user\",\"content\":\"request number " + i + "\"}]}";
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.propertyNames().forEach(names::add);
    return names;
  }

  private JsonNode awaitProgress(ServerProcess server, String id, int completed, String context) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      JsonNode b = Envelopes.json(get(server, "/v1/batches/" + id).body());
      if (b.get("request_counts").get("completed").asLong() >= completed || FINAL.contains(b.get("status").asString())) {
        return b;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
    throw new AssertionError(context + ": batch " + id + " did not reach " + completed + " lines; server "
        + server.describe() + ":\n" + server.logTail(30));
  }

  private JsonNode awaitDone(ServerProcess server, String id, String context) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    while (System.nanoTime() < deadline) {
      JsonNode b = Envelopes.json(get(server, "/v1/batches/" + id).body());
      if (FINAL.contains(b.get("status").asString())) {
        return b;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
    }
    throw new AssertionError(context + ": batch " + id + " did not finish; server " + server.describe() + ":\n"
        + server.logTail(30));
  }

  private String upload(ServerProcess server, String jsonl) {
    String multipart = "--b\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n"
        + "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"requests.jsonl\"\r\n"
        + "Content-Type: application/jsonl\r\n\r\n" + jsonl + "\r\n--b--\r\n";
    HttpResponse<String> r = send(HttpRequest.newBuilder(server.uri("/v1/files"))
        .header("Content-Type", "multipart/form-data; boundary=b")
        .POST(HttpRequest.BodyPublishers.ofString(multipart, StandardCharsets.UTF_8)).build());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return r.body();
  }

  private HttpResponse<String> get(ServerProcess server, String path) {
    return send(HttpRequest.newBuilder(server.uri(path)).timeout(Duration.ofSeconds(30)).build());
  }

  private HttpResponse<String> post(ServerProcess server, String path, String json) {
    return send(HttpRequest.newBuilder(server.uri(path)).timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build());
  }

  private HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new AssertionError(request.uri() + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
