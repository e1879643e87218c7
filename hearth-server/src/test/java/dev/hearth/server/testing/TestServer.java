package dev.hearth.server.testing;

import dev.hearth.server.HearthServer;
import dev.hearth.server.config.ConfigLoader;
import dev.hearth.server.config.HearthConfig;
import dev.hearth.server.http.ApiRoutes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;

/** The real server on a random loopback port with its own data directory, plus a raw HTTP client. */
public final class TestServer implements AutoCloseable {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

  private final HearthServer server;
  private String apiKey;

  private TestServer(HearthServer server) {
    this.server = server;
  }

  public static HearthConfig config(Path dataDir, String... overrides) {
    ConfigLoader loader = ConfigLoader.defaults().set("data_dir", dataDir.toString()).set("server.port", "0");
    for (String o : overrides) {
      loader.setAssignment(o);
    }
    return loader.load();
  }

  public static TestServer start(Path dataDir, String... overrides) {
    return new TestServer(HearthServer.start(config(dataDir, overrides)));
  }

  public static TestServer start(HearthConfig config, List<ApiRoutes> extraRoutes) {
    return new TestServer(HearthServer.start(config, InstantSource.system(), extraRoutes));
  }

  /** With an injected clock: tests move time instead of waiting. */
  public static TestServer start(HearthConfig config, InstantSource clock, List<ApiRoutes> extraRoutes) {
    return new TestServer(HearthServer.start(config, clock, extraRoutes));
  }

  public TestServer withApiKey(String apiKey) {
    this.apiKey = apiKey;
    return this;
  }

  public HearthServer server() {
    return server;
  }

  /** {@code http://127.0.0.1:PORT/v1} */
  public URI baseUrl() {
    return server.baseUrl();
  }

  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  public HttpResponse<String> get(String path) {
    return send(request(path).GET().build());
  }

  public HttpResponse<String> post(String path, String json) {
    return send(request(path).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build());
  }

  public HttpResponse<String> post(String path, byte[] body) {
    return send(request(path).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
  }

  public HttpResponse<String> method(String method, String path) {
    return send(request(path).method(method, HttpRequest.BodyPublishers.noBody()).build());
  }

  public HttpRequest.Builder request(String path) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30));
    if (apiKey != null) {
      b.header("Authorization", "Bearer " + apiKey);
    }
    return b;
  }

  public HttpResponse<String> send(HttpRequest request) {
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    server.close();
  }
}
