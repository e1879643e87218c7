package dev.hearth.server.conformance;

import com.openai.client.OpenAIClient;
import java.net.URI;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit extension that owns a {@link ConformanceRecorder} and fails each test whose responses violated the spec.
 * Register it as a field: {@code @RegisterExtension final ConformanceExtension conformance = new ConformanceExtension();}
 * (static works too: the recorder is cleared after every test).
 */
public final class ConformanceExtension implements AfterEachCallback {

    private final ConformanceRecorder recorder = new ConformanceRecorder();

    public ConformanceRecorder recorder() {
        return recorder;
    }

    /** See {@link ConformanceClients#openAi(URI, String, ConformanceRecorder)}. */
    public OpenAIClient openAi(URI baseUrl, String apiKey) {
        return ConformanceClients.openAi(baseUrl, apiKey, recorder);
    }

    /** See {@link ConformanceClients#rawHttp(URI, String, ConformanceRecorder)}. */
    public RawHttp rawHttp(URI baseUrl, String apiKey) {
        return ConformanceClients.rawHttp(baseUrl, apiKey, recorder);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        try {
            recorder.assertNoViolationsSoFar();
        } finally {
            recorder.clear();
        }
    }
}
