package dev.hearth.server.storedcompletions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.server.HearthServer;
import dev.hearth.server.config.ConfigLoader;
import dev.hearth.server.config.HearthConfig;
import dev.hearth.server.testing.Envelopes;
import dev.hearth.server.testing.TestServer;
import dev.hearth.server.testing.TinyLlm;
import dev.hearth.store.ApiKeyStore;
import dev.hearth.store.Database;
import dev.hearth.store.ProjectStore;
import dev.hearth.store.UsageStore;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Retention on an injected clock (no waiting 30 days): a stored completion is served until its
 * project's retention has passed, then 404 at once, then removed by the background purge, which
 * /metrics counts. And the usage every request leaves: tokens per project, key, model and endpoint.
 */
class RetentionAndUsageTest {
  @TempDir Path dir;

  static final class Clock implements InstantSource {
    private volatile Instant now = Instant.parse("2026-03-01T12:00:00Z");

    @Override
    public Instant instant() {
      return now;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }
  }

  record Keys(String shortKey, String longKey, String shortProject, String shortKeyId) {}

  Path model;

  HearthConfig config() {
    Path data = dir.resolve("data");
    model = TinyLlm.write(dir);
    TinyLlm.config(data, model, 4, 16); // writes data/tiny-models.yaml
    return ConfigLoader.defaults().file(data.resolve("tiny-models.yaml")).set("data_dir", data.toString())
        .set("server.port", "0").set("files.sweep_interval_seconds", "1").load();
  }

  static Keys keys(HearthConfig config) {
    try (Database db = HearthServer.openDatabase(config)) {
      ProjectStore projects = new ProjectStore(db, InstantSource.system());
      var shortLived = projects.getOrCreate("short");
      projects.updateSettings(shortLived.id(), 2, null, null);
      var longLived = projects.getOrCreate("long");
      ApiKeyStore keys = new ApiKeyStore(db, InstantSource.system());
      var shortKey = keys.create(shortLived.id(), "s");
      return new Keys(shortKey.secret(), keys.create(longLived.id(), "l").secret(), shortLived.id(), shortKey.key().id());
    }
  }

  static String store(TestServer server, String key) {
    HttpResponse<String> r = server.withApiKey(key).post("/v1/chat/completions",
        "{\"model\":\"tiny\",\"max_tokens\":2,\"store\":true,\"messages\":[{\"role\":\"user\",\"content\":\"keep me\"}]}");
    assertThat(r.statusCode()).isEqualTo(200);
    return Envelopes.json(r.body()).get("id").asString();
  }

  static double purged(TestServer server) {
    Matcher m = Pattern.compile("(?m)^hearth_stored_completions_purged_total(?:\\{[^}]*})? (\\S+)$")
        .matcher(server.get("/metrics").body());
    return m.find() ? Double.parseDouble(m.group(1)) : -1;
  }

