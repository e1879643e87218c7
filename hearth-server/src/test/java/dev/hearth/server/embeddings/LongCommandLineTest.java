package dev.hearth.server.embeddings;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.server.testing.ServerProcess;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ONNX Runtime walks the process's command line recursively when it starts: a server launched with
 * a long one ({@code java -cp} with every jar spelled out) used to die with SIGSEGV on its first
 * embeddings request. The environment is now created on a thread with a stack big enough.
 */
class LongCommandLineTest {
  @TempDir Path dir;

  @Test
  void aServerWithAVeryLongCommandLineServesEmbeddings() throws Exception {
    try (ServerProcess server = ServerProcess.on(dir.resolve("data"))
        .jvmArg("-Dhearth.test.padding=" + "x".repeat(30_000)).start()) {
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.uri("/v1/embeddings"))
          .timeout(Duration.ofSeconds(120)).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"text-embedding-3-small\",\"input\":\"hello\"}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(server.isAlive()).as(server.describe()).isTrue();
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      assertThat(r.body()).contains("\"embedding\"");
    }
  }
}
