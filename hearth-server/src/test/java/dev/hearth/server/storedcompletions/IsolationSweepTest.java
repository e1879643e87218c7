package dev.hearth.server.storedcompletions;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.files.FileCreateParams;
import com.openai.models.files.FilePurpose;
import dev.hearth.server.HearthServer;
import dev.hearth.server.config.HearthConfig;
import dev.hearth.server.conformance.ConformanceExtension;
import dev.hearth.server.conformance.RawHttp;
import dev.hearth.server.conformance.RawResponse;
import dev.hearth.server.conformance.RequiresSpec;
import dev.hearth.server.testing.Envelopes;
import dev.hearth.server.testing.TestServer;
import dev.hearth.server.testing.TinyLlm;
import dev.hearth.store.ApiKeyStore;
import dev.hearth.store.Database;
import dev.hearth.store.ProjectStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Project B's key sent to every operation the server registers with a path parameter, naming
 * project A's objects: every answer is a 404 (never 403, so ids don't leak), and A's objects are
 * untouched. The operations come from the server's own route list, so an endpoint added later is
 * swept too, and one whose path parameter this test does not know fails it until it is added here.
 */
@RequiresSpec
class IsolationSweepTest {
  private static final Pattern PARAM = Pattern.compile("\\{([^}]+)}");
  /** Not project objects: models are server configuration, projects are the organization's (admin keys). */
  private static final Set<String> NOT_PROJECT_SCOPED = Set.of("model", "project_id");

  @TempDir Path dir;

  @RegisterExtension final ConformanceExtension conformance = new ConformanceExtension();

  static String key(HearthConfig config, String project) {
    try (Database db = HearthServer.openDatabase(config)) {
      var p = new ProjectStore(db, InstantSource.system()).getOrCreate(project);
      return new ApiKeyStore(db, InstantSource.system()).create(p.id(), project).secret();
    }
  }

