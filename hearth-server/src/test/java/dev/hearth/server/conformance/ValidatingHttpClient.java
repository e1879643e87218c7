package dev.hearth.server.conformance;

import com.openai.core.RequestOptions;
import com.openai.core.http.Headers;
import com.openai.core.http.HttpClient;
import com.openai.core.http.HttpRequest;
import com.openai.core.http.HttpResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * An openai-java {@link HttpClient} that delegates to another (the OkHttp one), buffers each response body, checks it
 * with a {@link ResponseChecker}, records the result and hands the same bytes to the SDK. It sits below the SDK's
 * retry layer, so every attempt is checked.
 */
final class ValidatingHttpClient implements HttpClient {

    private final HttpClient delegate;
    private final ResponseChecker checker;
    private final ConformanceRecorder recorder;

    ValidatingHttpClient(HttpClient delegate, ResponseChecker checker, ConformanceRecorder recorder) {
        this.delegate = delegate;
        this.checker = checker;
        this.recorder = recorder;
    }

    @Override
    public HttpResponse execute(HttpRequest request, RequestOptions requestOptions) {
        return inspect(request, delegate.execute(request, requestOptions));
    }

    @Override
    public CompletableFuture<HttpResponse> executeAsync(HttpRequest request, RequestOptions requestOptions) {
        return delegate.executeAsync(request, requestOptions).thenApply(response -> inspect(request, response));
    }

    @Override
    public void close() {
        delegate.close();
    }

    private HttpResponse inspect(HttpRequest request, HttpResponse response) {
        byte[] body;
        try (response; InputStream in = response.body()) {
            body = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("reading response body of " + request.method() + " " + request.url(), e);
        }
        List<String> contentType = response.headers().values("Content-Type");
        recorder.record(checker.check(request.method().name(), URI.create(request.url()), response.statusCode(),
                contentType.isEmpty() ? null : contentType.getFirst(), body));
        return new BufferedResponse(response.statusCode(), response.headers(), body);
    }

    private record BufferedResponse(int statusCode, Headers headers, InputStream body) implements HttpResponse {

        BufferedResponse(int statusCode, Headers headers, byte[] body) {
            this(statusCode, headers, new ByteArrayInputStream(body));
        }

        @Override
        public void close() {
            // nothing to release: the original response was closed after buffering
        }
    }
}
