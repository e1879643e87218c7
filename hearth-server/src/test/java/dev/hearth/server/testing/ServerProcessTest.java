package dev.hearth.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** The child-process server: it answers, dies at once on kill -9, and comes back on the same data and port. */
class ServerProcessTest {
  @TempDir Path dir;

  @Test
  void killedServerRestartsOnTheSameDataDirectoryAndPort() throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    try (ServerProcess server = ServerProcess.on(dir.resolve("data")).set("batches.lease_seconds=2").start()) {
      String upload = "--b\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nuser_data\r\n"
          + "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"note.txt\"\r\n"
          + "Content-Type: text/plain\r\n\r\nkept across kill -9\r\n--b--\r\n";
      HttpResponse<String> created = http.send(HttpRequest.newBuilder(server.uri("/v1/files"))
          .header("Content-Type", "multipart/form-data; boundary=b")
          .POST(HttpRequest.BodyPublishers.ofString(upload)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
      String fileId = Envelopes.json(created.body()).get("id").asString();
      long firstPid = server.pid();

      server.kill9();

      assertThat(server.isAlive()).isFalse();
      assertThat(server.describe()).contains("exited with 137"); // 128 + SIGKILL: no graceful shutdown ran
      server.restart();
      assertThat(server.pid()).isNotEqualTo(firstPid);
      assertThat(server.run()).isEqualTo(1);
      HttpResponse<String> content = http.send(HttpRequest.newBuilder(server.uri("/v1/files/" + fileId + "/content"))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(content.statusCode()).isEqualTo(200);
      assertThat(content.body()).isEqualTo("kept across kill -9");
      JsonNode models = Envelopes.json(http.send(HttpRequest.newBuilder(server.uri("/v1/models")).build(),
          HttpResponse.BodyHandlers.ofString()).body());
      assertThat(models.get("object").asString()).isEqualTo("list");
    }
  }
}