  @Test
  void completionsExpireAfterTheirProjectsRetentionAndThePurgeRemovesThem() throws InterruptedException {
    HearthConfig config = config();
    Keys keys = keys(config);
    Clock clock = new Clock();
    try (TestServer server = TestServer.start(config, clock, List.of())) {
      String shortId = store(server, keys.shortKey());
      String longId = store(server, keys.longKey());
      assertThat(purged(server)).isEqualTo(0.0);

      clock.advance(Duration.ofDays(2).minusSeconds(1));
      assertThat(server.withApiKey(keys.shortKey()).get("/v1/chat/completions/" + shortId).statusCode()).isEqualTo(200);
      clock.advance(Duration.ofSeconds(1));
      Envelopes.assertError(server.withApiKey(keys.shortKey()).get("/v1/chat/completions/" + shortId), 404);
      assertThat(server.withApiKey(keys.shortKey()).get("/v1/chat/completions").body()).doesNotContain(shortId);
      assertThat(server.withApiKey(keys.longKey()).get("/v1/chat/completions/" + longId).statusCode()).isEqualTo(200);

      // the purge runs every second on its own thread: wait for its counter, bounded
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (purged(server) < 1 && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(purged(server)).isEqualTo(1.0);
      assertThat(server.get("/metrics").body()).contains("hearth_stored_completions_purge_seconds_count");

      clock.advance(Duration.ofDays(28));
      assertThat(server.withApiKey(keys.longKey()).get("/v1/chat/completions/" + longId).statusCode()).isEqualTo(404);
      server.withApiKey(null);
    }
    try (Database db = HearthServer.openDatabase(config)) {
      // the long-lived one expired too; whether the purge has removed it yet does not matter here
      assertThat(new UsageStore(db).list(keys.shortProject())).isNotEmpty();
    }
  }

  @Test
  void everyRequestRecordsItsTokensPerProjectKeyAndModel() throws InterruptedException {
    HearthConfig config = config();
    Keys keys = keys(config);
    long prompt = 0;
    long completion = 0;
    try (TestServer server = TestServer.start(config, List.of())) {
      TestServer s = server.withApiKey(keys.shortKey());
      JsonNode whole = Envelopes.json(s.post("/v1/chat/completions",
          "{\"model\":\"gpt-4o-mini\",\"max_tokens\":3,\"messages\":[{\"role\":\"user\",\"content\":\"count me\"}]}").body());
      prompt += whole.path("usage").path("prompt_tokens").asLong();
      completion += whole.path("usage").path("completion_tokens").asLong();
      String stream = s.post("/v1/chat/completions", "{\"model\":\"tiny\",\"max_tokens\":4,\"stream\":true,"
          + "\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"stream me\"}]}").body();
      Matcher m = Pattern.compile("\"prompt_tokens\":(\\d+),\"completion_tokens\":(\\d+)").matcher(stream);
      assertThat(m.find()).isTrue();
      prompt += Long.parseLong(m.group(1));
      completion += Long.parseLong(m.group(2));
      // a stream without include_usage is recorded too, and the client gets no usage chunk; its end of
      // turn is banned so that it runs to max_tokens (4), the count this test cannot read from it
      String quiet = s.post("/v1/chat/completions", "{\"model\":\"tiny\",\"max_tokens\":4,\"stream\":true,"
          + "\"logit_bias\":{\"" + TinyLlm.endOfTurn(model) + "\":-100},"
          + "\"messages\":[{\"role\":\"user\",\"content\":\"stream me\"}]}").body();
      assertThat(quiet).doesNotContain("\"usage\":{").contains("[DONE]").contains("\"finish_reason\":\"length\"");
      prompt += Long.parseLong(m.group(1));
      completion += 4;
      JsonNode legacy = Envelopes.json(s.post("/v1/completions", "{\"model\":\"tiny\",\"max_tokens\":2,\"prompt\":\"abc\"}").body());

      // batch lines count as the same endpoint, marked batch
      String line = "{\"custom_id\":\"%s\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":\"tiny\","
          + "\"max_tokens\":2,\"messages\":[{\"role\":\"user\",\"content\":\"batch line\"}]}}\n";
      String boundary = "usageBatch";
      String upload = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n--" + boundary
          + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"in.jsonl\"\r\nContent-Type: application/jsonl\r\n\r\n"
          + line.formatted("a") + line.formatted("b") + "\r\n--" + boundary + "--\r\n";
      HttpResponse<String> file = s.send(s.request("/v1/files").header("Content-Type", "multipart/form-data; boundary=" + boundary)
          .POST(java.net.http.HttpRequest.BodyPublishers.ofString(upload)).build());
      assertThat(file.statusCode()).as(file.body()).isEqualTo(200);
      String batchId = Envelopes.json(s.post("/v1/batches", "{\"input_file_id\":\"" + Envelopes.json(file.body()).get("id").asString()
          + "\",\"endpoint\":\"/v1/chat/completions\",\"completion_window\":\"24h\"}").body()).get("id").asString();
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      String status = "";
      while (!status.equals("completed") && System.nanoTime() < deadline) {
        status = Envelopes.json(s.get("/v1/batches/" + batchId).body()).get("status").asString();
        if (!status.equals("completed")) {
          Thread.sleep(50);
        }
      }
      assertThat(status).isEqualTo("completed");
      server.withApiKey(null);

      try (Database db = HearthServer.openDatabase(config)) {
        List<UsageStore.Usage> usage = new UsageStore(db).list(keys.shortProject());
        assertThat(usage).allSatisfy(u -> {
          // a batch does not keep which key created it, so its lines are the project's without a key
          assertThat(u.apiKeyId()).isEqualTo(u.batch() ? "" : keys.shortKeyId());
          assertThat(u.model()).isEqualTo("tiny");
        });
        var batchLines = usage.stream().filter(UsageStore.Usage::batch).toList();
        assertThat(batchLines.stream().mapToLong(UsageStore.Usage::requests).sum()).isEqualTo(2);
        assertThat(batchLines).allSatisfy(u -> assertThat(u.endpoint()).isEqualTo("/v1/chat/completions"));
        assertThat(batchLines.stream().mapToLong(UsageStore.Usage::outputTokens).sum()).isEqualTo(4);
        var chat = usage.stream().filter(u -> u.endpoint().equals("/v1/chat/completions") && !u.batch()).toList();
        assertThat(chat.stream().mapToLong(UsageStore.Usage::requests).sum()).isEqualTo(3);
        assertThat(chat.stream().mapToLong(UsageStore.Usage::inputTokens).sum()).isEqualTo(prompt);
        assertThat(chat.stream().mapToLong(UsageStore.Usage::outputTokens).sum()).isEqualTo(completion);
        var completions = usage.stream().filter(u -> u.endpoint().equals("/v1/completions")).toList();
        assertThat(completions).allSatisfy(u -> assertThat(u.batch()).isFalse());
        assertThat(completions.stream().mapToLong(UsageStore.Usage::requests).sum()).isEqualTo(1);
        assertThat(completions.getFirst().inputTokens()).isEqualTo(legacy.path("usage").path("prompt_tokens").asLong());
        assertThat(completions.getFirst().outputTokens()).isEqualTo(2);
      }
    }
  }
}
