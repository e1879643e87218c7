package dev.hearth.server.conformance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/**
 * Raw HTTP requests (malformed bodies, missing headers, odd methods) whose responses are checked and recorded like the
 * SDK's. Paths are resolved against the base URL, so {@code "/v1/models"} works whether or not it ends in /v1.
 */
public final class RawHttp implements AutoCloseable {

    private final URI baseUrl;
    private final String apiKey;
    private final ResponseChecker checker;
    private final ConformanceRecorder recorder;
    private final HttpClient http;

    RawHttp(URI baseUrl, String apiKey, ResponseChecker checker, ConformanceRecorder recorder) {
        this.baseUrl = baseUrl;
        this.apiKey = apiKey;
        this.checker = checker;
        this.recorder = recorder;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(ConformanceClients.TIMEOUT).build();
    }

    public RawResponse get(String path) {
        return send(request(path).GET().build());
    }

    public RawResponse delete(String path) {
        return send(request(path).DELETE().build());
    }

    /** POSTs {@code body} as-is with {@code Content-Type: application/json} (it need not be valid JSON). */
    public RawResponse post(String path, String body) {
        return send("POST", path, "application/json", body);
    }

    public RawResponse send(String method, String path, String contentType, String body) {
        HttpRequest.Builder builder = request(path)
                .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (contentType != null) {
            builder.header("Content-Type", contentType);
        }
        return send(builder.build());
    }

    /** A request builder for {@code path} carrying the API key, for callers that need other headers. */
    public HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(baseUrl.resolve(path)).timeout(ConformanceClients.TIMEOUT);
        if (apiKey != null) {
            builder.header("Authorization", "Bearer " + apiKey);
        }
        return builder;
    }

    /** Sends any request, checks and records the response. */
    public RawResponse send(HttpRequest request) {
        HttpResponse<byte[]> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(request.method() + " " + request.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during " + request.method() + " " + request.uri(), e);
        }
        recorder.record(checker.check(request.method(), request.uri(), response.statusCode(),
                response.headers().firstValue("Content-Type").orElse(null), response.body()));
        return new RawResponse(response.statusCode(), response.headers(),
                new String(response.body(), StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        http.close();
    }
}