  @Test
  void projectBsKeyGets404FromEveryEndpointThatTakesAnId() {
    Path model = TinyLlm.write(dir);
    HearthConfig config = TinyLlm.config(dir.resolve("data"), model, 4, 16);
    String keyA = key(config, "alpha");
    String keyB = key(config, "beta");
    try (TestServer server = TestServer.start(config, List.of())) {
      OpenAIClient a = conformance.openAi(server.baseUrl(), keyA);
      Map<String, String> objectsOfA = new LinkedHashMap<>();
      objectsOfA.put("completion_id", a.chat().completions().create(ChatCompletionCreateParams.builder().model("tiny")
          .addUserMessage("secret of alpha").maxCompletionTokens(2).store(true).build()).id());
      objectsOfA.put("file_id", a.files().create(FileCreateParams.builder()
          .file("alpha only".getBytes(StandardCharsets.UTF_8)).purpose(FilePurpose.USER_DATA).build()).id());
      String batchInput = a.files().create(FileCreateParams.builder().file(
          ("{\"custom_id\":\"1\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":\"tiny\","
              + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":1}}\n").getBytes(StandardCharsets.UTF_8))
          .purpose(FilePurpose.BATCH).build()).id();
      try (RawHttp rawA = conformance.rawHttp(server.baseUrl(), keyA)) {
        RawResponse upload = rawA.post("/v1/uploads",
            "{\"filename\":\"a.txt\",\"purpose\":\"user_data\",\"bytes\":5,\"mime_type\":\"text/plain\"}");
        assertThat(upload.statusCode()).isEqualTo(200);
        objectsOfA.put("upload_id", Envelopes.json(upload.body()).get("id").asString());
        RawResponse batch = rawA.post("/v1/batches", "{\"input_file_id\":\"" + batchInput
            + "\",\"endpoint\":\"/v1/chat/completions\",\"completion_window\":\"24h\"}");
        assertThat(batch.statusCode()).isEqualTo(200);
        objectsOfA.put("batch_id", Envelopes.json(batch.body()).get("id").asString());
      }

      List<String> swept = new ArrayList<>();
      try (RawHttp rawB = conformance.rawHttp(server.baseUrl(), keyB)) {
        for (String operation : server.server().operations()) {
          if (!operation.contains("{")) {
            continue;
          }
          String method = operation.substring(0, operation.indexOf(' '));
          String template = operation.substring(operation.indexOf(' ') + 1);
          Matcher m = PARAM.matcher(template);
          StringBuilder path = new StringBuilder();
          boolean scoped = true;
          while (m.find()) {
            String param = m.group(1);
            if (NOT_PROJECT_SCOPED.contains(param)) {
              scoped = false;
              break;
            }
            assertThat(objectsOfA).as("an object of project A for the path parameter {%s} of %s: add one to this test",
                param, operation).containsKey(param);
            m.appendReplacement(path, objectsOfA.get(param));
          }
          if (!scoped) {
            continue;
          }
          m.appendTail(path);
          RawResponse r = switch (method) {
            case "GET" -> rawB.get(path.toString());
            case "DELETE" -> rawB.delete(path.toString());
            default -> template.endsWith("/parts")
                ? rawB.send(method, path.toString(), "multipart/form-data; boundary=" + BOUNDARY, PART)
                : rawB.send(method, path.toString(), "application/json", body(template));
          };
          assertThat(r.statusCode()).as("%s as project B: %s", operation, r.body()).isEqualTo(404);
          assertThat(r.body()).as(operation).doesNotContain("alpha");
          swept.add(operation);
        }
        // lists leave A's objects out, and A's ids are no cursor for B
        assertThat(rawB.get("/v1/chat/completions").body()).doesNotContain(objectsOfA.get("completion_id"));
        assertThat(rawB.get("/v1/chat/completions?after=" + objectsOfA.get("completion_id")).statusCode()).isEqualTo(400);
        assertThat(rawB.get("/v1/files").body()).doesNotContain(objectsOfA.get("file_id"));
        assertThat(rawB.get("/v1/batches").body()).doesNotContain(objectsOfA.get("batch_id"));
      }
      assertThat(swept).contains("GET /v1/chat/completions/{completion_id}", "POST /v1/chat/completions/{completion_id}",
          "DELETE /v1/chat/completions/{completion_id}", "GET /v1/chat/completions/{completion_id}/messages",
          "GET /v1/files/{file_id}", "DELETE /v1/files/{file_id}", "GET /v1/batches/{batch_id}",
          "POST /v1/uploads/{upload_id}/cancel");

      // nothing B did touched A's objects
      assertThat(a.chat().completions().retrieve(objectsOfA.get("completion_id")).id()).isEqualTo(objectsOfA.get("completion_id"));
      // (not through the conformance client: the spec's role enum for messages is "assistant" only, see StoredCompletionsApiTest)
      assertThat(server.withApiKey(keyA).get("/v1/chat/completions/" + objectsOfA.get("completion_id") + "/messages").body())
          .contains("secret of alpha");
      assertThat(a.files().retrieve(objectsOfA.get("file_id")).id()).isEqualTo(objectsOfA.get("file_id"));
      assertThat(a.batches().retrieve(objectsOfA.get("batch_id")).id()).isEqualTo(objectsOfA.get("batch_id"));
      try (RawHttp rawA = conformance.rawHttp(server.baseUrl(), keyA)) {
        assertThat(rawA.post("/v1/uploads/" + objectsOfA.get("upload_id") + "/cancel", "{}").statusCode()).isEqualTo(200);
      }
    }
  }

  private static final String BOUNDARY = "hearthIsolationSweep";
  private static final String PART = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"data\"; filename=\"part\"\r\n"
      + "Content-Type: application/octet-stream\r\n\r\nhello\r\n--" + BOUNDARY + "--\r\n";

  /** A body each POST would accept if the object were the caller's. */
  private static String body(String template) {
    if (template.endsWith("/complete")) {
      return "{\"part_ids\":[]}";
    }
    if (template.startsWith("/v1/chat/completions/")) {
      return "{\"metadata\":{\"k\":\"v\"}}";
    }
    return "{}";
  }
}
