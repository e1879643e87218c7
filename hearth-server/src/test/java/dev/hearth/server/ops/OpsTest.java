package dev.hearth.server.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.server.testing.TestServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpsTest {
  @TempDir Path dataDir;

  @Test
  void healthAndPrometheusMetricsByRoute() {
    try (TestServer server = TestServer.start(dataDir)) {
      assertThat(server.get("/health").body()).contains("\"status\":\"ok\"");
      server.get("/v1/models");
      server.get("/v1/models/gpt-4o-mini");
      server.get("/v1/models/nope");
      HttpResponse<String> metrics = server.get("/metrics");
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
      assertThat(metrics.body())
          .contains("hearth_http_requests_seconds_count{method=\"GET\",route=\"/v1/models\",status=\"200\"} 1")
          .contains("hearth_http_requests_seconds_count{method=\"GET\",route=\"/v1/models/<model>\",status=\"404\"} 1")
          .contains("hearth_http_requests_seconds_bucket{method=\"GET\",route=\"/v1/models\",status=\"200\",le=")
          .contains("hearth_http_requests_in_flight")
          .contains("jvm_memory_used_bytes");
    }
  }

  @Test
  void shutdownLetsInFlightRequestsFinish() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    TestServer server = TestServer.start(TestServer.config(dataDir), List.of(routes -> routes.get("/v1/test/slow", ctx -> {
      entered.countDown();
      release.await(30, TimeUnit.SECONDS);
      ctx.json(java.util.Map.of("finished", true));
    })));
    CompletableFuture<HttpResponse<String>> inFlight = CompletableFuture.supplyAsync(
        () -> server.send(server.request("/v1/test/slow").GET().build()));
    assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();

    CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);
    assertThat(closing).isNotDone();
    release.countDown();
    closing.get(20, TimeUnit.SECONDS);
    HttpResponse<String> response = inFlight.get(20, TimeUnit.SECONDS);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("\"finished\":true");
  }
}
