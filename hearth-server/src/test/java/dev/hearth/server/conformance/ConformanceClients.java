package dev.hearth.server.conformance;

import com.openai.client.OpenAIClient;
import com.openai.client.OpenAIClientImpl;
import com.openai.client.okhttp.OkHttpClient;
import com.openai.core.ClientOptions;
import java.net.URI;
import java.time.Duration;

/**
 * Clients whose every response is checked against the OpenAPI spec and recorded in a {@link ConformanceRecorder}.
 * Retries are off (a retry would hide the first, failing response from the test) and requests time out after
 * {@link #TIMEOUT} rather than the SDK's ten minutes.
 */
public final class ConformanceClients {

    static final Duration TIMEOUT = Duration.ofSeconds(30);

    private ConformanceClients() {
    }

    /**
     * The official SDK client for a server, validating with {@link SpecValidator#shared()}. {@code baseUrl} is what
     * you would give the SDK, e.g. {@code http://127.0.0.1:8080/v1}.
     */
    public static OpenAIClient openAi(URI baseUrl, String apiKey, ConformanceRecorder recorder) {
        return openAi(baseUrl, apiKey, recorder, SpecValidator.shared());
    }

    public static OpenAIClient openAi(URI baseUrl, String apiKey, ConformanceRecorder recorder, SpecValidator validator) {
        OkHttpClient okHttp = OkHttpClient.builder().timeout(TIMEOUT).build();
        ClientOptions options = ClientOptions.builder()
                .httpClient(new ValidatingHttpClient(okHttp, new ResponseChecker(validator), recorder))
                .baseUrl(baseUrl.toString())
                .apiKey(apiKey)
                .maxRetries(0)
                .timeout(TIMEOUT)
                .build();
        return new OpenAIClientImpl(options);
    }

    /** A plain {@link java.net.http.HttpClient} helper for requests the SDK cannot make; {@code apiKey} may be null. */
    public static RawHttp rawHttp(URI baseUrl, String apiKey, ConformanceRecorder recorder) {
        return rawHttp(baseUrl, apiKey, recorder, SpecValidator.shared());
    }

    public static RawHttp rawHttp(URI baseUrl, String apiKey, ConformanceRecorder recorder, SpecValidator validator) {
        return new RawHttp(baseUrl, apiKey, new ResponseChecker(validator), recorder);
    }
}
