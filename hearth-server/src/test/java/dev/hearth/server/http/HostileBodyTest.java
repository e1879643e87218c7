package dev.hearth.server.http;

import static dev.hearth.server.testing.Envelopes.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.server.testing.Envelopes;
import dev.hearth.server.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Malformed and hostile bodies against the JSON entry points: always a 4xx envelope, never a 5xx,
 * a hang or a stack trace, and the server stays healthy with its data intact.
 */
class HostileBodyTest {
  @TempDir static Path dataDir;
  static TestServer server;
  static String projectId;

  @BeforeAll
  static void start() {
    server = TestServer.start(dataDir);
    projectId = Envelopes.json(server.post("/v1/organization/projects", "{\"name\":\"target\"}").body()).get("id").asString();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static List<String> entryPoints() {
    return List.of("/v1/organization/projects", "/v1/organization/projects/" + projectId);
  }

  private static void assertRejected(String path, byte[] body) {
    var response = server.post(path, body);
    assertThat(response.statusCode()).as("status for a %d-byte body to %s", body.length, path).isBetween(400, 499);
    assertError(response, response.statusCode());
  }

  @Test
  void everyTruncationOfAValidBodyIsA400() {
    String valid = "{\"name\": \"caf\u00e9 \\u00e9\\n\", \"external_key_id\": null}";
    byte[] bytes = valid.getBytes(StandardCharsets.UTF_8);
    for (String path : entryPoints()) {
      for (int cut = 1; cut < bytes.length; cut++) {
        assertRejected(path, Arrays.copyOf(bytes, cut));
      }
    }
  }

  @Test
  void wrongTypesForEveryField() {
    for (String value : List.of("1", "1.5", "true", "[]", "{}", "[\"a\"]", "{\"a\":1}")) {
      for (String field : List.of("name", "external_key_id")) {
        for (String path : entryPoints()) {
          var response = server.post(path, ("{\"" + field + "\": " + value + "}").getBytes(StandardCharsets.UTF_8));
          assertThat(assertError(response, 400).get("param").asString()).isEqualTo(field);
        }
      }
    }
  }

  @Test
  void deepNestingIsRejectedQuickly() {
    String deep = "{\"name\": " + "[".repeat(100_000) + "]".repeat(100_000) + "}";
    for (String path : entryPoints()) {
      assertRejected(path, deep.getBytes(StandardCharsets.UTF_8));
    }
  }

  @Test
  void invalidUtf8IsA400() {
    byte[][] bodies = {
      {'{', '"', 'n', 'a', 'm', 'e', '"', ':', '"', (byte) 0xC3, '"', '}'},
      {'{', '"', 'n', 'a', 'm', 'e', '"', ':', '"', (byte) 0xFF, (byte) 0xFE, '"', '}'},
      {'{', '"', 'n', 'a', 'm', 'e', '"', ':', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', '}'},
      {(byte) 0xFE, (byte) 0xFF, 0, '{'},
    };
    for (String path : entryPoints()) {
      for (byte[] body : bodies) {
        assertRejected(path, body);
      }
    }
  }

  @Test
  void hugeStringsAndTenMegabyteBodies() {
    String hugeName = "{\"name\": \"" + "x".repeat(10 * 1024 * 1024) + "\"}";
    byte[] garbage = new byte[10 * 1024 * 1024];
    new SplittableRandom(7).nextBytes(garbage);
    byte[] whitespace = new byte[10 * 1024 * 1024];
    Arrays.fill(whitespace, (byte) ' ');
    for (String path : entryPoints()) {
      assertRejected(path, hugeName.getBytes(StandardCharsets.UTF_8));
      assertRejected(path, garbage);
      assertRejected(path, whitespace);
    }
  }

  @Test
  void randomBytesAndMutatedJson() {
    SplittableRandom random = new SplittableRandom(42);
    byte[] valid = "{\"name\": \"mutant\"}".getBytes(StandardCharsets.UTF_8);
    List<byte[]> bodies = new ArrayList<>();
    for (int i = 0; i < 150; i++) {
      byte[] b = new byte[random.nextInt(1, 200)];
      random.nextBytes(b);
      bodies.add(b);
      byte[] mutated = valid.clone();
      mutated[random.nextInt(mutated.length)] = (byte) random.nextInt(256);
      bodies.add(mutated);
    }
    for (byte[] body : bodies) {
      var response = server.post("/v1/organization/projects/" + projectId, body);
      assertThat(response.statusCode()).as("status for %s", Arrays.toString(body)).isLessThan(500);
      if (response.statusCode() >= 400) {
        assertError(response, response.statusCode());
      }
    }
  }

  @Test
  void theServerStaysHealthyAndTheStoredProjectIntact() {
    everyTruncationOfAValidBodyIsA400();
    hugeStringsAndTenMegabyteBodies();
    assertThat(server.get("/health").statusCode()).isEqualTo(200);
    var project = server.get("/v1/organization/projects/" + projectId);
    assertThat(project.statusCode()).isEqualTo(200);
    assertThat(Envelopes.json(project.body()).get("id").asString()).isEqualTo(projectId);
  }
}
