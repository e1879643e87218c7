package dev.hearth.bench.gateway;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.hearth.api.models.ListModelsResponse;
import dev.hearth.api.projects.ProjectUpdateRequest;
import dev.hearth.server.http.ApiException;
import dev.hearth.server.http.JsonBodies;
import dev.hearth.server.models.ModelRegistry;
import dev.hearth.server.projects.ProjectService;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.Executors;
import tools.jackson.databind.json.JsonMapper;

/**
 * The yardstick: the JDK's built-in HTTP server on virtual threads, doing the same work per
 * request as Hearth's handler (same JSON mapper, same registry, same project service and store)
 * but with none of the gateway: no auth, request ids, metrics, access log or error mapping.
 */
final class BareJdkServer implements AutoCloseable {
  private final HttpServer server;

  BareJdkServer(JsonMapper mapper, ModelRegistry registry, ProjectService projects) throws IOException {
    JsonBodies bodies = new JsonBodies(mapper);
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/v1/models", exchange -> {
      respond(exchange, 200, mapper.writeValueAsBytes(ListModelsResponse.of(registry.list(List.of()))));
    });
    server.createContext("/v1/organization/projects/", exchange -> {
      String id = exchange.getRequestURI().getPath().substring("/v1/organization/projects/".length());
      byte[] body = exchange.getRequestBody().readAllBytes();
      try {
        respond(exchange, 200, mapper.writeValueAsBytes(projects.update(id, bodies.parse(body, ProjectUpdateRequest.class))));
      } catch (ApiException e) {
        respond(exchange, e.status(), mapper.writeValueAsBytes(e.toError()));
      }
    });
    server.start();
  }

  private static void respond(HttpExchange exchange, int status, byte[] json) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, json.length);
    try (var out = exchange.getResponseBody()) {
      out.write(json);
    }
  }

  int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
