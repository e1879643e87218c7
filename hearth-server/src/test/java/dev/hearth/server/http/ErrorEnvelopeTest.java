package dev.hearth.server.http;

import static dev.hearth.server.testing.Envelopes.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.server.testing.TestServer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** Every way a request can be wrong gets OpenAI's envelope with the right status, param and code. */
class ErrorEnvelopeTest {
  @TempDir static Path dataDir;
  static TestServer server;
  static String projectPath;

  @BeforeAll
  static void start() {
    server = TestServer.start(
        TestServer.config(dataDir, "server.max_request_bytes=65536"),
        List.of(routes -> routes.get("/v1/test/boom", ctx -> {
          throw new IllegalStateException("secret internal detail");
        })));
    JsonNode created = dev.hearth.server.testing.Envelopes.json(server.post("/v1/organization/projects", "{\"name\":\"errors\"}").body());
    projectPath = "/v1/organization/projects/" + created.get("id").asString();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void unknownRouteIs404InvalidUrl() {
    JsonNode error = assertError(server.get("/v1/nope"), 404);
    assertThat(error.get("message").asString()).isEqualTo("Invalid URL (GET /v1/nope)");
    assertThat(error.get("type").asString()).isEqualTo("invalid_request_error");
  }

  @Test
  void wrongMethodIs405() {
    JsonNode error = assertError(server.method("PUT", "/v1/models"), 405);
    assertThat(error.get("code").asString()).isEqualTo("method_not_allowed");
  }

  @Test
  void unknownModelIs404ModelNotFound() {
    JsonNode error = assertError(server.get("/v1/models/gpt-9"), 404);
    assertThat(error.get("code").asString()).isEqualTo("model_not_found");
    assertThat(error.get("param").asString()).isEqualTo("model");
    assertThat(error.get("message").asString()).contains("gpt-9");
  }

  @Test
  void malformedJsonIs400() {
    JsonNode error = assertError(server.post(projectPath, "{\"name\": "), 400);
    assertThat(error.get("message").asString()).startsWith("We could not parse the JSON body of your request.");
    assertError(server.post(projectPath, ""), 400);
    assertError(server.post(projectPath, "[1,2]"), 400);
    assertError(server.post(projectPath, "{} {}"), 400);
  }

  @Test
  void wrongTypeNamesTheField() {
    JsonNode error = assertError(server.post(projectPath, "{\"name\": 42}"), 400);
    assertThat(error.get("param").asString()).isEqualTo("name");
    assertThat(error.get("message").asString()).isEqualTo("Invalid type for 'name': expected a string.");
    assertThat(error.get("code").asString()).isEqualTo("invalid_type");
  }

  @Test
  void unknownFieldNamesTheField() {
    JsonNode error = assertError(server.post(projectPath, "{\"name\": \"x\", \"colour\": \"red\"}"), 400);
    assertThat(error.get("param").asString()).isEqualTo("colour");
    assertThat(error.get("message").asString()).isEqualTo("Unrecognized request argument supplied: colour");
  }

  @Test
  void missingRequiredFieldNamesTheField() {
    JsonNode error = assertError(server.post("/v1/organization/projects", "{}"), 400);
    assertThat(error.get("param").asString()).isEqualTo("name");
    assertThat(error.get("message").asString()).isEqualTo("Missing required parameter: 'name'.");
  }

  @Test
  void outOfRangeValuesNameTheField() {
    JsonNode error = assertError(server.post("/v1/organization/projects", "{\"name\": \"" + "n".repeat(300) + "\"}"), 400);
    assertThat(error.get("param").asString()).isEqualTo("name");
    assertThat(error.get("message").asString()).contains("maximum is 256");
    JsonNode limit = assertError(server.get("/v1/organization/projects?limit=0"), 400);
    assertThat(limit.get("param").asString()).isEqualTo("limit");
    JsonNode order = assertError(server.get("/v1/organization/projects?limit=abc"), 400);
    assertThat(order.get("param").asString()).isEqualTo("limit");
  }

  @Test
  void bodyOverTheLimitIs413NamingTheLimit() {
    byte[] big = new byte[200_000];
    java.util.Arrays.fill(big, (byte) ' ');
    JsonNode error = assertError(server.post(projectPath, big), 413);
    assertThat(error.get("message").asString()).contains("65536").contains("server.max_request_bytes");
  }

  /**
   * A client still sending a body the server refused without reading it sees its error, not a
   * reset connection: before the server drained such bodies, three runs of this test in four
   * ended in "HTTP/1.1 header parser received no bytes".
   */
  @Test
  void aBodyFarOverTheLimitStillGetsItsErrorEveryTime() {
    byte[] huge = new byte[16 << 20];
    java.util.Arrays.fill(huge, (byte) ' ');
    for (int i = 0; i < 8; i++) {
      assertThat(assertError(server.post(projectPath, huge), 413).get("code").asString()).isEqualTo("request_too_large");
    }
    // refused for its content type before a byte of it is read
    for (int i = 0; i < 8; i++) {
      assertThat(assertError(server.post("/v1/files", huge), 400).get("message").asString()).contains("multipart/form-data");
    }
    assertThat(server.get("/v1/models").statusCode()).isEqualTo(200);
  }

  @Test
  void serverErrorsHideTheirCauseAndQuoteTheRequestId() {
    var response = server.get("/v1/test/boom");
    JsonNode error = assertError(response, 500);
    assertThat(error.get("type").asString()).isEqualTo("server_error");
    assertThat(error.get("message").asString()).doesNotContain("secret internal detail")
        .contains(response.headers().firstValue("x-request-id").orElseThrow());
  }

  @Test
  void everyResponseCarriesARequestIdAndProcessingTime() {
    var ok = server.get("/v1/models");
    assertThat(ok.headers().firstValue("x-request-id")).hasValueSatisfying(id -> assertThat(id).matches("req_[0-9a-f]{32}"));
    assertThat(ok.headers().firstValue("openai-processing-ms")).hasValueSatisfying(ms -> assertThat(ms).matches("\\d+"));
    var notFound = server.get("/v1/nope");
    assertThat(notFound.headers().firstValue("x-request-id")).isPresent();
    var echoed = server.send(server.request("/v1/models").header("X-Client-Request-Id", "client-123").GET().build());
    assertThat(echoed.headers().firstValue("x-client-request-id")).contains("client-123");
  }
}
