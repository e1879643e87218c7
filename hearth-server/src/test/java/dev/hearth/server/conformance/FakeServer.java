package dev.hearth.server.conformance;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A tiny HTTP server on 127.0.0.1 answering canned responses keyed by "METHOD /path" (query ignored). */
final class FakeServer implements AutoCloseable {

    record Canned(int status, String contentType, String body) {
    }

    private final HttpServer server;
    private final Map<String, Canned> routes = new ConcurrentHashMap<>();

    FakeServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    FakeServer answer(String route, int status, String contentType, String body) {
        routes.put(route, new Canned(status, contentType, body));
        return this;
    }

    FakeServer json(String route, int status, String body) {
        return answer(route, status, "application/json", body);
    }

    /** The origin, e.g. {@code http://127.0.0.1:54321}. */
    URI origin() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** The base URL the OpenAI SDK wants: origin + /v1. */
    URI sdkBaseUrl() {
        return origin().resolve("/v1");
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            Canned canned = routes.getOrDefault(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath(),
                    new Canned(404, "text/plain", "no canned response"));
            byte[] body = canned.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", canned.contentType());
            exchange.sendResponseHeaders(canned.status(), body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
