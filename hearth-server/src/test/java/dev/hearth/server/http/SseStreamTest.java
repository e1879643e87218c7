package dev.hearth.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.server.testing.TestServer;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SseStreamTest {
  @TempDir Path dataDir;

  private TestServer start(AtomicReference<TestServer> self) {
    TestServer server = TestServer.start(TestServer.config(dataDir), List.of(routes -> {
      routes.get("/v1/test/three", ctx -> {
        SseStream stream = self.get().server().streams().open(ctx);
        for (int i = 0; i < 3; i++) {
          stream.send(Map.of("n", i));
        }
        stream.done();
      });
      routes.get("/v1/test/endless", ctx -> {
        SseStream stream = self.get().server().streams().open(ctx);
        int n = 0;
        while (stream.send(Map.of("n", n++))) {
          LockSupport.parkNanos(2_000_000); // a token every 2 ms, like a fast model
        }
        if (stream.shuttingDown()) {
          stream.fail(SseStreams.SHUTTING_DOWN);
        }
      });
    }));
    self.set(server);
    return server;
  }

  @Test
  void chunksAreFramedAsOpenAiFramesThem() {
    try (TestServer server = start(new AtomicReference<>())) {
      HttpResponse<String> response = server.get("/v1/test/three");
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
      assertThat(response.body()).isEqualTo("data: {\"n\":0}\n\ndata: {\"n\":1}\n\ndata: {\"n\":2}\n\ndata: [DONE]\n\n");
    }
  }

  @Test
  void shutdownEndsOpenStreamsCleanlyWithAnErrorEvent() throws Exception {
    TestServer server = start(new AtomicReference<>());
    HttpResponse<Stream<String>> response = HttpClient.newHttpClient()
        .send(server.request("/v1/test/endless").GET().build(), HttpResponse.BodyHandlers.ofLines());
    Iterator<String> lines = response.body().iterator();
    List<String> events = new ArrayList<>();
    while (events.size() < 3 && lines.hasNext()) {
      String line = lines.next();
      if (line.startsWith("data: ")) {
        events.add(line);
      }
    }
    CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);
    String last = null;
    while (lines.hasNext()) { // ends without an exception: the response was finished, not reset
      String line = lines.next();
      if (line.startsWith("data: ")) {
        last = line;
      }
    }
    closing.get(20, TimeUnit.SECONDS);
    assertThat(events).hasSize(3);
    assertThat(last).startsWith("data: {\"error\":").contains("server_shutting_down");
  }
}
